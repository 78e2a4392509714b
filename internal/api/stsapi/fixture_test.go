package stsapi

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/api/awsquery"
	"github.com/iamd-dev/iamd/internal/api/route"
	"github.com/iamd-dev/iamd/internal/authmsg"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/oidc"
	"github.com/iamd-dev/iamd/internal/policy"
	"github.com/iamd-dev/iamd/internal/secretbox"
	"github.com/iamd-dev/iamd/internal/store/sqlite"
	"github.com/iamd-dev/iamd/internal/sts"
)

const (
	account     = "123456789012"
	deployerARN = "arn:aws:iam::123456789012:role/deployer"
	trustRoot   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`
	// alicePolicy lets alice assume deployer, decode authorization messages and get
	// federation tokens (with long-term credentials).
	alicePolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:AssumeRole","sts:DecodeAuthorizationMessage","sts:GetFederationToken"],"Resource":"*"}]}`
)

// fixture is the STS API over the parts server.New wires: a real SQLite store, IAM, the
// authorizer and package sts.
type fixture struct {
	api   *API
	iam   *iam.Service
	store *sqlite.Store
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
	f := &fixture{api: New(issuer, az, authmsg.NewCodec(box)), iam: svc, store: store}
	if _, err := svc.CreateRole(ctx, iam.CreateRoleInput{Account: account, Name: "deployer", AssumeRolePolicy: trustRoot}); err != nil {
		t.Fatal(err)
	}
	return f
}

// user creates a user with an inline policy (none when document is "") and returns it as
// a caller with long-term credentials.
func (f *fixture) user(t *testing.T, name, document string) *authz.Caller {
	t.Helper()
	ctx := context.Background()
	u, err := f.iam.CreateUser(ctx, iam.CreateUserInput{Account: account, Name: name})
	if err != nil {
		t.Fatal(err)
	}
	if document != "" {
		if err := f.iam.PutUserPolicy(ctx, account, name, "inline", document); err != nil {
			t.Fatal(err)
		}
	}
	p, err := policy.ParsePrincipal(u.ARN())
	if err != nil {
		t.Fatal(err)
	}
	return &authz.Caller{Principal: p, Account: account, UserID: u.ID, UserName: u.Name, EntityID: u.ID, Time: time.Now()}
}

// session is the caller a GetSessionToken session of the user stands for, as the server
// authenticates its token.
func (f *fixture) session(t *testing.T, user *authz.Caller) *authz.Caller {
	t.Helper()
	out, o := f.do(user, "GetSessionToken", nil)
	if o.Err != nil {
		t.Fatalf("GetSessionToken: %v", o.Err)
	}
	sess, err := f.api.sts.Sealer().Open(out.(getSessionTokenResult).Credentials.SessionToken)
	if err != nil {
		t.Fatal(err)
	}
	p, err := policy.ParsePrincipal(sess.ARN())
	if err != nil {
		t.Fatal(err)
	}
	return &authz.Caller{Principal: p, Account: sess.Account, UserID: sess.UserID(), UserName: sess.UserName,
		EntityID: sess.EntityID(), SessionKind: sess.Kind, AccessKeyID: sess.AccessKeyID, TokenIssueTime: sess.IssuedAt, Time: time.Now()}
}

// do serves one decoded call through the API's service.
func (f *fixture) do(caller *authz.Caller, op string, params url.Values) (any, route.Outcome) {
	return f.api.service.Do(context.Background(), caller, op, &awsquery.Request{Action: op, Params: params}, "req-1")
}
