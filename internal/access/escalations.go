package access

import (
	"sort"
	"strings"

	"github.com/iamd-dev/iamd/internal/catalog"
	"github.com/iamd-dev/iamd/internal/policy"
)

// Kinds of escalation.
const (
	// EscalationChangesItself: the principal, or something it can act as, can rewrite the
	// principal's own permissions.
	EscalationChangesItself = "can-change-itself"
	// EscalationControlsReachable: the principal can act as another principal whose
	// permissions it (or something it can act as) can rewrite.
	EscalationControlsReachable = "controls-reachable"
	// EscalationReachesAdministrator: the principal can act as one allowed every action on
	// every resource ("Action": "*", "Resource": "*", e.g. AdministratorAccess).
	EscalationReachesAdministrator = "reaches-administrator"
	// EscalationReachesMore: the principal can act as one allowed an action (Action names
	// one) the principal is allowed on no resource.
	EscalationReachesMore = "reaches-more"
)

// Bounds of Escalations.
const (
	maxEscalationsPerPrincipal = 50
	maxComparisons             = 20000 // pairs of principals compared action by action
)

// Escalation is a principal that can reach more than it holds, and the way.
type Escalation struct {
	Principal string `json:"principal"`
	Kind      string `json:"kind"`
	Target    string `json:"target"`           // the node reached, or rewritten
	Action    string `json:"action,omitempty"` // reaches-more: an action the target holds and the principal does not
	Path      []Edge `json:"path"`             // from the principal to the target
	Control   []Edge `json:"control,omitempty"`
}

// Escalations lists the users and roles that can reach more than they hold, in principal
// order: each way to rewrite its own permissions or those of a principal it can act as,
// each principal allowed everything it can act as, and each one allowed an action it is
// not. A principal already allowed everything is not listed. Identity providers and
// principals of accounts not held are listed with the administrators and rewritable
// principals they reach.
func (g *Graph) Escalations() []Escalation {
	ids := make([]string, 0, len(g.actors))
	for id, a := range g.actors {
		if a.kind == KindUser || a.kind == KindRole || outsider(a) {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	out := []Escalation{}
	comparisons := 0
	for _, id := range ids {
		p := g.actors[id]
		if !outsider(p) && g.isAdministrator(p) {
			continue
		}
		r := g.reachOf(id)
		// Past an administrator there is nothing more to find: chains through one are
		// reported as reaching it.
		admins := map[string]bool{}
		throughAdmin := func(path []Edge) bool {
			for _, e := range path {
				if admins[e.From] {
					return true
				}
			}
			return false
		}
		var found []Escalation
		selfControl, selfControlled := r.controlled[id]
		for _, s := range r.order[1:] {
			if len(found) >= maxEscalationsPerPrincipal {
				break
			}
			a := g.actorOf(s)
			if a == nil || !a.acts {
				continue
			}
			target, path := s.node, r.pathTo(s)
			if throughAdmin(path) {
				continue
			}
			if g.isAdministrator(a) {
				admins[s.node] = true
				found = append(found, Escalation{Principal: id, Kind: EscalationReachesAdministrator, Target: target, Path: path})
				continue
			}
			if c, ok := r.controlled[s.node]; ok && s.node != id && !throughAdmin(c) {
				found = append(found, Escalation{Principal: id, Kind: EscalationControlsReachable, Target: target, Path: path, Control: c})
				continue
			}
			if outsider(p) || comparisons >= maxComparisons || s.node == id {
				continue
			}
			comparisons++
			if action := moreThan(a, p); action != "" {
				found = append(found, Escalation{Principal: id, Kind: EscalationReachesMore, Target: target, Action: action, Path: path})
			}
		}
		if selfControlled && !throughAdmin(selfControl) {
			found = append([]Escalation{{Principal: id, Kind: EscalationChangesItself, Target: id, Path: []Edge{}, Control: selfControl}}, found...)
		}
		out = append(out, found...)
	}
	return out
}

// outsider reports a principal from outside the graph's accounts that acts here only
// through the roles it may assume: an identity provider, a principal or root of an account
// not held. Its escalations are the administrators and rewritable principals it reaches.
func outsider(a *actor) bool {
	return a.kind == KindFederated || a.kind == KindExternal || a.kind == KindAccount && a.note != ""
}

// isAdministrator reports whether the actor's policies allow every action on every
// resource: the engine allows the action "*" on the resource "*" only under a statement
// whose Action and Resource cover every one (with no Deny, and within a boundary).
func (g *Graph) isAdministrator(a *actor) bool {
	if a.kind == KindAccount {
		return true
	}
	count := 0
	return decide(a, request{action: "*", resource: "*", account: a.account}, &count).allowed
}

// moreThan is an action of the catalog that a is allowed on some resource of its account
// and p on none of its own (conditions left as the stored state has them: an allow that
// needs a request key does not count), or "".
func moreThan(a, p *actor) string {
	services := allowedServices(a.set)
	if len(services) == 0 {
		return ""
	}
	for _, svc := range catalog.Default().Services {
		if !services["*"] && !services[strings.ToLower(svc.Prefix)] {
			continue
		}
		for _, act := range svc.Actions {
			name := act.String()
			if allowedSomewhere(a, name) && !allowedSomewhere(p, name) {
				return name
			}
		}
	}
	return ""
}

// allowedServices are the service prefixes an identity policy's Allow statements name ("*"
// for every service: a wildcard prefix or NotAction).
func allowedServices(set *policy.Set) map[string]bool {
	out := map[string]bool{}
	for _, p := range set.Identity {
		for _, st := range p.Statements {
			if st.Effect != policy.Allow {
				continue
			}
			if len(st.NotAction) > 0 {
				out["*"] = true
			}
			for _, a := range st.Action {
				prefix, _, _ := strings.Cut(strings.ToLower(a), ":")
				if strings.ContainsAny(prefix, "*?") {
					prefix = "*"
				}
				out[prefix] = true
			}
		}
	}
	return out
}

// allowedSomewhere reports whether the actor may do the action on some resource of its own
// account (a simulation's resource pattern "*").
func allowedSomewhere(a *actor, action string) bool {
	req := policy.NewPatternRequest(a.principal, action, "*", a.account, a.base.Clone())
	d := policy.Evaluate(a.set, req)
	return d.Result == policy.Allowed
}
