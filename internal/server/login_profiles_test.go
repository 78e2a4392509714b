package server

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/iamd-dev/iamd/internal/awsclient"
	"github.com/iamd-dev/iamd/internal/sigv4"
)

// Console sign-in: login profiles, ChangePassword, and the account password policy, through
// aws-sdk-go-v2 against a real server.

const (
	lpPassword  = "Correct-Horse-9"
	lpPassword2 = "Battery-Staple-7"
	lpPassword3 = "Tr0ub4dor&3-again"
)

// wantAPIError asserts an AWS error's code, HTTP status and exact message.
func wantAPIError(t *testing.T, err error, code string, status int, message string) {
	t.Helper()
	ae := apiError(t, err, code)
	if httpStatus(err) != status || ae.ErrorMessage() != message {
		t.Fatalf("%s: status %d, message %q; want %d %q", code, httpStatus(err), ae.ErrorMessage(), status, message)
	}
}

func createProfile(t *testing.T, c *awsiam.Client, user, password string, reset bool) {
	t.Helper()
	_, err := c.CreateLoginProfile(context.Background(), &awsiam.CreateLoginProfileInput{
		UserName: aws.String(user), Password: aws.String(password), PasswordResetRequired: reset})
	if err != nil {
		t.Fatal(err)
	}
}

func getProfile(t *testing.T, c *awsiam.Client, user string) (*awsiam.GetLoginProfileOutput, error) {
	t.Helper()
	return c.GetLoginProfile(context.Background(), &awsiam.GetLoginProfileInput{UserName: aws.String(user)})
}

func changePassword(c *awsiam.Client, oldPassword, newPassword string) error {
	_, err := c.ChangePassword(context.Background(), &awsiam.ChangePasswordInput{OldPassword: aws.String(oldPassword), NewPassword: aws.String(newPassword)})
	return err
}

func setPasswordPolicy(t *testing.T, c *awsiam.Client, in *awsiam.UpdateAccountPasswordPolicyInput) {
	t.Helper()
	if _, err := c.UpdateAccountPasswordPolicy(context.Background(), in); err != nil {
		t.Fatal(err)
	}
}

func TestLoginProfileLifecycle(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	if _, err := c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("Alice"), Path: aws.String("/staff/")}); err != nil {
		t.Fatal(err)
	}
	before := time.Now().UTC().Truncate(time.Second)
	created, err := c.CreateLoginProfile(ctx, &awsiam.CreateLoginProfileInput{UserName: aws.String("alice"), Password: aws.String(lpPassword), PasswordResetRequired: true})
	if err != nil {
		t.Fatal(err)
	}
	p := created.LoginProfile
	if aws.ToString(p.UserName) != "Alice" || !p.PasswordResetRequired || p.CreateDate == nil || p.CreateDate.Before(before) {
		t.Fatalf("CreateLoginProfile %+v", p)
	}
	got, err := getProfile(t, c, "Alice")
	if err != nil || aws.ToString(got.LoginProfile.UserName) != "Alice" || !got.LoginProfile.PasswordResetRequired || !got.LoginProfile.CreateDate.Equal(*p.CreateDate) {
		t.Fatalf("GetLoginProfile %+v %v", got, err)
	}

	_, err = c.CreateLoginProfile(ctx, &awsiam.CreateLoginProfileInput{UserName: aws.String("Alice"), Password: aws.String(lpPassword2)})
	wantAPIError(t, err, "EntityAlreadyExists", 409, "Login Profile for user Alice already exists.")

	// An administrator's reset, then the flag alone.
	if _, err := c.UpdateLoginProfile(ctx, &awsiam.UpdateLoginProfileInput{UserName: aws.String("Alice"), Password: aws.String(lpPassword2), PasswordResetRequired: aws.Bool(false)}); err != nil {
		t.Fatal(err)
	}
	if got, _ := getProfile(t, c, "Alice"); got.LoginProfile.PasswordResetRequired || !got.LoginProfile.CreateDate.Equal(*p.CreateDate) {
		t.Fatalf("after UpdateLoginProfile %+v", got.LoginProfile)
	}
	if _, err := c.UpdateLoginProfile(ctx, &awsiam.UpdateLoginProfileInput{UserName: aws.String("Alice"), PasswordResetRequired: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	if got, _ := getProfile(t, c, "Alice"); !got.LoginProfile.PasswordResetRequired {
		t.Fatalf("after setting the reset flag %+v", got.LoginProfile)
	}

	// A user with a password cannot be deleted.
	_, err = c.DeleteUser(ctx, &awsiam.DeleteUserInput{UserName: aws.String("Alice")})
	wantAPIError(t, err, "DeleteConflict", 409, "Cannot delete entity, must delete login profile first.")
	if _, err := c.GetUser(ctx, &awsiam.GetUserInput{UserName: aws.String("Alice")}); err != nil {
		t.Fatalf("the user after a refused DeleteUser: %v", err)
	}

	// A renamed user keeps its login profile.
	if _, err := c.UpdateUser(ctx, &awsiam.UpdateUserInput{UserName: aws.String("Alice"), NewUserName: aws.String("Alicia")}); err != nil {
		t.Fatal(err)
	}
	if got, err := getProfile(t, c, "Alicia"); err != nil || aws.ToString(got.LoginProfile.UserName) != "Alicia" {
		t.Fatalf("the renamed user's profile: %+v %v", got, err)
	}

	if _, err := c.DeleteLoginProfile(ctx, &awsiam.DeleteLoginProfileInput{UserName: aws.String("Alicia")}); err != nil {
		t.Fatal(err)
	}
	_, err = getProfile(t, c, "Alicia")
	wantAPIError(t, err, "NoSuchEntity", 404, "Login Profile for User Alicia cannot be found.")
	_, err = c.DeleteLoginProfile(ctx, &awsiam.DeleteLoginProfileInput{UserName: aws.String("Alicia")})
	wantAPIError(t, err, "NoSuchEntity", 404, "Login Profile for User Alicia cannot be found.")
	_, err = c.UpdateLoginProfile(ctx, &awsiam.UpdateLoginProfileInput{UserName: aws.String("Alicia"), Password: aws.String(lpPassword)})
	wantAPIError(t, err, "NoSuchEntity", 404, "Login Profile for User Alicia cannot be found.")
	if _, err := c.DeleteUser(ctx, &awsiam.DeleteUserInput{UserName: aws.String("Alicia")}); err != nil {
		t.Fatalf("DeleteUser once the profile is gone: %v", err)
	}
}

func TestLoginProfileErrors(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	userWithKey(t, ts, "bob", "")

	// No such user.
	for name, err := range map[string]error{
		"Create": func() error {
			_, err := c.CreateLoginProfile(ctx, &awsiam.CreateLoginProfileInput{UserName: aws.String("ghost"), Password: aws.String(lpPassword)})
			return err
		}(),
		"Get": func() error { _, err := getProfile(t, c, "ghost"); return err }(),
		"Update": func() error {
			_, err := c.UpdateLoginProfile(ctx, &awsiam.UpdateLoginProfileInput{UserName: aws.String("ghost"), Password: aws.String(lpPassword)})
			return err
		}(),
		"Delete": func() error {
			_, err := c.DeleteLoginProfile(ctx, &awsiam.DeleteLoginProfileInput{UserName: aws.String("ghost")})
			return err
		}(),
	} {
		t.Run(name, func(t *testing.T) {
			wantAPIError(t, err, "NoSuchEntity", 404, "The user with name ghost cannot be found.")
		})
	}

	// The API's constraints on the members; a password is never quoted back.
	long := strings.Repeat("Aa1!", 32) + "x"
	for _, tc := range []struct {
		name, user, password, message string
	}{
		{"password too long", "bob", long, "1 validation error detected: Value at 'password' failed to satisfy constraint: Member must have length less than or equal to 128"},
		{"empty password", "bob", "", "1 validation error detected: Value at 'password' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"password out of range", "bob", "Pass-word-1\u0100", `1 validation error detected: Value at 'password' failed to satisfy constraint: Member must satisfy regular expression pattern: [\u0009\u000A\u000D\u0020-\u00FF]+`},
		{"user name too long", strings.Repeat("u", 65), lpPassword, "1 validation error detected: Value '" + strings.Repeat("u", 65) + "' at 'userName' failed to satisfy constraint: Member must have length less than or equal to 64"},
		{"user name pattern", "bob smith", lpPassword, `1 validation error detected: Value 'bob smith' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`},
	} {
		_, err := c.CreateLoginProfile(ctx, &awsiam.CreateLoginProfileInput{UserName: aws.String(tc.user), Password: aws.String(tc.password)})
		wantAPIError(t, err, "ValidationError", 400, tc.message)
		if tc.password != "" && strings.Contains(err.Error(), tc.password) {
			t.Errorf("%s: the error quotes the password: %v", tc.name, err)
		}
	}
	_, err := c.CreateLoginProfile(ctx, &awsiam.CreateLoginProfileInput{UserName: aws.String("bob")})
	wantAPIError(t, err, "ValidationError", 400, "1 validation error detected: Value null at 'password' failed to satisfy constraint: Member must not be null")
	// 128 characters of Latin-1 are within the limit.
	createProfile(t, c, "bob", strings.Repeat("Éa1!", 32), false)
	_, err = c.UpdateLoginProfile(ctx, &awsiam.UpdateLoginProfileInput{UserName: aws.String("bob"), Password: aws.String(long)})
	wantAPIError(t, err, "ValidationError", 400, "1 validation error detected: Value at 'password' failed to satisfy constraint: Member must have length less than or equal to 128")

	// The root user must name a user; a user may leave its own name out.
	_, err = c.GetLoginProfile(ctx, &awsiam.GetLoginProfileInput{})
	wantAPIError(t, err, "ValidationError", 400, "Must specify userName when calling with non-User credentials")
}

func TestLoginProfileOfTheCaller(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	root := ts.iam(ts.root)
	carol := userWithKey(t, ts, "carol", "/ops/")
	if _, err := root.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("carol"), PolicyName: aws.String("self"),
		PolicyDocument: aws.String(policyJSON(statement("Allow", "iam:*LoginProfile", "arn:aws:iam::123456789012:user/ops/carol")))}); err != nil {
		t.Fatal(err)
	}
	c := ts.iam(carol)
	if _, err := c.CreateLoginProfile(ctx, &awsiam.CreateLoginProfileInput{Password: aws.String(lpPassword)}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetLoginProfile(ctx, &awsiam.GetLoginProfileInput{})
	if err != nil || aws.ToString(got.LoginProfile.UserName) != "carol" {
		t.Fatalf("own GetLoginProfile %+v %v", got, err)
	}
	if _, err := c.DeleteLoginProfile(ctx, &awsiam.DeleteLoginProfileInput{}); err != nil {
		t.Fatal(err)
	}
	if _, err := getProfile(t, root, "carol"); err == nil {
		t.Fatal("carol's profile is still there")
	}
	// UpdateLoginProfile names its user.
	_, err = c.UpdateLoginProfile(ctx, &awsiam.UpdateLoginProfileInput{UserName: aws.String("")})
	apiError(t, err, "ValidationError")
}

// A caller denied the action is refused, and nothing changes.
func TestLoginProfileDenied(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	root := ts.iam(ts.root)
	userWithKey(t, ts, "dave", "/team/")
	createProfile(t, root, "dave", lpPassword, false)
	den := userWithKey(t, ts, "den", "")
	if _, err := root.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("den"), PolicyName: aws.String("p"), PolicyDocument: aws.String(policyJSON(
		statement("Allow", "iam:*", "*"),
		statement("Deny", "iam:*LoginProfile,iam:*AccountPasswordPolicy", "arn:aws:iam::123456789012:user/team/*", "*")))}); err != nil {
		t.Fatal(err)
	}
	c := ts.iam(den)
	denied := func(action, resource string) string {
		return "User: arn:aws:iam::123456789012:user/den is not authorized to perform: iam:" + action + " on resource: " + resource + " with an explicit deny in an identity-based policy"
	}
	const daveARN = "arn:aws:iam::123456789012:user/team/dave"
	userWithKey(t, ts, "ed", "/team/")
	_, err := c.CreateLoginProfile(ctx, &awsiam.CreateLoginProfileInput{UserName: aws.String("ed"), Password: aws.String(lpPassword)})
	wantDenied(t, err, denied("CreateLoginProfile", "arn:aws:iam::123456789012:user/team/ed"))
	_, err = getProfile(t, root, "ed")
	wantAPIError(t, err, "NoSuchEntity", 404, "Login Profile for User ed cannot be found.")
	_, err = c.UpdateLoginProfile(ctx, &awsiam.UpdateLoginProfileInput{UserName: aws.String("dave"), Password: aws.String(lpPassword2), PasswordResetRequired: aws.Bool(true)})
	wantDenied(t, err, denied("UpdateLoginProfile", daveARN))
	_, err = c.DeleteLoginProfile(ctx, &awsiam.DeleteLoginProfileInput{UserName: aws.String("dave")})
	wantDenied(t, err, denied("DeleteLoginProfile", daveARN))
	_, err = c.GetLoginProfile(ctx, &awsiam.GetLoginProfileInput{UserName: aws.String("dave")})
	wantDenied(t, err, denied("GetLoginProfile", daveARN))
	_, err = c.UpdateAccountPasswordPolicy(ctx, &awsiam.UpdateAccountPasswordPolicyInput{MinimumPasswordLength: aws.Int32(20)})
	wantDenied(t, err, denied("UpdateAccountPasswordPolicy", "*"))
	_, err = c.DeleteAccountPasswordPolicy(ctx, &awsiam.DeleteAccountPasswordPolicyInput{})
	wantDenied(t, err, denied("DeleteAccountPasswordPolicy", "*"))
	_, err = c.GetAccountPasswordPolicy(ctx, &awsiam.GetAccountPasswordPolicyInput{})
	wantDenied(t, err, denied("GetAccountPasswordPolicy", "*"))

	// Nothing changed: the profile is as created, its password the first one, no policy.
	got, err := getProfile(t, root, "dave")
	if err != nil || got.LoginProfile.PasswordResetRequired {
		t.Fatalf("dave's profile after refused calls: %+v %v", got, err)
	}
	if _, err := root.GetAccountPasswordPolicy(ctx, &awsiam.GetAccountPasswordPolicyInput{}); err == nil {
		t.Fatal("a password policy was set by a refused call")
	}
	daveKey, err := root.CreateAccessKey(ctx, &awsiam.CreateAccessKeyInput{UserName: aws.String("dave")})
	if err != nil {
		t.Fatal(err)
	}
	setPasswordPolicy(t, root, &awsiam.UpdateAccountPasswordPolicyInput{AllowUsersToChangePassword: true})
	if err := changePassword(ts.iam(keyCreds(daveKey.AccessKey)), lpPassword, lpPassword3); err != nil {
		t.Fatalf("dave's first password no longer works after the refused reset: %v", err)
	}
}

func TestAccountPasswordPolicy(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)

	_, err := c.GetAccountPasswordPolicy(ctx, &awsiam.GetAccountPasswordPolicyInput{})
	wantAPIError(t, err, "NoSuchEntity", 404, "The Password Policy with domain name 123456789012 cannot be found.")
	_, err = c.DeleteAccountPasswordPolicy(ctx, &awsiam.DeleteAccountPasswordPolicyInput{})
	wantAPIError(t, err, "NoSuchEntity", 404, "The account policy with name PasswordPolicy cannot be found.")

	// No parameters: AWS's defaults.
	setPasswordPolicy(t, c, &awsiam.UpdateAccountPasswordPolicyInput{})
	got, err := c.GetAccountPasswordPolicy(ctx, &awsiam.GetAccountPasswordPolicyInput{})
	if err != nil {
		t.Fatal(err)
	}
	p := got.PasswordPolicy
	if aws.ToInt32(p.MinimumPasswordLength) != 6 || p.RequireSymbols || p.RequireNumbers || p.RequireUppercaseCharacters ||
		p.RequireLowercaseCharacters || p.AllowUsersToChangePassword || p.ExpirePasswords ||
		p.MaxPasswordAge != nil || p.PasswordReusePrevention != nil || p.HardExpiry != nil {
		t.Fatalf("default policy %+v", p)
	}

	setPasswordPolicy(t, c, &awsiam.UpdateAccountPasswordPolicyInput{
		MinimumPasswordLength: aws.Int32(14), RequireSymbols: true, RequireNumbers: true, RequireUppercaseCharacters: true,
		RequireLowercaseCharacters: true, AllowUsersToChangePassword: true, MaxPasswordAge: aws.Int32(90),
		PasswordReusePrevention: aws.Int32(24), HardExpiry: aws.Bool(false),
	})
	got, err = c.GetAccountPasswordPolicy(ctx, &awsiam.GetAccountPasswordPolicyInput{})
	if err != nil {
		t.Fatal(err)
	}
	p = got.PasswordPolicy
	if aws.ToInt32(p.MinimumPasswordLength) != 14 || !p.RequireSymbols || !p.RequireNumbers || !p.RequireUppercaseCharacters ||
		!p.RequireLowercaseCharacters || !p.AllowUsersToChangePassword || !p.ExpirePasswords ||
		aws.ToInt32(p.MaxPasswordAge) != 90 || aws.ToInt32(p.PasswordReusePrevention) != 24 || p.HardExpiry == nil || *p.HardExpiry {
		t.Fatalf("full policy %+v", p)
	}

	// Out-of-bounds numbers: every failed constraint in one error, and nothing changes.
	_, err = c.UpdateAccountPasswordPolicy(ctx, &awsiam.UpdateAccountPasswordPolicyInput{MinimumPasswordLength: aws.Int32(5), MaxPasswordAge: aws.Int32(1096)})
	wantAPIError(t, err, "ValidationError", 400, "2 validation errors detected: "+
		"Value '1096' at 'maxPasswordAge' failed to satisfy constraint: Member must have value less than or equal to 1095; "+
		"Value '5' at 'minimumPasswordLength' failed to satisfy constraint: Member must have value greater than or equal to 6")
	_, err = c.UpdateAccountPasswordPolicy(ctx, &awsiam.UpdateAccountPasswordPolicyInput{PasswordReusePrevention: aws.Int32(25)})
	wantAPIError(t, err, "ValidationError", 400, "1 validation error detected: Value '25' at 'passwordReusePrevention' failed to satisfy constraint: Member must have value less than or equal to 24")
	_, err = c.UpdateAccountPasswordPolicy(ctx, &awsiam.UpdateAccountPasswordPolicyInput{MinimumPasswordLength: aws.Int32(129)})
	wantAPIError(t, err, "ValidationError", 400, "1 validation error detected: Value '129' at 'minimumPasswordLength' failed to satisfy constraint: Member must have value less than or equal to 128")
	if got, _ := c.GetAccountPasswordPolicy(ctx, &awsiam.GetAccountPasswordPolicyInput{}); aws.ToInt32(got.PasswordPolicy.MinimumPasswordLength) != 14 {
		t.Fatalf("the policy after refused updates: %+v", got.PasswordPolicy)
	}

	if _, err := c.DeleteAccountPasswordPolicy(ctx, &awsiam.DeleteAccountPasswordPolicyInput{}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetAccountPasswordPolicy(ctx, &awsiam.GetAccountPasswordPolicyInput{})
	wantAPIError(t, err, "NoSuchEntity", 404, "The Password Policy with domain name 123456789012 cannot be found.")
}

// Every password set is checked against the account's policy, or AWS's default rules.
func TestPasswordPolicyEnforcement(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	userWithKey(t, ts, "erin", "")
	create := func(password string) error {
		_, err := c.CreateLoginProfile(ctx, &awsiam.CreateLoginProfileInput{UserName: aws.String("erin"), Password: aws.String(password)})
		return err
	}

	// Without a policy: 8 characters, 3 of the 4 kinds.
	for _, weak := range []string{"Ab1!xyz", "password", "PASSWORD12", "password!!"} {
		wantAPIError(t, create(weak), "PasswordPolicyViolation", 400, "Password does not conform to the account password policy.")
	}
	if _, err := getProfile(t, c, "erin"); err == nil {
		t.Fatal("a refused password made a profile")
	}

	setPasswordPolicy(t, c, &awsiam.UpdateAccountPasswordPolicyInput{
		MinimumPasswordLength: aws.Int32(10), RequireSymbols: true, RequireNumbers: true,
		RequireUppercaseCharacters: true, RequireLowercaseCharacters: true,
	})
	for password, message := range map[string]string{
		"Ab1!":        "Password should have a minimum length of 10",
		"ABCDEFGH1!":  "Password should have at least one lowercase letter",
		"abcdefgh1!":  "Password should have at least one uppercase letter",
		"Abcdefghi!":  "Password should have at least one number",
		"Abcdefghi12": "Password should have at least one symbol",
	} {
		wantAPIError(t, create(password), "PasswordPolicyViolation", 400, message)
	}
	if err := create("Abcdefgh1!"); err != nil {
		t.Fatal(err)
	}
	_, err := c.UpdateLoginProfile(ctx, &awsiam.UpdateLoginProfileInput{UserName: aws.String("erin"), Password: aws.String("abcdefgh1!")})
	wantAPIError(t, err, "PasswordPolicyViolation", 400, "Password should have at least one uppercase letter")

	// A lax policy replaces the default rules.
	setPasswordPolicy(t, c, &awsiam.UpdateAccountPasswordPolicyInput{})
	if _, err := c.UpdateLoginProfile(ctx, &awsiam.UpdateLoginProfileInput{UserName: aws.String("erin"), Password: aws.String("simple")}); err != nil {
		t.Fatal(err)
	}
}

func TestChangePassword(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	root := ts.iam(ts.root)
	frank := userWithKey(t, ts, "frank", "/eng/")
	createProfile(t, root, "frank", lpPassword, true)
	c := ts.iam(frank)
	const frankARN = "arn:aws:iam::123456789012:user/eng/frank"

	// Without a policy allowing it and without the account's grant.
	wantDenied(t, changePassword(c, lpPassword, lpPassword2),
		"User: "+frankARN+" is not authorized to perform: iam:ChangePassword on resource: "+frankARN+" because no identity-based policy allows the iam:ChangePassword action")
	_, err := c.GetAccountPasswordPolicy(ctx, &awsiam.GetAccountPasswordPolicyInput{})
	apiError(t, err, "AccessDenied")

	// AllowUsersToChangePassword grants both to every IAM user.
	setPasswordPolicy(t, root, &awsiam.UpdateAccountPasswordPolicyInput{AllowUsersToChangePassword: true})
	if _, err := c.GetAccountPasswordPolicy(ctx, &awsiam.GetAccountPasswordPolicyInput{}); err != nil {
		t.Fatalf("GetAccountPasswordPolicy under the grant: %v", err)
	}
	wantAPIError(t, changePassword(c, lpPassword2, lpPassword3), "AccessDenied", 403, "The old password is incorrect.")
	wantAPIError(t, changePassword(c, lpPassword, "short"), "PasswordPolicyViolation", 400, "Password should have a minimum length of 6")
	// (The SDK refuses a missing member itself: the raw Query call shows the server's answer.)
	raw := awsclient.New(awsclient.Config{Endpoint: ts.endpoint, Region: "us-east-1", Credentials: sigv4.Credentials{
		AccessKeyID: frank.AccessKeyID, SecretAccessKey: frank.SecretAccessKey}}, 1)
	_, err = raw.Query(ctx, "iam", url.Values{"Action": {"ChangePassword"}, "Version": {"2010-05-08"}, "OldPassword": {lpPassword}})
	var qe *awsclient.Error
	if !errors.As(err, &qe) || qe.Code != "ValidationError" || qe.Status != 400 ||
		qe.Message != "1 validation error detected: Value null at 'newPassword' failed to satisfy constraint: Member must not be null" {
		t.Fatalf("ChangePassword without NewPassword: %v", err)
	}
	if err := changePassword(c, lpPassword, lpPassword2); err != nil {
		t.Fatal(err)
	}
	if got, _ := getProfile(t, root, "frank"); got.LoginProfile.PasswordResetRequired {
		t.Fatal("ChangePassword left PasswordResetRequired set")
	}
	// The old password is gone, the new one works.
	wantAPIError(t, changePassword(c, lpPassword, lpPassword3), "AccessDenied", 403, "The old password is incorrect.")
	if err := changePassword(c, lpPassword2, lpPassword3); err != nil {
		t.Fatal(err)
	}

	// An explicit Deny beats the grant, and changes nothing.
	if _, err := root.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("frank"), PolicyName: aws.String("no"),
		PolicyDocument: aws.String(policyJSON(statement("Deny", "iam:ChangePassword", "*")))}); err != nil {
		t.Fatal(err)
	}
	wantDenied(t, changePassword(c, lpPassword3, lpPassword),
		"User: "+frankARN+" is not authorized to perform: iam:ChangePassword on resource: "+frankARN+" with an explicit deny in an identity-based policy")
	if _, err := root.DeleteUserPolicy(ctx, &awsiam.DeleteUserPolicyInput{UserName: aws.String("frank"), PolicyName: aws.String("no")}); err != nil {
		t.Fatal(err)
	}
	if err := changePassword(c, lpPassword3, lpPassword); err != nil {
		t.Fatalf("the password changed by a denied call? %v", err)
	}

	// Only IAM users change their own password; a user without a password has none to change.
	wantAPIError(t, changePassword(root, lpPassword, lpPassword2), "InvalidUserType", 400, "Only IAM users can change their own password.")
	grace := userWithKey(t, ts, "grace", "")
	wantAPIError(t, changePassword(ts.iam(grace), lpPassword, lpPassword2), "NoSuchEntity", 404, "Login Profile for User grace cannot be found.")
}

func TestChangePasswordAsRoleSession(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	root := ts.iam(ts.root)
	setPasswordPolicy(t, root, &awsiam.UpdateAccountPasswordPolicyInput{AllowUsersToChangePassword: true})
	trust := policyJSON(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}`)
	if _, err := root.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("ops"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String("ops"), PolicyName: aws.String("p"),
		PolicyDocument: aws.String(policyJSON(statement("Allow", "iam:ChangePassword,iam:GetLoginProfile", "*")))}); err != nil {
		t.Fatal(err)
	}
	hank := userWithKey(t, ts, "hank", "")
	if _, err := root.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("hank"), PolicyName: aws.String("p"),
		PolicyDocument: aws.String(policyJSON(statement("Allow", "sts:AssumeRole", "*")))}); err != nil {
		t.Fatal(err)
	}
	creds := assumeOps(t, ts, hank)
	// A role session allowed the action is still no IAM user, and has no login profile of
	// its own to read.
	wantAPIError(t, changePassword(ts.iam(creds), lpPassword, lpPassword2), "InvalidUserType", 400, "Only IAM users can change their own password.")
	_, err := ts.iam(creds).GetLoginProfile(ctx, &awsiam.GetLoginProfileInput{})
	wantAPIError(t, err, "ValidationError", 400, "Must specify userName when calling with non-User credentials")
}

// assumeOps assumes the role "ops" with the caller's credentials.
func assumeOps(t *testing.T, ts *testServer, caller aws.Credentials) aws.Credentials {
	t.Helper()
	out, err := ts.sts(caller).AssumeRole(context.Background(), &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::123456789012:role/ops"), RoleSessionName: aws.String("s1")})
	if err != nil {
		t.Fatal(err)
	}
	return aws.Credentials{AccessKeyID: aws.ToString(out.Credentials.AccessKeyId), SecretAccessKey: aws.ToString(out.Credentials.SecretAccessKey), SessionToken: aws.ToString(out.Credentials.SessionToken)}
}

// Reuse prevention compares a new password with the most recent ones, kept only as hashes.
func TestPasswordReusePrevention(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	root := ts.iam(ts.root)
	ivy := userWithKey(t, ts, "ivy", "")
	setPasswordPolicy(t, root, &awsiam.UpdateAccountPasswordPolicyInput{AllowUsersToChangePassword: true, PasswordReusePrevention: aws.Int32(2)})
	createProfile(t, root, "ivy", "first-Pass1", false)
	c := ts.iam(ivy)
	const reused = "Password should not be one of your 2 most recent passwords"
	wantAPIError(t, changePassword(c, "first-Pass1", "first-Pass1"), "PasswordPolicyViolation", 400, reused)
	if err := changePassword(c, "first-Pass1", "second-Pass2"); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, changePassword(c, "second-Pass2", "first-Pass1"), "PasswordPolicyViolation", 400, reused)
	_, err := root.UpdateLoginProfile(ctx, &awsiam.UpdateLoginProfileInput{UserName: aws.String("ivy"), Password: aws.String("first-Pass1")})
	wantAPIError(t, err, "PasswordPolicyViolation", 400, reused)
	if err := changePassword(c, "second-Pass2", "third-Pass3"); err != nil {
		t.Fatal(err)
	}
	// Out of the window of 2: the first password may come back.
	if err := changePassword(c, "third-Pass3", "first-Pass1"); err != nil {
		t.Fatalf("a password older than the window: %v", err)
	}
}

// Passwords are stored only as salted hashes: not in the database, the audit log or the
// server's log.
func TestPasswordsAreNeverStoredInPlaintext(t *testing.T) {
	dir := t.TempDir()
	audit, logs := &syncBuffer{}, &syncBuffer{}
	ts := startServerAt(t, dir, time.Now, func(c *Config) {
		c.Audit = audit
		c.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	ctx := context.Background()
	root := ts.iam(ts.root)
	jack := userWithKey(t, ts, "jack", "")
	secrets := []string{"Plaintext-Secret-1", "Plaintext-Secret-2", "Plaintext-Secret-3", "Wrong-Guess-4"}
	setPasswordPolicy(t, root, &awsiam.UpdateAccountPasswordPolicyInput{AllowUsersToChangePassword: true, PasswordReusePrevention: aws.Int32(5)})
	createProfile(t, root, "jack", secrets[0], false)
	if _, err := root.UpdateLoginProfile(ctx, &awsiam.UpdateLoginProfileInput{UserName: aws.String("jack"), Password: aws.String(secrets[1])}); err != nil {
		t.Fatal(err)
	}
	c := ts.iam(jack)
	if err := changePassword(c, secrets[1], secrets[2]); err != nil {
		t.Fatal(err)
	}
	apiError(t, changePassword(c, secrets[3], secrets[0]), "AccessDenied")
	apiError(t, changePassword(c, secrets[2], secrets[1]), "PasswordPolicyViolation")
	ts.stop()

	files, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("data files %v %v", files, err)
	}
	var stored []byte
	for _, f := range files {
		if fi, err := os.Stat(f); err != nil || fi.IsDir() {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		stored = append(stored, b...)
	}
	// The hashes are there (so the scan reads the documents), the passwords are not.
	if !bytes.Contains(stored, []byte("$argon2id$v=19$")) {
		t.Fatal("no argon2id hash in the data directory: the scan did not read the profiles")
	}
	for _, s := range secrets {
		for where, b := range map[string][]byte{"the data directory": stored, "the audit log": audit.bytes(), "the server's log": logs.bytes()} {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s holds the password %q", where, s)
			}
		}
	}
}

func (b *syncBuffer) bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.buf.Bytes())
}
