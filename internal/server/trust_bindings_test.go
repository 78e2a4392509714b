package server

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// trustOf is a trust policy allowing sts:AssumeRole to the AWS principals given.
func trustOf(principals ...string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["` + strings.Join(principals, `","`) + `"]},"Action":"sts:AssumeRole"}]}`
}

// shownTrust is a role's trust policy as GetRole returns it, decoded.
func shownTrust(t *testing.T, c *awsiam.Client, role string) string {
	t.Helper()
	out, err := c.GetRole(context.Background(), &awsiam.GetRoleInput{RoleName: aws.String(role)})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := url.QueryUnescape(aws.ToString(out.Role.AssumeRolePolicyDocument))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func assume(c *sts.Client, role string) error {
	_, err := c.AssumeRole(context.Background(), &sts.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String("s1")})
	return err
}

func userID(t *testing.T, c *awsiam.Client, name string) string {
	t.Helper()
	out, err := c.GetUser(context.Background(), &awsiam.GetUserInput{UserName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.User.UserId)
}

func deleteUserWithKeys(t *testing.T, c *awsiam.Client, name string) {
	t.Helper()
	ctx := context.Background()
	keys, err := c.ListAccessKeys(ctx, &awsiam.ListAccessKeysInput{UserName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys.AccessKeyMetadata {
		mustNil(t, errOf(c.DeleteAccessKey(ctx, &awsiam.DeleteAccessKeyInput{UserName: aws.String(name), AccessKeyId: k.AccessKeyId})))
	}
	mustNil(t, errOf(c.DeleteUser(ctx, &awsiam.DeleteUserInput{UserName: aws.String(name)})))
}

// A trust policy naming a user or role that does not exist is refused as IAM refuses it,
// and nothing is stored; other principals need no entity.
func TestTrustPolicyRefusesMissingPrincipals(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	for _, missing := range []string{
		"arn:aws:iam::123456789012:user/nobody",
		"arn:aws:iam::123456789012:role/nothing",
		"arn:aws:iam::123456789012:user/ops/tower-admin", // exists, under another path
		"arn:aws:iam::210987654321:user/tower-admin",     // an account iamd does not host
	} {
		mustNil(t, errOf(c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("tower-admin")})))
		_, err := c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("r"),
			AssumeRolePolicyDocument: aws.String(trustOf("arn:aws:iam::123456789012:user/tower-admin", missing))})
		wantError(t, err, "MalformedPolicyDocument", 400, `Invalid principal in policy: "AWS":"`+missing+`"`)
		_, err = c.GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String("r")})
		wantError(t, err, "NoSuchEntity", 404, "The role with name r cannot be found.")
		deleteUserWithKeys(t, c, "tower-admin")
	}

	// Accounts, sessions, federated users, services, web identity providers and everyone.
	unbound := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["123456789012","arn:aws:iam::210987654321:root",` +
		`"arn:aws:sts::123456789012:assumed-role/gone/session","arn:aws:sts::123456789012:federated-user/bob","*"],` +
		`"Service":"ec2.amazonaws.com","Federated":"accounts.google.com"},"Action":"sts:AssumeRole"}]}`
	mustNil(t, errOf(c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("open"), AssumeRolePolicyDocument: aws.String(unbound)})))
	if got := shownTrust(t, c, "open"); got != unbound {
		t.Fatalf("stored %s, want it as written", got)
	}

	// UpdateAssumeRolePolicy likewise: the old policy stays.
	_, err := c.UpdateAssumeRolePolicy(ctx, &awsiam.UpdateAssumeRolePolicyInput{RoleName: aws.String("open"),
		PolicyDocument: aws.String(trustOf("arn:aws:iam::123456789012:user/nobody"))})
	wantError(t, err, "MalformedPolicyDocument", 400, `Invalid principal in policy: "AWS":"arn:aws:iam::123456789012:user/nobody"`)
	if got := shownTrust(t, c, "open"); got != unbound {
		t.Fatalf("after a refused update %s", got)
	}

	// A user in another account iamd hosts: its existence there is what counts.
	key, err := ts.srv.iam.CreateAccount(ctx, "210987654321", "other")
	mustNil(t, err)
	other := ts.iam(aws.Credentials{AccessKeyID: key.AccessKeyID, SecretAccessKey: key.SecretAccessKey})
	mustNil(t, errOf(other.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("tower-admin")})))
	mustNil(t, errOf(c.UpdateAssumeRolePolicy(ctx, &awsiam.UpdateAssumeRolePolicyInput{RoleName: aws.String("open"),
		PolicyDocument: aws.String(trustOf("arn:aws:iam::210987654321:user/tower-admin"))})))

	// A role cannot trust itself before it exists; once it does, it can.
	self := trustOf("arn:aws:iam::123456789012:role/self")
	_, err = c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("self"), AssumeRolePolicyDocument: aws.String(self)})
	wantError(t, err, "MalformedPolicyDocument", 400, `Invalid principal in policy: "AWS":"arn:aws:iam::123456789012:role/self"`)
	mustNil(t, errOf(c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("self"), AssumeRolePolicyDocument: aws.String(unbound)})))
	mustNil(t, errOf(c.UpdateAssumeRolePolicy(ctx, &awsiam.UpdateAssumeRolePolicyInput{RoleName: aws.String("self"), PolicyDocument: aws.String(self)})))
}

// A trusted user is bound by its unique id: deleted, the trust policy shows the id in every
// read, and a new user of the same name is not trusted until the policy is saved again.
func TestTrustPolicyBindsUserByID(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	alice := userWithKey(t, ts, "alice", "")
	oldID := userID(t, c, "alice")
	const aliceARN = "arn:aws:iam::123456789012:user/alice"
	trust := trustOf(aliceARN, "arn:aws:sts::123456789012:assumed-role/other/s")
	mustNil(t, errOf(c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("deploy"), AssumeRolePolicyDocument: aws.String(trust)})))
	mustNil(t, errOf(c.CreateInstanceProfile(ctx, &awsiam.CreateInstanceProfileInput{InstanceProfileName: aws.String("deploy")})))
	mustNil(t, errOf(c.AddRoleToInstanceProfile(ctx, &awsiam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("deploy"), RoleName: aws.String("deploy")})))
	const role = "arn:aws:iam::123456789012:role/deploy"
	if got := shownTrust(t, c, "deploy"); got != trust {
		t.Fatalf("trust %s, want %s", got, trust)
	}
	mustNil(t, assume(ts.sts(alice), role))

	deleteUserWithKeys(t, c, "alice")
	gone := strings.Replace(trust, aliceARN, oldID, 1)
	if !strings.HasPrefix(oldID, "AIDA") || gone == trust {
		t.Fatalf("user id %s", oldID)
	}
	if got := shownTrust(t, c, "deploy"); got != gone {
		t.Fatalf("GetRole after the user's deletion: %s, want %s", got, gone)
	}
	list, err := c.ListRoles(ctx, &awsiam.ListRolesInput{})
	mustNil(t, err)
	if doc, _ := url.QueryUnescape(aws.ToString(list.Roles[0].AssumeRolePolicyDocument)); doc != gone {
		t.Fatalf("ListRoles: %s", doc)
	}
	details, err := c.GetAccountAuthorizationDetails(ctx, &awsiam.GetAccountAuthorizationDetailsInput{})
	mustNil(t, err)
	if doc, _ := url.QueryUnescape(aws.ToString(details.RoleDetailList[0].AssumeRolePolicyDocument)); doc != gone {
		t.Fatalf("GetAccountAuthorizationDetails: %s", doc)
	}
	if doc, _ := url.QueryUnescape(aws.ToString(details.RoleDetailList[0].InstanceProfileList[0].Roles[0].AssumeRolePolicyDocument)); doc != gone {
		t.Fatalf("GetAccountAuthorizationDetails' instance profile: %s", doc)
	}
	profile, err := c.GetInstanceProfile(ctx, &awsiam.GetInstanceProfileInput{InstanceProfileName: aws.String("deploy")})
	mustNil(t, err)
	if doc, _ := url.QueryUnescape(aws.ToString(profile.InstanceProfile.Roles[0].AssumeRolePolicyDocument)); doc != gone {
		t.Fatalf("GetInstanceProfile: %s", doc)
	}

	// The same name again is another user.
	again := userWithKey(t, ts, "alice", "")
	if userID(t, c, "alice") == oldID {
		t.Fatal("a re-created user has the old id")
	}
	wantDenied(t, assume(ts.sts(again), role), "User: "+aliceARN+" is not authorized to perform: sts:AssumeRole on resource: "+role)
	if got := shownTrust(t, c, "deploy"); got != gone {
		t.Fatalf("GetRole after the name's re-creation: %s", got)
	}
	// Saving the policy again binds the new user.
	mustNil(t, errOf(c.UpdateAssumeRolePolicy(ctx, &awsiam.UpdateAssumeRolePolicyInput{RoleName: aws.String("deploy"), PolicyDocument: aws.String(trust)})))
	if got := shownTrust(t, c, "deploy"); got != trust {
		t.Fatalf("after the update %s", got)
	}
	mustNil(t, assume(ts.sts(again), role))
	// Saving the shown policy with the id of a user that is gone is refused, as in IAM.
	deleteUserWithKeys(t, c, "alice")
	_, err = c.UpdateAssumeRolePolicy(ctx, &awsiam.UpdateAssumeRolePolicyInput{RoleName: aws.String("deploy"), PolicyDocument: aws.String(shownTrust(t, c, "deploy"))})
	apiError(t, err, "MalformedPolicyDocument")
}

// A renamed user keeps its id, and so its trust: the policy shows the new name.
func TestTrustPolicyFollowsRenamedUser(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	alice := userWithKey(t, ts, "alice", "")
	trust := trustOf("arn:aws:iam::123456789012:user/alice")
	mustNil(t, errOf(c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("deploy"), AssumeRolePolicyDocument: aws.String(trust)})))
	mustNil(t, errOf(c.UpdateUser(ctx, &awsiam.UpdateUserInput{UserName: aws.String("alice"), NewUserName: aws.String("alicia"), NewPath: aws.String("/ops/")})))
	if got, want := shownTrust(t, c, "deploy"), trustOf("arn:aws:iam::123456789012:user/ops/alicia"); got != want {
		t.Fatalf("trust %s, want %s", got, want)
	}
	mustNil(t, assume(ts.sts(alice), "arn:aws:iam::123456789012:role/deploy"))
	// A new user under the old name is not the one trusted.
	fresh := userWithKey(t, ts, "alice", "")
	wantDenied(t, assume(ts.sts(fresh), "arn:aws:iam::123456789012:role/deploy"),
		"User: arn:aws:iam::123456789012:user/alice is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/deploy")
}

// A trusted role is bound by its id (AROA...) as a user is.
func TestTrustPolicyBindsRoleByID(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	const (
		callerARN = "arn:aws:iam::123456789012:role/caller"
		target    = "arn:aws:iam::123456789012:role/target"
	)
	makeCaller := func() string {
		out, err := c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("caller"), AssumeRolePolicyDocument: aws.String(trustOf("arn:aws:iam::123456789012:root"))})
		mustNil(t, err)
		mustNil(t, errOf(c.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String("caller"), PolicyName: aws.String("assume"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`)})))
		return aws.ToString(out.Role.RoleId)
	}
	session := func() *sts.Client {
		out, err := ts.sts(ts.root).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(callerARN), RoleSessionName: aws.String("chain")})
		mustNil(t, err)
		cr := out.Credentials
		return ts.sts(aws.Credentials{AccessKeyID: aws.ToString(cr.AccessKeyId), SecretAccessKey: aws.ToString(cr.SecretAccessKey), SessionToken: aws.ToString(cr.SessionToken)})
	}
	oldID := makeCaller()
	trust := trustOf(callerARN)
	mustNil(t, errOf(c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("target"), AssumeRolePolicyDocument: aws.String(trust)})))
	mustNil(t, assume(session(), target))

	mustNil(t, errOf(c.DeleteRolePolicy(ctx, &awsiam.DeleteRolePolicyInput{RoleName: aws.String("caller"), PolicyName: aws.String("assume")})))
	mustNil(t, errOf(c.DeleteRole(ctx, &awsiam.DeleteRoleInput{RoleName: aws.String("caller")})))
	gone := strings.Replace(trust, callerARN, oldID, 1)
	if !strings.HasPrefix(oldID, "AROA") || shownTrust(t, c, "target") != gone {
		t.Fatalf("trust after the role's deletion: %s (role id %s)", shownTrust(t, c, "target"), oldID)
	}
	makeCaller()
	wantDenied(t, assume(session(), target),
		"User: arn:aws:sts::123456789012:assumed-role/caller/chain is not authorized to perform: sts:AssumeRole on resource: "+target)
}
