// Package lint checks IAM policies the way IAM Access Analyzer's ValidatePolicy does, with
// iamd's own checks for the risks of the seeds: it reports findings typed ERROR,
// SECURITY_WARNING, WARNING or SUGGESTION, each with an issue code, the position of the
// element at fault and a one-line fix. It knows AWS from internal/catalog (actions,
// resource types, condition keys). The package is pure: no network, no storage.
package lint

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/iamd-dev/iamd/internal/catalog"
	"github.com/iamd-dev/iamd/internal/policy"
)

// Finding types, as Access Analyzer names them.
const (
	Error           = "ERROR"
	SecurityWarning = "SECURITY_WARNING"
	Warning         = "WARNING"
	Suggestion      = "SUGGESTION"
)

// Finding is one problem in a policy, shaped as Access Analyzer's ValidatePolicyFinding
// plus a one-line fix.
type Finding struct {
	FindingType    string     `json:"findingType"`
	IssueCode      string     `json:"issueCode"`
	FindingDetails string     `json:"findingDetails"`
	Fix            string     `json:"fix"`
	Locations      []Location `json:"locations"`
}

// Location is where a finding points: the path of the element and its span.
type Location struct {
	Path []PathElement `json:"path"`
	Span Span          `json:"span"`
}

// PathElement is one step of a location's path: a member name or an array index.
type PathElement struct {
	Index *int   `json:"index,omitempty"`
	Value string `json:"value,omitempty"`
}

// Span is the start and end of an element in the document.
type Span struct {
	Start policy.Pos `json:"start"`
	End   policy.Pos `json:"end"`
}

// Options say how to read the policy.
type Options struct {
	Kind policy.Kind
	// Account owns the policy (the role of a trust policy), when known: principals of
	// other accounts are then told apart from its own.
	Account string
}

// Blocking reports whether any finding is an ERROR or a SECURITY_WARNING.
func Blocking(fs []Finding) bool {
	for _, f := range fs {
		if f.FindingType == Error || f.FindingType == SecurityWarning {
			return true
		}
	}
	return false
}

// linter holds one run's state.
type linter struct {
	cat      *catalog.Catalog
	opts     Options
	outline  *policy.Outline
	p        *policy.Policy
	findings []Finding
}

// Lint checks one policy document.
func Lint(data []byte, opts Options) []Finding {
	l := &linter{cat: catalog.Default(), opts: opts}
	p, err := policy.Parse(data, opts.Kind)
	if err != nil {
		l.malformed(data, err)
		return l.findings
	}
	l.p = p
	l.outline, _ = policy.ParseOutline(data)
	if p.Version == "" {
		l.add(Warning, "MISSING_VERSION", nil, "The policy has no Version, so IAM reads it as 2008-10-17, where policy variables are plain text.",
			`add "Version": "2012-10-17" at the top of the policy`)
	}
	for _, st := range p.Statements {
		s := &stmt{l: l, st: st, base: []any{"Statement", st.Index}}
		s.check()
	}
	l.redundantStatements()
	sort.SliceStable(l.findings, func(i, j int) bool {
		return l.findings[i].Locations[0].Span.Start.Offset < l.findings[j].Locations[0].Span.Start.Offset
	})
	return l.findings
}

// malformed reports a document IAM refuses to store.
func (l *linter) malformed(data []byte, err error) {
	var pe *policy.Error
	msg, pos := err.Error(), policy.Pos{}
	code := "MALFORMED_POLICY_DOCUMENT"
	if errors.As(err, &pe) {
		msg, pos = pe.Message, pe.Pos
		if pe.Detail != "" {
			msg += " (" + pe.Detail + ")"
		}
		if _, err := policy.ParseOutline(data); err != nil {
			code = "JSON_SYNTAX_ERROR"
		}
	}
	if pos.Line == 0 {
		pos = policy.Pos{Line: 1, Column: 1}
	}
	l.findings = append(l.findings, Finding{
		FindingType: Error, IssueCode: code, FindingDetails: "IAM refuses this policy: " + msg,
		Fix:       "correct the document at this position; `iamd policy validate` gives the same message",
		Locations: []Location{{Path: []PathElement{}, Span: Span{Start: pos, End: pos}}},
	})
}

// add records a finding at a path of the document.
func (l *linter) add(typ, code string, path []any, details, fix string, args ...any) {
	if len(args) > 0 {
		details = fmt.Sprintf(details, args...)
	}
	loc := Location{Path: []PathElement{}}
	for _, el := range path {
		switch e := el.(type) {
		case int:
			i := e
			loc.Path = append(loc.Path, PathElement{Index: &i})
		case string:
			loc.Path = append(loc.Path, PathElement{Value: e})
		case policy.Key:
			loc.Path = append(loc.Path, PathElement{Value: string(e)})
		}
	}
	if l.outline != nil {
		if start, end, ok := l.outline.Locate(path...); ok {
			loc.Span = Span{Start: start, End: end}
		}
	}
	if loc.Span.Start.Line == 0 {
		loc.Span.Start = policy.Pos{Line: 1, Column: 1}
		loc.Span.End = loc.Span.Start
	}
	l.findings = append(l.findings, Finding{FindingType: typ, IssueCode: code, FindingDetails: details, Fix: fix, Locations: []Location{loc}})
}

// redundantStatements reports statements that repeat an earlier one.
func (l *linter) redundantStatements() {
	seen := map[string]int{}
	for _, st := range l.p.Statements {
		k := statementKey(st)
		if first, ok := seen[k]; ok {
			l.add(Suggestion, "REDUNDANT_STATEMENT", []any{"Statement", st.Index},
				"This statement repeats statement %d: it adds nothing.", "delete this statement", first)
			continue
		}
		seen[k] = st.Index
	}
}

func statementKey(st *policy.Statement) string {
	var b strings.Builder
	list := func(name string, v []string) {
		c := append([]string(nil), v...)
		sort.Strings(c)
		fmt.Fprintf(&b, "%s=%q;", name, c)
	}
	fmt.Fprintf(&b, "%v;", st.Effect)
	list("A", st.Action)
	list("NA", st.NotAction)
	list("R", st.Resource)
	list("NR", st.NotResource)
	for _, p := range []*policy.Principals{st.Principal, st.NotPrincipal} {
		if p != nil {
			fmt.Fprintf(&b, "P%v;", *p)
		} else {
			b.WriteString("P-;")
		}
	}
	var conds []string
	for _, c := range st.Conditions {
		conds = append(conds, fmt.Sprintf("%s|%s|%q", strings.ToLower(c.Operator), strings.ToLower(c.Key), c.Values))
	}
	sort.Strings(conds)
	fmt.Fprintf(&b, "C%q", conds)
	return b.String()
}
