package iamapi

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/api/awsquery"
	apiroute "github.com/iamd-dev/iamd/internal/api/route"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/policy"
	"github.com/iamd-dev/iamd/internal/secretbox"
	"github.com/iamd-dev/iamd/internal/store/sqlite"
)

const (
	testAccount = "123456789012"
	// appRoleARN is the stored ARN of the fixture's role, under a path.
	appRoleARN = "arn:aws:iam::123456789012:role/team/app"
	trustEC2   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	readTeam   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetRole","Resource":"arn:aws:iam::123456789012:role/team/*"}]}`
)

// fixture is the API over a real SQLite store in a temporary directory, as the server wires
// it, with an account holding the role "app" under /team/, and its callers.
type fixture struct {
	api   *API
	store *sqlite.Store
	root  *authz.Caller
	alice *authz.Caller // a user without any policy
	carol *authz.Caller // a user allowed iam:GetRole on the roles under /team/
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	box, err := secretbox.New(make([]byte, secretbox.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	svc := iam.New(st, box, time.Now)
	if _, _, err := svc.EnsureAccount(ctx, testAccount, "default", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateRole(ctx, iam.CreateRoleInput{Account: testAccount, Name: "app", Path: "/team/", AssumeRolePolicy: trustEC2}); err != nil {
		t.Fatal(err)
	}
	f := &fixture{api: New(svc, authz.New(svc)), store: st}
	f.root = newCaller(t, iam.RootARN(testAccount), testAccount, "")
	f.alice = userCaller(t, svc, "alice", "")
	f.carol = userCaller(t, svc, "carol", readTeam)
	return f
}

// userCaller creates a user, with the inline policy when one is given, and returns the
// caller its access key stands for.
func userCaller(t *testing.T, svc *iam.Service, name, document string) *authz.Caller {
	t.Helper()
	ctx := context.Background()
	u, err := svc.CreateUser(ctx, iam.CreateUserInput{Account: testAccount, Name: name})
	if err != nil {
		t.Fatal(err)
	}
	if document != "" {
		if err := svc.PutUserPolicy(ctx, testAccount, name, "policy", document); err != nil {
			t.Fatal(err)
		}
	}
	return newCaller(t, u.ARN(), u.ID, name)
}

func newCaller(t *testing.T, arn, userID, userName string) *authz.Caller {
	t.Helper()
	p, err := policy.ParsePrincipal(arn)
	if err != nil {
		t.Fatal(err)
	}
	return &authz.Caller{Principal: p, Account: testAccount, UserID: userID, UserName: userName, EntityID: userID}
}

// do serves the operation with the parameters (name, value, name, value...) without HTTP.
func (f *fixture) do(caller *authz.Caller, op string, params ...string) (any, apiroute.Outcome) {
	q := &awsquery.Request{Action: op, Version: "2010-05-08", Params: url.Values{"Action": {op}, "Version": {"2010-05-08"}}}
	for i := 0; i+1 < len(params); i += 2 {
		q.Params.Set(params[i], params[i+1])
	}
	return f.api.service.Do(context.Background(), caller, op, q, "00000000-0000-0000-0000-000000000000")
}
