package authmsg

import (
	"sort"
	"strings"

	"github.com/iamd-dev/iamd/internal/policy"
)

// Failure describes one authorization failure, as DecodeAuthorizationMessage reports it.
type Failure struct {
	Allowed      bool
	ExplicitDeny bool
	// Statements are the statements that decided the request: for an explicit deny the
	// Deny statements that applied; none for an implicit deny.
	Statements   []Statement
	PrincipalID  string // the caller's unique id: AIDA... for a user, AROA...:session for a role session
	PrincipalARN string
	Action       string
	Resource     string
	// Conditions are the request's condition keys and their values, sorted by key.
	Conditions []Condition
}

// Statement is a matched policy statement as written in its policy.
type Statement struct {
	Sid    string
	Effect string // "DENY" or "ALLOW", as AWS spells it in decoded messages
	// Principals are the statement's Principal values; for a statement without a Principal
	// element (identity-based policies, SCPs) AWS lists the caller's unique id instead.
	Principals      []string
	PrincipalGroups []string
	Actions         []string
	NotActions      []string
	Resources       []string
	NotResources    []string
	Conditions      []Condition
}

// Condition is one condition key with its values: a statement's condition as written, or
// a key of the request context.
type Condition struct {
	Key    string
	Values []string
}

// FromDecision describes a decision about the request (principalID, principalARN, action,
// resource) whose condition keys are ctx; ctx may be nil.
func FromDecision(d *policy.Decision, principalID, principalARN, action, resource string, ctx *policy.Context) Failure {
	f := Failure{
		Allowed:      d.Result == policy.Allowed,
		ExplicitDeny: d.Result == policy.ExplicitDeny,
		PrincipalID:  principalID,
		PrincipalARN: principalARN,
		Action:       action,
		Resource:     resource,
		Conditions:   contextConditions(ctx),
	}
	seen := map[*policy.Statement]bool{}
	for _, m := range d.Deciding() {
		if m.Statement == nil || seen[m.Statement] {
			continue
		}
		seen[m.Statement] = true
		f.Statements = append(f.Statements, fromStatement(m.Statement, principalID))
	}
	return f
}

func fromStatement(st *policy.Statement, principalID string) Statement {
	out := Statement{
		Sid:          st.Sid,
		Effect:       strings.ToUpper(st.Effect.String()),
		Actions:      clone(st.Action),
		NotActions:   clone(st.NotAction),
		Resources:    clone(st.Resource),
		NotResources: clone(st.NotResource),
	}
	switch {
	case st.Principal != nil:
		p := st.Principal
		if p.Wildcard {
			out.Principals = append(out.Principals, "*")
		}
		for _, vs := range [][]string{p.AWS, p.Service, p.Federated, p.CanonicalUser} {
			out.Principals = append(out.Principals, vs...)
		}
	case st.NotPrincipal == nil && principalID != "":
		// AWS's documented example lists the role's id (AROA...) without the session name.
		id, _, _ := strings.Cut(principalID, ":")
		out.Principals = []string{id}
	}
	for _, c := range st.Conditions {
		out.Conditions = append(out.Conditions, Condition{Key: c.Key, Values: clone(c.Values)})
	}
	return out
}

// contextConditions lists ctx's keys sorted by key (case-insensitively, as keys are).
func contextConditions(ctx *policy.Context) []Condition {
	if ctx == nil {
		return nil
	}
	keys := ctx.Keys()
	sort.Slice(keys, func(i, j int) bool {
		li, lj := strings.ToLower(keys[i]), strings.ToLower(keys[j])
		if li != lj {
			return li < lj
		}
		return keys[i] < keys[j]
	})
	out := make([]Condition, 0, len(keys))
	for _, k := range keys {
		v, _ := ctx.Get(k)
		out = append(out, Condition{Key: k, Values: clone(v)})
	}
	return out
}

func clone(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return append([]string(nil), s...)
}
