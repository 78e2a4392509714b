package sts

import (
	"context"

	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/policy"
)

// setSessionTagKeys puts a request's session tags into the trust evaluation's context:
// aws:RequestTag/KEY, aws:TagKeys and sts:TransitiveTagKeys.
func setSessionTagKeys(rc *policy.Context, tags []iam.Tag, transitive []string) {
	if len(tags) > 0 {
		keys := make([]string, 0, len(tags))
		for _, t := range tags {
			rc.Set("aws:RequestTag/"+t.Key, t.Value)
			keys = append(keys, t.Key)
		}
		rc.Set("aws:TagKeys", keys...)
	}
	if len(transitive) > 0 {
		rc.Set("sts:TransitiveTagKeys", transitive...)
	}
}

// deniedAction is the first of the actions that the role's trust policy, with the caller's
// own policies, does not allow; "" when all are allowed.
func (s *Service) deniedAction(ctx context.Context, caller *authz.Caller, role *iam.Role, trust *policy.Policy, rc policy.Context, actions ...string) (string, error) {
	for _, action := range actions {
		d, err := s.authz.Decide(ctx, caller, authz.Request{Action: action, Resource: role.ARN(), Context: rc,
			ResourcePolicy: trust, ResourceAccount: role.Account})
		if err != nil {
			return "", err
		}
		if d.Result != policy.Allowed {
			return action, nil
		}
	}
	return "", nil
}
