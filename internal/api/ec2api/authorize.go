package ec2api

import (
	"strings"

	"github.com/iamd-dev/iamd/internal/authmsg"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/ec2"
	"github.com/iamd-dev/iamd/internal/policy"
)

const unauthorized = "You are not authorized to perform this operation."

// authorize decides one request; a denial is EC2's UnauthorizedOperation. Actions that
// change something carry an encoded authorization failure message
// (sts:DecodeAuthorizationMessage reads it); Describe calls name the action in plain words,
// as EC2 does.
func (a *API) authorize(c *call, r authz.Request) error {
	d, err := a.authz.Decide(c.Ctx, c.Caller, r)
	if err != nil {
		return err
	}
	if d.Result == policy.Allowed {
		return nil
	}
	if strings.HasPrefix(r.Action, "ec2:Describe") {
		// Describe actions have no resource-level permissions: AWS names no resource.
		msg := authz.DeniedMessage(c.Caller.Principal.ID, r.Action, "", &d)
		return awserr.New("UnauthorizedOperation", "%s %s", unauthorized, msg)
	}
	ctx := r.Context.Clone()
	f := authmsg.FromDecision(&d, c.Caller.UserID, c.Caller.Principal.ID, r.Action, r.Resource, &ctx)
	encoded, err := a.msgs.Encode(c.account, f)
	if err != nil {
		return awserr.New("UnauthorizedOperation", "%s", unauthorized)
	}
	return awserr.New("UnauthorizedOperation", "%s Encoded authorization failure message: %s", unauthorized, encoded)
}

// authorizeAll decides each request in turn; the first one denied fails the call.
func (a *API) authorizeAll(c *call, reqs []authz.Request) error {
	for _, r := range reqs {
		if err := a.authorize(c, r); err != nil {
			return err
		}
	}
	return nil
}

// authorizeOn authorizes the requests of a call on an existing instance, the call's
// resource.
func (a *API) authorizeOn(c *call, inst *ec2.Instance, reqs []authz.Request) error {
	c.Resource = inst.ARN()
	return a.authorizeAll(c, reqs)
}

// dryRun is EC2's answer to an authorized call with DryRun set.
func dryRun() error {
	return awserr.New("DryRunOperation", "Request would have succeeded, but DryRun flag is set.")
}
