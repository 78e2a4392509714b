package ec2api

import (
	"github.com/iamd-dev/iamd/internal/api/ec2query"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/ec2"
)

// resolveProfile reads and resolves IamInstanceProfile.Name/Arn.
func (a *API) resolveProfile(c *call) (*ec2.Profile, error) {
	ref := instanceProfile(c.In.Params)
	if ref == nil {
		return nil, ec2query.MissingParameter("IamInstanceProfile")
	}
	return a.ec2.ResolveProfile(c.Ctx, c.account, *ref)
}

// associate needs ec2:AssociateIamInstanceProfile on the instance and iam:PassRole of the
// profile's role.
func (a *API) associate(c *call) (any, error) {
	id := c.In.Get("InstanceId")
	if id == "" {
		return nil, ec2query.MissingParameter("InstanceId")
	}
	inst, err := a.ec2.Instance(c.Ctx, c.account, c.region, id)
	if err != nil {
		return nil, err
	}
	p, err := a.resolveProfile(c)
	if err != nil {
		return nil, err
	}
	if err := a.authorizeOn(c, inst, ec2.ProfileRequests(c.Action, inst, p)); err != nil {
		return nil, err
	}
	return associationResult(a.ec2.Associate(c.Ctx, c.account, c.region, id, p))
}

// associationTarget reads AssociationId and finds the instance with that association.
func (a *API) associationTarget(c *call) (string, *ec2.Instance, error) {
	id := c.In.Get("AssociationId")
	if id == "" {
		return "", nil, ec2query.MissingParameter("AssociationId")
	}
	inst, err := a.ec2.FindAssociation(c.Ctx, c.account, c.region, id)
	return id, inst, err
}

// disassociate needs ec2:DisassociateIamInstanceProfile on the association's instance.
func (a *API) disassociate(c *call) (any, error) {
	id, inst, err := a.associationTarget(c)
	if err != nil {
		return nil, err
	}
	if err := a.authorizeOn(c, inst, []authz.Request{inst.Request(c.Action)}); err != nil {
		return nil, err
	}
	return associationResult(a.ec2.Disassociate(c.Ctx, inst, id))
}

// replace needs ec2:ReplaceIamInstanceProfileAssociation on the instance and iam:PassRole
// of the new profile's role.
func (a *API) replace(c *call) (any, error) {
	id, inst, err := a.associationTarget(c)
	if err != nil {
		return nil, err
	}
	p, err := a.resolveProfile(c)
	if err != nil {
		return nil, err
	}
	if err := a.authorizeOn(c, inst, ec2.ProfileRequests(c.Action, inst, p)); err != nil {
		return nil, err
	}
	return associationResult(a.ec2.Replace(c.Ctx, inst, id, p))
}

// associationResult answers an association change with the association.
func associationResult(res *ec2.AssociationInfo, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return associationResponse{Association: association(res)}, nil
}

// describeAssociations needs ec2:DescribeIamInstanceProfileAssociations.
func (a *API) describeAssociations(c *call) (any, error) {
	maxResults, err := c.In.Int("MaxResults")
	if err != nil {
		return nil, err
	}
	if err := a.authorize(c, authz.Request{Action: c.Action, Resource: "*"}); err != nil {
		return nil, err
	}
	list, next, err := a.ec2.Associations(c.Ctx, ec2.AssociationsInput{
		Account: c.account, Region: c.region, IDs: c.In.List("AssociationId"), Filters: filters(c.In.Params),
		MaxResults: maxResults, NextToken: c.In.Get("NextToken"),
	})
	if err != nil {
		return nil, err
	}
	out := describeAssociationsResponse{NextToken: next}
	for i := range list {
		out.Associations.Items = append(out.Associations.Items, association(&list[i]))
	}
	return out, nil
}
