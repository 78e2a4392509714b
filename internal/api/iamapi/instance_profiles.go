package iamapi

import (
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/iam"
)

func instanceProfileRoutes() map[string]route {
	return map[string]route{
		"CreateInstanceProfile":         creates((*call).newInstanceProfileARN, (*call).createInstanceProfile),
		"GetInstanceProfile":            on(OnInstanceProfile, (*call).getInstanceProfile),
		"DeleteInstanceProfile":         on(OnInstanceProfile, (*call).deleteInstanceProfile),
		"ListInstanceProfiles":          lists("instance-profile", (*call).listInstanceProfiles),
		"AddRoleToInstanceProfile":      on(OnInstanceProfile, (*call).addRoleToInstanceProfile),
		"RemoveRoleFromInstanceProfile": on(OnInstanceProfile, (*call).removeRoleFromInstanceProfile),
		"ListInstanceProfilesForRole":   on(OnRole, (*call).listInstanceProfilesForRole),
		"TagInstanceProfile":            on(OnInstanceProfile, (*call).tagInstanceProfile),
		"UntagInstanceProfile":          on(OnInstanceProfile, (*call).untagInstanceProfile),
		"ListInstanceProfileTags":       on(OnInstanceProfile, (*call).listInstanceProfileTags),
	}
}

// xmlInstanceProfileRoles is the Roles list of an InstanceProfile: always present, empty
// when the profile has no role.
type xmlInstanceProfileRoles struct {
	Members []xmlRole `xml:"member"`
}

type xmlInstanceProfile struct {
	Path                string                  `xml:"Path"`
	InstanceProfileName string                  `xml:"InstanceProfileName"`
	InstanceProfileID   string                  `xml:"InstanceProfileId"`
	Arn                 string                  `xml:"Arn"`
	CreateDate          string                  `xml:"CreateDate"`
	Roles               xmlInstanceProfileRoles `xml:"Roles"`
	Tags                *xmlTags                `xml:"Tags,omitempty"`
}

// instanceProfileXML renders a profile with its roles as AWS shows them there (path, names,
// id, ARN, date and trust policy); full adds the tags, which only GetInstanceProfile returns.
func instanceProfileXML(p *iam.InstanceProfileWithRoles, full bool) xmlInstanceProfile {
	x := xmlInstanceProfile{
		Path: p.Profile.Path, InstanceProfileName: p.Profile.Name, InstanceProfileID: p.Profile.ID,
		Arn: p.Profile.ARN(), CreateDate: isoTime(p.Profile.CreateDate),
	}
	for i := range p.Roles {
		r := &p.Roles[i]
		x.Roles.Members = append(x.Roles.Members, xmlRole{
			Path: r.Path, RoleName: r.Name, RoleID: r.ID, Arn: r.ARN(), CreateDate: isoTime(r.CreateDate),
			AssumeRolePolicyDocument: encodeDocument(r.AssumeRolePolicy),
		})
	}
	if full {
		x.Tags = tagsXML(p.Profile.Tags)
	}
	return x
}

type instanceProfileResult struct {
	InstanceProfile xmlInstanceProfile `xml:"InstanceProfile"`
}

func (c *call) createInstanceProfile() (any, error) {
	p, err := c.api.iam.CreateInstanceProfile(c.ctx, iam.CreateInstanceProfileInput{
		Account: c.account, Name: c.q.Get("InstanceProfileName"), Path: c.q.Get("Path"), Tags: c.tags(),
	})
	if err != nil {
		return nil, err
	}
	return instanceProfileResult{instanceProfileXML(&iam.InstanceProfileWithRoles{Profile: *p}, true)}, nil
}

func (c *call) getInstanceProfile() (any, error) {
	p, err := c.api.iam.GetInstanceProfile(c.ctx, c.account, c.q.Get("InstanceProfileName"))
	if err != nil {
		return nil, err
	}
	return instanceProfileResult{instanceProfileXML(p, true)}, nil
}

func (c *call) deleteInstanceProfile() (any, error) {
	return nil, c.api.iam.DeleteInstanceProfile(c.ctx, c.account, c.q.Get("InstanceProfileName"))
}

type listInstanceProfilesResult struct {
	InstanceProfiles []xmlInstanceProfile `xml:"InstanceProfiles>member"`
	IsTruncated      bool                 `xml:"IsTruncated"`
	Marker           string               `xml:"Marker,omitempty"`
}

func instanceProfilesPage(page iam.PageOf[iam.InstanceProfileWithRoles]) listInstanceProfilesResult {
	out := listInstanceProfilesResult{InstanceProfiles: []xmlInstanceProfile{}, IsTruncated: page.IsTruncated, Marker: page.Marker}
	for i := range page.Items {
		out.InstanceProfiles = append(out.InstanceProfiles, instanceProfileXML(&page.Items[i], false))
	}
	return out
}

func (c *call) listInstanceProfiles() (any, error) {
	p, err := c.page()
	if err != nil {
		return nil, err
	}
	page, err := c.api.iam.ListInstanceProfiles(c.ctx, c.account, c.q.Get("PathPrefix"), p)
	if err != nil {
		return nil, err
	}
	return instanceProfilesPage(page), nil
}

func (c *call) listInstanceProfilesForRole() (any, error) {
	p, err := c.page()
	if err != nil {
		return nil, err
	}
	page, err := c.api.iam.ListInstanceProfilesForRole(c.ctx, c.account, c.q.Get("RoleName"), p)
	if err != nil {
		return nil, err
	}
	return instanceProfilesPage(page), nil
}

// addRoleToInstanceProfile also needs iam:PassRole on the role, as AWS requires of the
// caller.
func (c *call) addRoleToInstanceProfile() (any, error) {
	role, err := c.storedARN(iam.KindRole, "RoleName")
	if err != nil {
		return nil, err
	}
	if err := c.api.authz.Authorize(c.ctx, c.caller, authz.Request{Action: "iam:PassRole", Resource: role}); err != nil {
		return nil, err
	}
	return nil, c.api.iam.AddRoleToInstanceProfile(c.ctx, c.account, c.q.Get("InstanceProfileName"), c.q.Get("RoleName"))
}

func (c *call) removeRoleFromInstanceProfile() (any, error) {
	return nil, c.api.iam.RemoveRoleFromInstanceProfile(c.ctx, c.account, c.q.Get("InstanceProfileName"), c.q.Get("RoleName"))
}

func (c *call) tagInstanceProfile() (any, error) {
	return nil, c.api.iam.TagInstanceProfile(c.ctx, c.account, c.q.Get("InstanceProfileName"), c.tags())
}

func (c *call) untagInstanceProfile() (any, error) {
	return nil, c.api.iam.UntagInstanceProfile(c.ctx, c.account, c.q.Get("InstanceProfileName"), c.q.List("TagKeys"))
}

func (c *call) listInstanceProfileTags() (any, error) {
	return c.tagPage(func(p iam.Page) (iam.PageOf[iam.Tag], error) {
		return c.api.iam.ListInstanceProfileTags(c.ctx, c.account, c.q.Get("InstanceProfileName"), p)
	})
}
