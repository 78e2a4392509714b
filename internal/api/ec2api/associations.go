package ec2api

import (
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/ec2"
)

func missingParam(name string) error {
	return awserr.New("MissingParameter", "The request must contain the parameter %s", name)
}

// resolveProfile reads and resolves IamInstanceProfile.Name/Arn.
func (a *API) resolveProfile(c *call) (*ec2.Profile, error) {
	ref := profileRef(c.q.Params, "IamInstanceProfile")
	if ref == nil {
		return nil, missingParam("IamInstanceProfile")
	}
	return a.ec2.ResolveProfile(c.ctx, c.account, *ref)
}

// associate needs ec2:AssociateIamInstanceProfile on the instance and iam:PassRole of the
// profile's role.
func (a *API) associate(c *call) (any, error) {
	id := c.q.Get("InstanceId")
	if id == "" {
		return nil, missingParam("InstanceId")
	}
	inst, err := a.ec2.Instance(c.ctx, c.account, c.region, id)
	if err != nil {
		return nil, err
	}
	p, err := a.resolveProfile(c)
	if err != nil {
		return nil, err
	}
	if err := a.authorizeOn(c, "ec2:AssociateIamInstanceProfile", inst, p); err != nil {
		return nil, err
	}
	return c.associationResult(a.ec2.Associate(c.ctx, c.account, c.region, id, p))
}

// associationTarget reads AssociationId and finds the instance with that association.
func (a *API) associationTarget(c *call) (string, *ec2.Instance, error) {
	id := c.q.Get("AssociationId")
	if id == "" {
		return "", nil, missingParam("AssociationId")
	}
	inst, err := a.ec2.FindAssociation(c.ctx, c.account, c.region, id)
	return id, inst, err
}

// disassociate needs ec2:DisassociateIamInstanceProfile on the association's instance.
func (a *API) disassociate(c *call) (any, error) {
	id, inst, err := a.associationTarget(c)
	if err != nil {
		return nil, err
	}
	if err := a.authorizeOn(c, "ec2:DisassociateIamInstanceProfile", inst, nil); err != nil {
		return nil, err
	}
	return c.associationResult(a.ec2.Disassociate(c.ctx, inst, id))
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
	if err := a.authorizeOn(c, "ec2:ReplaceIamInstanceProfileAssociation", inst, p); err != nil {
		return nil, err
	}
	return c.associationResult(a.ec2.Replace(c.ctx, inst, id, p))
}

// associationResult answers an association change with the association.
func (c *call) associationResult(res *ec2.AssociationInfo, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return associationResponse{RequestID: c.requestID, Association: association(res)}, nil
}

// describeAssociations needs ec2:DescribeIamInstanceProfileAssociations.
func (a *API) describeAssociations(c *call) (any, error) {
	p := c.q.Params
	maxResults, err := intParam(p, "MaxResults")
	if err != nil {
		return nil, err
	}
	if err := a.authorize(c, authz.Request{Action: "ec2:DescribeIamInstanceProfileAssociations", Resource: "*"}); err != nil {
		return nil, err
	}
	list, next, err := a.ec2.Associations(c.ctx, ec2.AssociationsInput{
		Account: c.account, Region: c.region, IDs: strList(p, "AssociationId"), Filters: filters(p),
		MaxResults: maxResults, NextToken: p.Get("NextToken"),
	})
	if err != nil {
		return nil, err
	}
	out := describeAssociationsResponse{RequestID: c.requestID, NextToken: next}
	for i := range list {
		out.Associations.Items = append(out.Associations.Items, association(&list[i]))
	}
	return out, nil
}
