package iamapi

import (
	"strings"

	"github.com/iamd-dev/iamd/internal/iam"
)

func managedPolicyRoutes() map[string]route {
	routes := map[string]route{
		"CreatePolicy":            creates((*call).newPolicyARN, (*call).createPolicy),
		"GetPolicy":               on(OnPolicy, (*call).getPolicy),
		"DeletePolicy":            on(OnPolicy, (*call).deletePolicy),
		"ListPolicies":            anywhere((*call).listPolicies),
		"CreatePolicyVersion":     on(OnPolicy, (*call).createPolicyVersion),
		"GetPolicyVersion":        on(OnPolicy, (*call).getPolicyVersion),
		"ListPolicyVersions":      on(OnPolicy, (*call).listPolicyVersions),
		"DeletePolicyVersion":     on(OnPolicy, (*call).deletePolicyVersion),
		"SetDefaultPolicyVersion": on(OnPolicy, (*call).setDefaultPolicyVersion),
		"TagPolicy":               on(OnPolicy, (*call).tagPolicy),
		"UntagPolicy":             on(OnPolicy, (*call).untagPolicy),
		"ListPolicyTags":          on(OnPolicy, (*call).listPolicyTags),
	}
	for action, r := range attachmentRoutes() {
		routes[action] = r
	}
	return routes
}

// boolParam reads an optional Boolean parameter (false when absent).
func (c *call) boolParam(name string) bool { return strings.EqualFold(c.q.Get(name), "true") }

type xmlPolicy struct {
	PolicyName                    string   `xml:"PolicyName"`
	PolicyID                      string   `xml:"PolicyId"`
	Arn                           string   `xml:"Arn"`
	Path                          string   `xml:"Path"`
	DefaultVersionID              string   `xml:"DefaultVersionId"`
	AttachmentCount               int      `xml:"AttachmentCount"`
	PermissionsBoundaryUsageCount int      `xml:"PermissionsBoundaryUsageCount"`
	IsAttachable                  bool     `xml:"IsAttachable"`
	Description                   string   `xml:"Description,omitempty"`
	CreateDate                    string   `xml:"CreateDate"`
	UpdateDate                    string   `xml:"UpdateDate"`
	Tags                          *xmlTags `xml:"Tags,omitempty"`
}

// policyXML renders a managed policy; full adds what ListPolicies leaves out (description,
// tags).
func policyXML(p *iam.ManagedPolicy, full bool) xmlPolicy {
	x := xmlPolicy{
		PolicyName: p.Name, PolicyID: p.ID, Arn: p.ARN(), Path: p.Path, DefaultVersionID: p.DefaultVersion,
		AttachmentCount: p.AttachmentCount, PermissionsBoundaryUsageCount: p.BoundaryUseCount, IsAttachable: true,
		CreateDate: isoTime(p.CreateDate), UpdateDate: isoTime(p.UpdateDate),
	}
	if full {
		x.Description, x.Tags = p.Description, tagsXML(p.Tags)
	}
	return x
}

type xmlPolicyVersion struct {
	Document         string `xml:"Document,omitempty"`
	VersionID        string `xml:"VersionId"`
	IsDefaultVersion bool   `xml:"IsDefaultVersion"`
	CreateDate       string `xml:"CreateDate"`
}

// policyVersionXML renders a version; withDocument adds its URL-encoded document (only
// GetPolicyVersion returns it).
func policyVersionXML(p *iam.ManagedPolicy, v *iam.PolicyVersion, withDocument bool) xmlPolicyVersion {
	x := xmlPolicyVersion{VersionID: v.ID, IsDefaultVersion: v.ID == p.DefaultVersion, CreateDate: isoTime(v.CreateDate)}
	if withDocument {
		x.Document = encodeDocument(v.Document)
	}
	return x
}

type policyResult struct {
	Policy xmlPolicy `xml:"Policy"`
}

func (c *call) createPolicy() (any, error) {
	p, err := c.api.iam.CreatePolicy(c.ctx, iam.CreatePolicyInput{
		Account: c.account, Name: c.q.Get("PolicyName"), Path: c.q.Get("Path"),
		Description: c.q.Get("Description"), Document: c.q.Get("PolicyDocument"), Tags: c.tags(),
	})
	if err != nil {
		return nil, err
	}
	return policyResult{policyXML(p, true)}, nil
}

func (c *call) getPolicy() (any, error) {
	p, err := c.api.iam.GetPolicy(c.ctx, c.account, c.q.Get("PolicyArn"))
	if err != nil {
		return nil, err
	}
	return policyResult{policyXML(p, true)}, nil
}

func (c *call) deletePolicy() (any, error) {
	return nil, c.api.iam.DeletePolicy(c.ctx, c.account, c.q.Get("PolicyArn"))
}

type listPoliciesResult struct {
	Policies    []xmlPolicy `xml:"Policies>member"`
	IsTruncated bool        `xml:"IsTruncated"`
	Marker      string      `xml:"Marker,omitempty"`
}

func (c *call) listPolicies() (any, error) {
	p, err := c.page()
	if err != nil {
		return nil, err
	}
	page, err := c.api.iam.ListPolicies(c.ctx, iam.ListPoliciesInput{
		Account: c.account, Scope: c.q.Get("Scope"), OnlyAttached: c.boolParam("OnlyAttached"),
		PathPrefix: c.q.Get("PathPrefix"), UsageFilter: c.q.Get("PolicyUsageFilter"), Page: p,
	})
	if err != nil {
		return nil, err
	}
	out := listPoliciesResult{Policies: []xmlPolicy{}, IsTruncated: page.IsTruncated, Marker: page.Marker}
	for i := range page.Items {
		out.Policies = append(out.Policies, policyXML(&page.Items[i], false))
	}
	return out, nil
}

type policyVersionResult struct {
	PolicyVersion xmlPolicyVersion `xml:"PolicyVersion"`
}

func (c *call) createPolicyVersion() (any, error) {
	v, err := c.api.iam.CreatePolicyVersion(c.ctx, c.account, c.q.Get("PolicyArn"), c.q.Get("PolicyDocument"), c.boolParam("SetAsDefault"))
	if err != nil {
		return nil, err
	}
	x := xmlPolicyVersion{VersionID: v.ID, IsDefaultVersion: c.boolParam("SetAsDefault"), CreateDate: isoTime(v.CreateDate)}
	return policyVersionResult{x}, nil
}

func (c *call) getPolicyVersion() (any, error) {
	p, v, err := c.api.iam.GetPolicyVersion(c.ctx, c.account, c.q.Get("PolicyArn"), c.q.Get("VersionId"))
	if err != nil {
		return nil, err
	}
	return policyVersionResult{policyVersionXML(p, v, true)}, nil
}

type listPolicyVersionsResult struct {
	Versions    []xmlPolicyVersion `xml:"Versions>member"`
	IsTruncated bool               `xml:"IsTruncated"`
	Marker      string             `xml:"Marker,omitempty"`
}

func (c *call) listPolicyVersions() (any, error) {
	pg, err := c.page()
	if err != nil {
		return nil, err
	}
	p, page, err := c.api.iam.ListPolicyVersions(c.ctx, c.account, c.q.Get("PolicyArn"), pg)
	if err != nil {
		return nil, err
	}
	out := listPolicyVersionsResult{Versions: []xmlPolicyVersion{}, IsTruncated: page.IsTruncated, Marker: page.Marker}
	for i := range page.Items {
		out.Versions = append(out.Versions, policyVersionXML(p, &page.Items[i], false))
	}
	return out, nil
}

func (c *call) deletePolicyVersion() (any, error) {
	return nil, c.api.iam.DeletePolicyVersion(c.ctx, c.account, c.q.Get("PolicyArn"), c.q.Get("VersionId"))
}

func (c *call) setDefaultPolicyVersion() (any, error) {
	return nil, c.api.iam.SetDefaultPolicyVersion(c.ctx, c.account, c.q.Get("PolicyArn"), c.q.Get("VersionId"))
}

func (c *call) tagPolicy() (any, error) {
	return nil, c.api.iam.TagPolicy(c.ctx, c.account, c.q.Get("PolicyArn"), c.tags())
}

func (c *call) untagPolicy() (any, error) {
	return nil, c.api.iam.UntagPolicy(c.ctx, c.account, c.q.Get("PolicyArn"), c.q.List("TagKeys"))
}

func (c *call) listPolicyTags() (any, error) {
	return c.tagPage(func(p iam.Page) (iam.PageOf[iam.Tag], error) {
		return c.api.iam.ListPolicyTags(c.ctx, c.account, c.q.Get("PolicyArn"), p)
	})
}
