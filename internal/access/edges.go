package access

import "sort"

// edges decides every edge of the graph, until the decisions' bound, then the edges of
// users with the policies of groups they can add themselves to.
func (b *builder) edges() {
	b.memberships()
	b.serviceAssumes = b.assumeEdges()
	b.fromActors()
	b.groupEdges()
}

// fromActors decides the edges of the sources (every actor, or b.src) but can-assume.
func (b *builder) fromActors() {
	b.passEdges(b.serviceAssumes)
	b.launchEdges(b.serviceAssumes)
	b.changeEdges()
	b.secretEdges()
}

// sources are the actors whose edges are decided: every actor, or b.src.
func (b *builder) sources() []*actor {
	if b.src != nil {
		return b.src
	}
	return b.actors
}

// emit adds an edge of a source: to the graph, or to b.collect.
func (b *builder) emit(e Edge) {
	if b.collect == nil {
		b.addEdge(e)
		return
	}
	if e.Statements == nil {
		e.Statements = []string{}
	}
	*b.collect = append(*b.collect, e)
}

// over reports that the decisions' or the edges' bound is reached, and marks the graph
// truncated.
func (b *builder) over() bool {
	if b.decisions >= b.limits.MaxDecisions || len(b.g.Edges) >= b.limits.MaxEdges {
		b.g.Truncated = true
		return true
	}
	return false
}

func (b *builder) sortedRoles() []*roleInfo {
	out := make([]*roleInfo, 0, len(b.roles))
	for _, r := range b.roles {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].role.ARN() < out[j].role.ARN() })
	return out
}

// memberships are the member-of edges: a user's groups.
func (b *builder) memberships() {
	byName := map[string]string{} // account/name -> group ARN
	for a, g := range b.groups {
		byName[g.group.Account+"/"+g.group.Name] = a
	}
	for _, a := range b.actors {
		u := b.users[a.id]
		if u == nil {
			continue
		}
		for _, gname := range u.Groups {
			if b.over() {
				return
			}
			if ga, ok := byName[u.Account+"/"+gname]; ok {
				b.addEdge(Edge{From: a.id, To: ga, Kind: EdgeMemberOf})
			}
		}
	}
}
