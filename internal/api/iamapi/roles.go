package iamapi

import "github.com/iamd-dev/iamd/internal/iam"

func roleRoutes() map[string]route {
	return map[string]route{
		"CreateRole":             creates((*call).newRoleARN, (*call).createRole),
		"GetRole":                on(OnRole, (*call).getRole),
		"DeleteRole":             on(OnRole, (*call).deleteRole),
		"ListRoles":              lists("role", (*call).listRoles),
		"UpdateRole":             on(OnRole, (*call).updateRole),
		"UpdateRoleDescription":  on(OnRole, (*call).updateRoleDescription),
		"UpdateAssumeRolePolicy": on(OnRole, (*call).updateAssumeRolePolicy),
		"PutRolePolicy":          on(OnRole, (*call).putRolePolicy),
		"GetRolePolicy":          on(OnRole, (*call).getRolePolicy),
		"DeleteRolePolicy":       on(OnRole, (*call).deleteRolePolicy),
		"ListRolePolicies":       on(OnRole, (*call).listRolePolicies),
		"TagRole":                on(OnRole, (*call).tagRole),
		"UntagRole":              on(OnRole, (*call).untagRole),
		"ListRoleTags":           on(OnRole, (*call).listRoleTags),
	}
}

type roleResult struct {
	Role xmlRole `xml:"Role"`
}

func (c *call) createRole() (any, error) {
	duration, err := c.intParam("MaxSessionDuration", "maxSessionDuration")
	if err != nil {
		return nil, err
	}
	r, err := c.api.iam.CreateRole(c.ctx, iam.CreateRoleInput{
		Account: c.account, Name: c.q.Get("RoleName"), Path: c.q.Get("Path"),
		AssumeRolePolicy: c.q.Get("AssumeRolePolicyDocument"), Description: c.q.Get("Description"),
		MaxSessionDuration: duration, PermissionsBoundary: c.q.Get("PermissionsBoundary"), Tags: c.tags(),
	})
	if err != nil {
		return nil, err
	}
	return roleResult{roleXML(r, false)}, nil
}

func (c *call) getRole() (any, error) {
	r, err := c.api.iam.GetRole(c.ctx, c.account, c.q.Get("RoleName"))
	if err != nil {
		return nil, err
	}
	return roleResult{roleXML(r, true)}, nil
}

func (c *call) deleteRole() (any, error) {
	return nil, c.api.iam.DeleteRole(c.ctx, c.account, c.q.Get("RoleName"))
}

type listRolesResult struct {
	Roles       []xmlRole `xml:"Roles>member"`
	IsTruncated bool      `xml:"IsTruncated"`
	Marker      string    `xml:"Marker,omitempty"`
}

func (c *call) listRoles() (any, error) {
	p, err := c.page()
	if err != nil {
		return nil, err
	}
	page, err := c.api.iam.ListRoles(c.ctx, c.account, c.q.Get("PathPrefix"), p)
	if err != nil {
		return nil, err
	}
	out := listRolesResult{Roles: []xmlRole{}, IsTruncated: page.IsTruncated, Marker: page.Marker}
	for i := range page.Items {
		out.Roles = append(out.Roles, roleXML(&page.Items[i], false))
	}
	return out, nil
}

type emptyResult struct{}

func (c *call) updateRole() (any, error) {
	duration, err := c.intParam("MaxSessionDuration", "maxSessionDuration")
	if err != nil {
		return nil, err
	}
	var description *string
	if c.q.Has("Description") {
		d := c.q.Get("Description")
		description = &d
	}
	if _, err := c.api.iam.UpdateRole(c.ctx, c.account, c.q.Get("RoleName"), description, duration); err != nil {
		return nil, err
	}
	return emptyResult{}, nil
}

func (c *call) updateRoleDescription() (any, error) {
	d := c.q.Get("Description")
	r, err := c.api.iam.UpdateRole(c.ctx, c.account, c.q.Get("RoleName"), &d, 0)
	if err != nil {
		return nil, err
	}
	return roleResult{roleXML(r, false)}, nil
}

func (c *call) updateAssumeRolePolicy() (any, error) {
	return nil, c.api.iam.UpdateAssumeRolePolicy(c.ctx, c.account, c.q.Get("RoleName"), c.q.Get("PolicyDocument"))
}

func (c *call) putRolePolicy() (any, error) {
	return nil, c.api.iam.PutRolePolicy(c.ctx, c.account, c.q.Get("RoleName"), c.q.Get("PolicyName"), c.q.Get("PolicyDocument"))
}

type getRolePolicyResult struct {
	RoleName       string `xml:"RoleName"`
	PolicyName     string `xml:"PolicyName"`
	PolicyDocument string `xml:"PolicyDocument"`
}

func (c *call) getRolePolicy() (any, error) {
	doc, err := c.api.iam.GetRolePolicy(c.ctx, c.account, c.q.Get("RoleName"), c.q.Get("PolicyName"))
	if err != nil {
		return nil, err
	}
	return getRolePolicyResult{c.q.Get("RoleName"), c.q.Get("PolicyName"), encodeDocument(doc)}, nil
}

func (c *call) deleteRolePolicy() (any, error) {
	return nil, c.api.iam.DeleteRolePolicy(c.ctx, c.account, c.q.Get("RoleName"), c.q.Get("PolicyName"))
}

type listPolicyNamesResult struct {
	PolicyNames xmlMembers `xml:"PolicyNames"`
	IsTruncated bool       `xml:"IsTruncated"`
	Marker      string     `xml:"Marker,omitempty"`
}

func (c *call) listRolePolicies() (any, error) {
	p, err := c.page()
	if err != nil {
		return nil, err
	}
	page, err := c.api.iam.ListRolePolicies(c.ctx, c.account, c.q.Get("RoleName"), p)
	if err != nil {
		return nil, err
	}
	return listPolicyNamesResult{xmlMembers{page.Items}, page.IsTruncated, page.Marker}, nil
}

func (c *call) tagRole() (any, error) {
	return nil, c.api.iam.TagRole(c.ctx, c.account, c.q.Get("RoleName"), c.tags())
}

func (c *call) untagRole() (any, error) {
	return nil, c.api.iam.UntagRole(c.ctx, c.account, c.q.Get("RoleName"), c.q.List("TagKeys"))
}

type listTagsResult struct {
	Tags        []xmlTag `xml:"Tags>member"`
	IsTruncated bool     `xml:"IsTruncated"`
	Marker      string   `xml:"Marker,omitempty"`
}

func (c *call) listRoleTags() (any, error) {
	return c.tagPage(func(p iam.Page) (iam.PageOf[iam.Tag], error) {
		return c.api.iam.ListRoleTags(c.ctx, c.account, c.q.Get("RoleName"), p)
	})
}
