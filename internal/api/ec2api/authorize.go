package ec2api

import (
	"strconv"
	"strings"

	"github.com/iamd-dev/iamd/internal/authmsg"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/ec2"
	"github.com/iamd-dev/iamd/internal/policy"
)

const unauthorized = "You are not authorized to perform this operation."

// authorize decides each request in turn; the first one denied fails the call with EC2's
// UnauthorizedOperation. Actions that change something carry an encoded authorization
// failure message (sts:DecodeAuthorizationMessage reads it); Describe calls name the
// action in plain words, as EC2 does.
func (a *API) authorize(c *call, reqs ...authz.Request) error {
	for _, r := range reqs {
		d, err := a.authz.Decide(c.ctx, c.caller, r)
		if err != nil {
			return err
		}
		if d.Result == policy.Allowed {
			continue
		}
		if strings.HasPrefix(r.Action, "ec2:Describe") {
			// Describe actions have no resource-level permissions: AWS names no resource.
			msg := strings.Replace(authz.DeniedMessage(c.caller.Principal.ID, r.Action, r.Resource, &d), " on resource: *", "", 1)
			return awserr.New("UnauthorizedOperation", "%s %s", unauthorized, msg)
		}
		ctx := r.Context.Clone()
		f := authmsg.FromDecision(&d, c.caller.UserID, c.caller.Principal.ID, r.Action, r.Resource, &ctx)
		encoded, err := a.msgs.Encode(c.account, f)
		if err != nil {
			return awserr.New("UnauthorizedOperation", "%s", unauthorized)
		}
		return awserr.New("UnauthorizedOperation", "%s Encoded authorization failure message: %s", unauthorized, encoded)
	}
	return nil
}

// dryRun is EC2's answer to an authorized call with DryRun set.
func dryRun() error {
	return awserr.New("DryRunOperation", "Request would have succeeded, but DryRun flag is set.")
}

// instanceRequest is an action on an existing instance, with the condition keys EC2 sets
// for instances (ec2:ResourceTag/*, aws:ResourceTag/*, ec2:InstanceType, ec2:InstanceProfile,
// ec2:Region, the metadata options).
func instanceRequest(action string, inst *ec2.Instance) authz.Request {
	var ctx policy.Context
	for _, t := range inst.Tags {
		ctx.Set("ec2:ResourceTag/"+t.Key, t.Value)
		ctx.Set("aws:ResourceTag/"+t.Key, t.Value)
	}
	ctx.Set("ec2:Region", inst.Region)
	ctx.Set("ec2:InstanceType", inst.InstanceType)
	ctx.Set("ec2:Tenancy", "default")
	ctx.Set("ec2:RootDeviceType", "ebs")
	ctx.Set("ec2:AvailabilityZone", inst.AvailabilityZone)
	ctx.Set("ec2:MetadataHttpTokens", inst.Metadata.HTTPTokens)
	ctx.Set("ec2:MetadataHttpEndpoint", inst.Metadata.HTTPEndpoint)
	ctx.Set("ec2:MetadataHttpPutResponseHopLimit", strconv.Itoa(inst.Metadata.HTTPPutResponseHopLimit))
	if inst.Profile != nil {
		ctx.Set("ec2:InstanceProfile", inst.Profile.ProfileARN)
	}
	return authz.Request{Action: action, Resource: inst.ARN(), Context: ctx, ResourceAccount: inst.Account}
}

// authorizeOn authorizes action on an existing instance, the call's resource, and, with a
// profile that has a role, iam:PassRole of that role for the instance.
func (a *API) authorizeOn(c *call, action string, inst *ec2.Instance, p *ec2.Profile) error {
	c.resource = inst.ARN()
	reqs := []authz.Request{instanceRequest(action, inst)}
	if p != nil && p.RoleARN != "" {
		reqs = append(reqs, passRole(p, inst.ARN()))
	}
	return a.authorize(c, reqs...)
}

// passRole is iam:PassRole of a profile's role to EC2 for the resource (an instance ARN).
func passRole(p *ec2.Profile, associatedResource string) authz.Request {
	var ctx policy.Context
	ctx.Set("iam:PassedToService", ec2.ServicePrincipal)
	ctx.Set("iam:AssociatedResourceArn", associatedResource)
	return authz.Request{Action: "iam:PassRole", Resource: p.RoleARN, Context: ctx}
}
