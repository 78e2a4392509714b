package iamapi

import "github.com/iamd-dev/iamd/internal/iam"

// attachmentRoutes are the calls that attach managed policies to roles, users and groups
// (authorized on the entity), that list where a policy is used (on the policy), and that
// set a role's permissions boundary (on the role).
func attachmentRoutes() map[string]route {
	return map[string]route{
		"AttachRolePolicy":              on(OnRole, attachPolicyRun(iam.HolderRole, "RoleName")),
		"DetachRolePolicy":              on(OnRole, detachPolicyRun(iam.HolderRole, "RoleName")),
		"ListAttachedRolePolicies":      on(OnRole, listAttachedPoliciesRun(iam.HolderRole, "RoleName")),
		"AttachUserPolicy":              on(OnUser, attachPolicyRun(iam.HolderUser, "UserName")),
		"DetachUserPolicy":              on(OnUser, detachPolicyRun(iam.HolderUser, "UserName")),
		"ListAttachedUserPolicies":      on(OnUser, listAttachedPoliciesRun(iam.HolderUser, "UserName")),
		"AttachGroupPolicy":             on(OnGroup, attachPolicyRun(iam.HolderGroup, "GroupName")),
		"DetachGroupPolicy":             on(OnGroup, detachPolicyRun(iam.HolderGroup, "GroupName")),
		"ListAttachedGroupPolicies":     on(OnGroup, listAttachedPoliciesRun(iam.HolderGroup, "GroupName")),
		"ListEntitiesForPolicy":         on(OnPolicy, (*call).listEntitiesForPolicy),
		"PutRolePermissionsBoundary":    on(OnRole, (*call).putRolePermissionsBoundary),
		"DeleteRolePermissionsBoundary": on(OnRole, (*call).deleteRolePermissionsBoundary),
	}
}

// attachPolicyRun returns the run func of Attach{Role,User,Group}Policy.
func attachPolicyRun(h iam.PolicyHolder, nameParam string) func(*call) (any, error) {
	return func(c *call) (any, error) {
		return nil, c.api.iam.AttachPolicy(c.ctx, c.account, h, c.q.Get(nameParam), c.q.Get("PolicyArn"))
	}
}

// detachPolicyRun returns the run func of Detach{Role,User,Group}Policy.
func detachPolicyRun(h iam.PolicyHolder, nameParam string) func(*call) (any, error) {
	return func(c *call) (any, error) {
		return nil, c.api.iam.DetachPolicy(c.ctx, c.account, h, c.q.Get(nameParam), c.q.Get("PolicyArn"))
	}
}

type xmlAttachedPolicy struct {
	PolicyName string `xml:"PolicyName"`
	PolicyArn  string `xml:"PolicyArn"`
}

type listAttachedPoliciesResult struct {
	AttachedPolicies []xmlAttachedPolicy `xml:"AttachedPolicies>member"`
	IsTruncated      bool                `xml:"IsTruncated"`
	Marker           string              `xml:"Marker,omitempty"`
}

// listAttachedPoliciesRun returns the run func of ListAttached{Role,User,Group}Policies.
func listAttachedPoliciesRun(h iam.PolicyHolder, nameParam string) func(*call) (any, error) {
	return func(c *call) (any, error) {
		p, err := c.page()
		if err != nil {
			return nil, err
		}
		page, err := c.api.iam.ListAttachedPolicies(c.ctx, c.account, h, c.q.Get(nameParam), c.q.Get("PathPrefix"), p)
		if err != nil {
			return nil, err
		}
		out := listAttachedPoliciesResult{AttachedPolicies: []xmlAttachedPolicy{}, IsTruncated: page.IsTruncated, Marker: page.Marker}
		for _, a := range page.Items {
			out.AttachedPolicies = append(out.AttachedPolicies, xmlAttachedPolicy{a.Name, a.ARN})
		}
		return out, nil
	}
}

type xmlPolicyGroup struct {
	GroupName string `xml:"GroupName"`
	GroupID   string `xml:"GroupId"`
}

type xmlPolicyUser struct {
	UserName string `xml:"UserName"`
	UserID   string `xml:"UserId"`
}

type xmlPolicyRole struct {
	RoleName string `xml:"RoleName"`
	RoleID   string `xml:"RoleId"`
}

type listEntitiesForPolicyResult struct {
	PolicyGroups []xmlPolicyGroup `xml:"PolicyGroups>member"`
	PolicyUsers  []xmlPolicyUser  `xml:"PolicyUsers>member"`
	PolicyRoles  []xmlPolicyRole  `xml:"PolicyRoles>member"`
	IsTruncated  bool             `xml:"IsTruncated"`
	Marker       string           `xml:"Marker,omitempty"`
}

func (c *call) listEntitiesForPolicy() (any, error) {
	p, err := c.page()
	if err != nil {
		return nil, err
	}
	page, err := c.api.iam.ListEntitiesForPolicy(c.ctx, iam.ListEntitiesForPolicyInput{
		Account: c.account, PolicyARN: c.q.Get("PolicyArn"), EntityFilter: c.q.Get("EntityFilter"),
		PathPrefix: c.q.Get("PathPrefix"), UsageFilter: c.q.Get("PolicyUsageFilter"), Page: p,
	})
	if err != nil {
		return nil, err
	}
	out := listEntitiesForPolicyResult{IsTruncated: page.IsTruncated, Marker: page.Marker}
	for _, e := range page.Items {
		switch e.Kind {
		case iam.HolderGroup:
			out.PolicyGroups = append(out.PolicyGroups, xmlPolicyGroup{e.Name, e.ID})
		case iam.HolderUser:
			out.PolicyUsers = append(out.PolicyUsers, xmlPolicyUser{e.Name, e.ID})
		case iam.HolderRole:
			out.PolicyRoles = append(out.PolicyRoles, xmlPolicyRole{e.Name, e.ID})
		}
	}
	return out, nil
}

func (c *call) putRolePermissionsBoundary() (any, error) {
	return nil, c.api.iam.PutRolePermissionsBoundary(c.ctx, c.account, c.q.Get("RoleName"), c.q.Get("PermissionsBoundary"))
}

func (c *call) deleteRolePermissionsBoundary() (any, error) {
	return nil, c.api.iam.DeleteRolePermissionsBoundary(c.ctx, c.account, c.q.Get("RoleName"))
}
