package stsapi

import (
	"context"
	"net/url"
	"testing"

	"github.com/iamd-dev/iamd/internal/api/awsquery"
	"github.com/iamd-dev/iamd/internal/api/route"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/testutil"
)

const (
	account     = testutil.Account
	deployerARN = "arn:aws:iam::123456789012:role/deployer"
	trustRoot   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`
	// alicePolicy lets alice assume deployer, decode authorization messages and get
	// federation tokens (with long-term credentials).
	alicePolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:AssumeRole","sts:DecodeAuthorizationMessage","sts:GetFederationToken"],"Resource":"*"}]}`
)

// fixture is the STS API over the real stack server.New wires, with the role deployer.
type fixture struct {
	*testutil.Stack
	api *API
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	s := testutil.New(t)
	s.Role(t, "deployer", "", trustRoot)
	return &fixture{Stack: s, api: New(s.STS, s.Authz, s.Msgs)}
}

// session is the caller a GetSessionToken session of the user stands for, as the server
// authenticates its token.
func (f *fixture) session(t *testing.T, user *authz.Caller) *authz.Caller {
	t.Helper()
	out, o := f.do(user, "GetSessionToken", nil)
	if o.Err != nil {
		t.Fatalf("GetSessionToken: %v", o.Err)
	}
	return f.Session(t, out.(getSessionTokenResult).Credentials.SessionToken)
}

// do serves one decoded call through the API's service.
func (f *fixture) do(caller *authz.Caller, op string, params url.Values) (any, route.Outcome) {
	return f.api.service.Do(context.Background(), caller, op, &awsquery.Request{Action: op, Params: params}, "req-1")
}
