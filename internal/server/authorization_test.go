package server

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
)

const (
	allowCreateRole = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:CreateRole","Resource":"*"}]}`
	denyCreateRole  = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:CreateRole","Resource":"*"}]}`
	allowGetSelf    = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::123456789012:user/${aws:username}"}]}`
)

// userWithKey creates a user (as root) with an access key and returns the key.
func userWithKey(t *testing.T, ts *testServer, name, path string) aws.Credentials {
	t.Helper()
	ctx := context.Background()
	c := ts.iam(ts.root)
	in := &awsiam.CreateUserInput{UserName: aws.String(name)}
	if path != "" {
		in.Path = aws.String(path)
	}
	if _, err := c.CreateUser(ctx, in); err != nil {
		t.Fatal(err)
	}
	out, err := c.CreateAccessKey(ctx, &awsiam.CreateAccessKeyInput{UserName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	return keyCreds(out.AccessKey)
}

// wantDenied asserts an AccessDenied with AWS's status and exact message.
func wantDenied(t *testing.T, err error, message string) {
	t.Helper()
	ae := apiError(t, err, "AccessDenied")
	if httpStatus(err) != 403 {
		t.Fatalf("AccessDenied with status %d", httpStatus(err))
	}
	if ae.ErrorMessage() != message {
		t.Fatalf("message\n %q\nwant\n %q", ae.ErrorMessage(), message)
	}
}

func createRoleAs(c *awsiam.Client, name string) error {
	_, err := c.CreateRole(context.Background(), &awsiam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(towerTrust)})
	return err
}

func TestUserAuthorization(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	root := ts.iam(ts.root)
	bobKey := userWithKey(t, ts, "bob", "")
	bob := ts.iam(bobKey)

	// Nothing allows bob anything.
	wantDenied(t, createRoleAs(bob, "x"),
		"User: arn:aws:iam::123456789012:user/bob is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::123456789012:role/x because no identity-based policy allows the iam:CreateRole action")

	// A policy change takes effect on the next call.
	if _, err := root.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("bob"), PolicyName: aws.String("create-roles"), PolicyDocument: aws.String(allowCreateRole)}); err != nil {
		t.Fatal(err)
	}
	if err := createRoleAs(bob, "x"); err != nil {
		t.Fatalf("CreateRole once allowed: %v", err)
	}

	// An explicit deny in a group's policy wins over the user's allow.
	if _, err := root.CreateGroup(ctx, &awsiam.CreateGroupInput{GroupName: aws.String("no-roles")}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.PutGroupPolicy(ctx, &awsiam.PutGroupPolicyInput{GroupName: aws.String("no-roles"), PolicyName: aws.String("deny"), PolicyDocument: aws.String(denyCreateRole)}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.AddUserToGroup(ctx, &awsiam.AddUserToGroupInput{GroupName: aws.String("no-roles"), UserName: aws.String("bob")}); err != nil {
		t.Fatal(err)
	}
	wantDenied(t, createRoleAs(bob, "y"),
		"User: arn:aws:iam::123456789012:user/bob is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::123456789012:role/y with an explicit deny in an identity-based policy")
	if _, err := root.RemoveUserFromGroup(ctx, &awsiam.RemoveUserFromGroupInput{GroupName: aws.String("no-roles"), UserName: aws.String("bob")}); err != nil {
		t.Fatal(err)
	}
	if err := createRoleAs(bob, "y"); err != nil {
		t.Fatalf("CreateRole out of the denying group: %v", err)
	}

	// A group's allow counts for its members.
	if _, err := root.DeleteUserPolicy(ctx, &awsiam.DeleteUserPolicyInput{UserName: aws.String("bob"), PolicyName: aws.String("create-roles")}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.CreateGroup(ctx, &awsiam.CreateGroupInput{GroupName: aws.String("role-makers")}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.PutGroupPolicy(ctx, &awsiam.PutGroupPolicyInput{GroupName: aws.String("role-makers"), PolicyName: aws.String("allow"), PolicyDocument: aws.String(allowCreateRole)}); err != nil {
		t.Fatal(err)
	}
	wantDenied(t, createRoleAs(bob, "z"),
		"User: arn:aws:iam::123456789012:user/bob is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::123456789012:role/z because no identity-based policy allows the iam:CreateRole action")
	if _, err := root.AddUserToGroup(ctx, &awsiam.AddUserToGroupInput{GroupName: aws.String("role-makers"), UserName: aws.String("bob")}); err != nil {
		t.Fatal(err)
	}
	if err := createRoleAs(bob, "z"); err != nil {
		t.Fatalf("CreateRole through a group: %v", err)
	}

	// GetUser without a name is about the caller, and needs the permission on its own ARN.
	_, err := bob.GetUser(ctx, &awsiam.GetUserInput{})
	wantDenied(t, err,
		"User: arn:aws:iam::123456789012:user/bob is not authorized to perform: iam:GetUser on resource: arn:aws:iam::123456789012:user/bob because no identity-based policy allows the iam:GetUser action")
	if _, err := root.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("bob"), PolicyName: aws.String("self"), PolicyDocument: aws.String(allowGetSelf)}); err != nil {
		t.Fatal(err)
	}
	me, err := bob.GetUser(ctx, &awsiam.GetUserInput{})
	if err != nil || aws.ToString(me.User.UserName) != "bob" || aws.ToString(me.User.Arn) != "arn:aws:iam::123456789012:user/bob" {
		t.Fatalf("GetUser of the caller %+v %v", me, err)
	}

	// Deleting the user's key makes it fail at once.
	if _, err := root.DeleteAccessKey(ctx, &awsiam.DeleteAccessKeyInput{UserName: aws.String("bob"), AccessKeyId: aws.String(bobKey.AccessKeyID)}); err != nil {
		t.Fatal(err)
	}
	_, err = bob.GetUser(ctx, &awsiam.GetUserInput{})
	if apiError(t, err, "InvalidClientTokenId"); httpStatus(err) != 403 {
		t.Fatalf("deleted key: status %d", httpStatus(err))
	}
}

func TestPermissionsBoundaryDenies(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	root := ts.iam(ts.root)
	bob := ts.iam(userWithKey(t, ts, "bob", ""))
	if _, err := root.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("bob"), PolicyName: aws.String("create-roles"), PolicyDocument: aws.String(allowCreateRole)}); err != nil {
		t.Fatal(err)
	}
	p, err := root.CreatePolicy(ctx, &awsiam.CreatePolicyInput{PolicyName: aws.String("only-get-user"), PolicyDocument: aws.String(userTestPolicy)})
	if err != nil {
		t.Fatal(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := root.PutUserPermissionsBoundary(ctx, &awsiam.PutUserPermissionsBoundaryInput{UserName: aws.String("bob"), PermissionsBoundary: p.Policy.Arn}); err != nil {
		t.Fatal(err)
	}
	wantDenied(t, createRoleAs(bob, "x"),
		"User: arn:aws:iam::123456789012:user/bob is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::123456789012:role/x because no permissions boundary allows the iam:CreateRole action")
	if _, err := root.DeleteUserPermissionsBoundary(ctx, &awsiam.DeleteUserPermissionsBoundaryInput{UserName: aws.String("bob")}); err != nil {
		t.Fatal(err)
	}
	if err := createRoleAs(bob, "x"); err != nil {
		t.Fatalf("CreateRole without the boundary: %v", err)
	}
}

func TestUserActionsAreAuthorizedOnTheStoredPath(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	root := ts.iam(ts.root)
	bobKey := userWithKey(t, ts, "bob", "/ops/")
	bob := ts.iam(bobKey)
	for _, u := range []struct{ name, path string }{{"alice", "/eng/"}, {"carol", "/"}} {
		if _, err := root.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String(u.name), Path: aws.String(u.path)}); err != nil {
			t.Fatal(err)
		}
	}
	engOnly := `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["iam:GetUser","iam:UpdateUser","iam:TagUser","iam:CreateAccessKey","iam:ListAccessKeys"],"Resource":"arn:aws:iam::123456789012:user/eng/*"},
		{"Effect":"Allow","Action":["iam:CreateAccessKey","iam:ListAccessKeys","iam:ListGroupsForUser"],"Resource":"arn:aws:iam::123456789012:user/ops/${aws:username}"}]}`
	if _, err := root.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("bob"), PolicyName: aws.String("eng"), PolicyDocument: aws.String(engOnly)}); err != nil {
		t.Fatal(err)
	}
	// The request names no path: the stored one decides.
	if _, err := bob.GetUser(ctx, &awsiam.GetUserInput{UserName: aws.String("alice")}); err != nil {
		t.Fatalf("GetUser of a user under /eng/: %v", err)
	}
	_, err := bob.GetUser(ctx, &awsiam.GetUserInput{UserName: aws.String("carol")})
	wantDenied(t, err,
		"User: arn:aws:iam::123456789012:user/ops/bob is not authorized to perform: iam:GetUser on resource: arn:aws:iam::123456789012:user/carol because no identity-based policy allows the iam:GetUser action")
	// Moving a user needs the permission on its new ARN too.
	_, err = bob.UpdateUser(ctx, &awsiam.UpdateUserInput{UserName: aws.String("alice"), NewPath: aws.String("/ops/")})
	wantDenied(t, err,
		"User: arn:aws:iam::123456789012:user/ops/bob is not authorized to perform: iam:UpdateUser on resource: arn:aws:iam::123456789012:user/ops/alice because no identity-based policy allows the iam:UpdateUser action")
	if _, err := bob.UpdateUser(ctx, &awsiam.UpdateUserInput{UserName: aws.String("alice"), NewUserName: aws.String("alicia")}); err != nil {
		t.Fatalf("renaming within /eng/: %v", err)
	}

	// Self-service: without UserName, access key calls act on the caller.
	keys, err := bob.ListAccessKeys(ctx, &awsiam.ListAccessKeysInput{})
	if err != nil || len(keys.AccessKeyMetadata) != 1 || aws.ToString(keys.AccessKeyMetadata[0].UserName) != "bob" {
		t.Fatalf("bob's own keys %+v %v", keys, err)
	}
	out, err := bob.CreateAccessKey(ctx, &awsiam.CreateAccessKeyInput{})
	if err != nil || aws.ToString(out.AccessKey.UserName) != "bob" {
		t.Fatalf("bob's own new key %+v %v", out, err)
	}
	if _, err := ts.iam(keyCreds(out.AccessKey)).ListGroupsForUser(ctx, &awsiam.ListGroupsForUserInput{UserName: aws.String("bob")}); err != nil {
		t.Fatalf("bob's new key: %v", err)
	}
	_, err = bob.CreateAccessKey(ctx, &awsiam.CreateAccessKeyInput{UserName: aws.String("carol")})
	wantDenied(t, err,
		"User: arn:aws:iam::123456789012:user/ops/bob is not authorized to perform: iam:CreateAccessKey on resource: arn:aws:iam::123456789012:user/carol because no identity-based policy allows the iam:CreateAccessKey action")

	// List calls are authorized on the user/ and group/ prefixes, as AWS words them.
	_, err = bob.ListUsers(ctx, &awsiam.ListUsersInput{})
	wantDenied(t, err,
		"User: arn:aws:iam::123456789012:user/ops/bob is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::123456789012:user/ because no identity-based policy allows the iam:ListUsers action")
	_, err = bob.ListGroups(ctx, &awsiam.ListGroupsInput{})
	wantDenied(t, err,
		"User: arn:aws:iam::123456789012:user/ops/bob is not authorized to perform: iam:ListGroups on resource: arn:aws:iam::123456789012:group/ because no identity-based policy allows the iam:ListGroups action")
}
