// Package denial is why the policy engine refused a request, in a form the audit log keeps:
// the layer that denied, the statements that applied, the condition keys the request
// lacked. It names policies, statements and keys only, never a key's value or a secret. A
// request's context may carry a Recorder, which keeps the last denial its authorization met.
package denial

import "github.com/iamd-dev/iamd/internal/policy"

// Reason is why one request (an action on a resource) was denied.
type Reason struct {
	Action   string `json:"action"`
	Resource string `json:"resource"`
	// Result is explicitDeny (a Deny statement applied) or implicitDeny (nothing allowed).
	Result string `json:"result"`
	// Layer is the kind of policy that denied (identity, resource, boundary, session, scp,
	// rcp): the one holding the Deny, or the one that allowed nothing; "" when none allowed.
	Layer string `json:"layer,omitempty"`
	// Statements are, for an explicit deny, the Deny statements that applied; for an implicit
	// deny, the Allow statements that applied in other layers, which were not enough.
	Statements []Statement `json:"statements,omitempty"`
	// MissingKeys are the condition keys statements looked for and the request lacked.
	MissingKeys []string `json:"missingKeys,omitempty"`
	// EntityGone says the caller's user or role no longer is the entity its credentials were
	// issued for (deleted, or created anew): no policy allows it anything.
	EntityGone bool `json:"entityGone,omitempty"`
}

// Statement names one statement of one policy.
type Statement struct {
	Layer  string `json:"layer"`
	Policy string `json:"policy,omitempty"` // the policy's name or ARN, when it has one
	Index  int    `json:"index"`            // the statement's 0-based position in its policy
	Sid    string `json:"sid,omitempty"`
	Effect string `json:"effect"`
}

// Of is the reason of a decision that denied the action on the resource.
func Of(d *policy.Decision, action, resource string) *Reason {
	r := &Reason{Action: action, Resource: resource, Result: d.Result.String(), Layer: d.DeniedBy.String()}
	for _, m := range d.Matched {
		if (d.Result == policy.ExplicitDeny) == (m.Statement.Effect == policy.Deny) {
			r.Statements = append(r.Statements, Statement{
				Layer: m.Layer.String(), Policy: m.Policy.Name, Index: m.Statement.Index,
				Sid: m.Statement.Sid, Effect: m.Statement.Effect.String(),
			})
		}
	}
	if len(d.MissingKeys) > 0 {
		r.MissingKeys = append([]string(nil), d.MissingKeys...)
	}
	return r
}

// layerKinds words a layer as AWS's denial messages do.
var layerKinds = map[string]string{
	policy.LayerIdentity.String(): "identity-based policy",
	policy.LayerResource.String(): "resource-based policy",
	policy.LayerBoundary.String(): "permissions boundary",
	policy.LayerSession.String():  "session policy",
	policy.LayerSCP.String():      "service control policy",
	policy.LayerRCP.String():      "resource control policy",
}

// PolicyKind is the kind of policy of a layer (a Layer's String) in AWS's words
// ("identity-based policy", "permissions boundary"); "" for a layer it does not know.
func PolicyKind(layer string) string { return layerKinds[layer] }
