package iam_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/policy"
	"github.com/iamd-dev/iamd/internal/secretbox"
	"github.com/iamd-dev/iamd/internal/store/sqlite"
)

const (
	acct        = "123456789012"
	ec2Trust    = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	allowBatch  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"batch:SubmitJob","Resource":"*"}]}`
	allowEC2    = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}`
	allowSQSAll = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:*","batch:*"],"Resource":"*"}]}`
)

// newService is an iam.Service over a real SQLite store in a temp dir.
func newService(t *testing.T) *iam.Service {
	t.Helper()
	st, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	box, err := secretbox.New(make([]byte, secretbox.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	return iam.New(st, box, time.Now)
}

func wantCode(t *testing.T, err error, code, msg string) {
	t.Helper()
	e, ok := awserr.As(err)
	if !ok || e.Code != code || (msg != "" && e.Message != msg) {
		t.Fatalf("error %v, want %s %q", err, code, msg)
	}
}

// decide asks the authorizer whether a session of the role (bound to its id) may call
// action on "*".
func decide(t *testing.T, svc *iam.Service, az *authz.Authorizer, role, action string) policy.Result {
	t.Helper()
	p, err := policy.ParsePrincipal("arn:aws:sts::" + acct + ":assumed-role/" + role + "/s")
	if err != nil {
		t.Fatal(err)
	}
	r, err := svc.GetRole(context.Background(), acct, role)
	if err != nil {
		t.Fatal(err)
	}
	d, err := az.Decide(context.Background(), &authz.Caller{Principal: p, Account: acct, EntityID: r.ID}, authz.Request{Action: action, Resource: "*"})
	if err != nil {
		t.Fatal(err)
	}
	return d.Result
}

func TestAttachedPolicyGrantsAndBoundaryLimits(t *testing.T) {
	ctx := context.Background()
	svc := newService(t)
	az := authz.New(svc)
	if _, err := svc.CreateRole(ctx, iam.CreateRoleInput{Account: acct, Name: "worker", AssumeRolePolicy: ec2Trust}); err != nil {
		t.Fatal(err)
	}
	p, err := svc.CreatePolicy(ctx, iam.CreatePolicyInput{Account: acct, Name: "batch", Document: allowBatch})
	if err != nil {
		t.Fatal(err)
	}
	if decide(t, svc, az, "worker", "batch:SubmitJob") == policy.Allowed {
		t.Fatal("allowed before any policy was attached")
	}
	if err := svc.AttachPolicy(ctx, acct, iam.HolderRole, "worker", p.ARN()); err != nil {
		t.Fatal(err)
	}
	if decide(t, svc, az, "worker", "batch:SubmitJob") != policy.Allowed {
		t.Fatal("the attached policy does not grant batch:SubmitJob")
	}
	if decide(t, svc, az, "worker", "ec2:RunInstances") == policy.Allowed {
		t.Fatal("the attached policy grants more than it says")
	}

	// A new default version is in force at once; the old one no longer is.
	if _, err := svc.CreatePolicyVersion(ctx, acct, p.ARN(), allowEC2, true); err != nil {
		t.Fatal(err)
	}
	if decide(t, svc, az, "worker", "ec2:RunInstances") != policy.Allowed || decide(t, svc, az, "worker", "batch:SubmitJob") == policy.Allowed {
		t.Fatal("the new default version is not the one in force")
	}
	if err := svc.SetDefaultPolicyVersion(ctx, acct, p.ARN(), "v1"); err != nil {
		t.Fatal(err)
	}
	if decide(t, svc, az, "worker", "batch:SubmitJob") != policy.Allowed {
		t.Fatal("v1 back as default does not grant")
	}

	// A boundary limits what the attached policies grant.
	wide, err := svc.CreatePolicy(ctx, iam.CreatePolicyInput{Account: acct, Name: "wide", Document: allowSQSAll})
	if err != nil {
		t.Fatal(err)
	}
	bound, err := svc.CreatePolicy(ctx, iam.CreatePolicyInput{Account: acct, Name: "bound", Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*"}]}`})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.AttachPolicy(ctx, acct, iam.HolderRole, "worker", wide.ARN()); err != nil {
		t.Fatal(err)
	}
	if err := svc.PutRolePermissionsBoundary(ctx, acct, "worker", bound.ARN()); err != nil {
		t.Fatal(err)
	}
	if decide(t, svc, az, "worker", "sqs:SendMessage") != policy.Allowed || decide(t, svc, az, "worker", "batch:SubmitJob") == policy.Allowed {
		t.Fatal("the boundary does not limit the role")
	}
	if err := svc.DeleteRolePermissionsBoundary(ctx, acct, "worker"); err != nil {
		t.Fatal(err)
	}
	if decide(t, svc, az, "worker", "batch:SubmitJob") != policy.Allowed {
		t.Fatal("removing the boundary does not restore the grant")
	}

	// Detaching takes the grant away.
	for _, a := range []string{p.ARN(), wide.ARN()} {
		if err := svc.DetachPolicy(ctx, acct, iam.HolderRole, "worker", a); err != nil {
			t.Fatal(err)
		}
	}
	if decide(t, svc, az, "worker", "batch:SubmitJob") == policy.Allowed {
		t.Fatal("still allowed after detaching")
	}
}

func TestPolicyCountsAndRejectedCallsChangeNothing(t *testing.T) {
	ctx := context.Background()
	svc := newService(t)
	if _, err := svc.CreateRole(ctx, iam.CreateRoleInput{Account: acct, Name: "r", AssumeRolePolicy: ec2Trust}); err != nil {
		t.Fatal(err)
	}
	var arns []string
	for i := range 11 {
		p, err := svc.CreatePolicy(ctx, iam.CreatePolicyInput{Account: acct, Name: "p" + string(rune('a'+i)), Path: "/team/", Document: allowBatch})
		if err != nil {
			t.Fatal(err)
		}
		arns = append(arns, p.ARN())
	}
	for _, a := range arns[:10] {
		if err := svc.AttachPolicy(ctx, acct, iam.HolderRole, "r", a); err != nil {
			t.Fatal(err)
		}
	}
	// Attaching again is a no-op, even at the quota.
	if err := svc.AttachPolicy(ctx, acct, iam.HolderRole, "r", arns[0]); err != nil {
		t.Fatal(err)
	}
	wantCode(t, svc.AttachPolicy(ctx, acct, iam.HolderRole, "r", arns[10]), "LimitExceeded", "Cannot exceed quota for PoliciesPerRole: 10")
	if p, _ := svc.GetPolicy(ctx, acct, arns[10]); p.AttachmentCount != 0 {
		t.Fatalf("rejected attach counted: %d", p.AttachmentCount)
	}
	if p, _ := svc.GetPolicy(ctx, acct, arns[0]); p.AttachmentCount != 1 {
		t.Fatalf("attaching twice counted twice: %d", p.AttachmentCount)
	}
	page, err := svc.ListAttachedPolicies(ctx, acct, iam.HolderRole, "r", "/team/", iam.Page{})
	if err != nil || len(page.Items) != 10 {
		t.Fatalf("ListAttachedPolicies %v %v", page, err)
	}

	// A version over the size quota is refused and nothing changes.
	big := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + strings.Repeat("x", 6100) + `"}]}`
	_, err = svc.CreatePolicyVersion(ctx, acct, arns[0], big, true)
	wantCode(t, err, "LimitExceeded", "Cannot exceed quota for PolicySize: 6144")
	p, err := svc.GetPolicy(ctx, acct, arns[0])
	if err != nil || len(p.Versions) != 1 || p.DefaultVersion != "v1" {
		t.Fatalf("after a refused version: %+v %v", p, err)
	}
	// White space does not count against the quota.
	spaced := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::x"}]}` + strings.Repeat(" \n", 4000)
	if _, err := svc.CreatePolicyVersion(ctx, acct, arns[0], spaced, false); err != nil {
		t.Fatalf("white space counted against PolicySize: %v", err)
	}

	// Attaching to nothing, or a policy that is not there.
	wantCode(t, svc.AttachPolicy(ctx, acct, iam.HolderRole, "ghost", arns[10]), "NoSuchEntity", "The role with name ghost cannot be found.")
	wantCode(t, svc.AttachPolicy(ctx, acct, iam.HolderUser, "ghost", arns[10]), "NoSuchEntity", "The user with name ghost cannot be found.")
	wantCode(t, svc.AttachPolicy(ctx, acct, iam.HolderGroup, "ghost", arns[10]), "NoSuchEntity", "The group with name ghost cannot be found.")
	missing := "arn:aws:iam::" + acct + ":policy/team/nope"
	wantCode(t, svc.DetachPolicy(ctx, acct, iam.HolderRole, "r", missing), "NoSuchEntity", "Policy "+missing+" was not found.")
	wrongPath := "arn:aws:iam::" + acct + ":policy/pk"
	wantCode(t, svc.DetachPolicy(ctx, acct, iam.HolderRole, "r", wrongPath), "NoSuchEntity", "")
	wantCode(t, svc.AttachPolicy(ctx, acct, iam.HolderRole, "r", wrongPath), "NoSuchEntity", "Policy "+wrongPath+" does not exist or is not attachable.")
}
