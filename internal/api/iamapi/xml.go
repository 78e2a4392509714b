package iamapi

import (
	"net/url"
	"strings"
	"time"

	"github.com/iamd-dev/iamd/internal/iam"
)

// The XML shapes of IAM responses, as the botocore model names them.

type xmlTag struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

type xmlTags struct {
	Members []xmlTag `xml:"member"`
}

func tagsXML(tags []iam.Tag) *xmlTags {
	if len(tags) == 0 {
		return nil
	}
	out := &xmlTags{}
	for _, t := range tags {
		out.Members = append(out.Members, xmlTag{t.Key, t.Value})
	}
	return out
}

type xmlBoundary struct {
	Type string `xml:"PermissionsBoundaryType"`
	ARN  string `xml:"PermissionsBoundaryArn"`
}

func boundaryXML(arn string) *xmlBoundary {
	if arn == "" {
		return nil
	}
	return &xmlBoundary{Type: "PermissionsBoundaryPolicy", ARN: arn}
}

type xmlRoleLastUsed struct {
	LastUsedDate string `xml:"LastUsedDate,omitempty"`
	Region       string `xml:"Region,omitempty"`
}

type xmlRole struct {
	Path                     string           `xml:"Path"`
	RoleName                 string           `xml:"RoleName"`
	RoleID                   string           `xml:"RoleId"`
	Arn                      string           `xml:"Arn"`
	CreateDate               string           `xml:"CreateDate"`
	AssumeRolePolicyDocument string           `xml:"AssumeRolePolicyDocument,omitempty"`
	Description              string           `xml:"Description,omitempty"`
	MaxSessionDuration       int              `xml:"MaxSessionDuration,omitempty"`
	PermissionsBoundary      *xmlBoundary     `xml:"PermissionsBoundary,omitempty"`
	Tags                     *xmlTags         `xml:"Tags,omitempty"`
	RoleLastUsed             *xmlRoleLastUsed `xml:"RoleLastUsed,omitempty"`
}

// roleXML renders a role; full adds what only GetRole returns (tags, last use).
func roleXML(r *iam.Role, full bool) xmlRole {
	x := xmlRole{
		Path: r.Path, RoleName: r.Name, RoleID: r.ID, Arn: r.ARN(), CreateDate: isoTime(r.CreateDate),
		AssumeRolePolicyDocument: encodeDocument(r.AssumeRolePolicy), Description: r.Description,
		MaxSessionDuration: r.MaxSessionDuration, PermissionsBoundary: boundaryXML(r.PermissionsBoundary),
		Tags: tagsXML(r.Tags),
	}
	if full {
		x.RoleLastUsed = &xmlRoleLastUsed{}
		if r.LastUsed != nil {
			x.RoleLastUsed = &xmlRoleLastUsed{LastUsedDate: isoTime(r.LastUsed.Date), Region: r.LastUsed.Region}
		}
	}
	return x
}

// isoTime is AWS's timestamp form in Query responses.
func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// encodeDocument URL-encodes a policy document, as IAM returns documents.
func encodeDocument(doc string) string {
	if doc == "" {
		return ""
	}
	return strings.ReplaceAll(url.QueryEscape(doc), "+", "%20")
}

type xmlMembers struct {
	Members []string `xml:"member"`
}

// tagPage serves a List*Tags action: one page of an entity's tags.
func (c *call) tagPage(list func(p iam.Page) (iam.PageOf[iam.Tag], error)) (any, error) {
	p, err := c.page()
	if err != nil {
		return nil, err
	}
	page, err := list(p)
	if err != nil {
		return nil, err
	}
	out := listTagsResult{Tags: []xmlTag{}, IsTruncated: page.IsTruncated, Marker: page.Marker}
	for _, t := range page.Items {
		out.Tags = append(out.Tags, xmlTag{t.Key, t.Value})
	}
	return out, nil
}
