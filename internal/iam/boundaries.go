package iam

import (
	"errors"

	"github.com/iamd-dev/iamd/internal/arn"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/managedpolicies"
)

// useAsBoundary checks that policyARN names a managed policy of the account and counts a
// use (delta +1) or the end of one (-1) as a permissions boundary.
func (s *Service) useAsBoundary(tx docstore.Tx, account, policyARN string, delta int) error {
	var p ManagedPolicy
	if _, ok := policyNameFromARN(account, policyARN); !ok && !managedpolicies.IsAWSManaged(policyARN) {
		return awserr.InvalidInput("ARN %s is not valid.", policyARN)
	}
	err := findManagedPolicy(tx, account, policyARN, &p)
	if errors.Is(err, docstore.ErrNotFound) {
		return awserr.NoSuchEntity("Scope ARN: %s does not exist or is not attachable.", policyARN)
	}
	if err != nil {
		return err
	}
	p.BoundaryUseCount += delta
	return putPolicy(tx, account, &p)
}

// policyNameFromARN returns the name of a customer managed policy of the account from its
// ARN (arn:PARTITION:iam::ACCOUNT:policy/PATH/NAME). The partition is not checked here: the
// policy found is, by its stored ARN.
func policyNameFromARN(account, policyARN string) (string, bool) {
	prefix := arn.IAM(partitionOfARN(policyARN), account, "policy/")
	if len(policyARN) <= len(prefix) || policyARN[:len(prefix)] != prefix {
		return "", false
	}
	return lastPathSegment(policyARN[len(prefix):]), true
}

// partitionOfARN is the partition an ARN names, aws when it names none.
func partitionOfARN(s string) string { return arn.OrDefault(arn.PartitionOfARN(s)) }

func lastPathSegment(s string) string {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '/' {
			return s[i+1:]
		}
	}
	return s
}
