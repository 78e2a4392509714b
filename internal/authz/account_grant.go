package authz

import (
	"context"

	"github.com/iamd-dev/iamd/internal/authz/denial"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/policy"
)

// AuthorizeGranted is Authorize for an action the account itself grants the caller when
// granted is true: IAM applies a password policy's AllowUsersToChangePassword at the account
// level, as if every IAM user had an identity policy allowing iam:ChangePassword on itself
// and iam:GetAccountPasswordPolicy. The grant stands in for the identity policies only: a
// request their statements leave implicitly denied is allowed, while an explicit Deny, or a
// denial by a permissions boundary, session policy or SCP, still refuses it.
func (a *Authorizer) AuthorizeGranted(ctx context.Context, c *Caller, r Request, granted bool) error {
	d, orphaned, err := a.decide(ctx, c, r)
	if err != nil {
		return err
	}
	if d.Result == policy.Allowed {
		return nil
	}
	if granted && !orphaned && d.Result == policy.ImplicitDeny &&
		(d.DeniedBy == policy.LayerIdentity || d.DeniedBy == policy.LayerNone) {
		return nil
	}
	if rec := denial.RecorderFrom(ctx); rec != nil {
		reason := denial.Of(&d, r.Action, r.Resource)
		reason.EntityGone = orphaned
		rec.Keep(reason)
	}
	return awserr.AccessDenied(DeniedMessage(c.Principal.ID, r.Action, r.Resource, &d))
}
