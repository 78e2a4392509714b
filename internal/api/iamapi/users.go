package iamapi

import (
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/policy"
)

func userRoutes() map[string]route {
	return map[string]route{
		"CreateUser":                    creates((*call).newUserARN, (*call).createUser),
		"GetUser":                       on(OnUser, (*call).getUser),
		"ListUsers":                     lists("user", (*call).listUsers),
		"UpdateUser":                    on(OnUser, (*call).updateUser),
		"DeleteUser":                    on(OnUser, (*call).deleteUser),
		"PutUserPolicy":                 on(OnUser, (*call).putUserPolicy),
		"GetUserPolicy":                 on(OnUser, (*call).getUserPolicy),
		"DeleteUserPolicy":              on(OnUser, (*call).deleteUserPolicy),
		"ListUserPolicies":              on(OnUser, (*call).listUserPolicies),
		"TagUser":                       on(OnUser, (*call).tagUser),
		"UntagUser":                     on(OnUser, (*call).untagUser),
		"ListUserTags":                  on(OnUser, (*call).listUserTags),
		"PutUserPermissionsBoundary":    on(OnUser, (*call).putUserPermissionsBoundary),
		"DeleteUserPermissionsBoundary": on(OnUser, (*call).deleteUserPermissionsBoundary),
	}
}

// subjectUser is the user an action that may omit UserName acts on: the named one, else the
// calling user ("" for the root user). Other callers must name a user.
func (c *call) subjectUser() (string, error) {
	if c.q.Has("UserName") {
		name := c.q.Get("UserName")
		if name == "" {
			return "", awserr.ValidationError("1 validation error detected: Value '' at 'userName' failed to satisfy constraint: Member must have length greater than or equal to 1")
		}
		return name, nil
	}
	switch {
	case c.caller.IsRoot():
		return "", nil
	case c.caller.Principal.Kind == policy.User:
		return c.caller.UserName, nil
	}
	return "", awserr.ValidationError("Must specify userName when calling with non-User credentials")
}

type xmlUser struct {
	Path                string       `xml:"Path,omitempty"`
	UserName            string       `xml:"UserName,omitempty"`
	UserID              string       `xml:"UserId"`
	Arn                 string       `xml:"Arn"`
	CreateDate          string       `xml:"CreateDate"`
	PermissionsBoundary *xmlBoundary `xml:"PermissionsBoundary,omitempty"`
	Tags                *xmlTags     `xml:"Tags,omitempty"`
}

type xmlUsers struct {
	Members []xmlUser `xml:"member"`
}

// userXML renders a user; full adds what list calls leave out (boundary, tags).
func userXML(u *iam.User, full bool) xmlUser {
	x := xmlUser{Path: u.Path, UserName: u.Name, UserID: u.ID, Arn: u.ARN(), CreateDate: isoTime(u.CreateDate)}
	if full {
		x.PermissionsBoundary = boundaryXML(u.PermissionsBoundary)
		x.Tags = tagsXML(u.Tags)
	}
	return x
}

func usersXML(users []iam.User) xmlUsers {
	out := xmlUsers{Members: []xmlUser{}}
	for i := range users {
		out.Members = append(out.Members, userXML(&users[i], false))
	}
	return out
}

type userResult struct {
	User xmlUser `xml:"User"`
}

func (c *call) createUser() (any, error) {
	u, err := c.api.iam.CreateUser(c.ctx, iam.CreateUserInput{
		Account: c.account, Name: c.q.Get("UserName"), Path: c.q.Get("Path"),
		PermissionsBoundary: c.q.Get("PermissionsBoundary"), Tags: c.tags(),
	})
	if err != nil {
		return nil, err
	}
	return userResult{userXML(u, true)}, nil
}

func (c *call) getUser() (any, error) {
	name, err := c.subjectUser()
	if err != nil {
		return nil, err
	}
	if name == "" {
		// The root user: AWS answers with the account's root, named by no user name.
		a, err := c.api.iam.Account(c.ctx, c.account)
		if err != nil {
			return nil, err
		}
		return userResult{xmlUser{UserID: a.ID, Arn: iam.RootARN(a.Partition, a.ID), CreateDate: isoTime(a.CreateDate)}}, nil
	}
	u, err := c.api.iam.GetUser(c.ctx, c.account, name)
	if err != nil {
		return nil, err
	}
	return userResult{userXML(u, true)}, nil
}

type listUsersResult struct {
	Users       xmlUsers `xml:"Users"`
	IsTruncated bool     `xml:"IsTruncated"`
	Marker      string   `xml:"Marker,omitempty"`
}

func (c *call) listUsers() (any, error) {
	p, err := c.page()
	if err != nil {
		return nil, err
	}
	page, err := c.api.iam.ListUsers(c.ctx, c.account, c.q.Get("PathPrefix"), p)
	if err != nil {
		return nil, err
	}
	return listUsersResult{usersXML(page.Items), page.IsTruncated, page.Marker}, nil
}

func (c *call) updateUser() (any, error) {
	name, newName, newPath := c.q.Get("UserName"), c.q.Get("NewUserName"), c.q.Get("NewPath")
	// Renaming or moving a user needs the permission on the new ARN too.
	if u, err := c.api.iam.GetUser(c.ctx, c.account, name); err == nil && (newName != "" || newPath != "") {
		target := *u
		if newName != "" {
			target.Name = newName
		}
		if newPath != "" {
			target.Path = newPath
		}
		if target.ARN() != u.ARN() {
			if err := c.api.authz.Authorize(c.ctx, c.caller, authz.Request{Action: "iam:UpdateUser", Resource: target.ARN()}); err != nil {
				return nil, err
			}
		}
	}
	if _, err := c.api.iam.UpdateUser(c.ctx, c.account, name, newName, newPath); err != nil {
		return nil, err
	}
	return nil, nil
}

func (c *call) deleteUser() (any, error) {
	return nil, c.api.iam.DeleteUser(c.ctx, c.account, c.q.Get("UserName"))
}

func (c *call) putUserPolicy() (any, error) {
	return nil, c.api.iam.PutUserPolicy(c.ctx, c.account, c.q.Get("UserName"), c.q.Get("PolicyName"), c.q.Get("PolicyDocument"))
}

type getUserPolicyResult struct {
	UserName       string `xml:"UserName"`
	PolicyName     string `xml:"PolicyName"`
	PolicyDocument string `xml:"PolicyDocument"`
}

func (c *call) getUserPolicy() (any, error) {
	doc, err := c.api.iam.GetUserPolicy(c.ctx, c.account, c.q.Get("UserName"), c.q.Get("PolicyName"))
	if err != nil {
		return nil, err
	}
	return getUserPolicyResult{c.q.Get("UserName"), c.q.Get("PolicyName"), encodeDocument(doc)}, nil
}

func (c *call) deleteUserPolicy() (any, error) {
	return nil, c.api.iam.DeleteUserPolicy(c.ctx, c.account, c.q.Get("UserName"), c.q.Get("PolicyName"))
}

func (c *call) listUserPolicies() (any, error) {
	p, err := c.page()
	if err != nil {
		return nil, err
	}
	page, err := c.api.iam.ListUserPolicies(c.ctx, c.account, c.q.Get("UserName"), p)
	if err != nil {
		return nil, err
	}
	return listPolicyNamesResult{xmlMembers{page.Items}, page.IsTruncated, page.Marker}, nil
}

func (c *call) tagUser() (any, error) {
	return nil, c.api.iam.TagUser(c.ctx, c.account, c.q.Get("UserName"), c.tags())
}

func (c *call) untagUser() (any, error) {
	return nil, c.api.iam.UntagUser(c.ctx, c.account, c.q.Get("UserName"), c.q.List("TagKeys"))
}

func (c *call) listUserTags() (any, error) {
	return c.tagPage(func(p iam.Page) (iam.PageOf[iam.Tag], error) {
		return c.api.iam.ListUserTags(c.ctx, c.account, c.q.Get("UserName"), p)
	})
}

func (c *call) putUserPermissionsBoundary() (any, error) {
	return nil, c.api.iam.PutUserPermissionsBoundary(c.ctx, c.account, c.q.Get("UserName"), c.q.Get("PermissionsBoundary"))
}

func (c *call) deleteUserPermissionsBoundary() (any, error) {
	return nil, c.api.iam.DeleteUserPermissionsBoundary(c.ctx, c.account, c.q.Get("UserName"))
}
