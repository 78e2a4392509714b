package accessanalyzer

import (
	"fmt"
	"strings"

	"github.com/iamd-dev/iamd/internal/policy"
)

// Access is the access a CheckAccessNotGranted asks about: at least one of the actions on
// at least one of the resources (any resource when none is given, any action when no
// action is).
type Access struct {
	Actions   []string `json:"actions"`
	Resources []string `json:"resources"`
}

// CheckAccessNotGrantedInput is CheckAccessNotGranted's input.
type CheckAccessNotGrantedInput struct {
	PolicyDocument string
	Access         []Access
	PolicyType     string
}

// Messages of CheckAccessNotGranted, as Access Analyzer words them.
const (
	notGrantedPass = "The policy document does not grant access to perform the listed actions or resources."
	notGrantedFail = "The policy document grants access to perform one or more of the listed actions or resources."
)

// Access Analyzer's bounds of an access entry.
const maxAccessEntries = 100

// CheckAccessNotGranted answers whether the policy may allow any of the access. It is
// sound: a statement's conditions are taken to hold, a Deny counts only without
// conditions (and, in a resource policy, naming every principal), and a resource of the
// access that is a pattern counts as granted where an Allow may overlap it.
func CheckAccessNotGranted(in CheckAccessNotGrantedInput) (*CheckOutput, error) {
	var f fieldErrors
	f.document("policyDocument", in.PolicyDocument)
	f.required("policyType", in.PolicyType)
	f.oneOf("policyType", in.PolicyType, IdentityPolicy, ResourcePolicy)
	if in.Access == nil {
		f.add("access", "Member must not be null")
	}
	if len(in.Access) > 1 {
		f.add("access", "Member must have length less than or equal to 1")
	}
	for _, a := range in.Access {
		if len(a.Actions) > maxAccessEntries {
			f.add("access.member.actions", "Member must have length less than or equal to %d", maxAccessEntries)
		}
		if len(a.Resources) > maxAccessEntries {
			f.add("access.member.resources", "Member must have length less than or equal to %d", maxAccessEntries)
		}
	}
	if err := f.err(); err != nil {
		return nil, err
	}
	if len(in.Access) == 0 || len(in.Access[0].Actions) == 0 && len(in.Access[0].Resources) == 0 {
		return nil, &InvalidParameterError{Message: "Invalid parameter value: the access must list at least one action or one resource."}
	}
	acc := in.Access[0]
	for _, a := range acc.Actions {
		if svc, name, ok := strings.Cut(a, ":"); !ok || svc == "" || name == "" {
			return nil, &InvalidParameterError{Message: fmt.Sprintf("Invalid parameter value: the action %q is not of the form service:action.", a)}
		}
	}
	d, err := readDoc("policyDocument", in.PolicyDocument, accessCheckKind(in.PolicyType, in.PolicyDocument))
	if err != nil {
		return nil, err
	}
	examples, err := granted(d, acc, in.PolicyType == ResourcePolicy)
	if err != nil {
		return nil, err
	}
	if len(examples) == 0 {
		return &CheckOutput{Result: Pass, Message: notGrantedPass, Reasons: []Reason{}}, nil
	}
	out := &CheckOutput{Result: Fail, Message: notGrantedFail, Reasons: []Reason{}}
	for _, st := range d.statements {
		if ex, ok := examples[st.index]; ok {
			i := st.index
			out.Reasons = append(out.Reasons, Reason{StatementIndex: &i, StatementID: st.sid,
				Description: fmt.Sprintf("One or more of the listed actions or resources in the statement with %s. For example: %s.", st.named(), ex)})
		}
	}
	return out, nil
}

// granted finds, for each Allow statement of the document that may grant some of the
// access, one request of it that the statement grants, by statement index.
func granted(d *doc, acc Access, resourcePolicy bool) (map[int]Example, error) {
	s := newSampler(variableValue, d)
	actions := accessActions(s, acc.Actions)
	resources := acc.Resources
	if len(resources) == 0 {
		resources = []string{"*"}
	}
	found := map[int]Example{}
	for _, st := range d.statements {
		if st.effect != policy.Allow {
			continue
		}
	statement:
		for _, a := range actions {
			for _, r := range resources {
				if !s.step() {
					return nil, errTooComplex
				}
				q := &query{action: a, resource: r, ctx: s.ctx, pattern: strings.ContainsAny(r, "*?")}
				if !st.mayMatch(q) {
					continue
				}
				for _, p := range st.principalSamples(resourcePolicy) {
					if !surelyDenied(d, q, p) {
						found[st.index] = Example{Action: a, Resource: r, Principal: principalName(p)}
						break statement
					}
				}
			}
		}
	}
	return found, nil
}

// surelyDenied reports whether a Deny of the document applies to the query for certain:
// without conditions or policy variables, naming p, covering the resource wholly.
func surelyDenied(d *doc, q *query, p string) bool {
	for _, dn := range d.statements {
		if dn.effect == policy.Deny && len(dn.conds) == 0 && !dn.hasVariables() && dn.names(p) && dn.matches(q) {
			return true
		}
	}
	return false
}

// accessActions are the actions an access names: each as written and, for a pattern,
// every action of the catalog it stands for; every action of the catalog when it names none.
func accessActions(s *sampler, names []string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(a string) {
		if k := strings.ToLower(a); !seen[k] {
			seen[k] = true
			out = append(out, a)
		}
	}
	if len(names) == 0 {
		names = []string{"*"}
	}
	for _, n := range names {
		if !strings.ContainsAny(n, "*?") {
			add(n)
			continue
		}
		for _, a := range s.cat.Expand(n) {
			add(a.String())
		}
	}
	return out
}
