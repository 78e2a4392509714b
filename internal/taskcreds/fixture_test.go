package taskcreds

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/oidc"
	"github.com/iamd-dev/iamd/internal/policy"
	"github.com/iamd-dev/iamd/internal/secretbox"
	"github.com/iamd-dev/iamd/internal/store/sqlite"
	"github.com/iamd-dev/iamd/internal/sts"
	"github.com/iamd-dev/iamd/internal/tasks"
)

const (
	account  = "123456789012"
	prefix   = "/iamd/task-credentials/"
	roleName = "app-task"
	roleARN  = "arn:aws:iam::" + account + ":role/" + roleName
	// ecsTasksTrust lets ECS tasks assume a role.
	ecsTasksTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	ec2Trust      = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
)

// fixture is the endpoint over the real services and a real store, with one running task
// of the role app-task, a clock tests move, and what the endpoint logged and recorded.
type fixture struct {
	handler *Handler
	iam     *iam.Service
	task    *tasks.RunOutput
	clock   *clock
	log     *syncBuffer

	mu      sync.Mutex
	records []Record
}

func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	ctx := context.Background()
	store, err := sqlite.Open(ctx, tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { store.Close() })
	box, err := secretbox.New(bytes.Repeat([]byte{7}, secretbox.KeySize))
	if err != nil {
		tb.Fatal(err)
	}
	fx := &fixture{clock: &clock{t: time.Now()}, log: &syncBuffer{}}
	fx.iam = iam.New(store, box, fx.clock.now)
	az := authz.New(fx.iam)
	stsSvc := sts.New(fx.iam, az, sts.NewSealer(box), oidc.NewVerifier(nil, fx.clock.now), fx.clock.now)
	svc := tasks.New(store, stsSvc, az, "us-east-1", fx.clock.now)
	if _, _, err := fx.iam.EnsureAccount(ctx, account, "default", nil); err != nil {
		tb.Fatal(err)
	}
	if _, err := fx.iam.CreateRole(ctx, iam.CreateRoleInput{Account: account, Name: roleName, AssumeRolePolicy: ecsTasksTrust}); err != nil {
		tb.Fatal(err)
	}
	root, err := policy.ParsePrincipal("arn:aws:iam::" + account + ":root")
	if err != nil {
		tb.Fatal(err)
	}
	caller := &authz.Caller{Principal: root, Account: account, Region: "us-east-1", Time: fx.clock.now(), SourceIP: "127.0.0.1"}
	if fx.task, err = svc.Run(ctx, caller, tasks.RunInput{TaskRoleARN: roleARN}); err != nil {
		tb.Fatal(err)
	}
	ids := 0
	fx.handler = &Handler{
		Tasks: svc, Now: fx.clock.now, Prefix: prefix,
		RequestID: func() string { fx.mu.Lock(); defer fx.mu.Unlock(); ids++; return fmt.Sprintf("req-%d", ids) },
		Log:       slog.New(slog.NewJSONHandler(fx.log, nil)),
		Audit: func(_ *http.Request, rec Record) {
			fx.mu.Lock()
			defer fx.mu.Unlock()
			fx.records = append(fx.records, rec)
		},
	}
	return fx
}

// get asks the endpoint for the path after the prefix, from remote, with the token as
// the Authorization header ("" for none), and returns the answer and its record.
func (fx *fixture) get(tb testing.TB, method, id, token, remote string) (*httptest.ResponseRecorder, Record) {
	tb.Helper()
	r := httptest.NewRequest(method, "http://127.0.0.1/", nil)
	r.URL.Path = prefix + id
	r.RemoteAddr = remote
	if token != "" {
		r.Header.Set("Authorization", token)
	}
	w := httptest.NewRecorder()
	fx.handler.ServeHTTP(w, r)
	fx.mu.Lock()
	defer fx.mu.Unlock()
	if len(fx.records) == 0 {
		tb.Fatalf("%s %s: no record", method, id)
	}
	rec := fx.records[len(fx.records)-1]
	fx.records = nil
	return w, rec
}

// clock is a clock tests move forward.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// syncBuffer is a buffer for a logger, safe for concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// decode reads an answer's JSON into v, failing the test when it is not JSON.
func decode(tb testing.TB, w *httptest.ResponseRecorder, v any) {
	tb.Helper()
	if err := json.Unmarshal(w.Body.Bytes(), v); err != nil {
		tb.Fatalf("answer %d %s: %v", w.Code, w.Body.String(), err)
	}
}
