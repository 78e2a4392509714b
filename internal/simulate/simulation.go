package simulate

import (
	"strings"

	"github.com/iamd-dev/iamd/internal/arn"
	"github.com/iamd-dev/iamd/internal/policy"
)

// simulation is one SimulatePrincipalPolicy or SimulateCustomPolicy call, read and
// validated.
type simulation struct {
	identity  []source
	boundary  *source
	resource  *source // ResourcePolicy
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

// delegateDocument is the resource policy the simulator assumes when it is given none: one
// that leaves the decision to the caller's identity policies, as a key policy or trust
// policy that trusts the account does. It never appears in results.
const delegateDocument = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"%s"},"Action":"*","Resource":"*"}]}`

// run evaluates the page of actions × resources that MaxItems and Marker ask for.
func (sim *simulation) run(maxItems, marker *string) (*Results, error) {
	n := len(sim.actions) * len(sim.resources)
	pg, err := pageOf(n, maxItems, marker)
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
	out := &Results{Evaluations: []Evaluation{}, Marker: pg.marker}
	for i := pg.start; i < pg.end; i++ {
		action, resource := sim.actions[i/len(sim.resources)], sim.resources[i%len(sim.resources)]
		out.Evaluations = append(out.Evaluations, sim.evaluate(action, resource))
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
	req := policy.NewPatternRequest(sim.caller, action, resource, account, sim.context.Clone())
	req.Context = sim.context.Clone()
	return req
}

// policySet is the simulation's policies as the engine takes them.
func (sim *simulation) policySet() *policy.Set {
	set := &policy.Set{Resource: sim.delegate}
	for _, p := range sim.identity {
		set.Identity = append(set.Identity, p.pol)
	}
	if sim.boundary != nil {
		set.Boundary = sim.boundary.pol
	}
	if sim.resource != nil {
		set.Resource = sim.resource.pol
	}
	return set
}

// sources lists the simulation's policies: identity, boundary, resource.
func (sim *simulation) sources() []*source {
	var out []*source
	for i := range sim.identity {
		out = append(out, &sim.identity[i])
	}
	if sim.boundary != nil {
		out = append(out, sim.boundary)
	}
	if sim.resource != nil {
		out = append(out, sim.resource)
	}
	return out
}

// sourceOf finds the simulation's name for a policy the engine matched; nil for the
// stand-in resource policy.
func (sim *simulation) sourceOf(p *policy.Policy) *source {
	for _, s := range sim.sources() {
		if s.pol == p {
			return s
		}
	}
	return nil
}
