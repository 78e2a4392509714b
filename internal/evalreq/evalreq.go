// Package evalreq reads and writes the JSON evaluation format of `iamd policy eval` and
// `iamd policy test`: a request (principal, action, resource, context and the policies in
// force) in, a decision out. It turns that format into policy.Set and policy.Request.
package evalreq

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/iamd-dev/iamd/internal/policy"
)

// Request is one evaluation request as the format spells it.
type Request struct {
	Principal           json.RawMessage            `json:"principal"`
	Action              string                     `json:"action"`
	Resource            string                     `json:"resource"`
	ResourceAccount     string                     `json:"resourceAccount,omitempty"`
	Context             map[string]json.RawMessage `json:"context,omitempty"`
	IdentityPolicies    []json.RawMessage          `json:"identityPolicies,omitempty"`
	ResourcePolicy      json.RawMessage            `json:"resourcePolicy,omitempty"`
	PermissionsBoundary json.RawMessage            `json:"permissionsBoundary,omitempty"`
	SessionPolicy       json.RawMessage            `json:"sessionPolicy,omitempty"`
	SCPs                [][]json.RawMessage        `json:"scps,omitempty"`
	RCPs                [][]json.RawMessage        `json:"rcps,omitempty"`
}

// Statement names a statement that applied.
type Statement struct {
	Layer     string `json:"layer"`
	Policy    int    `json:"policyIndex"`
	PolicyID  string `json:"policyId,omitempty"`
	Statement int    `json:"statementIndex"`
	Sid       string `json:"sid,omitempty"`
	Effect    string `json:"effect"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
}

// Result is the decision as the format prints it; Error is set instead when the request or
// one of its policies is malformed.
type Result struct {
	Decision           string      `json:"decision,omitempty"`
	DeniedBy           string      `json:"deniedBy,omitempty"`
	DecidingStatements []Statement `json:"decidingStatements"`
	MatchedStatements  []Statement `json:"matchedStatements"`
	MissingContextKeys []string    `json:"missingContextKeys"`
	Error              string      `json:"error,omitempty"`
}

// PolicyError is a malformed policy in a request: Policy names it as the format does
// ("identityPolicies[0]", "resourcePolicy", "scps[1][0]", ...).
type PolicyError struct {
	Policy string
	Err    *policy.Error
}

func (e *PolicyError) Error() string { return e.Policy + ": " + e.Err.Error() }

// Decode reads one request object or an array of them; array reports which it was.
// Unknown fields are refused, so that a misspelt one cannot silently change an answer.
func Decode(data []byte) (reqs []Request, array bool, err error) {
	data = bytes.TrimSpace(data)
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if len(data) > 0 && data[0] == '[' {
		err = dec.Decode(&reqs)
		return reqs, true, err
	}
	var r Request
	if err = dec.Decode(&r); err != nil {
		return nil, false, err
	}
	return []Request{r}, false, nil
}

// ResourcePolicyKinds are the kinds a request's resourcePolicy is read as, in order: for the
// actions a role's trust policy governs, a trust policy as IAM stores it, or a resource
// policy naming the role in Resource; otherwise a resource-based policy.
func ResourcePolicyKinds(action string) []policy.Kind {
	if policy.IsTrustAction(action) {
		return []policy.Kind{policy.Trust, policy.Resource}
	}
	return []policy.Kind{policy.Resource}
}

// Evaluate runs one request.
func Evaluate(r *Request) Result {
	req, set, err := r.Build()
	if err != nil {
		return Result{Error: err.Error(), DecidingStatements: []Statement{}, MatchedStatements: []Statement{}, MissingContextKeys: []string{}}
	}
	d := policy.Evaluate(set, req)
	return FromDecision(&d)
}

// FromDecision renders a decision in the format.
func FromDecision(d *policy.Decision) Result {
	out := Result{
		Decision:           d.Result.String(),
		DeniedBy:           d.DeniedBy.String(),
		DecidingStatements: []Statement{},
		MatchedStatements:  []Statement{},
		MissingContextKeys: append([]string{}, d.MissingKeys...),
	}
	for _, m := range d.Matched {
		out.MatchedStatements = append(out.MatchedStatements, statementOf(m))
	}
	for _, m := range d.Deciding() {
		out.DecidingStatements = append(out.DecidingStatements, statementOf(m))
	}
	return out
}

func statementOf(m policy.Match) Statement {
	return Statement{
		Layer: m.Layer.String(), Policy: m.Index, PolicyID: m.Policy.Name,
		Statement: m.Statement.Index, Sid: m.Statement.Sid, Effect: m.Statement.Effect.String(),
		Line: m.Statement.Pos.Line, Column: m.Statement.Pos.Column,
	}
}

// Build turns the request into the policy package's Request and Set.
func (r *Request) Build() (*policy.Request, *policy.Set, error) {
	principal, err := r.principal()
	if err != nil {
		return nil, nil, err
	}
	if r.Action == "" {
		return nil, nil, fmt.Errorf("request has no action")
	}
	if r.Resource == "" {
		return nil, nil, fmt.Errorf("request has no resource")
	}
	var ctx policy.Context
	for k, raw := range r.Context {
		values, err := contextValues(raw)
		if err != nil {
			return nil, nil, fmt.Errorf("context key %s: %v", k, err)
		}
		ctx.Set(k, values...)
	}
	set := &policy.Set{}
	parse := func(raw json.RawMessage, what string, kinds ...policy.Kind) (*policy.Policy, error) {
		var first error
		for _, kind := range kinds {
			p, err := policy.Parse(raw, kind)
			if err == nil {
				p.Name = what
				return p, nil
			}
			if first == nil {
				first = err
			}
		}
		var pe *policy.Error
		if errors.As(first, &pe) {
			return nil, &PolicyError{Policy: what, Err: pe}
		}
		return nil, fmt.Errorf("%s: %w", what, first)
	}
	for i, raw := range r.IdentityPolicies {
		p, err := parse(raw, fmt.Sprintf("identityPolicies[%d]", i), policy.Identity)
		if err != nil {
			return nil, nil, err
		}
		set.Identity = append(set.Identity, p)
	}
	if present(r.ResourcePolicy) {
		if set.Resource, err = parse(r.ResourcePolicy, "resourcePolicy", ResourcePolicyKinds(r.Action)...); err != nil {
			return nil, nil, err
		}
	}
	if present(r.PermissionsBoundary) {
		if set.Boundary, err = parse(r.PermissionsBoundary, "permissionsBoundary", policy.Boundary); err != nil {
			return nil, nil, err
		}
	}
	if present(r.SessionPolicy) {
		p, err := parse(r.SessionPolicy, "sessionPolicy", policy.Session)
		if err != nil {
			return nil, nil, err
		}
		set.Session = []*policy.Policy{p}
	}
	for _, org := range []struct {
		levels [][]json.RawMessage
		kind   policy.Kind
		out    *[][]*policy.Policy
	}{{r.SCPs, policy.SCP, &set.SCPs}, {r.RCPs, policy.RCP, &set.RCPs}} {
		for i, level := range org.levels {
			var ps []*policy.Policy
			for j, raw := range level {
				p, err := parse(raw, fmt.Sprintf("%ss[%d][%d]", org.kind, i, j), org.kind)
				if err != nil {
					return nil, nil, err
				}
				ps = append(ps, p)
			}
			*org.out = append(*org.out, ps)
		}
	}
	return policy.NewPatternRequest(principal, r.Action, r.Resource, r.ResourceAccount, ctx), set, nil
}

// present reports whether an optional policy was given (not absent, null or {}).
func present(raw json.RawMessage) bool {
	s := string(bytes.TrimSpace(raw))
	return s != "" && s != "null" && s != "{}"
}

// principal reads the caller: a string, or {"type": "Anonymous"}.
func (r *Request) principal() (policy.Principal, error) {
	var s string
	if err := json.Unmarshal(r.Principal, &s); err == nil {
		return policy.ParsePrincipal(s)
	}
	var obj struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(r.Principal, &obj); err == nil && strings.EqualFold(obj.Type, "anonymous") {
		return policy.ParsePrincipal("*")
	}
	if len(r.Principal) == 0 {
		return policy.Principal{}, fmt.Errorf("request has no principal")
	}
	return policy.Principal{}, fmt.Errorf("principal must be a string such as an ARN, or \"*\" for anonymous")
}

// contextValues reads a context value: a string, number or boolean, or an array of them.
func contextValues(raw json.RawMessage) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	scalar := func(v any) (string, bool) {
		switch x := v.(type) {
		case string:
			return x, true
		case json.Number:
			return x.String(), true
		case bool:
			if x {
				return "true", true
			}
			return "false", true
		}
		return "", false
	}
	if s, ok := scalar(v); ok {
		return []string{s}, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("want a string, number, boolean or an array of them")
	}
	out := make([]string, 0, len(list))
	for _, it := range list {
		s, ok := scalar(it)
		if !ok {
			return nil, fmt.Errorf("want a string, number, boolean or an array of them")
		}
		out = append(out, s)
	}
	return out, nil
}
