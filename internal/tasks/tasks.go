// Package tasks runs ECS-style tasks: a task has a task role, whose credentials the program
// in it fetches from a container-credentials endpoint with the task's authorization token,
// and an optional execution role, whose credentials the agent that starts the task uses to
// fetch its secrets. Both are sessions of ecs-tasks.amazonaws.com assuming the role, as on
// ECS, so a role must trust that service, and whoever starts a task must be allowed to pass
// both roles to it.
//
// Tasks are kept in the store (the token only as its SHA-256), so they survive a restart;
// the task role's current session is kept in memory and renewed before it expires. A
// stopped task gets no credentials; it stays in the store for an hour, as ECS shows stopped
// tasks for an hour, so that Describe tells who stopped it and why.
package tasks

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/iamd-dev/iamd/internal/arn"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/sts"
)

// ServicePrincipal is the service that assumes task and execution roles.
const ServicePrincipal = "ecs-tasks.amazonaws.com"

// cluster is the one cluster iamd's task ARNs name.
const cluster = "default"

// collection holds running tasks; ids are global (the endpoint knows only the id).
const collection = "tasks.task"

// renewBefore is how long before its expiry a task role session is replaced: SDKs refresh
// container credentials some minutes ahead (botocore 15, aws-sdk-go-v2 5 by default), and
// must then get a new session rather than the one about to expire.
const renewBefore = 20 * time.Minute

// Errors of the credentials endpoint.
var (
	ErrUnknownTask = errors.New("tasks: no running task has this id")
	ErrWrongToken  = errors.New("tasks: the authorization token is not the task's")
)

// record is a task as stored: running until it is stopped, then kept for an hour (as ECS
// shows stopped tasks for an hour) so that its `iamd task run` learns who stopped it.
type record struct {
	ID      string `json:"id"`
	Account string `json:"account"`
	// ARN is the task's ARN, fixed when it started (records of older versions have none;
	// arn derives it).
	ARN string `json:"arn,omitempty"`
	// TaskRoleARN and ExecutionRoleARN are the roles' ARNs as stored in IAM (with their
	// paths): a task starts only when the ARN it was given is exactly the role's.
	TaskRoleARN      string    `json:"taskRole"`
	ExecutionRoleARN string    `json:"executionRole,omitempty"`
	StartedBy        string    `json:"startedBy"`
	TokenHash        string    `json:"tokenHash"` // hex SHA-256 of the authorization token
	StartedAt        time.Time `json:"startedAt"`
	Stop             *stopInfo `json:"stop,omitempty"` // nil while it runs
}

// stopInfo is how a task stopped.
type stopInfo struct {
	At     time.Time `json:"at"`
	By     string    `json:"by"` // the ARN of the principal that stopped it
	Reason string    `json:"reason"`
	Code   string    `json:"code"` // ECS's stop code: UserInitiated
}

// arn is the task's ARN: the stored one, or for a record stored without one, the ARN in
// the service's region.
func (r *record) arn(region string) string {
	if r.ARN != "" {
		return r.ARN
	}
	return TaskARN(region, r.Account, r.ID)
}

// entry is a running task in memory with its current task role session.
type entry struct {
	rec     record
	mu      sync.Mutex // serializes renewals
	session *sts.AssumeRoleOutput
}

// Service keeps the running tasks.
type Service struct {
	store  docstore.Store
	sts    *sts.Service
	authz  *authz.Authorizer
	region string
	now    func() time.Time

	mu      sync.Mutex // guards running, and orders loads against stops
	running map[string]*entry
	indexes indexesBuilt // list_index.go
}

// New makes the service.
func New(store docstore.Store, svc *sts.Service, az *authz.Authorizer, region string, now func() time.Time) *Service {
	return &Service{store: store, sts: svc, authz: az, region: region, now: now, running: map[string]*entry{}}
}

// RunInput is what a task is started with.
type RunInput struct {
	TaskRoleARN      string
	ExecutionRoleARN string // "" for none
}

// RunOutput is a started task.
type RunOutput struct {
	TaskID  string
	TaskARN string
	// Token is the authorization token the task's program presents to the credentials
	// endpoint; it is returned once and stored only as a hash.
	Token string
	// Execution is the execution role's session, for the agent (nil without one).
	Execution *sts.Credentials
}

// Run starts a task for the caller: it may pass each role to ecs-tasks.amazonaws.com, and
// each role trusts that service. iam:PassRole is decided on the ARN given, and the role is
// then assumed only if that ARN is exactly the stored role's (its path included, its name
// as IAM keeps it), so the role authorized is the role the task gets, and the ARN the task
// is stored with is the role's real one. (A role of another account cannot be passed: the
// caller's account has no say over it.)
func (s *Service) Run(ctx context.Context, caller *authz.Caller, in RunInput) (*RunOutput, error) {
	if in.TaskRoleARN == "" {
		return nil, awserr.New("InvalidParameterException", "TaskRoleArn must be provided.")
	}
	roles := []string{in.TaskRoleARN}
	if in.ExecutionRoleARN != "" {
		roles = append(roles, in.ExecutionRoleARN)
	}
	for _, r := range roles {
		if !isRoleARN(r) {
			return nil, awserr.New("ClientException", "Role is not valid")
		}
	}
	for _, r := range roles {
		if err := s.authz.Authorize(ctx, caller, authz.PassRole(r, ServicePrincipal, "")); err != nil {
			return nil, err
		}
	}
	id := newID()
	taskARN := TaskARN(s.region, caller.Account, id)
	sessions := make([]*sts.AssumeRoleOutput, len(roles))
	for i, r := range roles {
		out, err := s.assume(ctx, caller.Account, r, id)
		if err != nil {
			return nil, err
		}
		sessions[i] = out
	}
	token := newToken()
	rec := record{
		ID: id, Account: caller.Account, ARN: taskARN, TaskRoleARN: in.TaskRoleARN, ExecutionRoleARN: in.ExecutionRoleARN,
		StartedBy: caller.Principal.ID, TokenHash: hashToken(token), StartedAt: s.now().UTC(),
	}
	if err := s.ensureIndexes(ctx); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.store.Update(ctx, func(tx docstore.Tx) error {
		if err := s.purgeStopped(tx); err != nil {
			return err
		}
		if err := indexTask(tx, &rec); err != nil {
			return err
		}
		return tx.Insert(docstore.Key{Collection: collection, ID: id}, &rec)
	}); err != nil {
		return nil, err
	}
	s.running[id] = &entry{rec: rec, session: sessions[0]}
	out := &RunOutput{TaskID: id, TaskARN: taskARN, Token: token}
	if len(sessions) > 1 {
		out.Execution = &sessions[1].Credentials
	}
	return out, nil
}

// assume takes a session of the role as ecs-tasks.amazonaws.com for the task, worded as ECS
// words a role it cannot assume.
func (s *Service) assume(ctx context.Context, account, roleARN, id string) (*sts.AssumeRoleOutput, error) {
	out, err := s.sts.AssumeRoleForTask(ctx, sts.TaskSessionInput{
		Service: ServicePrincipal, RoleARN: roleARN, SessionName: id,
		SourceAccount: account, SourceARN: TaskARN(s.region, account, id), Region: s.region,
	})
	if errors.Is(err, sts.ErrTaskRoleNotTrusted) {
		return nil, awserr.New("InvalidParameterException",
			"ECS was unable to assume the role '%s' that was provided for this task. Please verify that the role being passed has the proper trust relationship and permissions and that your IAM user has permissions to pass this role.", roleARN)
	}
	return out, err
}

// Credentials are a task role session as the credentials endpoint serves it.
type Credentials struct {
	sts.Credentials
	RoleARN string
	Account string
}

// Credentials returns the task role's current session for the holder of the task's token,
// renewing it when it comes near its expiry.
func (s *Service) Credentials(ctx context.Context, id, token string) (*Credentials, error) {
	e, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare([]byte(hashToken(token)), []byte(e.rec.TokenHash)) != 1 {
		return nil, ErrWrongToken
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.session == nil || !s.now().Add(renewBefore).Before(e.session.Credentials.Expiration) ||
		!s.sts.Sealer().Current(e.session.Credentials.SessionToken) { // the master key was rotated
		out, err := s.assume(ctx, e.rec.Account, e.rec.TaskRoleARN, e.rec.ID)
		if err != nil {
			return nil, err
		}
		e.session = out
	}
	return &Credentials{Credentials: e.session.Credentials, RoleARN: e.rec.TaskRoleARN, Account: e.rec.Account}, nil
}

// load finds a running task, from memory or, after a restart, from the store.
func (s *Service) load(ctx context.Context, id string) (*entry, error) {
	if !validID(id) {
		return nil, ErrUnknownTask
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.running[id]; ok {
		return e, nil
	}
	var rec record
	err := s.store.View(ctx, func(tx docstore.Tx) error {
		return tx.Get(docstore.Key{Collection: collection, ID: id}, &rec)
	})
	if errors.Is(err, docstore.ErrNotFound) || err == nil && rec.Stop != nil {
		return nil, ErrUnknownTask // a stopped task's credentials are gone, as on ECS
	}
	if err != nil {
		return nil, err
	}
	e := &entry{rec: rec}
	s.running[id] = e
	return e, nil
}

// TaskARN is the ARN of a task in iamd's one cluster.
func TaskARN(region, account, id string) string {
	return arn.InRegion("ecs", region, account, "task/"+cluster+"/"+id)
}

func isRoleARN(s string) bool {
	a, err := arn.Parse(s)
	return err == nil && a.Service == "iam" && a.Account != "" && strings.HasPrefix(a.Resource, "role/") && len(a.Resource) > len("role/")
}

// newID makes a task id as ECS does: 32 lower-case hex digits.
func newID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return hex.EncodeToString(b[:])
}

func validID(id string) bool {
	if len(id) != 32 {
		return false
	}
	_, err := hex.DecodeString(id)
	return err == nil && strings.ToLower(id) == id
}

// newToken makes an authorization token: 256 random bits.
func newToken() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
