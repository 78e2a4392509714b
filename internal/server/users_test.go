package server

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// userTestPolicy allows what bob's tests need; its size is far below the quotas.
const userTestPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]}`

func TestUserLifecycle(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)

	out, err := c.CreateUser(ctx, &awsiam.CreateUserInput{
		UserName: aws.String("Bob"), Path: aws.String("/eng/"),
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("hpc")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	u := out.User
	if aws.ToString(u.Arn) != "arn:aws:iam::123456789012:user/eng/Bob" || aws.ToString(u.Path) != "/eng/" || aws.ToString(u.UserName) != "Bob" {
		t.Fatalf("created user %+v", u)
	}
	if id := aws.ToString(u.UserId); !strings.HasPrefix(id, "AIDA") || len(id) != 21 {
		t.Fatalf("UserId %s", id)
	}
	if u.CreateDate == nil || len(u.Tags) != 1 || aws.ToString(u.Tags[0].Value) != "hpc" || u.PermissionsBoundary != nil {
		t.Fatalf("created user %+v", u)
	}

	_, err = c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("bob")})
	if ae := apiError(t, err, "EntityAlreadyExists"); httpStatus(err) != 409 || ae.ErrorMessage() != "User with name bob already exists." {
		t.Fatalf("duplicate user: %v (status %d)", err, httpStatus(err))
	}

	got, err := c.GetUser(ctx, &awsiam.GetUserInput{UserName: aws.String("BOB")})
	if err != nil || aws.ToString(got.User.UserName) != "Bob" || len(got.User.Tags) != 1 || aws.ToString(got.User.UserId) != aws.ToString(u.UserId) {
		t.Fatalf("GetUser %+v %v", got, err)
	}
	_, err = c.GetUser(ctx, &awsiam.GetUserInput{UserName: aws.String("nobody")})
	if ae := apiError(t, err, "NoSuchEntity"); httpStatus(err) != 404 || ae.ErrorMessage() != "The user with name nobody cannot be found." {
		t.Fatalf("GetUser of no user: %v", err)
	}

	// Inline policies.
	if _, err := c.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("Bob"), PolicyName: aws.String("read"), PolicyDocument: aws.String(userTestPolicy)}); err != nil {
		t.Fatal(err)
	}
	pol, err := c.GetUserPolicy(ctx, &awsiam.GetUserPolicyInput{UserName: aws.String("Bob"), PolicyName: aws.String("read")})
	if err != nil {
		t.Fatal(err)
	}
	if doc, _ := url.QueryUnescape(aws.ToString(pol.PolicyDocument)); doc != userTestPolicy || aws.ToString(pol.UserName) != "Bob" || aws.ToString(pol.PolicyName) != "read" {
		t.Fatalf("GetUserPolicy %+v", pol)
	}
	names, err := c.ListUserPolicies(ctx, &awsiam.ListUserPoliciesInput{UserName: aws.String("Bob")})
	if err != nil || len(names.PolicyNames) != 1 || names.PolicyNames[0] != "read" || names.IsTruncated {
		t.Fatalf("ListUserPolicies %+v %v", names, err)
	}
	_, err = c.GetUserPolicy(ctx, &awsiam.GetUserPolicyInput{UserName: aws.String("Bob"), PolicyName: aws.String("write")})
	if ae := apiError(t, err, "NoSuchEntity"); ae.ErrorMessage() != "The user policy with name write cannot be found." {
		t.Fatalf("GetUserPolicy of no policy: %v", err)
	}
	big := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + strings.Repeat("b", 2000) + `"}]}`
	_, err = c.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("Bob"), PolicyName: aws.String("big"), PolicyDocument: aws.String(big)})
	if ae := apiError(t, err, "LimitExceeded"); httpStatus(err) != 409 || ae.ErrorMessage() != "Maximum policy size of 2048 bytes exceeded for user Bob" {
		t.Fatalf("user policy quota: %v", err)
	}
	_, err = c.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("Bob"), PolicyName: aws.String("bad"), PolicyDocument: aws.String(towerTrust)})
	apiError(t, err, "MalformedPolicyDocument")

	// Tags.
	if _, err := c.TagUser(ctx, &awsiam.TagUserInput{UserName: aws.String("Bob"), Tags: []types.Tag{
		{Key: aws.String("TEAM"), Value: aws.String("ops")}, {Key: aws.String("cost"), Value: aws.String("42")},
	}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UntagUser(ctx, &awsiam.UntagUserInput{UserName: aws.String("Bob"), TagKeys: []string{"cost"}}); err != nil {
		t.Fatal(err)
	}
	tags, err := c.ListUserTags(ctx, &awsiam.ListUserTagsInput{UserName: aws.String("Bob")})
	if err != nil || len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Key) != "TEAM" || aws.ToString(tags.Tags[0].Value) != "ops" {
		t.Fatalf("ListUserTags %+v %v", tags, err)
	}

	// Renaming and moving.
	if _, err := c.UpdateUser(ctx, &awsiam.UpdateUserInput{UserName: aws.String("Bob"), NewUserName: aws.String("Robert"), NewPath: aws.String("/ops/")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetUser(ctx, &awsiam.GetUserInput{UserName: aws.String("Bob")})
	apiError(t, err, "NoSuchEntity")
	got, err = c.GetUser(ctx, &awsiam.GetUserInput{UserName: aws.String("Robert")})
	if err != nil || aws.ToString(got.User.Arn) != "arn:aws:iam::123456789012:user/ops/Robert" || aws.ToString(got.User.UserId) != aws.ToString(u.UserId) {
		t.Fatalf("after UpdateUser %+v %v", got, err)
	}

	// DeleteUser refuses while anything is attached to the user.
	if _, err := c.CreateGroup(ctx, &awsiam.CreateGroupInput{GroupName: aws.String("devs")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddUserToGroup(ctx, &awsiam.AddUserToGroupInput{GroupName: aws.String("devs"), UserName: aws.String("Robert")}); err != nil {
		t.Fatal(err)
	}
	key, err := c.CreateAccessKey(ctx, &awsiam.CreateAccessKeyInput{UserName: aws.String("Robert")})
	if err != nil {
		t.Fatal(err)
	}
	conflict := func(want string) {
		t.Helper()
		_, err := c.DeleteUser(ctx, &awsiam.DeleteUserInput{UserName: aws.String("Robert")})
		if ae := apiError(t, err, "DeleteConflict"); httpStatus(err) != 409 || ae.ErrorMessage() != want {
			t.Fatalf("DeleteUser: %v, want %q", err, want)
		}
	}
	conflict("Cannot delete entity, must delete access keys first.")
	if _, err := c.DeleteAccessKey(ctx, &awsiam.DeleteAccessKeyInput{UserName: aws.String("Robert"), AccessKeyId: key.AccessKey.AccessKeyId}); err != nil {
		t.Fatal(err)
	}
	conflict("Cannot delete entity, must delete policies first.")
	if _, err := c.DeleteUserPolicy(ctx, &awsiam.DeleteUserPolicyInput{UserName: aws.String("Robert"), PolicyName: aws.String("read")}); err != nil {
		t.Fatal(err)
	}
	conflict("Cannot delete entity, must remove users from group first.")
	if _, err := c.RemoveUserFromGroup(ctx, &awsiam.RemoveUserFromGroupInput{GroupName: aws.String("devs"), UserName: aws.String("Robert")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteUser(ctx, &awsiam.DeleteUserInput{UserName: aws.String("Robert")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteUser(ctx, &awsiam.DeleteUserInput{UserName: aws.String("Robert")})
	apiError(t, err, "NoSuchEntity")
}

func TestDeleteUserWithAttachedPolicy(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	if _, err := c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("bob")}); err != nil {
		t.Fatal(err)
	}
	p, err := c.CreatePolicy(ctx, &awsiam.CreatePolicyInput{PolicyName: aws.String("read"), PolicyDocument: aws.String(userTestPolicy)})
	if err != nil {
		t.Fatal(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.AttachUserPolicy(ctx, &awsiam.AttachUserPolicyInput{UserName: aws.String("bob"), PolicyArn: p.Policy.Arn})
	if err != nil {
		t.Fatal(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteUser(ctx, &awsiam.DeleteUserInput{UserName: aws.String("bob")})
	if ae := apiError(t, err, "DeleteConflict"); ae.ErrorMessage() != "Cannot delete entity, must detach all policies first." {
		t.Fatalf("DeleteUser: %v", err)
	}
}

func TestUserValidation(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	cases := []struct {
		name string
		in   awsiam.CreateUserInput
		code string
		msg  string
	}{
		{"bad name", awsiam.CreateUserInput{UserName: aws.String("bad name")},
			"ValidationError", `1 validation error detected: Value 'bad name' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`},
		{"long name", awsiam.CreateUserInput{UserName: aws.String(strings.Repeat("u", 65))},
			"ValidationError", "1 validation error detected: Value '" + strings.Repeat("u", 65) + "' at 'userName' failed to satisfy constraint: Member must have length less than or equal to 64"},
		{"bad path", awsiam.CreateUserInput{UserName: aws.String("u1"), Path: aws.String("eng")}, "ValidationError", ""},
		{"missing boundary", awsiam.CreateUserInput{UserName: aws.String("u2"), PermissionsBoundary: aws.String("arn:aws:iam::123456789012:policy/none")},
			"NoSuchEntity", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			_, err := c.CreateUser(ctx, &in)
			ae := apiError(t, err, tc.code)
			if tc.msg != "" && ae.ErrorMessage() != tc.msg {
				t.Fatalf("message %q, want %q", ae.ErrorMessage(), tc.msg)
			}
		})
	}
	list, err := c.ListUsers(ctx, &awsiam.ListUsersInput{})
	if err != nil || len(list.Users) != 0 || list.IsTruncated {
		t.Fatalf("ListUsers after rejected calls: %+v %v", list, err)
	}
}

func TestListUsersPaginationAndPathPrefix(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	for i, name := range []string{"e", "a", "d", "b", "c"} {
		path := "/"
		if i%2 == 0 {
			path = "/batch/"
		}
		if _, err := c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String(name), Path: aws.String(path),
			Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}); err != nil {
			t.Fatal(err)
		}
	}
	var all []string
	pager := awsiam.NewListUsersPaginator(c, &awsiam.ListUsersInput{MaxItems: aws.Int32(2)})
	for pages := 0; pager.HasMorePages(); pages++ {
		if pages > 5 {
			t.Fatal("pagination does not end")
		}
		out, err := pager.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range out.Users {
			if u.Tags != nil {
				t.Fatalf("ListUsers returns tags: %+v", u)
			}
			all = append(all, aws.ToString(u.UserName))
		}
	}
	if strings.Join(all, ",") != "a,b,c,d,e" {
		t.Fatalf("all users %v", all)
	}
	out, err := c.ListUsers(ctx, &awsiam.ListUsersInput{PathPrefix: aws.String("/batch/")})
	if err != nil || len(out.Users) != 3 || aws.ToString(out.Users[0].Arn) != "arn:aws:iam::123456789012:user/batch/c" {
		t.Fatalf("PathPrefix: %+v %v", out, err)
	}
	_, err = c.ListUsers(ctx, &awsiam.ListUsersInput{MaxItems: aws.Int32(1001)})
	apiError(t, err, "ValidationError")
}

func TestGetUserOfRootCaller(t *testing.T) {
	ts := startServer(t, "")
	out, err := ts.iam(ts.root).GetUser(context.Background(), &awsiam.GetUserInput{})
	if err != nil {
		t.Fatal(err)
	}
	u := out.User
	if aws.ToString(u.UserId) != "123456789012" || aws.ToString(u.Arn) != "arn:aws:iam::123456789012:root" || u.UserName != nil || u.Path != nil || u.CreateDate == nil {
		t.Fatalf("GetUser of root %+v", u)
	}
}

func TestUserPermissionsBoundary(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	p, err := c.CreatePolicy(ctx, &awsiam.CreatePolicyInput{PolicyName: aws.String("bound"), PolicyDocument: aws.String(userTestPolicy)})
	if err != nil {
		t.Fatal(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(p.Policy.Arn)
	out, err := c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("bob"), PermissionsBoundary: aws.String(arn)})
	if err != nil || out.User.PermissionsBoundary == nil || aws.ToString(out.User.PermissionsBoundary.PermissionsBoundaryArn) != arn ||
		out.User.PermissionsBoundary.PermissionsBoundaryType != types.PermissionsBoundaryAttachmentTypePolicy {
		t.Fatalf("CreateUser with a boundary %+v %v", out, err)
	}
	if _, err := c.DeleteUserPermissionsBoundary(ctx, &awsiam.DeleteUserPermissionsBoundaryInput{UserName: aws.String("bob")}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetUser(ctx, &awsiam.GetUserInput{UserName: aws.String("bob")})
	if err != nil || got.User.PermissionsBoundary != nil {
		t.Fatalf("after DeleteUserPermissionsBoundary %+v %v", got, err)
	}
	if _, err := c.PutUserPermissionsBoundary(ctx, &awsiam.PutUserPermissionsBoundaryInput{UserName: aws.String("bob"), PermissionsBoundary: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	got, err = c.GetUser(ctx, &awsiam.GetUserInput{UserName: aws.String("bob")})
	if err != nil || got.User.PermissionsBoundary == nil || aws.ToString(got.User.PermissionsBoundary.PermissionsBoundaryArn) != arn {
		t.Fatalf("after PutUserPermissionsBoundary %+v %v", got, err)
	}
	_, err = c.PutUserPermissionsBoundary(ctx, &awsiam.PutUserPermissionsBoundaryInput{UserName: aws.String("bob"), PermissionsBoundary: aws.String("arn:aws:iam::123456789012:policy/none")})
	apiError(t, err, "NoSuchEntity")
	_, err = c.PutUserPermissionsBoundary(ctx, &awsiam.PutUserPermissionsBoundaryInput{UserName: aws.String("nobody"), PermissionsBoundary: aws.String(arn)})
	apiError(t, err, "NoSuchEntity")
}
