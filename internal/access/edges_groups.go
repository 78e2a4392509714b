package access

import "github.com/iamd-dev/iamd/internal/policy"

// groupEdges decides, for each user that can add itself to a group it is not in
// (iam:AddUserToGroup), the edges it has with the group's policies as well. They are kept
// apart from the graph's (the user has them only once in the group), from the group, and
// carry that requirement; reach follows them from the group.
func (b *builder) groupEdges() {
	b.g.groupEdges = map[state][]Edge{}
	for _, e := range b.g.Edges {
		if e.Kind != EdgeChange || e.Action != "iam:AddUserToGroup" {
			continue
		}
		u, gi := b.g.actors[e.From], b.groups[e.To]
		if u == nil || u.kind != KindUser || gi == nil || slicesContains(b.users[u.id].Groups, gi.group.Name) {
			continue
		}
		a := *u
		set := *u.set
		set.Identity = append(append([]*policy.Policy(nil), set.Identity...), gi.identity...)
		a.set, a.services = &set, nil
		var out []Edge
		b.src, b.collect = []*actor{&a}, &out
		b.assumeEdges()
		b.fromActors()
		b.src, b.collect = nil, nil
		note := Condition{Note: u.id + " adds itself to the group first (iam:AddUserToGroup); the edge is its own, with the group's policies"}
		for i := range out {
			out[i].From = e.To
			out[i].Conditions = append(append([]Condition{}, out[i].Conditions...), note)
		}
		b.g.groupEdges[state{node: e.To, user: u.id}] = out
	}
}

func slicesContains(names []string, name string) bool {
	for _, n := range names {
		if n == name {
			return true
		}
	}
	return false
}
