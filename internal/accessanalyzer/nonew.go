package accessanalyzer

import (
	"fmt"
	"strings"

	"github.com/iamd-dev/iamd/internal/catalog"
	"github.com/iamd-dev/iamd/internal/policy"
)

// CheckNoNewAccessInput is CheckNoNewAccess's input.
type CheckNoNewAccessInput struct {
	NewPolicyDocument      string
	ExistingPolicyDocument string
	PolicyType             string
}

// CheckOutput is an access check's answer.
type CheckOutput struct {
	Result  string   `json:"result"`
	Message string   `json:"message"`
	Reasons []Reason `json:"reasons"`
}

// Reason is Access Analyzer's ReasonSummary: why a statement made the check fail.
type Reason struct {
	Description    string `json:"description"`
	StatementIndex *int   `json:"statementIndex,omitempty"`
	StatementID    string `json:"statementId,omitempty"`
}

// Example is a request that shows a check's result: an action on a resource, from a
// principal (resource policies only).
type Example struct {
	Action, Resource, Principal string
}

// String is "action on resource", with " by principal" for a resource policy.
func (e Example) String() string {
	s := e.Action + " on " + e.Resource
	if e.Principal != "" {
		s += " by " + e.Principal
	}
	return s
}

// Messages of CheckNoNewAccess, as Access Analyzer words them.
const (
	noNewAccessPass = "The modified permissions grant no new access compared to your existing policy."
	noNewAccessFail = "The modified permissions grant new access compared to your existing policy."
)

// accessCheckKind is the kind of policy an access check reads a document as: a resource
// policy naming no resource is a role's trust policy.
func accessCheckKind(policyType, document string) policy.Kind {
	if policyType == IdentityPolicy {
		return policy.Identity
	}
	raw, err := rawStatements([]byte(document))
	if err != nil || len(raw) == 0 {
		return policy.Resource
	}
	for _, st := range raw {
		_, r := st["Resource"]
		_, nr := st["NotResource"]
		if r || nr {
			return policy.Resource
		}
	}
	return policy.Trust
}

// CheckNoNewAccess answers whether the new policy allows any request the existing one does
// not. It is sound: it fails unless every request it forms (every action of the catalog on
// the resources the two documents' patterns and the action's resource types stand for,
// from every principal a resource policy names) that the new policy may allow is allowed
// by the existing one. A condition of the new policy is taken to hold; one of the existing
// policy only where the new statement's own conditions imply it (implies). A Deny of the
// new policy counts only without conditions; one of the existing policy always, unless a
// Deny of the new policy applies whenever it does. Each failing statement's reason names a
// request that shows it.
func CheckNoNewAccess(in CheckNoNewAccessInput) (*CheckOutput, error) {
	var f fieldErrors
	f.document("newPolicyDocument", in.NewPolicyDocument)
	f.document("existingPolicyDocument", in.ExistingPolicyDocument)
	f.required("policyType", in.PolicyType)
	f.oneOf("policyType", in.PolicyType, IdentityPolicy, ResourcePolicy)
	if err := f.err(); err != nil {
		return nil, err
	}
	newDoc, err := readDoc("newPolicyDocument", in.NewPolicyDocument, accessCheckKind(in.PolicyType, in.NewPolicyDocument))
	if err != nil {
		return nil, err
	}
	oldDoc, err := readDoc("existingPolicyDocument", in.ExistingPolicyDocument, accessCheckKind(in.PolicyType, in.ExistingPolicyDocument))
	if err != nil {
		return nil, err
	}
	examples, err := newAccess(newDoc, oldDoc, in.PolicyType == ResourcePolicy)
	if err != nil {
		return nil, err
	}
	if len(examples) == 0 {
		return &CheckOutput{Result: Pass, Message: noNewAccessPass, Reasons: []Reason{}}, nil
	}
	out := &CheckOutput{Result: Fail, Message: noNewAccessFail, Reasons: []Reason{}}
	for _, st := range newDoc.statements {
		ex, ok := examples[st.index]
		if !ok {
			continue
		}
		i := st.index
		out.Reasons = append(out.Reasons, Reason{StatementIndex: &i, StatementID: st.sid,
			Description: fmt.Sprintf("New access in the statement with %s. For example: %s.", st.named(), ex)})
	}
	return out, nil
}

// newAccess finds, for each Allow statement of newDoc that grants what oldDoc does not, one
// request that shows it, by statement index; none when newDoc grants nothing new. Documents
// too large to decide within the budget are an UnprocessableEntityError.
func newAccess(newDoc, oldDoc *doc, resourcePolicy bool) (map[int]Example, error) {
	found := map[int]Example{}
	for _, s := range samplers(newDoc, oldDoc) {
		if s.truncated {
			return nil, errTooComplex
		}
		newAccessIn(s, newDoc, oldDoc, resourcePolicy, found)
		if s.exhausted() {
			return nil, errTooComplex
		}
	}
	return found, nil
}

// newAccessIn is newAccess over one set of samples, adding to found the statements it
// finds (and skipping those already found).
func newAccessIn(s *sampler, newDoc, oldDoc *doc, resourcePolicy bool, found map[int]Example) {
	for _, st := range newDoc.statements {
		if _, done := found[st.index]; done || st.effect != policy.Allow {
			continue
		}
		try := func(a *catalog.Action, action string) bool {
			lower := strings.ToLower(action)
			if !actionNamedLower(st, lower) {
				return false
			}
			for _, r := range s.resourcesFor(a) {
				if !s.step() {
					return true // out of budget: the caller refuses the check
				}
				q := &query{action: action, resource: r, lower: lower, ctx: s.ctx}
				if !st.appliesTo(q, s) {
					continue
				}
				for _, p := range st.principalSamples(resourcePolicy) {
					if !newGrants(s, newDoc, st, q, p) {
						continue
					}
					if !oldGrants(s, newDoc, oldDoc, st, q, p) {
						found[st.index] = Example{Action: action, Resource: r, Principal: principalName(p)}
						return true
					}
				}
			}
			return false
		}
		done := false
		for _, a := range s.actionsOf(st) {
			if a.String() == "sts:GetCallerIdentity" {
				continue // always allowed, whatever a policy says
			}
			if try(a, a.String()) {
				done = true
				break
			}
		}
		if done {
			continue
		}
		for _, a := range s.extraFor(st) {
			if try(nil, a) {
				break
			}
		}
	}
}

// principalName is a principal sample as a reason names it.
func principalName(p string) string {
	switch p {
	case "":
		return ""
	case anyPrincipal:
		return "any principal"
	case anyAWSPrincipal:
		return "any AWS principal"
	}
	typ, v, _ := strings.Cut(p, ":")
	switch typ {
	case "AWS":
		if id, ok := strings.CutPrefix(v, "account:"); ok {
			return "account " + id
		}
		return v
	case "Service":
		return "service " + v
	case "Federated":
		return "federated " + v
	}
	return "canonical user " + v
}

// newGrants reports whether the new document may grant the query to p through st: st
// applies (its conditions taken to hold) and no Deny of the document applies for certain
// (one without conditions that names p, or every principal st names).
func newGrants(s *sampler, d *doc, st *stmt, q *query, p string) bool {
	for _, dn := range d.statements {
		if dn.effect == policy.Deny && len(dn.conds) == 0 && (dn.names(p) || principalsCover(dn, st)) && dn.appliesTo(q, s) {
			return false
		}
	}
	return true
}

// oldGrants reports whether the existing document certainly grants the query to p
// wherever st of the new document does: an Allow that applies to it, names p, and whose
// conditions st's imply; and for every Deny of it that may apply, a Deny of the new
// document that applies whenever that one does.
func oldGrants(s *sampler, newDoc, oldDoc *doc, st *stmt, q *query, p string) bool {
	allowed := false
	for _, se := range oldDoc.statements {
		if se.effect == policy.Allow && (se.names(p) || principalsCover(se, st)) && impliedBy(se.conds, st.conds) && se.appliesTo(q, s) {
			allowed = true
			break
		}
	}
	if !allowed {
		return false
	}
	for _, de := range oldDoc.statements {
		if de.effect != policy.Deny || !de.mayName(p) || !de.appliesTo(q, s) {
			continue
		}
		if !denyCovered(s, newDoc, de, q, p) {
			return false
		}
	}
	return true
}

// denyCovered reports whether a Deny of the new document applies to the query whenever
// the existing document's Deny de does for p: it names p, and de's conditions imply its own.
func denyCovered(s *sampler, newDoc *doc, de *stmt, q *query, p string) bool {
	for _, dn := range newDoc.statements {
		if dn.effect == policy.Deny && (dn.names(p) || principalsCover(dn, de)) && impliedBy(dn.conds, de.conds) && dn.appliesTo(q, s) {
			return true
		}
	}
	return false
}

// named is how Access Analyzer's reasons name a statement: by its Sid, else its index.
func (s *stmt) named() string {
	if s.sid != "" {
		return "sid: " + s.sid
	}
	return fmt.Sprintf("index: %d", s.index)
}
