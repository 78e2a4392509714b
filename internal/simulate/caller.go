package simulate

import (
	"strings"

	"github.com/iamd-dev/iamd/internal/arn"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/policy"
)

// callerOf settles who the simulated caller is. CallerArn may only name an IAM user; it is
// required to simulate a resource policy (its Principal element needs a caller to match).
// Without one the caller only needs to be an IAM principal of the account, as identity
// policies apply to whoever holds them: the role simulated, or a user of the account.
func callerOf(account, partition, callerARN string, src *iam.SimulationSource, withResourcePolicy bool) (policy.Principal, error) {
	if callerARN != "" {
		p, err := policy.ParsePrincipal(callerARN)
		if err != nil || p.Kind != policy.User {
			return policy.Principal{}, awserr.InvalidInput("Invalid CallerArn: %s. You can specify only the ARN of an IAM user.", callerARN)
		}
		return p, nil
	}
	if withResourcePolicy {
		return policy.Principal{}, awserr.InvalidInput("CallerArn must be specified when the simulation includes a ResourcePolicy and PolicySourceArn is not the ARN of an IAM user.")
	}
	if src != nil && src.Kind == "role" {
		return policy.Principal{Kind: policy.Role, ID: src.ARN, Account: account, Name: src.Name}, nil
	}
	return policy.Principal{Kind: policy.User, ID: arn.IAM(partition, account, "user/"), Account: account}, nil
}

// ownerOf reads ResourceOwner, the account owning resources whose ARN names none: an
// account id or its root user's ARN; the caller's account when absent.
func ownerOf(owner string, caller policy.Principal) (string, error) {
	switch {
	case owner == "":
		return caller.Account, nil
	case arn.IsAccountID(owner):
		return owner, nil
	}
	if id, ok := strings.CutPrefix(owner, "arn:"+caller.Partition()+":iam::"); ok {
		if id, ok = strings.CutSuffix(id, ":root"); ok && arn.IsAccountID(id) {
			return id, nil
		}
	}
	return "", awserr.InvalidInput("Invalid ResourceOwner: %s. Give an account ID or arn:%s:iam::ACCOUNT-ID:root.", owner, caller.Partition())
}
