package simulate

import "github.com/iamd-dev/iamd/internal/policy"

// evaluate decides one action on one resource and says why.
func (sim *simulation) evaluate(action, resource string) Evaluation {
	account := sim.resourceAccount(resource)
	req := sim.request(action, resource, account)
	d := policy.Evaluate(sim.policySet(), req)
	e := Evaluation{Action: action, Resource: resource, Decision: d.Result.String(), Missing: sim.missingKeys(req)}
	for _, m := range d.Deciding() {
		if s := sim.sourceOf(m.Policy); s != nil {
			e.Matched = append(e.Matched, statementOf(s, m.Statement))
		}
	}
	if sim.boundary != nil {
		ok := sim.layerResult(&d, policy.LayerBoundary) == policy.Allowed
		e.AllowedByBoundary = &ok
	}
	// Details: for cross-account simulations, how each kind of policy decided; within an
	// account, present but empty for a named resource and absent for "*".
	switch {
	case sim.resource != nil && account != sim.caller.Account:
		e.Details = map[string]string{
			IdentityPolicy: sim.layerResult(&d, policy.LayerIdentity).String(),
			ResourcePolicy: sim.layerResult(&d, policy.LayerResource).String(),
		}
		if sim.boundary != nil {
			e.Details[BoundaryPolicy] = sim.layerResult(&d, policy.LayerBoundary).String()
		}
	case resource != "*":
		e.Details = map[string]string{}
	}
	return e
}

// layerResult is how the simulation's policies of one layer decided: an explicit deny if a
// Deny statement of theirs applied, else allowed if an Allow did.
func (sim *simulation) layerResult(d *policy.Decision, l policy.Layer) policy.Result {
	allow, deny := false, false
	for _, m := range d.Matched {
		if m.Layer == l && sim.sourceOf(m.Policy) != nil {
			deny = deny || m.Statement.Effect == policy.Deny
			allow = allow || m.Statement.Effect == policy.Allow
		}
	}
	switch {
	case deny:
		return policy.ExplicitDeny
	case allow:
		return policy.Allowed
	}
	return policy.ImplicitDeny
}

// statementOf is a matched statement as the results report it. The engine's positions
// count from 1 and point at the statement's opening brace and just past its closing one;
// AWS's start just past the opening brace.
func statementOf(s *source, st *policy.Statement) Statement {
	return Statement{
		PolicyID: s.id, PolicyType: s.typ,
		Start: Position{st.Pos.Line, st.Pos.Column + 1},
		End:   Position{st.End.Line, st.End.Column},
	}
}
