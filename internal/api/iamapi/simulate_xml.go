package iamapi

import (
	"sort"
	"strings"

	"github.com/iamd-dev/iamd/internal/simulate"
)

// The XML of SimulatePolicyResponse and GetContextKeysForPolicyResponse as the IAM API model
// shapes them: lists as <member>, the EvalDecisionDetails map as <entry><key/><value/></entry>.

type simulateResult struct {
	EvaluationResults xmlEvaluationResults `xml:"EvaluationResults"`
	IsTruncated       bool                 `xml:"IsTruncated"`
	Marker            string               `xml:"Marker,omitempty"`
}

type xmlEvaluationResults struct {
	Members []xmlEvaluationResult `xml:"member"`
}

type xmlEvaluationResult struct {
	EvalActionName                    string                   `xml:"EvalActionName"`
	EvalResourceName                  string                   `xml:"EvalResourceName"`
	EvalDecision                      string                   `xml:"EvalDecision"`
	MatchedStatements                 xmlStatements            `xml:"MatchedStatements"`
	MissingContextValues              xmlMembers               `xml:"MissingContextValues"`
	EvalDecisionDetails               *xmlDecisionDetails      `xml:"EvalDecisionDetails,omitempty"`
	PermissionsBoundaryDecisionDetail *xmlBoundaryDetail       `xml:"PermissionsBoundaryDecisionDetail,omitempty"`
	ResourceSpecificResults           *xmlResourceSpecificList `xml:"ResourceSpecificResults,omitempty"`
}

type xmlStatements struct {
	Members []xmlStatement `xml:"member"`
}

type xmlStatement struct {
	SourcePolicyID   string      `xml:"SourcePolicyId"`
	SourcePolicyType string      `xml:"SourcePolicyType"`
	StartPosition    xmlPosition `xml:"StartPosition"`
	EndPosition      xmlPosition `xml:"EndPosition"`
}

type xmlPosition struct {
	Line   int `xml:"Line"`
	Column int `xml:"Column"`
}

type xmlDecisionDetails struct {
	Entries []xmlDecisionEntry `xml:"entry"`
}

type xmlDecisionEntry struct {
	Key   string `xml:"key"`
	Value string `xml:"value"`
}

type xmlBoundaryDetail struct {
	AllowedByPermissionsBoundary bool `xml:"AllowedByPermissionsBoundary"`
}

type xmlResourceSpecificList struct {
	Members []xmlResourceSpecific `xml:"member"`
}

type xmlResourceSpecific struct {
	EvalResourceName                  string              `xml:"EvalResourceName"`
	EvalResourceDecision              string              `xml:"EvalResourceDecision"`
	MatchedStatements                 xmlStatements       `xml:"MatchedStatements"`
	MissingContextValues              xmlMembers          `xml:"MissingContextValues"`
	EvalDecisionDetails               *xmlDecisionDetails `xml:"EvalDecisionDetails,omitempty"`
	PermissionsBoundaryDecisionDetail *xmlBoundaryDetail  `xml:"PermissionsBoundaryDecisionDetail,omitempty"`
}

func simulateResultOf(res *simulate.Results) simulateResult {
	out := simulateResult{IsTruncated: res.Marker != "", Marker: res.Marker}
	out.EvaluationResults.Members = []xmlEvaluationResult{}
	for _, e := range res.Evaluations {
		out.EvaluationResults.Members = append(out.EvaluationResults.Members, evaluationXML(e))
	}
	return out
}

// evaluationXML renders one result. For a named resource the missing context values are
// reported under ResourceSpecificResults, for "*" in the result itself (as the API
// reference describes MissingContextValues).
func evaluationXML(e simulate.Evaluation) xmlEvaluationResult {
	statements := xmlStatements{Members: []xmlStatement{}}
	for _, m := range e.Matched {
		statements.Members = append(statements.Members, xmlStatement{
			SourcePolicyID: m.PolicyID, SourcePolicyType: m.PolicyType,
			StartPosition: xmlPosition{m.Start.Line, m.Start.Column},
			EndPosition:   xmlPosition{m.End.Line, m.End.Column},
		})
	}
	x := xmlEvaluationResult{
		EvalActionName: e.Action, EvalResourceName: e.Resource, EvalDecision: e.Decision,
		MatchedStatements: statements, MissingContextValues: xmlMembers{Members: []string{}},
		EvalDecisionDetails: detailsXML(e.Details),
	}
	if e.AllowedByBoundary != nil {
		x.PermissionsBoundaryDecisionDetail = &xmlBoundaryDetail{*e.AllowedByBoundary}
	}
	if e.Resource == "*" {
		x.MissingContextValues.Members = nonNil(e.Missing)
		return x
	}
	rs := xmlResourceSpecific{
		EvalResourceName: e.Resource, EvalResourceDecision: e.Decision,
		MatchedStatements: statements, MissingContextValues: xmlMembers{Members: nonNil(e.Missing)},
		EvalDecisionDetails: detailsXML(e.Details), PermissionsBoundaryDecisionDetail: x.PermissionsBoundaryDecisionDetail,
	}
	x.ResourceSpecificResults = &xmlResourceSpecificList{Members: []xmlResourceSpecific{rs}}
	return x
}

// detailsXML renders EvalDecisionDetails, its entries by key (case-insensitively).
func detailsXML(details map[string]string) *xmlDecisionDetails {
	if details == nil {
		return nil
	}
	out := &xmlDecisionDetails{Entries: []xmlDecisionEntry{}}
	keys := make([]string, 0, len(details))
	for k := range details {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return strings.ToLower(keys[i]) < strings.ToLower(keys[j]) })
	for _, k := range keys {
		out.Entries = append(out.Entries, xmlDecisionEntry{k, details[k]})
	}
	return out
}

// contextKeysResult is GetContextKeysFor*PolicyResponse's result.
type contextKeysResult struct {
	ContextKeyNames xmlMembers `xml:"ContextKeyNames"`
}

func contextKeysResultOf(keys []string) contextKeysResult {
	return contextKeysResult{xmlMembers{Members: nonNil(keys)}}
}

// nonNil makes an absent list an empty one: the XML then has the list's element.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
