package frontdoor

import (
	"errors"
	"fmt"

	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/catalog"
)

// Plan is what AWS authorizes for a call.
type Plan struct {
	// Requests are every action and resource AWS authorizes for the call, each with the
	// condition keys the request sets; all must be allowed.
	Requests []authz.Request
	// Underived are the resource types ("batch:job") whose ARN could not be derived from the
	// call: their request is on "*". The audit line says them.
	Underived []string
}

// ErrUnmapped is the error of a call for which iamd knows no IAM action: the catalog has no
// action of the operation's name and no rule names another. Such a call is not authorized.
var ErrUnmapped = errors.New("no IAM action is known for the operation")

// Authorize is the plan of a call by a caller of the account: each action the call needs
// (the operation's, or the one its service's rule names) on each resource type the catalog
// lists for it (those it requires, and those it may act on that the call names), its ARN
// filled from the call, on "*" when the action acts on no resource type, or when the ARN
// cannot be derived (said in Underived).
func Authorize(c *Call, account string, cat *catalog.Catalog) (Plan, error) {
	prefix := IAMPrefix(c.Service.SigningName)
	if cat.Service(prefix) == nil {
		return Plan{}, fmt.Errorf("%w: %s %s (the catalog has no service %q)", ErrUnmapped, c.Service.ID, c.Operation.Name, prefix)
	}
	r := rulesOf(c.Service)
	needs := []need{{action: r.actionName(prefix, c.Operation.Name), params: c.Params}}
	if r.needs != nil {
		needs = r.needs(c, needs[0])
	}
	var p Plan
	seen := map[string]bool{}
	for _, n := range needs {
		act := cat.Action(n.action)
		if act == nil {
			return Plan{}, fmt.Errorf("%w: %s %s (the catalog has no action %s)", ErrUnmapped, c.Service.ID, c.Operation.Name, n.action)
		}
		d := newDeriver(c, r, act.Service, n, account)
		var reqs []authz.Request
		if len(n.underived) > 0 {
			reqs = d.underivedRequest(act, n.underived, &p)
		} else {
			reqs = d.requests(act, &p)
		}
		for _, req := range reqs {
			if k := req.Action + "\x00" + req.Resource; !seen[k] {
				seen[k] = true
				p.Requests = append(p.Requests, req)
			}
		}
	}
	return p, nil
}

// requests are the action's requests: one per ARN of each resource type the call names, and
// one on "*" for each required type it does not (said in Underived), or for an action of no
// resource type. The call names a type by an ARN it gives (then the optional types it gives
// none for are not its), or by members that fill the type's ARN format. With no type named,
// the request is on "*", its optional types underived.
func (d *deriver) requests(act *catalog.Action, p *Plan) []authz.Request {
	var out []authz.Request
	on := func(resource string, ar *catalog.ActionResource) {
		out = append(out, authz.Request{Action: act.String(), Resource: resource, Context: d.context(act, ar)})
	}
	if len(act.Resources) == 0 {
		on("*", nil)
		return out
	}
	given := make([][]string, len(act.Resources))
	anyGiven := false
	for i, ar := range act.Resources {
		if ar.Type != nil {
			given[i] = d.given(ar.Type)
			anyGiven = anyGiven || len(given[i]) > 0
		}
	}
	var optional []string
	for i := range act.Resources {
		ar := &act.Resources[i]
		arns, byMember, ok := given[i], true, len(given[i]) > 0
		if !ok && ar.Type != nil && (ar.Required || !anyGiven) {
			arns, byMember, ok = d.named(ar.Type)
		}
		switch {
		case ok && (ar.Required || byMember):
			for _, a := range arns {
				on(a, ar)
			}
		case ar.Required:
			p.underived(act.Service.Prefix + ":" + ar.Name)
			on("*", ar)
		default:
			optional = append(optional, act.Service.Prefix+":"+ar.Name)
		}
	}
	if len(out) == 0 {
		for _, name := range optional {
			p.underived(name)
		}
		on("*", nil)
	}
	return out
}

// underivedRequest is the action's request on "*" for resource types whose ARN the call
// does not tell, with the condition keys of the first that the action lists; it says them in
// Underived.
func (d *deriver) underivedRequest(act *catalog.Action, types []string, p *Plan) []authz.Request {
	var on *catalog.ActionResource
	for _, name := range types {
		p.underived(name)
		for i := range act.Resources {
			if ar := &act.Resources[i]; on == nil && act.Service.Prefix+":"+ar.Name == name {
				on = ar
			}
		}
	}
	return []authz.Request{{Action: act.String(), Resource: "*", Context: d.context(act, on)}}
}

// underived adds a resource type to Underived once.
func (p *Plan) underived(name string) {
	for _, n := range p.Underived {
		if n == name {
			return
		}
	}
	p.Underived = append(p.Underived, name)
}
