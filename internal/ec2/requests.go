package ec2

import (
	"strconv"

	"github.com/iamd-dev/iamd/internal/arn"
	"github.com/iamd-dev/iamd/internal/authz"
)

// EC2's launch rules: the requests each action is authorized with (the resources EC2 checks
// and the condition keys it sets on them). Deciding them, and wording a denial, is the API
// layer's.

// Conditions are the condition keys EC2 sets for an existing instance (ec2:ResourceTag/*,
// aws:ResourceTag/*, ec2:InstanceType, ec2:InstanceProfile, ec2:Region, the metadata
// options).
func (i *Instance) Conditions() authz.Context {
	var ctx authz.Context
	for _, t := range i.Tags {
		ctx.Set("ec2:ResourceTag/"+t.Key, t.Value)
		ctx.Set("aws:ResourceTag/"+t.Key, t.Value)
	}
	ctx.Set("ec2:Region", i.Region)
	ctx.Set("ec2:InstanceType", i.InstanceType)
	ctx.Set("ec2:Tenancy", "default")
	ctx.Set("ec2:RootDeviceType", "ebs")
	ctx.Set("ec2:AvailabilityZone", i.AvailabilityZone)
	ctx.Set("ec2:MetadataHttpTokens", i.Metadata.HTTPTokens)
	ctx.Set("ec2:MetadataHttpEndpoint", i.Metadata.HTTPEndpoint)
	ctx.Set("ec2:MetadataHttpPutResponseHopLimit", strconv.Itoa(i.Metadata.HTTPPutResponseHopLimit))
	if i.Profile != nil {
		ctx.Set("ec2:InstanceProfile", i.Profile.ProfileARN)
	}
	return ctx
}

// Request is action on the instance, with its condition keys.
func (i *Instance) Request(action string) authz.Request {
	return authz.Request{Action: action, Resource: i.ARN(), Context: i.Conditions(), ResourceAccount: i.Account}
}

// ProfileRequests are what giving an instance a profile needs (AssociateIamInstanceProfile,
// ReplaceIamInstanceProfileAssociation): action on the instance and, when the profile has a
// role, iam:PassRole of that role to EC2 for the instance.
func ProfileRequests(action string, inst *Instance, p *Profile) []authz.Request {
	return p.withPassRole([]authz.Request{inst.Request(action)}, inst.ARN())
}

// withPassRole appends to reqs iam:PassRole of the profile's role to EC2 for the resource
// (an instance's ARN); a profile without a role, or none, passes nothing.
func (p *Profile) withPassRole(reqs []authz.Request, resource string) []authz.Request {
	if p == nil || p.RoleARN == "" {
		return reqs
	}
	return append(reqs, authz.PassRole(p.RoleARN, ServicePrincipalIn(arn.PartitionOfARN(p.RoleARN)), resource))
}

// InstancesARN is the ARN RunInstances is authorized on for the instances it launches (their
// ids are not known yet), and the launch's resource in the audit log.
func (p *RunPlan) InstancesARN() string { return InstanceARN(p.in.Region, p.in.Account, "*") }

// Requests are what RunInstances needs: ec2:RunInstances on every resource EC2 checks for it
// (the instances with their condition keys, the image, and the network and storage
// resources a launch creates or uses), ec2:CreateTags for tags on creation, and iam:PassRole
// of the profile's role to ec2.amazonaws.com.
func (p *RunPlan) Requests() []authz.Request {
	region, account, instances := p.in.Region, p.in.Account, p.InstancesARN()
	var inst authz.Context
	inst.Set("ec2:Region", region)
	inst.Set("ec2:InstanceType", p.InstanceType)
	inst.Set("ec2:Tenancy", "default")
	inst.Set("ec2:RootDeviceType", "ebs")
	inst.Set("ec2:EbsOptimized", "false")
	inst.Set("ec2:MetadataHttpTokens", p.Metadata.HTTPTokens)
	inst.Set("ec2:MetadataHttpEndpoint", p.Metadata.HTTPEndpoint)
	inst.Set("ec2:MetadataHttpPutResponseHopLimit", strconv.Itoa(p.Metadata.HTTPPutResponseHopLimit))
	inst.Set("ec2:InstanceMetadataTags", p.Metadata.InstanceMetadataTags)
	if p.Profile != nil {
		inst.Set("ec2:InstanceProfile", p.Profile.ARN)
	}
	var tagCtx authz.Context
	if len(p.Tags) > 0 {
		keys := make([]string, 0, len(p.Tags))
		for _, t := range p.Tags {
			inst.Set("aws:RequestTag/"+t.Key, t.Value)
			tagCtx.Set("aws:RequestTag/"+t.Key, t.Value)
			keys = append(keys, t.Key)
		}
		inst.Set("aws:TagKeys", keys...)
		tagCtx.Set("aws:TagKeys", keys...)
	}
	var image authz.Context
	image.Set("ec2:Region", region)
	image.Set("ec2:ImageType", "machine")
	image.Set("ec2:RootDeviceType", "ebs")
	regional := func(kind string) authz.Request {
		var ctx authz.Context
		ctx.Set("ec2:Region", region)
		return authz.Request{Action: "ec2:RunInstances", Resource: arn.InRegion("ec2", region, account, kind+"/*"), Context: ctx}
	}
	reqs := []authz.Request{
		{Action: "ec2:RunInstances", Resource: instances, Context: inst},
		{Action: "ec2:RunInstances", Resource: arn.InRegion("ec2", region, "", "image/"+p.in.ImageID), Context: image, ResourceAccount: account},
		regional("network-interface"), regional("security-group"), regional("subnet"), regional("volume"),
	}
	if len(p.Tags) > 0 {
		tagCtx.Set("ec2:CreateAction", "RunInstances")
		tagCtx.Set("ec2:Region", region)
		reqs = append(reqs, authz.Request{Action: "ec2:CreateTags", Resource: instances, Context: tagCtx})
	}
	return p.Profile.withPassRole(reqs, instances)
}
