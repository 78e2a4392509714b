package simulate

import (
	"encoding/json"
	"strings"

	"github.com/iamd-dev/iamd/internal/policy"
)

// missingKeys lists the keys that statements bearing on the request (by action and
// resource, whatever their conditions say) read but the context does not hold.
func (sim *simulation) missingKeys(req *policy.Request) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range sim.sources() {
		for _, st := range s.pol.Statements {
			var missing []string
			for _, k := range statementKeys(s.pol, st) {
				if lk := strings.ToLower(k); !sim.supplied[lk] && !seen[lk] {
					missing = append(missing, k)
				}
			}
			if len(missing) == 0 || !sim.bears(s.pol, st, req) {
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
		r := policy.NewPatternRequest(sim.caller, req.Action, resource, sim.caller.Account, req.Context.Clone())
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
