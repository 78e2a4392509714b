package authz

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/iamd-dev/iamd/internal/authz/denial"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/policy"
)

// AuthorizeGranted is Authorize for an action the account itself grants the caller when
// granted is true: IAM applies a password policy's AllowUsersToChangePassword at the account
// level, as if every IAM user had an identity policy allowing iam:ChangePassword on itself
// and iam:GetAccountPasswordPolicy. The grant is evaluated as that identity policy, with the
// caller's others: an explicit Deny still refuses the request, and so do a permissions
// boundary or session policy that do not allow it.
func (a *Authorizer) AuthorizeGranted(ctx context.Context, c *Caller, r Request, granted bool) error {
	d, orphaned, err := a.decide(ctx, c, r)
	if err != nil {
		return err
	}
	if d.Result == policy.Allowed {
		return nil
	}
	if granted && !orphaned && d.Result == policy.ImplicitDeny {
		grant, err := accountGrant(r.Action, r.Resource)
		if err != nil {
			return err
		}
		with, _, err := a.decideWith(ctx, c, r, grant)
		if err != nil {
			return err
		}
		if with.Result == policy.Allowed {
			return nil
		}
		d = with
	}
	if rec := denial.RecorderFrom(ctx); rec != nil {
		reason := denial.Of(&d, r.Action, r.Resource)
		reason.EntityGone = orphaned
		rec.Keep(reason)
	}
	return awserr.AccessDenied(DeniedMessage(c.Principal.ID, r.Action, r.Resource, &d))
}

// grantLiteral escapes what a Resource element would read as a wildcard or a policy
// variable (a path may hold *, ? and $): the grant is on the one resource.
var grantLiteral = strings.NewReplacer("$", "${$}", "*", "${*}", "?", "${?}")

// accountGrant is the identity policy the account's grant stands for: the action on the
// resource.
func accountGrant(action, resource string) (*policy.Policy, error) {
	if resource != "*" {
		resource = grantLiteral.Replace(resource)
	}
	type statement struct{ Effect, Action, Resource string }
	doc, err := json.Marshal(struct {
		Version   string
		Statement []statement
	}{"2012-10-17", []statement{{"Allow", action, resource}}})
	if err != nil {
		return nil, err
	}
	p, err := policy.Parse(doc, policy.Identity)
	if err != nil {
		return nil, fmt.Errorf("authz: the account's grant of %s: %w", action, err)
	}
	p.Name = "AccountPasswordPolicy"
	return p, nil
}
