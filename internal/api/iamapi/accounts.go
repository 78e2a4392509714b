package iamapi

import (
	"encoding/xml"
	"sort"
	"strings"

	"github.com/iamd-dev/iamd/internal/iam"
)

// Account-level actions are authorized on "*": the Service Authorization Reference lists no
// resource type for them.
func accountRoutes() map[string]route {
	return map[string]route{
		"CreateAccountAlias":             anywhere((*call).createAccountAlias),
		"DeleteAccountAlias":             anywhere((*call).deleteAccountAlias),
		"ListAccountAliases":             anywhere((*call).listAccountAliases),
		"GetAccountSummary":              anywhere((*call).getAccountSummary),
		"GetAccountAuthorizationDetails": anywhere((*call).getAccountAuthorizationDetails),
	}
}

func (c *call) createAccountAlias() (any, error) {
	return nil, c.api.iam.CreateAccountAlias(c.ctx, c.account, c.q.Get("AccountAlias"))
}

func (c *call) deleteAccountAlias() (any, error) {
	return nil, c.api.iam.DeleteAccountAlias(c.ctx, c.account, c.q.Get("AccountAlias"))
}

type listAccountAliasesResult struct {
	AccountAliases xmlMembers `xml:"AccountAliases"`
	IsTruncated    bool       `xml:"IsTruncated"`
	Marker         string     `xml:"Marker,omitempty"`
}

func (c *call) listAccountAliases() (any, error) {
	p, err := c.page()
	if err != nil {
		return nil, err
	}
	page, err := c.api.iam.ListAccountAliases(c.ctx, c.account, p)
	if err != nil {
		return nil, err
	}
	return listAccountAliasesResult{xmlMembers{page.Items}, page.IsTruncated, page.Marker}, nil
}

// xmlSummaryMap is a Query-protocol map: <entry><key/><value/></entry>, in a fixed order.
type xmlSummaryMap struct {
	Entries []iam.SummaryEntry
}

func (m xmlSummaryMap) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	type entry struct {
		Key   string `xml:"key"`
		Value int    `xml:"value"`
	}
	type entries struct {
		Entry []entry `xml:"entry"`
	}
	var out entries
	for _, en := range m.Entries {
		out.Entry = append(out.Entry, entry{en.Key, en.Value})
	}
	return e.EncodeElement(out, start)
}

type getAccountSummaryResult struct {
	SummaryMap xmlSummaryMap `xml:"SummaryMap"`
}

func (c *call) getAccountSummary() (any, error) {
	entries, err := c.api.iam.GetAccountSummary(c.ctx, c.account)
	if err != nil {
		return nil, err
	}
	return getAccountSummaryResult{xmlSummaryMap{entries}}, nil
}

// The shapes of GetAccountAuthorizationDetails (AttachedPolicy and PolicyVersion are the
// managed-policy actions' renderings).

type xmlPolicyDetail struct {
	PolicyName     string `xml:"PolicyName"`
	PolicyDocument string `xml:"PolicyDocument"`
}

type xmlPolicyDetailList struct {
	Members []xmlPolicyDetail `xml:"member"`
}

func policyDetailList(inline map[string]string) xmlPolicyDetailList {
	var out xmlPolicyDetailList
	names := make([]string, 0, len(inline))
	for name := range inline {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool { return strings.ToLower(names[i]) < strings.ToLower(names[j]) })
	for _, name := range names {
		out.Members = append(out.Members, xmlPolicyDetail{name, encodeDocument(inline[name])})
	}
	return out
}

type xmlAuthzAttachedPolicies struct {
	Members []xmlAttachedPolicy `xml:"member"`
}

func authzAttachedPolicies(arns []string) xmlAuthzAttachedPolicies {
	var out xmlAuthzAttachedPolicies
	for _, arn := range arns {
		out.Members = append(out.Members, xmlAttachedPolicy{PolicyName: policyNameOfARN(arn), PolicyArn: arn})
	}
	return out
}

// policyNameOfARN is the name of a managed policy from its ARN: the last segment of
// arn:aws:iam::ACCOUNT:policy/PATH/NAME.
func policyNameOfARN(arn string) string {
	return arn[strings.LastIndexByte(arn, '/')+1:]
}

type xmlUserDetail struct {
	Path                    string                   `xml:"Path"`
	UserName                string                   `xml:"UserName"`
	UserID                  string                   `xml:"UserId"`
	Arn                     string                   `xml:"Arn"`
	CreateDate              string                   `xml:"CreateDate"`
	UserPolicyList          xmlPolicyDetailList      `xml:"UserPolicyList"`
	GroupList               xmlMembers               `xml:"GroupList"`
	AttachedManagedPolicies xmlAuthzAttachedPolicies `xml:"AttachedManagedPolicies"`
	PermissionsBoundary     *xmlBoundary             `xml:"PermissionsBoundary,omitempty"`
	Tags                    *xmlTags                 `xml:"Tags,omitempty"`
}

type xmlGroupDetail struct {
	Path                    string                   `xml:"Path"`
	GroupName               string                   `xml:"GroupName"`
	GroupID                 string                   `xml:"GroupId"`
	Arn                     string                   `xml:"Arn"`
	CreateDate              string                   `xml:"CreateDate"`
	GroupPolicyList         xmlPolicyDetailList      `xml:"GroupPolicyList"`
	AttachedManagedPolicies xmlAuthzAttachedPolicies `xml:"AttachedManagedPolicies"`
}

type xmlInstanceProfileList struct {
	Members []xmlInstanceProfile `xml:"member"`
}

type xmlRoleDetail struct {
	Path                     string                   `xml:"Path"`
	RoleName                 string                   `xml:"RoleName"`
	RoleID                   string                   `xml:"RoleId"`
	Arn                      string                   `xml:"Arn"`
	CreateDate               string                   `xml:"CreateDate"`
	AssumeRolePolicyDocument string                   `xml:"AssumeRolePolicyDocument,omitempty"`
	InstanceProfileList      xmlInstanceProfileList   `xml:"InstanceProfileList"`
	RolePolicyList           xmlPolicyDetailList      `xml:"RolePolicyList"`
	AttachedManagedPolicies  xmlAuthzAttachedPolicies `xml:"AttachedManagedPolicies"`
	PermissionsBoundary      *xmlBoundary             `xml:"PermissionsBoundary,omitempty"`
	Tags                     *xmlTags                 `xml:"Tags,omitempty"`
	RoleLastUsed             *xmlRoleLastUsed         `xml:"RoleLastUsed,omitempty"`
}

type xmlAuthzPolicyVersions struct {
	Members []xmlPolicyVersion `xml:"member"`
}

type xmlManagedPolicyDetail struct {
	PolicyName                    string                 `xml:"PolicyName"`
	PolicyID                      string                 `xml:"PolicyId"`
	Arn                           string                 `xml:"Arn"`
	Path                          string                 `xml:"Path"`
	DefaultVersionID              string                 `xml:"DefaultVersionId"`
	AttachmentCount               int                    `xml:"AttachmentCount"`
	PermissionsBoundaryUsageCount int                    `xml:"PermissionsBoundaryUsageCount"`
	IsAttachable                  bool                   `xml:"IsAttachable"`
	Description                   string                 `xml:"Description,omitempty"`
	CreateDate                    string                 `xml:"CreateDate"`
	UpdateDate                    string                 `xml:"UpdateDate"`
	PolicyVersionList             xmlAuthzPolicyVersions `xml:"PolicyVersionList"`
}

type getAccountAuthorizationDetailsResult struct {
	UserDetailList  []xmlUserDetail          `xml:"UserDetailList>member"`
	GroupDetailList []xmlGroupDetail         `xml:"GroupDetailList>member"`
	RoleDetailList  []xmlRoleDetail          `xml:"RoleDetailList>member"`
	Policies        []xmlManagedPolicyDetail `xml:"Policies>member"`
	IsTruncated     bool                     `xml:"IsTruncated"`
	Marker          string                   `xml:"Marker,omitempty"`
}

func (c *call) getAccountAuthorizationDetails() (any, error) {
	p, err := c.page()
	if err != nil {
		return nil, err
	}
	d, err := c.api.iam.GetAccountAuthorizationDetails(c.ctx, c.account, c.q.List("Filter"), p)
	if err != nil {
		return nil, err
	}
	out := getAccountAuthorizationDetailsResult{IsTruncated: d.IsTruncated, Marker: d.Marker}
	for i := range d.Users {
		u := &d.Users[i]
		out.UserDetailList = append(out.UserDetailList, xmlUserDetail{
			Path: u.Path, UserName: u.Name, UserID: u.ID, Arn: u.ARN(), CreateDate: isoTime(u.CreateDate),
			UserPolicyList: policyDetailList(u.InlinePolicies), GroupList: xmlMembers{u.Groups},
			AttachedManagedPolicies: authzAttachedPolicies(u.AttachedPolicies),
			PermissionsBoundary:     boundaryXML(u.PermissionsBoundary), Tags: tagsXML(u.Tags),
		})
	}
	for i := range d.Groups {
		g := &d.Groups[i]
		out.GroupDetailList = append(out.GroupDetailList, xmlGroupDetail{
			Path: g.Path, GroupName: g.Name, GroupID: g.ID, Arn: g.ARN(), CreateDate: isoTime(g.CreateDate),
			GroupPolicyList: policyDetailList(g.InlinePolicies), AttachedManagedPolicies: authzAttachedPolicies(g.AttachedPolicies),
		})
	}
	for i := range d.Roles {
		r := &d.Roles[i].Role
		x := xmlRoleDetail{
			Path: r.Path, RoleName: r.Name, RoleID: r.ID, Arn: r.ARN(), CreateDate: isoTime(r.CreateDate),
			AssumeRolePolicyDocument: encodeDocument(r.AssumeRolePolicy),
			RolePolicyList:           policyDetailList(r.InlinePolicies), AttachedManagedPolicies: authzAttachedPolicies(r.AttachedPolicies),
			PermissionsBoundary: boundaryXML(r.PermissionsBoundary), Tags: tagsXML(r.Tags),
			RoleLastUsed: &xmlRoleLastUsed{},
		}
		if r.LastUsed != nil {
			x.RoleLastUsed = &xmlRoleLastUsed{LastUsedDate: isoTime(r.LastUsed.Date), Region: r.LastUsed.Region}
		}
		for j := range d.Roles[i].InstanceProfiles {
			x.InstanceProfileList.Members = append(x.InstanceProfileList.Members, instanceProfileXML(&d.Roles[i].InstanceProfiles[j], false))
		}
		out.RoleDetailList = append(out.RoleDetailList, x)
	}
	for i := range d.Policies {
		mp := &d.Policies[i]
		x := xmlManagedPolicyDetail{
			PolicyName: mp.Name, PolicyID: mp.ID, Arn: mp.ARN(), Path: mp.Path, DefaultVersionID: mp.DefaultVersion,
			AttachmentCount: mp.AttachmentCount, PermissionsBoundaryUsageCount: mp.BoundaryUseCount, IsAttachable: true,
			Description: mp.Description, CreateDate: isoTime(mp.CreateDate), UpdateDate: isoTime(mp.UpdateDate),
		}
		for j := range mp.Versions {
			x.PolicyVersionList.Members = append(x.PolicyVersionList.Members, policyVersionXML(mp, &mp.Versions[j], true))
		}
		out.Policies = append(out.Policies, x)
	}
	return out, nil
}
