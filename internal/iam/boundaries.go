package iam

import (
	"errors"

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
// ARN (arn:aws:iam::ACCOUNT:policy/PATH/NAME).
func policyNameFromARN(account, arn string) (string, bool) {
	prefix := "arn:aws:iam::" + account + ":policy/"
	if len(arn) <= len(prefix) || arn[:len(prefix)] != prefix {
		return "", false
	}
	return lastPathSegment(arn[len(prefix):]), true
}

func lastPathSegment(s string) string {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '/' {
			return s[i+1:]
		}
	}
	return s
}
