package adminapi

import (
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/lint"
	"github.com/iamd-dev/iamd/internal/policy"
)

type xmlPos struct {
	Line   int `xml:"Line"`
	Column int `xml:"Column"`
	Offset int `xml:"Offset"`
}

type xmlPathElement struct {
	Index *int   `xml:"Index,omitempty"`
	Value string `xml:"Value,omitempty"`
}

type xmlLocation struct {
	Path  []xmlPathElement `xml:"Path>member"`
	Start xmlPos           `xml:"Span>Start"`
	End   xmlPos           `xml:"Span>End"`
}

type xmlFinding struct {
	FindingType    string        `xml:"FindingType"`
	IssueCode      string        `xml:"IssueCode"`
	FindingDetails string        `xml:"FindingDetails"`
	Fix            string        `xml:"Fix"`
	Locations      []xmlLocation `xml:"Locations>member"`
}

type lintPolicyResult struct {
	Findings []xmlFinding `xml:"Findings>member"`
	Blocking bool         `xml:"Blocking"` // an ERROR or SECURITY_WARNING is among them
}

// lintPolicy serves LintPolicy, which returns the linter's findings (those of `iamd policy lint`) for one policy:
// a managed policy's default version (PolicyArn, customer or AWS managed), a role's trust
// policy (RoleName), or a document (PolicyDocument, with PolicyType identity, resource,
// trust, boundary, scp, rcp or session). Stored policies are the caller's account's and
// only its root user may read them this way; a document needs no more than a signature.
func (a *API) lintPolicy(c call) (any, error) {
	q, caller := c.In, c.Caller
	arn, role, doc := q.Get("PolicyArn"), q.Get("RoleName"), q.Get("PolicyDocument")
	given := 0
	for _, v := range []string{arn, role, doc} {
		if v != "" {
			given++
		}
	}
	if given != 1 {
		return nil, awserr.InvalidInput("Give exactly one of PolicyArn, RoleName and PolicyDocument.")
	}
	if doc != "" {
		// The bound IAM puts on every document member (131072 characters), before the
		// linter reads the document.
		if err := iam.CheckPolicyDocumentLength(doc, "policyDocument"); err != nil {
			return nil, err
		}
	}
	kind := policy.Identity
	if doc == "" && !caller.IsRoot() {
		return nil, awserr.AccessDenied("User: " + caller.Principal.ID + " is not authorized to perform: iamd:LintPolicy on a stored policy: only the account's root user may")
	}
	switch {
	case arn != "":
		p, err := a.iam.GetPolicy(c.Ctx, caller.Account, arn)
		if err != nil {
			return nil, err
		}
		doc = p.DefaultVersionDocument()
	case role != "":
		r, err := a.iam.GetRole(c.Ctx, caller.Account, role)
		if err != nil {
			return nil, err
		}
		doc, kind = r.AssumeRolePolicy, policy.Trust
	default:
		if t := q.Get("PolicyType"); t != "" {
			k, err := policy.ParseKind(t)
			if err != nil {
				return nil, awserr.InvalidInput("%s", err.Error())
			}
			kind = k
		}
	}
	findings := lint.Lint([]byte(doc), lint.Options{Kind: kind, Account: caller.Account})
	out := lintPolicyResult{Findings: []xmlFinding{}, Blocking: lint.Blocking(findings)}
	for _, f := range findings {
		x := xmlFinding{FindingType: f.FindingType, IssueCode: f.IssueCode, FindingDetails: f.FindingDetails, Fix: f.Fix}
		for _, l := range f.Locations {
			xl := xmlLocation{
				Start: xmlPos{l.Span.Start.Line, l.Span.Start.Column, l.Span.Start.Offset},
				End:   xmlPos{l.Span.End.Line, l.Span.End.Column, l.Span.End.Offset},
			}
			for _, p := range l.Path {
				xl.Path = append(xl.Path, xmlPathElement{Index: p.Index, Value: p.Value})
			}
			x.Locations = append(x.Locations, xl)
		}
		out.Findings = append(out.Findings, x)
	}
	return out, nil
}
