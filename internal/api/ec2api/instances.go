package ec2api

import (
	"github.com/iamd-dev/iamd/internal/api/ec2query"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/ec2"
)

// runInstances validates the request, authorizes what a launch needs (ec2.RunPlan.Requests)
// and launches. Nothing of the size of MaxCount is made before the launch, which makes no
// more than the account's instance limit allows.
func (a *API) runInstances(c *call) (any, error) {
	p := c.In.Params
	minCount, err := p.RequiredInt("MinCount")
	if err != nil {
		return nil, err
	}
	maxCount, err := p.RequiredInt("MaxCount")
	if err != nil {
		return nil, err
	}
	md, err := metadataOptions(p.Struct("MetadataOptions"))
	if err != nil {
		return nil, err
	}
	in := ec2.RunInput{
		Account: c.account, Region: c.region, RequesterARN: c.Caller.Principal.ID,
		ImageID: p.Get("ImageId"), InstanceType: p.Get("InstanceType"), MinCount: minCount, MaxCount: maxCount,
		Profile: instanceProfile(p), Metadata: md, TagSpecs: tagSpecs(p), ClientToken: p.Get("ClientToken"),
		RequestHash: p.Hash("Action", "Version", "ClientToken", "DryRun"),
	}
	plan, err := a.ec2.PlanRun(c.Ctx, in)
	if err != nil {
		return nil, err
	}
	c.Resource = plan.InstancesARN()
	if err := a.authorizeAll(c, plan.Requests()); err != nil {
		return nil, err
	}
	if p.Bool("DryRun") {
		return nil, dryRun()
	}
	launched, err := a.ec2.Launch(c.Ctx, plan)
	if err != nil {
		return nil, err
	}
	out := reservationXML{ReservationID: launched.ReservationID, OwnerID: c.account}
	for i := range launched.Instances {
		inst := &launched.Instances[i]
		// A repeated client token answers the earlier instances as they are now.
		out.InstancesSet.Items = append(out.InstancesSet.Items, instance(inst, !launched.Replayed))
		if a.machines != nil && !launched.Replayed {
			a.machines.Started(*inst)
		}
	}
	return out, nil
}

// describeInstances needs ec2:DescribeInstances (which has no resource-level permissions)
// and groups the page's instances by reservation, in the order they come.
func (a *API) describeInstances(c *call) (any, error) {
	p := c.In.Params
	maxResults, err := p.Int("MaxResults")
	if err != nil {
		return nil, err
	}
	if err := a.authorize(c, authz.Request{Action: c.Action, Resource: "*"}); err != nil {
		return nil, err
	}
	if p.Bool("DryRun") {
		return nil, dryRun()
	}
	res, err := a.ec2.Describe(c.Ctx, ec2.DescribeInput{
		Account: c.account, Region: c.region, IDs: p.List("InstanceId"), Filters: filters(p),
		MaxResults: maxResults, NextToken: p.Get("NextToken"),
	})
	if err != nil {
		return nil, err
	}
	out := describeInstancesResponse{NextToken: res.NextToken}
	index := map[string]int{}
	for i := range res.Instances {
		inst := &res.Instances[i]
		k, ok := index[inst.ReservationID]
		if !ok {
			k = len(out.ReservationSet.Items)
			index[inst.ReservationID] = k
			out.ReservationSet.Items = append(out.ReservationSet.Items, reservationXML{ReservationID: inst.ReservationID, OwnerID: inst.Account})
		}
		r := &out.ReservationSet.Items[k]
		r.InstancesSet.Items = append(r.InstancesSet.Items, instance(inst, false))
	}
	return out, nil
}

// terminateInstances needs ec2:TerminateInstances on each instance.
func (a *API) terminateInstances(c *call) (any, error) {
	ids, _, err := a.authorizeEach(c)
	if err != nil {
		return nil, err
	}
	changes, err := a.ec2.Terminate(c.Ctx, c.account, c.region, ids)
	if err != nil {
		return nil, err
	}
	for _, ch := range changes {
		if a.machines != nil {
			a.machines.Stopped(ch.InstanceID)
		}
	}
	return stateChanges(changes), nil
}

// modifyMetadataOptions needs ec2:ModifyInstanceMetadataOptions on the instance.
func (a *API) modifyMetadataOptions(c *call) (any, error) {
	p := c.In.Params
	md, err := metadataOptions(p)
	if err != nil {
		return nil, err
	}
	inst, err := a.ec2.Instance(c.Ctx, c.account, c.region, p.Get("InstanceId"))
	if err != nil {
		if p.Get("InstanceId") == "" {
			return nil, ec2query.MissingParameter("InstanceId")
		}
		return nil, err
	}
	if err := a.authorizeOn(c, inst, []authz.Request{inst.Request(c.Action)}); err != nil {
		return nil, err
	}
	if p.Bool("DryRun") {
		return nil, dryRun()
	}
	changed, err := a.ec2.ModifyMetadataOptions(c.Ctx, c.account, c.region, inst.ID, md)
	if err != nil {
		return nil, err
	}
	return modifyMetadataResponse{Instance: changed.ID, Options: metadata(changed.Metadata, "pending")}, nil
}
