package adminapi

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/api/awsquery"
	"github.com/iamd-dev/iamd/internal/api/route"
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
	allowAll = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
)

// fixture is iamd's own API over the parts server.New wires: a real SQLite store, IAM,
// the authorizer, package sts and the tasks.
type fixture struct {
	api   *API
	iam   *iam.Service
	store *sqlite.Store
	root  *authz.Caller // the default account's root user
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	store, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	box, err := secretbox.New(make([]byte, secretbox.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	svc := iam.New(store, box, time.Now)
	if _, _, err := svc.EnsureAccount(ctx, account, "default", nil); err != nil {
		t.Fatal(err)
	}
	az := authz.New(svc)
	issuer := sts.New(svc, az, sts.NewSealer(box), oidc.NewVerifier(nil, time.Now), time.Now)
	api := New(svc, account)
	api.EnableTasks(tasks.New(store, issuer, az, "us-east-1", time.Now), func() string { return "http://127.0.0.1:1" })
	return &fixture{api: api, iam: svc, store: store, root: rootOf(t, account)}
}

// rootOf is the root user of an account, as a caller.
func rootOf(t *testing.T, account string) *authz.Caller {
	t.Helper()
	p, err := policy.ParsePrincipal("arn:aws:iam::" + account + ":root")
	if err != nil {
		t.Fatal(err)
	}
	return &authz.Caller{Principal: p, Account: account, UserID: account, Time: time.Now()}
}

// user creates a user with an inline policy and returns it as a caller with long-term
// credentials.
func (f *fixture) user(t *testing.T, name, document string) *authz.Caller {
	t.Helper()
	ctx := context.Background()
	u, err := f.iam.CreateUser(ctx, iam.CreateUserInput{Account: account, Name: name})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.iam.PutUserPolicy(ctx, account, name, "inline", document); err != nil {
		t.Fatal(err)
	}
	p, err := policy.ParsePrincipal(u.ARN())
	if err != nil {
		t.Fatal(err)
	}
	return &authz.Caller{Principal: p, Account: account, UserID: u.ID, UserName: u.Name, EntityID: u.ID, Time: time.Now()}
}

// do serves one decoded call through the API's service.
func (f *fixture) do(caller *authz.Caller, op string, params url.Values) (any, route.Outcome) {
	return f.api.service.Do(context.Background(), caller, op, &awsquery.Request{Action: op, Params: params}, "req-1")
}
