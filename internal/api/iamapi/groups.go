package iamapi

import (
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/iam"
)

func groupRoutes() map[string]route {
	return map[string]route{
		"CreateGroup":         creates((*call).newGroupARN, (*call).createGroup),
		"GetGroup":            on(OnGroup, (*call).getGroup),
		"ListGroups":          lists("group", (*call).listGroups),
		"UpdateGroup":         on(OnGroup, (*call).updateGroup),
		"DeleteGroup":         on(OnGroup, (*call).deleteGroup),
		"AddUserToGroup":      on(OnGroup, (*call).addUserToGroup),
		"RemoveUserFromGroup": on(OnGroup, (*call).removeUserFromGroup),
		"ListGroupsForUser":   on(OnUser, (*call).listGroupsForUser),
		"PutGroupPolicy":      on(OnGroup, (*call).putGroupPolicy),
		"GetGroupPolicy":      on(OnGroup, (*call).getGroupPolicy),
		"DeleteGroupPolicy":   on(OnGroup, (*call).deleteGroupPolicy),
		"ListGroupPolicies":   on(OnGroup, (*call).listGroupPolicies),
	}
}

type xmlGroup struct {
	Path       string `xml:"Path"`
	GroupName  string `xml:"GroupName"`
	GroupID    string `xml:"GroupId"`
	Arn        string `xml:"Arn"`
	CreateDate string `xml:"CreateDate"`
}

type xmlGroups struct {
	Members []xmlGroup `xml:"member"`
}

func groupXML(g *iam.Group) xmlGroup {
	return xmlGroup{Path: g.Path, GroupName: g.Name, GroupID: g.ID, Arn: g.ARN(), CreateDate: isoTime(g.CreateDate)}
}

func groupsXML(groups []iam.Group) xmlGroups {
	out := xmlGroups{Members: []xmlGroup{}}
	for i := range groups {
		out.Members = append(out.Members, groupXML(&groups[i]))
	}
	return out
}

type groupResult struct {
	Group xmlGroup `xml:"Group"`
}

func (c *call) createGroup() (any, error) {
	g, err := c.api.iam.CreateGroup(c.ctx, c.account, c.q.Get("GroupName"), c.q.Get("Path"))
	if err != nil {
		return nil, err
	}
	return groupResult{groupXML(g)}, nil
}

type getGroupResult struct {
	Group       xmlGroup `xml:"Group"`
	Users       xmlUsers `xml:"Users"`
	IsTruncated bool     `xml:"IsTruncated"`
	Marker      string   `xml:"Marker,omitempty"`
}

func (c *call) getGroup() (any, error) {
	p, err := c.page()
	if err != nil {
		return nil, err
	}
	g, users, err := c.api.iam.GetGroupWithUsers(c.ctx, c.account, c.q.Get("GroupName"), p)
	if err != nil {
		return nil, err
	}
	return getGroupResult{groupXML(g), usersXML(users.Items), users.IsTruncated, users.Marker}, nil
}

type listGroupsResult struct {
	Groups      xmlGroups `xml:"Groups"`
	IsTruncated bool      `xml:"IsTruncated"`
	Marker      string    `xml:"Marker,omitempty"`
}

func (c *call) listGroups() (any, error) {
	p, err := c.page()
	if err != nil {
		return nil, err
	}
	page, err := c.api.iam.ListGroups(c.ctx, c.account, c.q.Get("PathPrefix"), p)
	if err != nil {
		return nil, err
	}
	return listGroupsResult{groupsXML(page.Items), page.IsTruncated, page.Marker}, nil
}

func (c *call) updateGroup() (any, error) {
	name, newName, newPath := c.q.Get("GroupName"), c.q.Get("NewGroupName"), c.q.Get("NewPath")
	// Renaming or moving a group needs the permission on the new ARN too.
	if g, err := c.api.iam.GetGroup(c.ctx, c.account, name); err == nil && (newName != "" || newPath != "") {
		target := *g
		if newName != "" {
			target.Name = newName
		}
		if newPath != "" {
			target.Path = newPath
		}
		if target.ARN() != g.ARN() {
			if err := c.api.authz.Authorize(c.ctx, c.caller, authz.Request{Action: "iam:UpdateGroup", Resource: target.ARN()}); err != nil {
				return nil, err
			}
		}
	}
	if _, err := c.api.iam.UpdateGroup(c.ctx, c.account, name, newName, newPath); err != nil {
		return nil, err
	}
	return nil, nil
}

func (c *call) deleteGroup() (any, error) {
	return nil, c.api.iam.DeleteGroup(c.ctx, c.account, c.q.Get("GroupName"))
}

func (c *call) addUserToGroup() (any, error) {
	return nil, c.api.iam.AddUserToGroup(c.ctx, c.account, c.q.Get("GroupName"), c.q.Get("UserName"))
}

func (c *call) removeUserFromGroup() (any, error) {
	return nil, c.api.iam.RemoveUserFromGroup(c.ctx, c.account, c.q.Get("GroupName"), c.q.Get("UserName"))
}

func (c *call) listGroupsForUser() (any, error) {
	p, err := c.page()
	if err != nil {
		return nil, err
	}
	page, err := c.api.iam.ListGroupsForUser(c.ctx, c.account, c.q.Get("UserName"), p)
	if err != nil {
		return nil, err
	}
	return listGroupsResult{groupsXML(page.Items), page.IsTruncated, page.Marker}, nil
}

func (c *call) putGroupPolicy() (any, error) {
	return nil, c.api.iam.PutGroupPolicy(c.ctx, c.account, c.q.Get("GroupName"), c.q.Get("PolicyName"), c.q.Get("PolicyDocument"))
}

type getGroupPolicyResult struct {
	GroupName      string `xml:"GroupName"`
	PolicyName     string `xml:"PolicyName"`
	PolicyDocument string `xml:"PolicyDocument"`
}

func (c *call) getGroupPolicy() (any, error) {
	doc, err := c.api.iam.GetGroupPolicy(c.ctx, c.account, c.q.Get("GroupName"), c.q.Get("PolicyName"))
	if err != nil {
		return nil, err
	}
	return getGroupPolicyResult{c.q.Get("GroupName"), c.q.Get("PolicyName"), encodeDocument(doc)}, nil
}

func (c *call) deleteGroupPolicy() (any, error) {
	return nil, c.api.iam.DeleteGroupPolicy(c.ctx, c.account, c.q.Get("GroupName"), c.q.Get("PolicyName"))
}

func (c *call) listGroupPolicies() (any, error) {
	p, err := c.page()
	if err != nil {
		return nil, err
	}
	page, err := c.api.iam.ListGroupPolicies(c.ctx, c.account, c.q.Get("GroupName"), p)
	if err != nil {
		return nil, err
	}
	return listPolicyNamesResult{xmlMembers{page.Items}, page.IsTruncated, page.Marker}, nil
}
