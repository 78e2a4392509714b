package sts

import (
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/authz"
)

// TestSessionLimitsIAMNeedsMFA: GetSessionToken's sessions call IAM only when made with MFA
// (STS API reference, GetSessionToken); iamd's own API and most of STS stay closed to them.
func TestSessionLimitsIAMNeedsMFA(t *testing.T) {
	plain := &authz.Caller{SessionKind: KindUser}
	mfa := &authz.Caller{SessionKind: KindUser, MFAAuthTime: time.Unix(1_800_000_000, 0)}
	federated := &authz.Caller{SessionKind: KindFederatedUser, MFAAuthTime: time.Unix(1_800_000_000, 0)}
	for _, tc := range []struct {
		caller *authz.Caller
		action string
		ok     bool
	}{
		{plain, "iam:ListRoles", false},
		{mfa, "iam:ListRoles", true},
		{mfa, "iamd:LintPolicy", false},
		{mfa, "sts:GetFederationToken", false},
		{mfa, "sts:AssumeRole", true},
		{federated, "iam:ListRoles", false},
		{plain, "s3:GetObject", true},
	} {
		if err := SessionLimits(tc.caller, tc.action); (err == nil) != tc.ok {
			t.Errorf("%s for %+v: %v, want allowed %v", tc.action, tc.caller, err, tc.ok)
		}
	}
}
