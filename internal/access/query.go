package access

import (
	"sort"
	"strings"

	"github.com/iamd-dev/iamd/internal/arn"
	"github.com/iamd-dev/iamd/internal/policy"
)

// Answer is whether a principal can do an action on a resource, and how.
type Answer struct {
	Principal string `json:"principal"`
	Allowed   bool   `json:"allowed"`
	// ActingAs is the node whose permissions allow it: the principal itself, or the end of
	// Path.
	ActingAs string `json:"actingAs,omitempty"`
	// Path is the chain of edges from the principal to ActingAs (empty when it acts itself).
	Path []Edge `json:"path"`
	// Control, when not empty, is the chain by which the principal rewrites ActingAs's
	// permissions first: ActingAs's own policies do not allow the action, a policy the
	// chain can give it does.
	Control []Edge `json:"control,omitempty"`
	// Statements allowed the action itself, with the conditions that must hold.
	Statements []string    `json:"statements"`
	Conditions []Condition `json:"conditions"`
}

// Can answers whether the principal (a node's id) may do the action on the resource,
// itself or through a chain of edges, with the shortest such chain.
func (g *Graph) Can(principal, action, resource string) (Answer, bool) {
	if g.actors[principal] == nil {
		return Answer{}, false
	}
	return g.can(g.reachOf(principal), action, resource), true
}

func (g *Graph) can(r *reach, action, resource string) Answer {
	count := 0
	for _, withControl := range []bool{false, true} {
		for _, s := range r.order {
			a := g.actorOf(s)
			if a == nil || !a.acts && a.kind != KindExternal && a.kind != KindAccount {
				continue
			}
			req := g.requestFor(a, action, resource)
			if a.note != "" && !g.held[req.account] {
				continue // what a principal of an account not held here may do there is unknown
			}
			var control []Edge
			if withControl {
				c, ok := r.controlled[s.node]
				if !ok && s.user != "" {
					c, ok = r.controlled[s.user]
				}
				if !ok {
					continue
				}
				control, req.extra = c, grantAll
			}
			v := decide(a, req, &count)
			if v.allowed {
				return Answer{Principal: r.start, Allowed: true, ActingAs: s.node, Path: r.pathTo(s), Control: control,
					Statements: v.statements, Conditions: v.conditions}
			}
		}
	}
	return Answer{Principal: r.start, Path: []Edge{}, Statements: []string{}, Conditions: []Condition{}}
}

// requestFor is the request of an action on a resource as the services that hold it make
// it: a role's trust policy for the AssumeRole family, a secret's resource policy and
// keys, an IAM principal's tags.
func (g *Graph) requestFor(a *actor, action, resource string) request {
	r := request{action: action, resource: resource}
	if parts, ok := arn.Split(resource); ok {
		r.account = arn.Part(resource, parts, 4)
	}
	lower := strings.ToLower(action)
	if ri := g.roles[resource]; ri != nil {
		if policy.IsTrustAction(action) {
			r.resourcePolicy = ri.trust
		}
		if strings.HasPrefix(lower, "iam:") {
			resourceTags(&r.keys, ri.role.Tags)
		}
	}
	if u := g.users[resource]; u != nil && strings.HasPrefix(lower, "iam:") {
		resourceTags(&r.keys, u.Tags)
	}
	if si := g.secrets[resource]; si != nil && strings.HasPrefix(lower, "secretsmanager:") {
		r.resourcePolicy, r.keys = si.policy, si.keys.Clone()
	}
	if r.account == "" {
		r.account = a.account
	}
	return r
}

// WhoCan lists every principal that may do the action on the resource, directly or
// through a chain of edges, each with its shortest chain, in principal order.
func (g *Graph) WhoCan(action, resource string) []Answer {
	ids := make([]string, 0, len(g.actors))
	for id, a := range g.actors {
		if a.kind != KindService {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	out := []Answer{}
	for _, id := range ids {
		if ans, _ := g.Can(id, action, resource); ans.Allowed {
			out = append(out, ans)
		}
	}
	return out
}
