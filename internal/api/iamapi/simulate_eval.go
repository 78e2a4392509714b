package iamapi

import (
	"encoding/json"
	"strings"

	"github.com/iamd-dev/iamd/internal/arn"
	"github.com/iamd-dev/iamd/internal/policy"
)

// simPolicy is a policy in a simulation with the name and type the results give it.
type simPolicy struct {
	id, typ string
	pol     *policy.Policy
}

// simulation is one SimulatePrincipalPolicy or SimulateCustomPolicy call, read and
// validated.
type simulation struct {
	account   string // the account of the call
	identity  []simPolicy
	boundary  *simPolicy
	resource  *simPolicy // ResourcePolicy
	caller    policy.Principal
	owner     string // the account owning resources whose ARN names none
	actions   []string
	resources []string
	context   policy.Context  // exactly the ContextEntries: the simulator fills in no key
	supplied  map[string]bool // lower-cased keys of the context

	delegate  *policy.Policy                       // stands for an absent resource policy
	skeletons map[*policy.Statement]*policy.Policy // a statement's Action and Resource alone
	actionsOf map[*policy.Statement]*policy.Policy // a statement's Action alone
}

// simResult is the outcome of one action on one resource.
type simResult struct {
	action, resource string
	decision         policy.Result
	matched          []simStatement
	missing          []string
	details          map[string]string // EvalDecisionDetails; nil when not reported
	boundary         *bool             // AllowedByPermissionsBoundary; nil without a boundary
}

type simStatement struct {
	p  *simPolicy
	st *policy.Statement
}

// delegateDocument is the resource policy the simulator assumes when it is given none: one
// that leaves the decision to the caller's identity policies, as a key policy or trust
// policy that trusts the account does. It never appears in results.
const delegateDocument = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"%s"},"Action":"*","Resource":"*"}]}`

func (c *call) runSimulation(sim *simulation) (any, error) {
	n := len(sim.actions) * len(sim.resources)
	page, err := c.pageOf(n)
	if err != nil {
		return nil, err
	}
	if sim.resource == nil {
		d, err := policy.Parse([]byte(strings.Replace(delegateDocument, "%s", sim.caller.Account, 1)), policy.Resource)
		if err != nil {
			return nil, err
		}
		sim.delegate = d
	}
	out := simulateResult{IsTruncated: page.marker != "", Marker: page.marker}
	out.EvaluationResults.Members = []xmlEvaluationResult{}
	for i := page.start; i < page.end; i++ {
		action, resource := sim.actions[i/len(sim.resources)], sim.resources[i%len(sim.resources)]
		r := sim.evaluate(action, resource)
		out.EvaluationResults.Members = append(out.EvaluationResults.Members, evaluationXML(r))
	}
	return out, nil
}

// resourceAccount is the account that owns a simulated resource. Without a resource policy
// the simulation is within the caller's account: only identity policies decide.
func (sim *simulation) resourceAccount(resource string) string {
	if sim.resource == nil {
		return sim.caller.Account
	}
	if parts, ok := arn.Split(resource); ok {
		if acct := arn.Part(resource, parts, 4); acct != "" {
			return acct
		}
	}
	return sim.owner
}

// request prepares the request for an action on a resource with only the supplied context:
// the engine's derived global keys are not part of a simulation.
func (sim *simulation) request(action, resource, account string) *policy.Request {
	req := policy.NewRequest(sim.caller, action, resource, account, sim.context.Clone())
	req.Context = sim.context.Clone()
	return req
}

func (sim *simulation) evaluate(action, resource string) simResult {
	account := sim.resourceAccount(resource)
	req := sim.request(action, resource, account)
	set := &policy.Set{}
	for _, p := range sim.identity {
		set.Identity = append(set.Identity, p.pol)
	}
	if sim.boundary != nil {
		set.Boundary = sim.boundary.pol
	}
	if sim.resource != nil {
		set.Resource = sim.resource.pol
	} else {
		set.Resource = sim.delegate
	}
	d := policy.Evaluate(set, req)
	r := simResult{action: action, resource: resource, decision: d.Result}
	for _, m := range d.Deciding() {
		if sp := sim.source(m.Policy); sp != nil {
			r.matched = append(r.matched, simStatement{sp, m.Statement})
		}
	}
	r.missing = sim.missingKeys(req)
	layer := func(l policy.Layer) string {
		allow, deny := false, false
		for _, m := range d.Matched {
			if m.Layer == l && sim.source(m.Policy) != nil {
				deny = deny || m.Statement.Effect == policy.Deny
				allow = allow || m.Statement.Effect == policy.Allow
			}
		}
		switch {
		case deny:
			return policy.ExplicitDeny.String()
		case allow:
			return policy.Allowed.String()
		}
		return policy.ImplicitDeny.String()
	}
	if sim.boundary != nil {
		ok := layer(policy.LayerBoundary) == policy.Allowed.String()
		r.boundary = &ok
	}
	// EvalDecisionDetails: for cross-account simulations, how each kind of policy decided;
	// within an account, present but empty for a named resource and absent for "*".
	switch {
	case sim.resource != nil && account != sim.caller.Account:
		r.details = map[string]string{detailIdentity: layer(policy.LayerIdentity), detailResource: layer(policy.LayerResource)}
		if sim.boundary != nil {
			r.details[detailBoundary] = layer(policy.LayerBoundary)
		}
	case resource != "*":
		r.details = map[string]string{}
	}
	return r
}

// source finds the simulation's name for a policy the engine matched; nil for the stand-in
// resource policy.
func (sim *simulation) source(p *policy.Policy) *simPolicy {
	for i := range sim.identity {
		if sim.identity[i].pol == p {
			return &sim.identity[i]
		}
	}
	if sim.boundary != nil && sim.boundary.pol == p {
		return sim.boundary
	}
	if sim.resource != nil && sim.resource.pol == p {
		return sim.resource
	}
	return nil
}

// missingKeys lists the keys that statements bearing on the request (by action and
// resource, whatever their conditions say) read but the context does not hold.
func (sim *simulation) missingKeys(req *policy.Request) []string {
	var out []string
	seen := map[string]bool{}
	all := append([]simPolicy{}, sim.identity...)
	if sim.boundary != nil {
		all = append(all, *sim.boundary)
	}
	if sim.resource != nil {
		all = append(all, *sim.resource)
	}
	for _, sp := range all {
		for _, st := range sp.pol.Statements {
			var missing []string
			for _, k := range statementKeys(sp.pol, st) {
				if lk := strings.ToLower(k); !sim.supplied[lk] && !seen[lk] {
					missing = append(missing, k)
				}
			}
			if len(missing) == 0 || !sim.bears(sp.pol, st, req) {
				continue
			}
			for _, k := range missing {
				if lk := strings.ToLower(k); !seen[lk] {
					seen[lk] = true
					out = append(out, k)
				}
			}
		}
	}
	return out
}

// bears reports whether a statement's Action and Resource elements apply to the request.
// A Resource that names a missing variable bears on every request its Action matches.
func (sim *simulation) bears(p *policy.Policy, st *policy.Statement, req *policy.Request) bool {
	if sim.skeletons == nil {
		sim.skeletons = map[*policy.Statement]*policy.Policy{}
		sim.actionsOf = map[*policy.Statement]*policy.Policy{}
	}
	skel, ok := sim.skeletons[st]
	if !ok {
		skel = skeleton(p, st, true)
		sim.skeletons[st] = skel
		sim.actionsOf[st] = skeleton(p, st, false)
	}
	if skel == nil {
		return false
	}
	probe := func(pol *policy.Policy, resource string) bool {
		r := policy.NewRequest(sim.caller, req.Action, resource, sim.caller.Account, req.Context.Clone())
		r.Context = req.Context.Clone()
		d := policy.Evaluate(&policy.Set{Identity: []*policy.Policy{pol}}, r)
		return d.Result == policy.Allowed
	}
	if probe(skel, req.Resource) {
		return true
	}
	for _, v := range resourceVariables(p, st) {
		if !sim.supplied[strings.ToLower(v)] {
			return probe(sim.actionsOf[st], "*")
		}
	}
	return false
}

// skeleton is an Allow statement with st's Action or NotAction and, when withResource, its
// Resource or NotResource (else "*"): the engine then tells whether they apply.
func skeleton(p *policy.Policy, st *policy.Statement, withResource bool) *policy.Policy {
	s := map[string]any{"Effect": "Allow", "Resource": "*"}
	if st.NotAction != nil {
		s["NotAction"] = st.NotAction
	} else {
		s["Action"] = st.Action
	}
	if withResource {
		switch {
		case st.NotResource != nil:
			delete(s, "Resource")
			s["NotResource"] = st.NotResource
		case st.Resource != nil:
			s["Resource"] = st.Resource
		}
	}
	doc := map[string]any{"Statement": []any{s}}
	if p.Version != "" {
		doc["Version"] = p.Version
	}
	data, err := json.Marshal(doc)
	if err != nil {
		return nil
	}
	out, err := policy.Parse(data, policy.Identity)
	if err != nil {
		return nil
	}
	return out
}
