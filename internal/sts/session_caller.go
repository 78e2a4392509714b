package sts

import (
	"fmt"

	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/policy"
)

// Caller is the caller the session's credentials stand for: everything the session itself
// says (principal, account, tags, policies, issue and expiry times, MFA, federation). The
// request's own facts (source address, transport, time, region) are the server's to add.
func (s *Session) Caller() (*authz.Caller, error) {
	p, err := policy.ParsePrincipal(s.ARN())
	if err != nil {
		return nil, fmt.Errorf("sts: the session's ARN %s: %w", s.ARN(), err)
	}
	return &authz.Caller{
		Principal: p, Account: s.Account, UserID: s.UserID(), UserName: s.UserName, Tags: s.Tags,
		EntityID: s.EntityID(), SessionKind: s.Kind, AccessKeyID: s.AccessKeyID, SessionPolicies: s.Policies,
		TokenIssueTime: s.IssuedAt, SessionExpiry: s.Expires, MFAAuthTime: s.MFAAuthTime,
		SourceIdentity: s.SourceIdentity, TransitiveTagKeys: s.TransitiveKeys, FederatedProvider: s.FederatedProvider,
	}, nil
}
