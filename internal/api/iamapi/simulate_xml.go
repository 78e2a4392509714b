package iamapi

import (
	"sort"
	"strings"
)

// The XML of SimulatePolicyResponse as the IAM API model shapes it: lists as <member>, the
// EvalDecisionDetails map as <entry><key/><value/></entry>.

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

// evaluationXML renders one result. For a named resource the missing context values are
// reported under ResourceSpecificResults, for "*" in the result itself (as the API
// reference describes MissingContextValues).
func evaluationXML(r simResult) xmlEvaluationResult {
	statements := xmlStatements{Members: []xmlStatement{}}
	for _, m := range r.matched {
		// AWS counts positions from 1 and points just past the statement's opening brace
		// and just past its closing brace.
		statements.Members = append(statements.Members, xmlStatement{
			SourcePolicyID: m.p.id, SourcePolicyType: m.p.typ,
			StartPosition: xmlPosition{m.st.Pos.Line, m.st.Pos.Column + 1},
			EndPosition:   xmlPosition{m.st.End.Line, m.st.End.Column},
		})
	}
	x := xmlEvaluationResult{
		EvalActionName: r.action, EvalResourceName: r.resource, EvalDecision: r.decision.String(),
		MatchedStatements: statements, MissingContextValues: xmlMembers{Members: []string{}},
		EvalDecisionDetails: detailsXML(r.details),
	}
	if r.boundary != nil {
		x.PermissionsBoundaryDecisionDetail = &xmlBoundaryDetail{*r.boundary}
	}
	if r.resource == "*" {
		x.MissingContextValues.Members = nonNil(r.missing)
		return x
	}
	rs := xmlResourceSpecific{
		EvalResourceName: r.resource, EvalResourceDecision: r.decision.String(),
		MatchedStatements: statements, MissingContextValues: xmlMembers{Members: nonNil(r.missing)},
		EvalDecisionDetails: detailsXML(r.details), PermissionsBoundaryDecisionDetail: x.PermissionsBoundaryDecisionDetail,
	}
	x.ResourceSpecificResults = &xmlResourceSpecificList{Members: []xmlResourceSpecific{rs}}
	return x
}

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
