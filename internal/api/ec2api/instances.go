package ec2api

import (
	"strconv"

	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/ec2"
	"github.com/iamd-dev/iamd/internal/policy"
)

// runInstances validates the request, authorizes ec2:RunInstances on every resource EC2
// checks for it (the instance with its condition keys, the image, and the network and
// storage resources a launch creates or uses), ec2:CreateTags for tags on creation, and
// iam:PassRole of the profile's role to ec2.amazonaws.com; then launches. Nothing of the
// size of MaxCount is made before the launch, which makes no more than the account's
// instance limit allows.
func (a *API) runInstances(c *call) (any, error) {
	p := c.q.Params
	minCount, err := requiredIntParam(p, "MinCount")
	if err != nil {
		return nil, err
	}
	maxCount, err := requiredIntParam(p, "MaxCount")
	if err != nil {
		return nil, err
	}
	md, err := metadataInput(p, "MetadataOptions.")
	if err != nil {
		return nil, err
	}
	in := ec2.RunInput{
		Account: c.account, Region: c.region, RequesterARN: c.caller.Principal.ID,
		ImageID: p.Get("ImageId"), InstanceType: p.Get("InstanceType"), MinCount: minCount, MaxCount: maxCount,
		Profile: profileRef(p, "IamInstanceProfile"), Metadata: md, TagSpecs: tagSpecs(p), ClientToken: p.Get("ClientToken"),
		RequestHash: requestHash(p, "Action", "Version", "ClientToken", "DryRun"),
	}
	plan, err := a.ec2.PlanRun(c.ctx, in)
	if err != nil {
		return nil, err
	}
	instanceARN := ec2.InstanceARN(c.region, c.account, "*")
	c.resource = instanceARN
	if err := a.authorize(c, runRequests(c, plan, instanceARN, p.Get("ImageId"))...); err != nil {
		return nil, err
	}
	if boolParam(p, "DryRun") {
		return nil, dryRun()
	}
	launched, err := a.ec2.Launch(c.ctx, plan)
	if err != nil {
		return nil, err
	}
	out := runInstancesResponse{RequestID: c.requestID, reservationXML: reservationXML{ReservationID: launched.ReservationID, OwnerID: c.account}}
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

func runRequests(c *call, plan *ec2.RunPlan, instanceARN, imageID string) []authz.Request {
	var inst policy.Context
	inst.Set("ec2:Region", c.region)
	inst.Set("ec2:InstanceType", plan.InstanceType)
	inst.Set("ec2:Tenancy", "default")
	inst.Set("ec2:RootDeviceType", "ebs")
	inst.Set("ec2:EbsOptimized", "false")
	inst.Set("ec2:MetadataHttpTokens", plan.Metadata.HTTPTokens)
	inst.Set("ec2:MetadataHttpEndpoint", plan.Metadata.HTTPEndpoint)
	inst.Set("ec2:MetadataHttpPutResponseHopLimit", strconv.Itoa(plan.Metadata.HTTPPutResponseHopLimit))
	inst.Set("ec2:InstanceMetadataTags", plan.Metadata.InstanceMetadataTags)
	if plan.Profile != nil {
		inst.Set("ec2:InstanceProfile", plan.Profile.ARN)
	}
	var tagCtx policy.Context
	if len(plan.Tags) > 0 {
		keys := make([]string, 0, len(plan.Tags))
		for _, t := range plan.Tags {
			inst.Set("aws:RequestTag/"+t.Key, t.Value)
			tagCtx.Set("aws:RequestTag/"+t.Key, t.Value)
			keys = append(keys, t.Key)
		}
		inst.Set("aws:TagKeys", keys...)
		tagCtx.Set("aws:TagKeys", keys...)
	}
	var image policy.Context
	image.Set("ec2:Region", c.region)
	image.Set("ec2:ImageType", "machine")
	image.Set("ec2:RootDeviceType", "ebs")
	regional := func(kind string) authz.Request {
		var ctx policy.Context
		ctx.Set("ec2:Region", c.region)
		return authz.Request{Action: "ec2:RunInstances", Resource: "arn:aws:ec2:" + c.region + ":" + c.account + ":" + kind + "/*", Context: ctx}
	}
	reqs := []authz.Request{
		{Action: "ec2:RunInstances", Resource: instanceARN, Context: inst},
		{Action: "ec2:RunInstances", Resource: "arn:aws:ec2:" + c.region + "::image/" + imageID, Context: image, ResourceAccount: c.account},
		regional("network-interface"), regional("security-group"), regional("subnet"), regional("volume"),
	}
	if len(plan.Tags) > 0 {
		tagCtx.Set("ec2:CreateAction", "RunInstances")
		tagCtx.Set("ec2:Region", c.region)
		reqs = append(reqs, authz.Request{Action: "ec2:CreateTags", Resource: instanceARN, Context: tagCtx})
	}
	if plan.Profile != nil && plan.Profile.RoleARN != "" {
		reqs = append(reqs, passRole(plan.Profile, instanceARN))
	}
	return reqs
}

// describeInstances needs ec2:DescribeInstances (which has no resource-level permissions)
// and groups the page's instances by reservation, in the order they come.
func (a *API) describeInstances(c *call) (any, error) {
	p := c.q.Params
	maxResults, err := intParam(p, "MaxResults")
	if err != nil {
		return nil, err
	}
	if err := a.authorize(c, authz.Request{Action: "ec2:DescribeInstances", Resource: "*"}); err != nil {
		return nil, err
	}
	if boolParam(p, "DryRun") {
		return nil, dryRun()
	}
	res, err := a.ec2.Describe(c.ctx, ec2.DescribeInput{
		Account: c.account, Region: c.region, IDs: strList(p, "InstanceId"), Filters: filters(p),
		MaxResults: maxResults, NextToken: p.Get("NextToken"),
	})
	if err != nil {
		return nil, err
	}
	out := describeInstancesResponse{RequestID: c.requestID, NextToken: res.NextToken}
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
	ids, _, err := a.authorizeEach(c, "ec2:TerminateInstances")
	if err != nil {
		return nil, err
	}
	changes, err := a.ec2.Terminate(c.ctx, c.account, c.region, ids)
	if err != nil {
		return nil, err
	}
	for _, ch := range changes {
		if a.machines != nil {
			a.machines.Stopped(ch.InstanceID)
		}
	}
	return stateChangesResponse(c, changes), nil
}

// modifyMetadataOptions needs ec2:ModifyInstanceMetadataOptions on the instance.
func (a *API) modifyMetadataOptions(c *call) (any, error) {
	p := c.q.Params
	md, err := metadataInput(p, "")
	if err != nil {
		return nil, err
	}
	inst, err := a.ec2.Instance(c.ctx, c.account, c.region, p.Get("InstanceId"))
	if err != nil {
		if p.Get("InstanceId") == "" {
			return nil, missingParam("InstanceId")
		}
		return nil, err
	}
	if err := a.authorizeOn(c, "ec2:ModifyInstanceMetadataOptions", inst, nil); err != nil {
		return nil, err
	}
	if boolParam(p, "DryRun") {
		return nil, dryRun()
	}
	changed, err := a.ec2.ModifyMetadataOptions(c.ctx, c.account, c.region, inst.ID, md)
	if err != nil {
		return nil, err
	}
	return modifyMetadataResponse{RequestID: c.requestID, Instance: changed.ID, Options: metadata(changed.Metadata, "pending")}, nil
}
