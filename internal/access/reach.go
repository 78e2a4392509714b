package access

import (
	"slices"

	"github.com/iamd-dev/iamd/internal/policy"
)

// maxReach bounds the states one principal's reach explores.
const maxReach = 100000

// state is a node a principal can act as: a user, role, root or external principal, or a
// group with user, the user once added to the group (AddUserToGroup).
type state struct {
	node, user string
}

// reach is what one principal can act as, with a path to each, and what those can change.
type reach struct {
	g      *Graph
	start  string
	order  []state
	parent map[state]parentLink
	// controlled maps a node whose permissions a reached state may rewrite (its policies,
	// its managed policies' versions, its group's) to the path to that state and the edge
	// that rewrites them.
	controlled map[string][]Edge
}

type parentLink struct {
	prev state
	edge Edge
}

// becomes reports whether an edge lets its source act as its target: assuming a role,
// passing one to a service, launching a machine with a profile (and the profile's role),
// getting a user's credentials (CreateAccessKey, a login profile), rewriting a role's
// trust, or adding a user to a group.
func becomes(e Edge) bool {
	switch e.Kind {
	case EdgeAssume, EdgePassToService, EdgeLaunchProfile, EdgeProfileRole:
		return true
	case EdgeChange:
		switch e.Action {
		case "iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile", "iam:UpdateAssumeRolePolicy", "iam:AddUserToGroup":
			return true
		}
	}
	return false
}

// controls reports whether an edge lets its source rewrite its target's permissions.
func controls(e Edge) bool {
	if e.Kind != EdgeChange {
		return false
	}
	switch e.Action {
	case "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:PutUserPolicy", "iam:AttachUserPolicy",
		"iam:PutGroupPolicy", "iam:AttachGroupPolicy", "iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion":
		return true
	}
	return false
}

// reachOf explores everything the node can act as, the shortest chains first; a passed
// role counts three steps, so that a chain the engine decided whole (an assume, a launch with
// a profile) is preferred to one that needs the service driven.
func (g *Graph) reachOf(start string) *reach {
	r := &reach{g: g, start: start, parent: map[state]parentLink{}, controlled: map[string][]Edge{}}
	first := state{node: start}
	r.parent[first] = parentLink{}
	buckets := [][]state{{first}}
	done := map[state]bool{}
	best := map[state]int{first: 0}
	for cost := 0; cost < len(buckets) && len(r.order) < maxReach; cost++ {
		for i := 0; i < len(buckets[cost]) && len(r.order) < maxReach; i++ {
			s := buckets[cost][i]
			if done[s] {
				continue
			}
			done[s] = true
			r.order = append(r.order, s)
			out := g.Out(s.node)
			if s.user != "" {
				out = g.groupEdges[s] // the user's edges with the group's policies
			}
			for _, e := range out {
				if controls(e) {
					r.control(s, e)
				}
				if !becomes(e) {
					continue
				}
				next := state{node: e.To}
				if e.Action == "iam:AddUserToGroup" {
					a := g.actors[s.node]
					if a == nil || a.kind != KindUser {
						continue // only a user can add itself
					}
					next.user = s.node
				}
				step := 1
				if e.Kind == EdgePassToService {
					step = 3
				}
				if c, seen := best[next]; seen && c <= cost+step {
					continue
				}
				best[next] = cost + step
				r.parent[next] = parentLink{prev: s, edge: e}
				for len(buckets) <= cost+step {
					buckets = append(buckets, nil)
				}
				buckets[cost+step] = append(buckets[cost+step], next)
			}
		}
	}
	return r
}

// control notes what an edge from a reached state lets it rewrite: the target, and for a
// group its members.
func (r *reach) control(s state, e Edge) {
	path := append(r.pathTo(s), e)
	note := func(id string) {
		if _, ok := r.controlled[id]; !ok {
			r.controlled[id] = path
		}
	}
	note(e.To)
	if gi := r.g.groups[e.To]; gi != nil {
		for _, a := range r.g.actors {
			if a.kind == KindUser && slices.Contains(r.g.userGroups(a.id), e.To) {
				note(a.id)
			}
		}
	}
}

// pathTo is the chain of edges from the start to a state.
func (r *reach) pathTo(s state) []Edge {
	var rev []Edge
	for range maxReach {
		l, ok := r.parent[s]
		if !ok || l.edge.Kind == "" {
			break
		}
		rev = append(rev, l.edge)
		s = l.prev
	}
	slices.Reverse(rev)
	return rev
}

// userGroups are the ARNs of the groups a user is a member of (its member-of edges).
func (g *Graph) userGroups(user string) []string {
	var out []string
	for _, e := range g.Out(user) {
		if e.Kind == EdgeMemberOf {
			out = append(out, e.To)
		}
	}
	return out
}

// actorOf is who acts in a state: the actor, or for a group state its user with the group's
// policies as well.
func (g *Graph) actorOf(s state) *actor {
	if s.user == "" {
		return g.actors[s.node]
	}
	u, gi := g.actors[s.user], g.groups[s.node]
	if u == nil || gi == nil {
		return nil
	}
	set := *u.set
	set.Identity = append(slices.Clip(set.Identity), gi.identity...)
	out := *u
	out.set = &set
	return &out
}

// grantAll is the policy a principal that can rewrite another's permissions could give it.
var grantAll = mustPolicy("a policy the chain can give it", `{"Version":"2012-10-17","Statement":[{"Sid":"AnyAction","Effect":"Allow","Action":"*","Resource":"*"}]}`)

func mustPolicy(name, doc string) *policy.Policy {
	p, err := policy.Parse([]byte(doc), policy.Identity)
	if err != nil {
		panic(err)
	}
	p.Name = name
	return p
}
