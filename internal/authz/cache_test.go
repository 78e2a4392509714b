package authz_test

import (
	"context"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/policy"
	"github.com/iamd-dev/iamd/internal/testutil"
)

// A write invalidates the compiled policies of the principals that depend on what it wrote,
// and only those.
func TestCacheRebuildsOnlyDependents(t *testing.T) {
	ctx := context.Background()
	s := testutil.New(t)
	az := authz.New(s.IAM)
	pa := managed(t, s, "A", allowDoc(actionA))
	pb := managed(t, s, "B", allowDoc(actionA))
	ua, ub := s.User(t, "ua", ""), s.User(t, "ub", "")
	must(t, s.IAM.AttachPolicy(ctx, acct, iam.HolderUser, "ua", pa))
	must(t, s.IAM.AttachPolicy(ctx, acct, iam.HolderUser, "ub", pb))
	for _, c := range []*authz.Caller{ua, ub} {
		if d := decision(t, az, c, request(actionA)); d.Result != policy.Allowed {
			t.Fatalf("%s before the change: %v", c.Principal.ID, d.Result)
		}
	}
	before := az.Stats()
	if _, err := s.IAM.CreatePolicyVersion(ctx, acct, pb, denyDoc(actionA), true); err != nil {
		t.Fatal(err)
	}
	if d := decision(t, az, ua, request(actionA)); d.Result != policy.Allowed {
		t.Fatalf("ua after B changed: %v", d.Result)
	}
	after := az.Stats()
	if after.Rebuilds != before.Rebuilds || after.Refreshes != before.Refreshes || after.Hits != before.Hits+1 {
		t.Fatalf("ua, depending only on A, was not served from the cache: before %+v, after %+v", before, after)
	}
	if d := decision(t, az, ub, request(actionA)); d.Result != policy.ExplicitDeny {
		t.Fatalf("ub after B's new default version: %v", d.Result)
	}
	if got := az.Stats(); got.Rebuilds != after.Rebuilds+1 {
		t.Fatalf("ub, depending on B, was not rebuilt: %+v", got)
	}
}

// Each kind of document a principal's policies depend on changes its decision at the next
// call; what its policies do not depend on (a trust policy, tags) refreshes them without a
// compile.
func TestCacheEveryDependency(t *testing.T) {
	ctx := context.Background()
	s := testutil.New(t)
	svc := s.IAM
	az := authz.New(svc)
	u := s.User(t, "u", "")
	pa := managed(t, s, "pa", allowDoc(actionA))
	pb := managed(t, s, "pb", allowDoc(actionB))
	if _, err := svc.CreateGroup(ctx, acct, "g", ""); err != nil {
		t.Fatal(err)
	}
	role := s.Role(t, "r", "", testutil.TrustEC2)
	sess := session(t, role, "s", "ASIASESSION", testutil.AllowAll)
	narrow := session(t, role, "n", "ASIANARROW", allowDoc(actionB))
	selfTrust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + u.Principal.ID + `"},"Action":"sts:AssumeRole"}]}`
	trust, err := policy.Parse([]byte(selfTrust), policy.Trust)
	must(t, err)
	assume := authz.Request{Action: "sts:AssumeRole", Resource: role.ARN(), ResourcePolicy: trust, ResourceAccount: acct}

	type step struct {
		what   string
		change func() error
		caller *authz.Caller
		req    authz.Request
		want   policy.Result
	}
	version := func(arn, doc string) func() error {
		return func() error { _, err := svc.CreatePolicyVersion(ctx, acct, arn, doc, true); return err }
	}
	a := request(actionA)
	steps := []step{
		{"nothing yet", func() error { return nil }, u, a, policy.ImplicitDeny},
		{"the user's inline policy", func() error { return svc.PutUserPolicy(ctx, acct, "u", "in", allowDoc(actionA)) }, u, a, policy.Allowed},
		{"the user's inline policy deleted", func() error { return svc.DeleteUserPolicy(ctx, acct, "u", "in") }, u, a, policy.ImplicitDeny},
		{"a managed policy attached to the user", func() error { return svc.AttachPolicy(ctx, acct, iam.HolderUser, "u", pa) }, u, a, policy.Allowed},
		{"the managed policy's new default version", version(pa, denyDoc(actionA)), u, a, policy.ExplicitDeny},
		{"the managed policy's default set back", func() error { return svc.SetDefaultPolicyVersion(ctx, acct, pa, "v1") }, u, a, policy.Allowed},
		{"the managed policy detached", func() error { return svc.DetachPolicy(ctx, acct, iam.HolderUser, "u", pa) }, u, a, policy.ImplicitDeny},
		{"a group's policy, the user not in it", func() error { return svc.PutGroupPolicy(ctx, acct, "g", "gin", allowDoc(actionA)) }, u, a, policy.ImplicitDeny},
		{"the user added to the group", func() error { return svc.AddUserToGroup(ctx, acct, "g", "u") }, u, a, policy.Allowed},
		{"the group's inline policy changed", func() error { return svc.PutGroupPolicy(ctx, acct, "g", "gin", allowDoc(actionB)) }, u, a, policy.ImplicitDeny},
		{"a managed policy attached to the group", func() error { return svc.AttachPolicy(ctx, acct, iam.HolderGroup, "g", pa) }, u, a, policy.Allowed},
		{"the group's managed policy's new default version", version(pa, denyDoc(actionA)), u, a, policy.ExplicitDeny},
		{"the group's managed policy's default set back", func() error { return svc.SetDefaultPolicyVersion(ctx, acct, pa, "v1") }, u, a, policy.Allowed},
		{"the user removed from the group", func() error { return svc.RemoveUserFromGroup(ctx, acct, "g", "u") }, u, a, policy.ImplicitDeny},
		{"the user's inline policy again", func() error { return svc.PutUserPolicy(ctx, acct, "u", "in", allowDoc(actionA)) }, u, a, policy.Allowed},
		{"a permissions boundary", func() error { return svc.PutUserPermissionsBoundary(ctx, acct, "u", pb) }, u, a, policy.ImplicitDeny},
		{"the boundary's new default version", version(pb, allowDoc(actionA)), u, a, policy.Allowed},
		{"the boundary's default set back", func() error { return svc.SetDefaultPolicyVersion(ctx, acct, pb, "v1") }, u, a, policy.ImplicitDeny},
		{"the boundary removed", func() error { return svc.DeleteUserPermissionsBoundary(ctx, acct, "u") }, u, a, policy.Allowed},
		{"the role's session, the role allowed nothing", func() error { return nil }, sess, a, policy.ImplicitDeny},
		{"the role's inline policy", func() error { return svc.PutRolePolicy(ctx, acct, "r", "rin", allowDoc(actionA)) }, sess, a, policy.Allowed},
		{"a session policy allowing another action", func() error { return nil }, narrow, a, policy.ImplicitDeny},
		{"the role's inline policy deleted", func() error { return svc.DeleteRolePolicy(ctx, acct, "r", "rin") }, sess, a, policy.ImplicitDeny},
		{"an AWS managed policy attached to the role", func() error {
			return svc.AttachPolicy(ctx, acct, iam.HolderRole, "r", "arn:aws:iam::aws:policy/ReadOnlyAccess")
		}, sess, a, policy.Allowed},
		{"a boundary on the role", func() error { return svc.PutRolePermissionsBoundary(ctx, acct, "r", pb) }, sess, a, policy.ImplicitDeny},
		{"the role's boundary removed", func() error { return svc.DeleteRolePermissionsBoundary(ctx, acct, "r") }, sess, a, policy.Allowed},
		{"the AWS managed policy detached", func() error {
			return svc.DetachPolicy(ctx, acct, iam.HolderRole, "r", "arn:aws:iam::aws:policy/ReadOnlyAccess")
		}, sess, a, policy.ImplicitDeny},
		{"the user under a trust policy naming it", func() error { return nil }, u, assume, policy.Allowed},
	}
	var last policy.Result
	for i, st := range steps {
		if err := st.change(); err != nil {
			t.Fatalf("%s: %v", st.what, err)
		}
		if i > 0 && st.caller == steps[i-1].caller && st.want == last && st.what != "a group's policy, the user not in it" {
			t.Fatalf("step %q changes nothing: it proves nothing", st.what)
		}
		d := sameAsFresh(t, s, az, st.caller, st.req, st.what)
		if d.Result != st.want {
			t.Fatalf("%s: %v, want %v", st.what, d.Result, st.want)
		}
		last = d.Result
	}

	// A role's trust policy and a user's tags bear on no permission: the policies are read
	// anew, found the same and kept.
	for _, c := range []struct {
		what   string
		change func() error
		caller *authz.Caller
	}{
		{"the role's trust policy", func() error { return svc.UpdateAssumeRolePolicy(ctx, acct, "r", selfTrust) }, sess},
		{"the user's tags", func() error { return svc.TagUser(ctx, acct, "u", []iam.Tag{{Key: "team", Value: "x"}}) }, u},
	} {
		decision(t, az, c.caller, a)
		before := az.Stats()
		must(t, c.change())
		sameAsFresh(t, s, az, c.caller, a, c.what)
		if got := az.Stats(); got.Rebuilds != before.Rebuilds || got.Refreshes != before.Refreshes+1 {
			t.Errorf("%s: stats %+v, before %+v: want one refresh and no rebuild", c.what, got, before)
		}
	}

	// A deleted user's credentials are allowed nothing, resource policies included.
	must(t, svc.DeleteUserPolicy(ctx, acct, "u", "in"))
	must(t, svc.UntagUser(ctx, acct, "u", []string{"team"}))
	if d := sameAsFresh(t, s, az, u, assume, "before the user is deleted"); d.Result != policy.Allowed {
		t.Fatalf("before the user is deleted: %v", d.Result)
	}
	must(t, svc.DeleteUser(ctx, acct, "u"))
	if d := sameAsFresh(t, s, az, u, assume, "the user deleted"); d.Result != policy.ImplicitDeny {
		t.Fatalf("the user deleted: %v", d.Result)
	}
}

// Writes committed by another service over the same store (another process, as a replica
// would see its primary's) reach the cache through the change hooks: with the keys written
// (OnCommit feeding NoteWrites), or without them (NoteUnknownWrites).
func TestCacheWritesFromElsewhere(t *testing.T) {
	ctx := context.Background()
	s := testutil.New(t)
	az := authz.New(s.IAM)
	u := s.User(t, "u", "")
	other := iam.New(s.Store, s.Box, time.Now)
	other.OnCommit(s.IAM.NoteWrites)
	if d := sameAsFresh(t, s, az, u, request(actionA), "before"); d.Result != policy.ImplicitDeny {
		t.Fatalf("before: %v", d.Result)
	}
	must(t, other.PutUserPolicy(ctx, acct, "u", "in", allowDoc(actionA)))
	if d := sameAsFresh(t, s, az, u, request(actionA), "a write noted with its keys"); d.Result != policy.Allowed {
		t.Fatalf("a write noted with its keys: %v", d.Result)
	}
	other.OnCommit(nil)
	must(t, other.PutUserPolicy(ctx, acct, "u", "in", denyDoc(actionA)))
	s.IAM.NoteUnknownWrites()
	if d := sameAsFresh(t, s, az, u, request(actionA), "a write noted without keys"); d.Result != policy.ExplicitDeny {
		t.Fatalf("a write noted without keys: %v", d.Result)
	}
}
