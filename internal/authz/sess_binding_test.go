package authz_test

import (
	"context"
	"testing"

	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/policy"
	"github.com/iamd-dev/iamd/internal/testutil"
)

const (
	acct      = testutil.Account
	roleTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/worker"},"Action":"sts:AssumeRole"}]}`
)

// worker creates the role worker, allowed everything, and returns its id.
func worker(t *testing.T, s *testutil.Stack) string {
	t.Helper()
	r := s.Role(t, "worker", "", testutil.TrustEC2)
	if err := s.IAM.PutRolePolicy(context.Background(), acct, "worker", "all", testutil.AllowAll); err != nil {
		t.Fatal(err)
	}
	return r.ID
}

// A caller is bound to its role's id: the same name with another id, or no id, is not its
// role, and its compiled policies are not reused for the role created anew.
func TestSessCallerBoundToEntityID(t *testing.T) {
	ctx := context.Background()
	s := testutil.New(t)
	svc, az := s.IAM, s.Authz
	firstID := worker(t, s)
	p, err := policy.ParsePrincipal("arn:aws:sts::" + acct + ":assumed-role/worker/s")
	if err != nil {
		t.Fatal(err)
	}
	old := &authz.Caller{Principal: p, Account: acct, EntityID: firstID, AccessKeyID: "ASIAOLD"}
	decide := func(c *authz.Caller, r authz.Request) policy.Decision {
		t.Helper()
		d, err := az.Decide(ctx, c, r)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	create := authz.Request{Action: "iam:CreateUser", Resource: "arn:aws:iam::" + acct + ":user/u"}
	if d := decide(old, create); d.Result != policy.Allowed {
		t.Fatalf("the role's own session: %v", d.Result)
	}
	if d := decide(&authz.Caller{Principal: p, Account: acct, AccessKeyID: "ASIANOID"}, create); d.Result != policy.ImplicitDeny {
		t.Fatalf("a caller bound to no id: %v", d.Result)
	}

	if err := svc.DeleteRolePolicy(ctx, acct, "worker", "all"); err != nil {
		t.Fatal(err)
	}
	if err := svc.DeleteRole(ctx, acct, "worker"); err != nil {
		t.Fatal(err)
	}
	secondID := worker(t, s)
	if secondID == firstID {
		t.Fatal("the role created anew has the first one's id")
	}
	d := decide(old, create)
	if d.Result != policy.ImplicitDeny || d.DeniedBy != policy.LayerIdentity {
		t.Fatalf("the first role's session: %v by %v", d.Result, d.DeniedBy)
	}
	// Nor does a resource policy naming the role's ARN allow it.
	trust, err := policy.Parse([]byte(roleTrust), policy.Trust)
	if err != nil {
		t.Fatal(err)
	}
	assume := authz.Request{Action: "sts:AssumeRole", Resource: "arn:aws:iam::" + acct + ":role/other", ResourcePolicy: trust, ResourceAccount: acct}
	if d := decide(old, assume); d.Result != policy.ImplicitDeny {
		t.Fatalf("the first role's session under a trust policy naming the role: %v", d.Result)
	}
	fresh := &authz.Caller{Principal: p, Account: acct, EntityID: secondID, AccessKeyID: "ASIAOLD"}
	if d := decide(fresh, create); d.Result != policy.Allowed {
		t.Fatalf("a session of the new role (same name and key id): %v", d.Result)
	}
	if d := decide(fresh, assume); d.Result != policy.Allowed {
		t.Fatalf("the new role's session under the trust policy: %v", d.Result)
	}
	// And the old session stays refused once the new one's policies are cached.
	if d := decide(old, create); d.Result != policy.ImplicitDeny {
		t.Fatalf("the first role's session after the new one's: %v", d.Result)
	}
}
