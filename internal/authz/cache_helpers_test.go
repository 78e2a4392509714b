package authz_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/policy"
	"github.com/iamd-dev/iamd/internal/testutil"
)

// Actions the cache tests decide, and policies allowing or denying them.
const (
	actionA = "iam:ListUsers"
	actionB = "iam:ListRoles"
)

func allowDoc(action string) string {
	return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":%q,"Resource":"*"}]}`, action)
}

func denyDoc(action string) string {
	return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":%q,"Resource":"*"}]}`, action)
}

func request(action string) authz.Request { return authz.Request{Action: action, Resource: "*"} }

// must fails the test on an error.
func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// managed creates a customer managed policy with the document and returns its ARN.
func managed(t testing.TB, s *testutil.Stack, name, doc string) string {
	t.Helper()
	p, err := s.IAM.CreatePolicy(context.Background(), iam.CreatePolicyInput{Account: acct, Name: name, Document: doc})
	must(t, err)
	return p.ARN()
}

// session is the caller of a session of the role, with its session policies.
func session(t testing.TB, role *iam.Role, name, accessKey string, sessionPolicies ...string) *authz.Caller {
	t.Helper()
	p, err := policy.ParsePrincipal("arn:aws:sts::" + acct + ":assumed-role/" + role.Name + "/" + name)
	must(t, err)
	return &authz.Caller{Principal: p, Account: acct, EntityID: role.ID, AccessKeyID: accessKey, SessionPolicies: sessionPolicies}
}

// decision is the Authorizer's decision, failing the test on an error.
func decision(t testing.TB, az *authz.Authorizer, c *authz.Caller, r authz.Request) policy.Decision {
	t.Helper()
	d, err := az.Decide(context.Background(), c, r)
	must(t, err)
	return d
}

// sameAsFresh checks the cached decision against one from an Authorizer with nothing
// cached, and returns it.
func sameAsFresh(t testing.TB, s *testutil.Stack, az *authz.Authorizer, c *authz.Caller, r authz.Request, what string) policy.Decision {
	t.Helper()
	got := decision(t, az, c, r)
	want := decision(t, authz.New(s.IAM), c, r)
	if got.Result != want.Result || got.DeniedBy != want.DeniedBy {
		t.Fatalf("%s: %s for %s: cached %v (by %v), uncached %v (by %v)", what, r.Action, c.Principal.ID, got.Result, got.DeniedBy, want.Result, want.DeniedBy)
	}
	return got
}
