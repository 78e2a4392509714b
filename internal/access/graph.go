package access

import (
	"sort"

	"github.com/iamd-dev/iamd/internal/iam"
)

// Node kinds.
const (
	KindUser            = "user"
	KindRole            = "role"
	KindGroup           = "group"
	KindAccount         = "account"   // an account's root user (held here, or named in a trust policy)
	KindExternal        = "external"  // a user or role of an account iamd does not hold, named in a trust policy
	KindService         = "service"   // an AWS service principal named in a trust policy
	KindFederated       = "federated" // an IAM OIDC or SAML provider named in a trust policy
	KindSecret          = "secret"
	KindInstanceProfile = "instance-profile"
)

// Edge kinds.
const (
	EdgeMemberOf      = "member-of"               // a user is in a group
	EdgeAssume        = "can-assume"              // sts:AssumeRole: the trust policy and the caller's policies allow
	EdgePassToService = "can-pass-to-service"     // iam:PassRole of a role to a service its trust policy lets assume it
	EdgeLaunchProfile = "can-launch-with-profile" // ec2:RunInstances with the profile, and iam:PassRole of its role
	EdgeProfileRole   = "profile-role"            // an instance profile's role, which ec2.amazonaws.com may assume
	EdgeChange        = "can-change"              // a privilege-escalation action on another principal
	EdgeReadSecret    = "can-read-secret"         // secretsmanager:GetSecretValue
)

// Node is a principal, a group, a service, an account, an instance profile or a secret.
type Node struct {
	ID      string `json:"id"` // its ARN (a service: its principal name)
	Kind    string `json:"kind"`
	Account string `json:"account,omitempty"`
	Label   string `json:"label"`
}

// Condition is what must hold for an edge: a condition key the request supplies and the
// values that let it through (Operator and Statement say where the requirement is written),
// or, with Key empty, a requirement in words (Note).
type Condition struct {
	Key       string   `json:"key,omitempty"`
	Operator  string   `json:"operator,omitempty"`
	Values    []string `json:"values,omitempty"`
	Statement string   `json:"statement,omitempty"`
	Note      string   `json:"note,omitempty"`
}

// Edge is one thing a node can do to or with another, as the engine decided it.
type Edge struct {
	From   string `json:"from"`
	To     string `json:"to"`
	Kind   string `json:"kind"`
	Action string `json:"action,omitempty"` // the actions, joined by " + " when several must be allowed
	// Statements are the statements that allowed it, as POLICY/SID (POLICY/#N for a
	// statement without a Sid, N counting from 0).
	Statements []string    `json:"statements"`
	Conditions []Condition `json:"conditions"`
	// Service is the service principal a role is passed to (can-pass-to-service).
	Service string `json:"service,omitempty"`
	// Via is the managed policy a can-change edge goes through (CreatePolicyVersion,
	// SetDefaultPolicyVersion).
	Via string `json:"via,omitempty"`
}

// Graph is the access graph: its nodes in id order and its edges in (from, kind, to,
// action) order.
type Graph struct {
	Nodes []Node `json:"nodes"`
	Edges []Edge `json:"edges"`
	// Truncated says the build stopped at its bound (Limits): the graph is a part.
	Truncated bool `json:"truncated,omitempty"`

	byID map[string]int
	out  map[string][]int // node id -> indexes of its edges
	// actors are the nodes that act with their own policies (users, roles, roots,
	// external principals), for the queries.
	actors  map[string]*actor
	roles   map[string]*roleInfo
	secrets map[string]*secretInfo
	groups  map[string]*groupInfo
	users   map[string]*iam.User
	held    map[string]bool // the accounts the graph holds
	// groupEdges are the edges of a user once it adds itself to a group, by group state.
	groupEdges map[state][]Edge

	// Decisions counts the engine's decisions the build took.
	Decisions int `json:"-"`
}

// Node returns the node with the id, and whether there is one.
func (g *Graph) Node(id string) (Node, bool) {
	i, ok := g.byID[id]
	if !ok {
		return Node{}, false
	}
	return g.Nodes[i], true
}

// Out returns the edges leaving a node.
func (g *Graph) Out(id string) []Edge {
	var out []Edge
	for _, i := range g.out[id] {
		out = append(out, g.Edges[i])
	}
	return out
}

// finish puts nodes and edges in their order and indexes them.
func (g *Graph) finish() {
	sort.Slice(g.Nodes, func(i, j int) bool { return g.Nodes[i].ID < g.Nodes[j].ID })
	idx := make([]int, len(g.Edges)) // sorted by index: an edge is too large to move about
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool {
		a, b := &g.Edges[idx[i]], &g.Edges[idx[j]]
		if a.From != b.From {
			return a.From < b.From
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		if a.To != b.To {
			return a.To < b.To
		}
		if a.Action != b.Action {
			return a.Action < b.Action
		}
		return a.Via < b.Via
	})
	sorted := make([]Edge, len(g.Edges))
	for i, k := range idx {
		sorted[i] = g.Edges[k]
	}
	g.Edges = sorted
	g.byID = make(map[string]int, len(g.Nodes))
	for i, n := range g.Nodes {
		g.byID[n.ID] = i
	}
	g.out = map[string][]int{}
	for i, e := range g.Edges {
		g.out[e.From] = append(g.out[e.From], i)
	}
	if g.Nodes == nil {
		g.Nodes = []Node{}
	}
	if g.Edges == nil {
		g.Edges = []Edge{}
	}
}
