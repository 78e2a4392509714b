package access

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/secrets"
)

// sessionName is the session name of the sessions a role node stands for (in aws:userid,
// ROLE-ID:access-graph; sts:RoleSessionName is left open).
const sessionName = "access-graph"

// Default bounds of one graph (Limits).
const (
	DefaultMaxPrincipals = 5000
	DefaultMaxDecisions  = 4_000_000
	DefaultMaxEdges      = 500_000
)

// Limits bound the work of one build. Building asks the engine about every pair of actors
// and targets for every edge kind, O(principals × principals × kinds) decisions of a few
// microseconds each with the request's preparation (about 150 ns in the engine itself).
// A build past MaxDecisions or MaxEdges stops there and marks the graph truncated.
type Limits struct {
	MaxPrincipals int // users, roles and groups over all accounts; 0: DefaultMaxPrincipals
	MaxDecisions  int // engine decisions; 0: DefaultMaxDecisions
	MaxEdges      int // edges kept; 0: DefaultMaxEdges
}

// ErrTooLarge is returned when the accounts hold more principals than Limits allow.
var ErrTooLarge = errors.New("access: the accounts hold more principals than the graph's bound")

// Builder builds access graphs from what the IAM and Secrets Manager services hold.
type Builder struct {
	iam     *iam.Service
	secrets *secrets.Service
	region  string
	limits  Limits
	now     func() time.Time
}

// WithClock makes the builder read the time from now (time.Now by default): aws:CurrentTime
// and aws:EpochTime are the build's time, not a request's choice.
func (b *Builder) WithClock(now func() time.Time) *Builder {
	b.now = now
	return b
}

// New makes a builder; region is the region whose EC2 launches and secrets the graph
// covers (the server's).
func New(svc *iam.Service, sm *secrets.Service, region string, limits Limits) *Builder {
	if limits.MaxPrincipals <= 0 {
		limits.MaxPrincipals = DefaultMaxPrincipals
	}
	if limits.MaxDecisions <= 0 {
		limits.MaxDecisions = DefaultMaxDecisions
	}
	if limits.MaxEdges <= 0 {
		limits.MaxEdges = DefaultMaxEdges
	}
	return &Builder{iam: svc, secrets: sm, region: region, limits: limits, now: time.Now}
}

// Scope is what a graph covers: the accounts whose principals and resources it holds
// (nil: every account the server holds). Principals of other accounts appear only as
// named in trust policies, as external principals.
type Scope struct {
	Accounts []string
}

// builder is one build's state.
type builder struct {
	*Builder
	ctx       context.Context
	g         *Graph
	accounts  map[string]string // account id -> partition
	actors    []*actor
	roles     map[string]*roleInfo  // role ARN
	groups    map[string]*groupInfo // group ARN
	users     map[string]*iam.User  // user ARN
	profiles  []iam.InstanceProfileWithRoles
	secretsOf map[string]*secretInfo // secret ARN
	decisions int
	// at is the build's time (aws:CurrentTime, aws:EpochTime of every request).
	at time.Time
	// serviceAssumes are, by role ARN, the verdicts of the services that may assume it.
	serviceAssumes map[string]map[string]verdict
	// src, when not nil, are the only actors whose edges are decided, into collect
	// (groupEdges).
	src     []*actor
	collect *[]Edge
}

// Build reads the scope's accounts and decides every edge.
func (b *Builder) Build(ctx context.Context, scope Scope) (*Graph, error) {
	bb := &builder{
		Builder: b, ctx: ctx, accounts: map[string]string{},
		g:     &Graph{byID: map[string]int{}, out: map[string][]int{}, actors: map[string]*actor{}},
		roles: map[string]*roleInfo{}, groups: map[string]*groupInfo{}, users: map[string]*iam.User{},
		secretsOf: map[string]*secretInfo{},
	}
	bb.at = b.now().UTC()
	ids := scope.Accounts
	if ids == nil {
		var err error
		if ids, err = b.iam.AccountIDs(ctx); err != nil {
			return nil, err
		}
	}
	for _, id := range ids {
		if err := bb.loadAccount(id); err != nil {
			return nil, fmt.Errorf("access: account %s: %w", id, err)
		}
	}
	bb.addExternals()
	bb.edges()
	bb.g.finish()
	bb.g.roles, bb.g.secrets, bb.g.groups, bb.g.users = bb.roles, bb.secretsOf, bb.groups, bb.users
	bb.g.held = map[string]bool{}
	for a := range bb.accounts {
		bb.g.held[a] = true
	}
	bb.g.Decisions = bb.decisions
	return bb.g, nil
}

func (b *builder) addNode(n Node) {
	if _, ok := b.g.byID[n.ID]; ok {
		return
	}
	b.g.byID[n.ID] = len(b.g.Nodes)
	b.g.Nodes = append(b.g.Nodes, n)
}

// stamp sets the build's time on the actor's requests.
func (b *builder) stamp(a *actor) {
	a.base.Set("aws:CurrentTime", b.at.Format(time.RFC3339))
	a.base.Set("aws:EpochTime", strconv.FormatInt(b.at.Unix(), 10))
}

func (b *builder) addActor(a *actor, label string) {
	b.stamp(a)
	b.addNode(Node{ID: a.id, Kind: a.kind, Account: a.account, Label: label})
	b.actors = append(b.actors, a)
	b.g.actors[a.id] = a
}

func (b *builder) addEdge(e Edge) {
	if e.Statements == nil {
		e.Statements = []string{}
	}
	if e.Conditions == nil {
		e.Conditions = []Condition{}
	}
	b.g.Edges = append(b.g.Edges, e)
}

func (b *builder) countPrincipals() int { return len(b.users) + len(b.roles) + len(b.groups) }
