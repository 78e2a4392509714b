package simulate

// Results is one page of a simulation's evaluation results, one for each action and
// resource, the actions in the order given and for each the resources in the order given.
type Results struct {
	Evaluations []Evaluation
	// Marker asks for the next page; "" on the last page.
	Marker string
}

// Evaluation is the outcome of one action on one resource.
type Evaluation struct {
	Action   string
	Resource string
	Decision string // allowed, explicitDeny or implicitDeny
	// Matched are the statements that decided: the Deny statements of an explicit deny,
	// the Allow statements of an allow, none for an implicit deny.
	Matched []Statement
	// Missing are the context keys that statements bearing on the request read but the
	// context entries did not give, in document order, once each.
	Missing []string
	// Details is how each kind of policy decided (EvalDecisionDetails), by the kind's
	// name; nil when not reported.
	Details map[string]string
	// AllowedByBoundary says whether the permissions boundary allowed the action; nil
	// without a boundary.
	AllowedByBoundary *bool
}

// Statement is a matched statement: the policy it is in, by the simulator's name and type
// for it, and where it is in the document.
type Statement struct {
	PolicyID   string
	PolicyType string
	Start, End Position
}

// Position is a place in a policy document as AWS reports it: lines and columns count from
// 1; a statement starts just past its opening brace and ends just past its closing brace.
type Position struct {
	Line, Column int
}

// The names the simulator gives policies of each source (a matched statement's
// PolicyType), which are also the kinds of policy of Details. AWS answers "IAM Policy" and
// "Resource Policy", not the values its API model lists (user, group, role, aws-managed,
// user-managed, resource, none).
const (
	IdentityPolicy = "IAM Policy"
	BoundaryPolicy = "PermissionsBoundaryPolicy"
	ResourcePolicy = "Resource Policy"
)
