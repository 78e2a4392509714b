package policy

// Result is the outcome of an evaluation, in AWS's words (SimulateCustomPolicy's
// EvalDecision and the authorization-failure messages).
type Result uint8

const (
	ImplicitDeny Result = iota // nothing allowed the request
	Allowed
	ExplicitDeny // a Deny statement applied
)

var resultNames = [...]string{"implicitDeny", "allowed", "explicitDeny"}

func (r Result) String() string { return resultNames[r] }

// Layer is the kind of policy a statement came from, or the one that denied a request.
type Layer uint8

const (
	LayerNone Layer = iota
	LayerIdentity
	LayerResource
	LayerBoundary
	LayerSession
	LayerSCP
	LayerRCP
)

var layerNames = [...]string{"", "identity", "resource", "boundary", "session", "scp", "rcp"}

func (l Layer) String() string { return layerNames[l] }

// Match is a statement that applied to the request.
type Match struct {
	Layer     Layer
	Index     int // the policy's position within its layer (for SCPs and RCPs: the level)
	Policy    *Policy
	Statement *Statement
}

// Decision is the answer to a Request and why.
type Decision struct {
	Result Result
	// DeniedBy is the layer that denied: the one holding the applicable Deny for an explicit
	// deny, or the one that had no applicable Allow for an implicit deny. LayerNone when
	// allowed, or when no policy of any layer allowed.
	DeniedBy Layer
	// Matched lists every statement that applied, in evaluation order. For an explicit deny
	// the Deny statements decided it; for an allow, the Allow statements.
	Matched []Match
	// MissingKeys lists condition keys that statements looked for and the context lacked.
	MissingKeys []string
}

// Deciding returns the statements that decided the outcome: the Deny statements of an
// explicit deny, the Allow statements of an allow, none for an implicit deny.
func (d *Decision) Deciding() []Match {
	var out []Match
	for _, m := range d.Matched {
		switch {
		case d.Result == ExplicitDeny && m.Statement.Effect == Deny,
			d.Result == Allowed && m.Statement.Effect == Allow:
			out = append(out, m)
		}
	}
	return out
}

func (d *Decision) reset() {
	d.Result, d.DeniedBy = ImplicitDeny, LayerNone
	d.Matched = d.Matched[:0]
	d.MissingKeys = d.MissingKeys[:0]
}

func (d *Decision) noteMissing(key string) {
	for _, k := range d.MissingKeys {
		if k == key {
			return
		}
	}
	d.MissingKeys = append(d.MissingKeys, key)
}
