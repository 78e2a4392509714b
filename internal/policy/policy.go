package policy

// Effect is a statement's effect.
type Effect uint8

const (
	Allow Effect = iota
	Deny
)

func (e Effect) String() string {
	if e == Deny {
		return "Deny"
	}
	return "Allow"
}

// Versions of the policy language. Policy variables exist only in 2012-10-17; a document
// without a Version is read as 2008-10-17, as AWS does.
const (
	Version2012 = "2012-10-17"
	Version2008 = "2008-10-17"
)

// Policy is a parsed, validated and compiled policy document, ready to evaluate. It is
// immutable and safe for concurrent use.
type Policy struct {
	Kind       Kind
	Version    string // as written; "" when absent
	ID         string
	Statements []*Statement
	// Name labels the policy in decisions (a policy name or ARN); the caller sets it.
	Name string

	index actionIndex
}

// Statement is one statement of a policy with its compiled matchers.
type Statement struct {
	Index  int // 0-based position in the policy
	Sid    string
	Effect Effect
	Pos    Pos // where the statement's object starts
	End    Pos // just past its closing brace

	Principal    *Principals // nil when absent
	NotPrincipal *Principals
	Action       []string // exactly one of Action and NotAction is set
	NotAction    []string
	Resource     []string // at most one of Resource and NotResource is set
	NotResource  []string
	Conditions   []*Condition

	sidPos    Pos // where the Sid's value is
	actions   actionMatcher
	resources []resourcePattern
	who       principalMatcher
}

// Principals is a Principal or NotPrincipal element.
type Principals struct {
	Wildcard      bool // "Principal": "*"
	AWS           []string
	Service       []string
	Federated     []string
	CanonicalUser []string
}
