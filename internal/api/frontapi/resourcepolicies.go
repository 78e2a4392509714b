package frontapi

import (
	"github.com/iamd-dev/iamd/internal/resourcepolicy"
	"github.com/iamd-dev/iamd/internal/upstream"
)

// UpstreamsOwnedBy says which account owns the resources the upstreams hold whose ARN
// names no account (S3 buckets, which each upstream keeps for the one account of its keys):
// a caller of another account reaches them as AWS lets another account's callers reach a
// bucket, when its policy grants it. "" (New's) takes them for the caller's own. It forgets
// the resource policies read so far, and returns a; call it before the door serves.
func (a *API) UpstreamsOwnedBy(account string) *API {
	a.policies = resourcepolicy.New(upstream.NewPolicyReader(a.client, a.upstreams), resourcepolicy.Options{Owner: account})
	return a
}
