package iamapi

import (
	"testing"

	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/sts"
	"github.com/iamd-dev/iamd/internal/testutil"
)

// TestDo: each call is routed, admitted, authorized on the stored resource and handled, and
// answered with IAM's code and message; the outcome names the action and the resource the
// call was authorized on.
func TestDo(t *testing.T) {
	f := newFixture(t)
	session := *f.alice
	session.SessionKind = sts.KindUser
	const aliceARN = "arn:aws:iam::123456789012:user/alice"
	tests := []struct {
		name     string
		caller   *authz.Caller
		op       string
		params   []string
		action   string // the outcome's
		resource string // the outcome's
		code     string // "" for success
		message  string
		check    func(t *testing.T, out any)
	}{
		{
			name: "no Action", caller: f.root, op: "",
			code: "MissingAction", message: "Missing Action",
		},
		{
			name: "an action iamd does not serve", caller: f.root, op: "CreateNothingAtAll", action: "iam:CreateNothingAtAll",
			code: "InvalidAction", message: "Could not find operation CreateNothingAtAll for version 2010-05-08 (iamd does not implement it).",
		},
		{
			name: "a user without permission, on the role's stored ARN", caller: f.alice, op: "GetRole", params: []string{"RoleName", "app"},
			action: "iam:GetRole", resource: appRoleARN, code: "AccessDenied",
			message: "User: " + aliceARN + " is not authorized to perform: iam:GetRole on resource: " + appRoleARN +
				" because no identity-based policy allows the iam:GetRole action",
		},
		{
			name: "a GetSessionToken session, refused before any policy", caller: &session, op: "GetRole", params: []string{"RoleName", "app"},
			action: "iam:GetRole", code: "AccessDenied",
			message: "User: " + aliceARN + " is not authorized to perform: iam:GetRole with temporary credentials from GetSessionToken",
		},
		{
			name: "a role that does not exist", caller: f.root, op: "GetRole", params: []string{"RoleName", "nope"},
			action: "iam:GetRole", resource: "arn:aws:iam::123456789012:role/nope",
			code: "NoSuchEntity", message: "The role with name nope cannot be found.",
		},
		{
			name: "a role that exists", caller: f.root, op: "CreateRole",
			params: []string{"RoleName", "app", "Path", "/team/", "AssumeRolePolicyDocument", testutil.TrustEC2},
			action: "iam:CreateRole", resource: appRoleARN,
			code: "EntityAlreadyExists", message: "Role with name app already exists.",
		},
		{
			name: "a user allowed by a policy on the role's path", caller: f.carol, op: "GetRole", params: []string{"RoleName", "app"},
			action: "iam:GetRole", resource: appRoleARN,
			check: func(t *testing.T, out any) {
				r, ok := out.(roleResult)
				if !ok || r.Role.Arn != appRoleARN || r.Role.Path != "/team/" || r.Role.RoleName != "app" {
					t.Errorf("result %+v, want the role app under /team/", out)
				}
			},
		},
		{
			name: "an action that returns nothing", caller: f.root, op: "TagRole",
			params: []string{"RoleName", "app", "Tags.member.1.Key", "team", "Tags.member.1.Value", "blue"},
			action: "iam:TagRole", resource: appRoleARN,
			check: func(t *testing.T, out any) {
				if out != nil {
					t.Errorf("result %+v, want none", out)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, o := f.do(tt.caller, tt.op, tt.params...)
			if o.Action != tt.action || o.Resource != tt.resource {
				t.Errorf("outcome on %q %q, want %q %q", o.Action, o.Resource, tt.action, tt.resource)
			}
			if o.Cause != nil {
				t.Errorf("cause %v, want none", o.Cause)
			}
			if tt.code == "" {
				if o.Err != nil {
					t.Fatalf("error %v, want success", o.Err)
				}
				tt.check(t, out)
				return
			}
			if o.Err == nil || o.Err.Code != tt.code || o.Err.Message != tt.message {
				t.Fatalf("error %+v, want %s %q", o.Err, tt.code, tt.message)
			}
			if out != nil {
				t.Errorf("result %+v with an error", out)
			}
		})
	}
}

// TestInternalFailureKeepsItsCause: an error that is not AWS's (the store is closed) is
// answered with IAM's ServiceFailure, which says nothing of it; the outcome keeps it.
func TestInternalFailureKeepsItsCause(t *testing.T) {
	f := newFixture(t)
	if err := f.Store.Close(); err != nil {
		t.Fatal(err)
	}
	_, o := f.do(f.root, "GetRole", "RoleName", "app")
	if o.Err == nil || *o.Err != *awserr.ServiceFailure() {
		t.Fatalf("error %+v, want ServiceFailure", o.Err)
	}
	if o.Cause == nil {
		t.Fatal("the outcome lost the cause")
	}
	if _, ok := awserr.As(o.Cause); ok {
		t.Fatalf("cause %v is an AWS error", o.Cause)
	}
	if o.Action != "iam:GetRole" {
		t.Errorf("action %q", o.Action)
	}
}
