package ec2api

import (
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/ec2"
	"github.com/iamd-dev/iamd/internal/policy"
)

// authorize decides one request; a denial is EC2's UnauthorizedOperation, worded as
// authz.UnauthorizedOperation words it (encoded for actions that change something, in plain
// words for Describe calls).
func (a *API) authorize(c *call, r authz.Request) error {
	d, err := a.authz.Decide(c.Ctx, c.Caller, r)
	if err != nil {
		return err
	}
	if d.Result == policy.Allowed {
		return nil
	}
	return authz.UnauthorizedOperation(a.msgs, c.Caller, r, &d)
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
