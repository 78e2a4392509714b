package iamapi

import (
	"context"
	"net/url"
	"testing"

	"github.com/iamd-dev/iamd/internal/api/awsquery"
	apiroute "github.com/iamd-dev/iamd/internal/api/route"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/testutil"
)

const (
	// appRoleARN is the stored ARN of the fixture's role, under a path.
	appRoleARN = "arn:aws:iam::123456789012:role/team/app"
	readTeam   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetRole","Resource":"arn:aws:iam::123456789012:role/team/*"}]}`
)

// fixture is the API over the real stack, as the server wires it, with an account holding
// the role "app" under /team/, and its callers.
type fixture struct {
	*testutil.Stack
	api   *API
	root  *authz.Caller
	alice *authz.Caller // a user without any policy
	carol *authz.Caller // a user allowed iam:GetRole on the roles under /team/
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	s := testutil.New(t)
	s.Role(t, "app", "/team/", testutil.TrustEC2)
	return &fixture{
		Stack: s, api: New(s.IAM, s.Authz),
		root:  testutil.Root(t, testutil.Account),
		alice: s.User(t, "alice", ""),
		carol: s.User(t, "carol", readTeam),
	}
}

// do serves the operation with the parameters (name, value, name, value...) without HTTP.
func (f *fixture) do(caller *authz.Caller, op string, params ...string) (any, apiroute.Outcome) {
	q := &awsquery.Request{Action: op, Version: "2010-05-08", Params: url.Values{"Action": {op}, "Version": {"2010-05-08"}}}
	for i := 0; i+1 < len(params); i += 2 {
		q.Params.Set(params[i], params[i+1])
	}
	return f.api.service.Do(context.Background(), caller, op, q, "00000000-0000-0000-0000-000000000000")
}
