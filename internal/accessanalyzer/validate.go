package accessanalyzer

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/iamd-dev/iamd/internal/lint"
	"github.com/iamd-dev/iamd/internal/policy"
)

// ValidateInput is ValidatePolicy's input.
type ValidateInput struct {
	PolicyDocument string
	PolicyType     string
	// ResourceType is validatePolicyResourceType: the kind of resource policy
	// (AWS::IAM::AssumeRolePolicyDocument reads the document as a role's trust policy).
	ResourceType string
	Locale       string
	MaxResults   *int
	NextToken    string
}

// ValidateOutput is ValidatePolicy's answer: one page of findings.
type ValidateOutput struct {
	Findings  []Finding `json:"findings"`
	NextToken string    `json:"nextToken,omitempty"`
}

// Finding is Access Analyzer's ValidatePolicyFinding.
type Finding struct {
	FindingDetails string     `json:"findingDetails"`
	FindingType    string     `json:"findingType"`
	IssueCode      string     `json:"issueCode"`
	LearnMoreLink  string     `json:"learnMoreLink"`
	Locations      []Location `json:"locations"`
}

// Location is where a finding points in the document.
type Location struct {
	Path []PathElement `json:"path"`
	Span Span          `json:"span"`
}

// PathElement is one step of a location's path (a union: exactly one member is set).
type PathElement struct {
	Index     *int       `json:"index,omitempty"`
	Key       string     `json:"key,omitempty"`
	Substring *Substring `json:"substring,omitempty"`
	Value     string     `json:"value,omitempty"`
}

// Substring is a part of a string value.
type Substring struct {
	Start  int `json:"start"`
	Length int `json:"length"`
}

// Span is the start and the end of an element.
type Span struct {
	Start Position `json:"start"`
	End   Position `json:"end"`
}

// Position is Access Analyzer's position: the line from 1, the column and the offset from 0.
type Position struct {
	Line   int `json:"line"`
	Column int `json:"column"`
	Offset int `json:"offset"`
}

// Values of validatePolicyResourceType.
var validateResourceTypes = []string{"AWS::S3::Bucket", "AWS::S3::AccessPoint", "AWS::S3::MultiRegionAccessPoint",
	"AWS::S3ObjectLambda::AccessPoint", "AWS::IAM::AssumeRolePolicyDocument", "AWS::DynamoDB::Table"}

// Values of locale; iamd writes its findings in English whichever is asked.
var locales = []string{"DE", "EN", "ES", "FR", "IT", "JA", "KO", "PT_BR", "ZH_CN", "ZH_TW"}

// referencePage is Access Analyzer's policy check reference, where each finding links.
const referencePage = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html"

// ValidatePolicy checks a policy with iamd's linter and answers its findings in Access
// Analyzer's shape, a page at a time.
func ValidatePolicy(in ValidateInput) (*ValidateOutput, error) {
	var f fieldErrors
	f.document("policyDocument", in.PolicyDocument)
	f.required("policyType", in.PolicyType)
	f.oneOf("policyType", in.PolicyType, IdentityPolicy, ResourcePolicy, ServiceControlPolicy, ResourceControlPolicy)
	f.oneOf("validatePolicyResourceType", in.ResourceType, validateResourceTypes...)
	f.oneOf("locale", in.Locale, locales...)
	if in.MaxResults != nil && *in.MaxResults < 1 {
		f.add("maxResults", "Member must be greater than or equal to 1")
	}
	if err := f.err(); err != nil {
		return nil, err
	}
	if in.ResourceType != "" && in.PolicyType != ResourcePolicy {
		return nil, &ValidationError{Reason: ReasonOther, Message: "validatePolicyResourceType can only be specified for a policy of type RESOURCE_POLICY.",
			Fields: []Field{{Name: "validatePolicyResourceType", Message: "only for RESOURCE_POLICY"}}}
	}
	kind := lintKind(in.PolicyType, in.ResourceType)
	all := convertFindings(lint.Lint([]byte(in.PolicyDocument), lint.Options{Kind: kind}))
	start, err := pageStart(in.NextToken, in.PolicyDocument, len(all))
	if err != nil {
		return nil, err
	}
	end := len(all)
	if in.MaxResults != nil && start+*in.MaxResults < end {
		end = start + *in.MaxResults
	}
	out := &ValidateOutput{Findings: all[start:end]}
	if end < len(all) {
		out.NextToken = pageToken(end, in.PolicyDocument)
	}
	return out, nil
}

// lintKind is the kind of policy the linter reads the document as.
func lintKind(policyType, resourceType string) policy.Kind {
	switch policyType {
	case ResourcePolicy:
		if resourceType == "AWS::IAM::AssumeRolePolicyDocument" {
			return policy.Trust
		}
		return policy.Resource
	case ServiceControlPolicy:
		return policy.SCP
	case ResourceControlPolicy:
		return policy.RCP
	}
	return policy.Identity
}

// convertFindings shapes the linter's findings as Access Analyzer's.
func convertFindings(fs []lint.Finding) []Finding {
	out := make([]Finding, 0, len(fs))
	for _, f := range fs {
		g := Finding{FindingDetails: details(f.IssueCode, f.FindingDetails), FindingType: f.FindingType, IssueCode: f.IssueCode,
			LearnMoreLink: LearnMoreLink(f.FindingType, f.IssueCode), Locations: []Location{}}
		for _, l := range f.Locations {
			loc := Location{Path: []PathElement{}, Span: Span{Start: position(l.Span.Start), End: position(l.Span.End)}}
			for _, p := range l.Path {
				if p.Index != nil {
					i := *p.Index
					loc.Path = append(loc.Path, PathElement{Index: &i})
				} else {
					loc.Path = append(loc.Path, PathElement{Value: p.Value})
				}
			}
			g.Locations = append(g.Locations, loc)
		}
		out = append(out, g)
	}
	return out
}

// position is a linter position (column from 1) as Access Analyzer's (column from 0).
func position(p policy.Pos) Position {
	c := p.Column - 1
	if c < 0 {
		c = 0
	}
	return Position{Line: p.Line, Column: c, Offset: p.Offset}
}

// LearnMoreLink is the reference's section of a check: Access Analyzer's anchor for the
// codes it defines, the reference page itself for iamd's own (IamdOnlyCodes).
func LearnMoreLink(findingType, code string) string {
	if IamdOnlyCodes[code] {
		return referencePage
	}
	typ := map[string]string{lint.Error: "error", lint.SecurityWarning: "security-warning", lint.Warning: "general-warning", lint.Suggestion: "suggestion"}[findingType]
	return referencePage + "#access-analyzer-reference-policy-checks-" + typ + "-" + strings.ReplaceAll(strings.ToLower(code), "_", "-")
}

// IamdOnlyCodes are the linter's checks that Access Analyzer's reference has no
// counterpart of: iamd's own, named apart (docs/ACCESS_ANALYZER.md lists them).
var IamdOnlyCodes = map[string]bool{
	"MALFORMED_POLICY_DOCUMENT":                  true,
	"EMPTY_STATEMENT":                            true,
	"RESOURCE_TYPE_MISMATCH":                     true,
	"MALFORMED_CONDITION_VALUE":                  true,
	"UNSUPPORTED_CONDITION_KEY_FOR_ACTIONS":      true,
	"FORANYVALUE_WITH_SINGLE_VALUED_KEY":         true,
	"ALLOW_WITH_NOT_ACTION":                      true,
	"FULL_ACCESS_WITH_STAR_IN_RESOURCE":          true,
	"IAM_WILDCARD_WITH_STAR_IN_RESOURCE":         true,
	"ASSUME_ROLE_WITH_STAR_IN_RESOURCE":          true,
	"RESOURCE_POLICY_OPEN_TO_ANY_PRINCIPAL":      true,
	"TRUST_POLICY_OPEN_TO_ANY_PRINCIPAL":         true,
	"CROSS_ACCOUNT_TRUST_WITHOUT_EXTERNAL_ID":    true,
	"SERVICE_PRINCIPAL_WITHOUT_SOURCE_CONDITION": true,
	"OIDC_TRUST_MISSING_AUD_CONDITION":           true,
	"OIDC_TRUST_MISSING_SUB_CONDITION":           true,
	"OIDC_TRUST_OVERLY_PERMISSIVE_SUB":           true,
	"OIDC_TRUST_WIDE_SUB":                        true,
	"OIDC_TRUST_MISSING_AMR_CONDITION":           true,
}

// pageToken is the token of the page that starts at a finding, bound to the document.
func pageToken(start int, doc string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(start) + ":" + docDigest(doc)))
}

// pageStart reads a token: where its page starts. A token of another document, or none
// that iamd gave, is refused.
func pageStart(token, doc string, total int) (int, error) {
	if token == "" {
		return 0, nil
	}
	bad := &ValidationError{Reason: ReasonOther, Message: "Invalid next token.", Fields: []Field{{Name: "nextToken", Message: "Invalid next token"}}}
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return 0, bad
	}
	n, digest, ok := strings.Cut(string(raw), ":")
	start, err := strconv.Atoi(n)
	if !ok || err != nil || digest != docDigest(doc) || start < 0 || start > total {
		return 0, bad
	}
	return start, nil
}

func docDigest(doc string) string {
	sum := sha256.Sum256([]byte(doc))
	return hex.EncodeToString(sum[:8])
}
