package accessanalyzer

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/iamd-dev/iamd/internal/arn"
	"github.com/iamd-dev/iamd/internal/policy"
)

// doc is a policy document read for the access checks: its statements, each with a
// matcher of its actions and resources alone (policy.Policy of that statement without
// Principal and Condition) and what the checks reason about by hand (its principals and
// conditions).
type doc struct {
	parsed     *policy.Policy
	statements []*stmt
}

// stmt is one statement of a document.
type stmt struct {
	index  int
	sid    string
	effect policy.Effect
	// identity is the statement without Principal and Condition as an identity policy;
	// resource the same as a resource policy naming every principal. Evaluated together,
	// they apply to a request exactly when the statement's actions and resources do.
	identity, resource *policy.Policy
	// probeIdentity and probeResource are the same for every action ("*") and Allow: they
	// tell whether the statement's Resource or NotResource applies to a resource, which
	// does not depend on the action; probed caches their answers.
	probeIdentity, probeResource *policy.Policy
	probed                       map[string]bool
	// wildIdentity and wildResource are identity and resource with every policy variable
	// of Resource read as "*": what the statement may apply to, whatever the variables'
	// values (nil without variables). variableNotResource is set when NotResource names a
	// variable, where no such reading exists.
	wildIdentity, wildResource *policy.Policy
	variableNotResource        bool
	conds                      []cond
	// principals are the Principal element's values as type:value ("*" for "*"), or with
	// notPrincipal set, the NotPrincipal element's (those it leaves out). Both empty in
	// identity policies.
	principals   []string
	notPrincipal bool
	// actions and resources are the element values, patterns as written.
	actions, resources []string
	lowerActions       []string // actions, lower-cased
	notAction          bool
}

// cond is one operator-key pair of a Condition block, normalized.
type cond struct {
	op, key string // lower-case
	values  []string
}

// readDoc parses a document as a policy of the kind, and each of its statements for the
// checks. An invalid document is an InvalidParameterError saying why.
func readDoc(field, data string, kind policy.Kind) (*doc, error) {
	p, err := policy.Parse([]byte(data), kind)
	if err != nil {
		return nil, &InvalidParameterError{Message: fmt.Sprintf("Invalid parameter value: the %s is not a valid policy: %v", field, err)}
	}
	raw, err := rawStatements([]byte(data))
	if err != nil || len(raw) != len(p.Statements) {
		return nil, &InvalidParameterError{Message: fmt.Sprintf("Invalid parameter value: the %s is not a valid policy.", field)}
	}
	d := &doc{parsed: p}
	for i, st := range p.Statements {
		s := &stmt{index: st.Index, sid: st.Sid, effect: st.Effect, actions: st.Action, resources: st.Resource}
		if st.NotAction != nil {
			s.actions, s.notAction = st.NotAction, true
		}
		if st.NotResource != nil {
			s.resources = st.NotResource
		}
		for _, a := range s.actions {
			s.lowerActions = append(s.lowerActions, strings.ToLower(a))
		}
		for _, c := range st.Conditions {
			vals := append([]string(nil), c.Values...)
			sort.Strings(vals)
			s.conds = append(s.conds, cond{op: strings.ToLower(c.Operator), key: strings.ToLower(c.Key), values: vals})
		}
		if st.Principal != nil {
			s.principals = principalValues(st.Principal)
		}
		if st.NotPrincipal != nil {
			s.notPrincipal = true
			s.principals = principalValues(st.NotPrincipal) // the principals it leaves out
		}
		if s.identity, s.resource, err = matchers(raw[i], p.Version); err != nil {
			return nil, &InvalidParameterError{Message: fmt.Sprintf("Invalid parameter value: the %s is not a valid policy: %v", field, err)}
		}
		probe := map[string]json.RawMessage{"Effect": json.RawMessage(`"Allow"`), "Action": json.RawMessage(`"*"`)}
		for _, k := range []string{"Resource", "NotResource"} {
			if v, ok := raw[i][k]; ok {
				probe[k] = v
			}
		}
		if s.probeIdentity, s.probeResource, err = matchers(probe, p.Version); err != nil {
			return nil, &InvalidParameterError{Message: fmt.Sprintf("Invalid parameter value: the %s is not a valid policy: %v", field, err)}
		}
		s.probed = map[string]bool{}
		if err := s.wildMatchers(raw[i], p.Version); err != nil {
			return nil, &InvalidParameterError{Message: fmt.Sprintf("Invalid parameter value: the %s is not a valid policy: %v", field, err)}
		}
		d.statements = append(d.statements, s)
	}
	return d, nil
}

// principalValues lists a Principal element as type:value.
func principalValues(p *policy.Principals) []string {
	if p.Wildcard {
		return []string{anyPrincipal}
	}
	var out []string
	add := func(typ string, vs []string) {
		for _, v := range vs {
			out = append(out, typ+":"+normalizePrincipal(typ, v))
		}
	}
	add("AWS", p.AWS)
	add("Service", p.Service)
	add("Federated", p.Federated)
	add("CanonicalUser", p.CanonicalUser)
	return out
}

// normalizePrincipal writes an account's principal, its id or its root ARN, one way.
func normalizePrincipal(typ, v string) string {
	if typ != "AWS" {
		return v
	}
	if arn.IsAccountID(v) {
		return "account:" + v
	}
	// An account's root ARN, in any partition, is the account.
	if a, err := arn.Parse(v); err == nil && a.Service == "iam" && a.Resource == "root" && arn.IsAccountID(a.Account) {
		return "account:" + a.Account
	}
	return v
}

// rawStatements splits a document's Statement element (an object or an array) into the
// statements' own JSON objects, in order.
func rawStatements(data []byte) ([]map[string]json.RawMessage, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, err
	}
	var stRaw json.RawMessage
	for k, v := range top {
		if k == "Statement" {
			stRaw = v
		}
	}
	var list []map[string]json.RawMessage
	if err := json.Unmarshal(stRaw, &list); err != nil {
		var one map[string]json.RawMessage
		if err := json.Unmarshal(stRaw, &one); err != nil {
			return nil, err
		}
		list = []map[string]json.RawMessage{one}
	}
	return list, nil
}

// matchers builds the statement's two matchers: the statement with its Effect, Action or
// NotAction, and Resource or NotResource ("*" when it names none, as a trust policy), with
// no Principal (identity) or the principal "*" (resource), and no Condition.
func matchers(raw map[string]json.RawMessage, version string) (identity, resource *policy.Policy, err error) {
	st := map[string]json.RawMessage{}
	for _, k := range []string{"Effect", "Action", "NotAction", "Resource", "NotResource"} {
		if v, ok := raw[k]; ok {
			st[k] = v
		}
	}
	if _, ok := st["Resource"]; !ok {
		if _, ok := st["NotResource"]; !ok {
			st["Resource"] = json.RawMessage(`"*"`)
		}
	}
	build := func(kind policy.Kind) (*policy.Policy, error) {
		top := map[string]any{"Statement": []any{st}}
		if version != "" {
			top["Version"] = version
		}
		data, err := json.Marshal(top)
		if err != nil {
			return nil, err
		}
		return policy.Parse(data, kind)
	}
	if identity, err = build(policy.Identity); err != nil {
		return nil, nil, err
	}
	st["Principal"] = json.RawMessage(`"*"`)
	if resource, err = build(policy.Resource); err != nil {
		return nil, nil, err
	}
	return identity, resource, nil
}

// analyzer is the account and principal the checks ask about: any, the same for both
// documents.
const analyzerAccount = "123456789012"

// principal is the caller the checks ask about (its policies are the documents').
var principal = mustPrincipal(arn.IAM(arn.AWS, analyzerAccount, "user/iamd-access-analyzer"))

func mustPrincipal(s string) policy.Principal {
	p, err := policy.ParsePrincipal(s)
	if err != nil {
		panic(err)
	}
	return p
}

// query is one request the checks ask about: an action on a resource (or a resource
// pattern), in a context that resolves the documents' policy variables.
type query struct {
	action, resource string
	lower            string // action, lower-cased (set for appliesTo)
	pattern          bool   // the resource is a pattern: an Allow applies where it may overlap it
	ctx              policy.Context
}

// matches reports whether the statement's actions and resources apply to the query.
func (s *stmt) matches(q *query) bool {
	if strings.EqualFold(q.action, "sts:GetCallerIdentity") {
		// The engine allows it whatever the policies say; whether a statement names it is
		// the statement's words alone (a Deny never keeps it from anyone).
		return s.effect == policy.Allow && actionNamed(s, q.action)
	}
	var req *policy.Request
	if q.pattern {
		req = policy.NewPatternRequest(principal, q.action, q.resource, "", q.ctx)
	} else {
		req = policy.NewRequest(principal, q.action, q.resource, "", q.ctx)
	}
	d := policy.Evaluate(&policy.Set{Identity: []*policy.Policy{s.identity}, Resource: s.resource}, req)
	if s.effect == policy.Deny {
		return d.Result == policy.ExplicitDeny
	}
	return d.Result == policy.Allowed
}

// probeAction is the action the resource probes are asked with: one of no service, which
// nothing in the engine treats apart.
const probeAction = "iamd-access-analyzer:Probe"

// resourceMatches reports whether the statement's Resource or NotResource applies to a
// resource (not a pattern) in the context.
func (s *stmt) resourceMatches(resource string, in *sampler) bool {
	key := in.value + "\x00" + resource
	if v, ok := s.probed[key]; ok {
		return v
	}
	req := policy.NewRequest(principal, probeAction, resource, "", in.ctx)
	v := policy.Evaluate(&policy.Set{Identity: []*policy.Policy{s.probeIdentity}, Resource: s.probeResource}, req).Result == policy.Allowed
	s.probed[key] = v
	return v
}

// appliesTo reports whether the statement's actions and resources apply to an action on a
// resource of the samples: matches for a literal query, computed from its two independent
// halves.
func (s *stmt) appliesTo(q *query, in *sampler) bool {
	return actionNamedLower(s, q.lower) && s.resourceMatches(q.resource, in)
}

// hasVariables reports whether the statement's Resource or NotResource names a policy
// variable.
func (s *stmt) hasVariables() bool {
	for _, r := range s.resources {
		if strings.Contains(r, "${") {
			return true
		}
	}
	return false
}

// wildMatchers builds wildIdentity and wildResource for a statement whose Resource names
// policy variables.
func (s *stmt) wildMatchers(raw map[string]json.RawMessage, version string) error {
	if !s.hasVariables() {
		return nil
	}
	if _, ok := raw["NotResource"]; ok {
		s.variableNotResource = true
		return nil
	}
	wild := map[string]json.RawMessage{}
	for k, v := range raw {
		wild[k] = v
	}
	var rs []string
	if err := json.Unmarshal(raw["Resource"], &rs); err != nil {
		var one string
		if err := json.Unmarshal(raw["Resource"], &one); err != nil {
			return err
		}
		rs = []string{one}
	}
	for i, r := range rs {
		rs[i] = variablePattern.ReplaceAllString(r, "*")
	}
	data, _ := json.Marshal(rs)
	wild["Resource"] = data
	var err error
	s.wildIdentity, s.wildResource, err = matchers(wild, version)
	return err
}

// mayMatch reports whether the statement's actions and resources may apply to the query
// whatever its policy variables' values: matches with every variable read as "*".
func (s *stmt) mayMatch(q *query) bool {
	switch {
	case s.variableNotResource:
		return actionNamed(s, q.action)
	case s.wildIdentity != nil:
		w := *s
		w.identity, w.resource, w.wildIdentity = s.wildIdentity, s.wildResource, nil
		return w.matches(q)
	}
	return s.matches(q)
}
