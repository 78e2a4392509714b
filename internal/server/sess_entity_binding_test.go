package server

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsec2 "github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	sm "github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
)

// Sessions and keys belong to the entity they were issued for (its unique id), not to its
// name: once a role or user is deleted, what is later created under the name is not theirs.

const (
	sessAllowAll  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	sessRootTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`
)

func sessCreds(c *ststypes.Credentials) aws.Credentials {
	return aws.Credentials{AccessKeyID: aws.ToString(c.AccessKeyId), SecretAccessKey: aws.ToString(c.SecretAccessKey), SessionToken: aws.ToString(c.SessionToken)}
}

// sessRole creates a role trusting the account with an optional inline policy, returning its id.
func sessRole(t *testing.T, ts *testServer, name, trust, inline string) string {
	t.Helper()
	ctx := context.Background()
	c := ts.iam(ts.root)
	out, err := c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		t.Fatal(err)
	}
	if inline != "" {
		mustDo(t, func() error {
			_, err := c.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String("p"), PolicyDocument: aws.String(inline)})
			return err
		})
	}
	return aws.ToString(out.Role.RoleId)
}

// sessDeleteRole deletes a role and its inline policy "p", if any.
func sessDeleteRole(t *testing.T, ts *testServer, name string) {
	t.Helper()
	ctx := context.Background()
	c := ts.iam(ts.root)
	_, _ = c.DeleteRolePolicy(ctx, &awsiam.DeleteRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String("p")})
	mustDo(t, func() error {
		_, err := c.DeleteRole(ctx, &awsiam.DeleteRoleInput{RoleName: aws.String(name)})
		return err
	})
}

func sessAssume(t *testing.T, ts *testServer, creds aws.Credentials, role, session string) aws.Credentials {
	t.Helper()
	out, err := ts.sts(creds).AssumeRole(context.Background(), &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::123456789012:role/" + role), RoleSessionName: aws.String(session)})
	if err != nil {
		t.Fatalf("AssumeRole %s: %v", role, err)
	}
	return sessCreds(out.Credentials)
}

func sessCreateUser(ts *testServer, creds aws.Credentials, name string) error {
	_, err := ts.iam(creds).CreateUser(context.Background(), &awsiam.CreateUserInput{UserName: aws.String(name)})
	return err
}

func TestSessRoleSessionOutlivesNoRecreatedRole(t *testing.T) {
	for _, tc := range []struct {
		name    string
		initial string // the first role's policy
	}{
		{"role without policy", ""},
		{"role allowed everything (policies cached)", sessAllowAll},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := startServer(t, "")
			firstID := sessRole(t, ts, "Worker", sessRootTrust, tc.initial)
			old := sessAssume(t, ts, ts.root, "Worker", "s1")
			err := sessCreateUser(ts, old, "u1")
			if tc.initial == "" {
				wantDenied(t, err, "User: arn:aws:sts::123456789012:assumed-role/Worker/s1 is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::123456789012:user/u1 because no identity-based policy allows the iam:CreateUser action")
			} else if err != nil {
				t.Fatalf("the first role's session: %v", err)
			}

			sessDeleteRole(t, ts, "Worker")
			// Gone: the session's calls are refused as AWS refuses them, with no policy allowing.
			wantDenied(t, sessCreateUser(ts, old, "u2"), "User: arn:aws:sts::123456789012:assumed-role/Worker/s1 is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::123456789012:user/u2 because no identity-based policy allows the iam:CreateUser action")

			secondID := sessRole(t, ts, "Worker", sessRootTrust, sessAllowAll)
			if secondID == firstID {
				t.Fatalf("the recreated role has the first one's id %s", firstID)
			}
			// The recreated role's own sessions have its policies...
			fresh := sessAssume(t, ts, ts.root, "Worker", "s2")
			if err := sessCreateUser(ts, fresh, "u3"); err != nil {
				t.Fatalf("a session of the recreated role: %v", err)
			}
			// ...and the first role's session has none of them.
			wantDenied(t, sessCreateUser(ts, old, "u4"), "User: arn:aws:sts::123456789012:assumed-role/Worker/s1 is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::123456789012:user/u4 because no identity-based policy allows the iam:CreateUser action")
			// Nor may it take a session of another role that trusts the account.
			sessRole(t, ts, "Other", sessRootTrust, "")
			_, err = ts.sts(old).AssumeRole(context.Background(), &sts.AssumeRoleInput{
				RoleArn: aws.String("arn:aws:iam::123456789012:role/Other"), RoleSessionName: aws.String("xx")})
			apiError(t, err, "AccessDenied")
			// Its identity is still what it was issued as.
			who, err := ts.sts(old).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
			if err != nil {
				t.Fatal(err)
			}
			if aws.ToString(who.UserId) != firstID+":s1" {
				t.Fatalf("identity %s, want %s:s1", aws.ToString(who.UserId), firstID)
			}
		})
	}
}

// A role chain: a session of B taken with a session of A is B's, bound to B's id; and A's
// session may not take B's once A is recreated, though B's trust policy names A's ARN.
func TestSessRoleChainBoundToEachRole(t *testing.T) {
	ts := startServer(t, "")
	sessRole(t, ts, "A", sessRootTrust, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`)
	trustA := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/A"},"Action":"sts:AssumeRole"}]}`
	sessRole(t, ts, "B", trustA, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*"}]}`)
	a := sessAssume(t, ts, ts.root, "A", "sa")
	b := sessAssume(t, ts, a, "B", "sb")
	ctx := context.Background()
	if _, err := ts.iam(b).ListRoles(ctx, &awsiam.ListRolesInput{}); err != nil {
		t.Fatalf("the chained session: %v", err)
	}

	sessDeleteRole(t, ts, "B")
	sessRole(t, ts, "B", trustA, sessAllowAll)
	_, err := ts.iam(b).ListRoles(ctx, &awsiam.ListRolesInput{})
	wantDenied(t, err, "User: arn:aws:sts::123456789012:assumed-role/B/sb is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::123456789012:role/ because no identity-based policy allows the iam:ListRoles action")
	wantDenied(t, sessCreateUser(ts, b, "u1"), "User: arn:aws:sts::123456789012:assumed-role/B/sb is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::123456789012:user/u1 because no identity-based policy allows the iam:CreateUser action")
	// A's session, still A's, takes the new B's session, which has the new B's rights.
	b2 := sessAssume(t, ts, a, "B", "b2")
	if err := sessCreateUser(ts, b2, "u2"); err != nil {
		t.Fatalf("a chained session of the recreated role: %v", err)
	}

	sessDeleteRole(t, ts, "A")
	sessRole(t, ts, "A", sessRootTrust, sessAllowAll)
	_, err = ts.sts(a).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/B"), RoleSessionName: aws.String("b3")})
	wantDenied(t, err, "User: arn:aws:sts::123456789012:assumed-role/A/sa is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/B")
}

// sessUser creates a user with an inline policy and an access key.
func sessUser(t *testing.T, ts *testServer, name, inline string) (aws.Credentials, string) {
	t.Helper()
	key := userWithKey(t, ts, name, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	mustDo(t, func() error {
		_, err := c.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("p"), PolicyDocument: aws.String(inline)})
		return err
	})
	u, err := c.GetUser(ctx, &awsiam.GetUserInput{UserName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	return key, aws.ToString(u.User.UserId)
}

// sessDeleteUser deletes a user with its key and inline policy "p", as AWS requires.
func sessDeleteUser(t *testing.T, ts *testServer, name string, key aws.Credentials) {
	t.Helper()
	ctx := context.Background()
	c := ts.iam(ts.root)
	mustDo(t, func() error {
		_, err := c.DeleteAccessKey(ctx, &awsiam.DeleteAccessKeyInput{UserName: aws.String(name), AccessKeyId: aws.String(key.AccessKeyID)})
		return err
	})
	mustDo(t, func() error {
		_, err := c.DeleteUserPolicy(ctx, &awsiam.DeleteUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("p")})
		return err
	})
	mustDo(t, func() error {
		_, err := c.DeleteUser(ctx, &awsiam.DeleteUserInput{UserName: aws.String(name)})
		return err
	})
}

func sessListSecrets(ts *testServer, creds aws.Credentials) error {
	_, err := ts.sm(creds).ListSecrets(context.Background(), &sm.ListSecretsInput{})
	return err
}

// GetSessionToken and GetFederationToken sessions, and the long-term key, of a user that is
// deleted and created anew: none of them has the new user's permissions.
func TestSessUserSessionsOutliveNoRecreatedUser(t *testing.T) {
	for _, kind := range []string{"GetSessionToken", "GetFederationToken"} {
		t.Run(kind, func(t *testing.T) {
			ts := startServer(t, "")
			ctx := context.Background()
			key, firstID := sessUser(t, ts, "dev", sessAllowAll)
			var session aws.Credentials
			switch kind {
			case "GetSessionToken":
				out, err := ts.sts(key).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
				if err != nil {
					t.Fatal(err)
				}
				session = sessCreds(out.Credentials)
			default:
				out, err := ts.sts(key).GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("fed"), Policy: aws.String(sessAllowAll)})
				if err != nil {
					t.Fatal(err)
				}
				session = sessCreds(out.Credentials)
			}
			if err := sessListSecrets(ts, session); err != nil {
				t.Fatalf("the first user's session: %v", err)
			}

			sessDeleteUser(t, ts, "dev", key)
			apiError(t, sessListSecrets(ts, session), "AccessDeniedException")

			newKey, secondID := sessUser(t, ts, "dev", sessAllowAll)
			if secondID == firstID {
				t.Fatalf("the recreated user has the first one's id %s", firstID)
			}
			if err := sessListSecrets(ts, newKey); err != nil {
				t.Fatalf("the recreated user's key: %v", err)
			}
			err := sessListSecrets(ts, session)
			apiError(t, err, "AccessDeniedException")
			if httpStatus(err) != 400 {
				t.Fatalf("status %d, want Secrets Manager's 400", httpStatus(err))
			}
			// The first user's long-term key went with it.
			_, err = ts.sts(key).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			apiError(t, err, "InvalidClientTokenId")
			if httpStatus(err) != 403 {
				t.Fatalf("old key: status %d", httpStatus(err))
			}
		})
	}
}

// A machine's credentials from the metadata service are a session of the profile's role as
// it was: a role recreated under the name (and put back in the profile) is not theirs.
func TestSessInstanceProfileSessionBoundToRole(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	machineRole(t, ts, "Tower-Role", ec2Trust, listRolesPolicy)
	inst := launch(t, ts, "Tower-Role", func(in *awsec2.RunInstancesInput) {
		in.MetadataOptions = &ec2types.InstanceMetadataOptionsRequest{HttpTokens: ec2types.HttpTokensStateRequired}
	})
	old := sdkCredentials(t, metadataURL(t, ts, aws.ToString(inst.InstanceId)))
	if _, err := ts.iam(old).ListRoles(ctx, &awsiam.ListRolesInput{}); err != nil {
		t.Fatalf("the machine's session: %v", err)
	}

	root := ts.iam(ts.root)
	mustDo(t, func() error {
		_, err := root.RemoveRoleFromInstanceProfile(ctx, &awsiam.RemoveRoleFromInstanceProfileInput{InstanceProfileName: aws.String("Tower-Role"), RoleName: aws.String("Tower-Role")})
		return err
	})
	sessDeleteRole(t, ts, "Tower-Role")
	sessRole(t, ts, "Tower-Role", ec2Trust, sessAllowAll)
	mustDo(t, func() error {
		_, err := root.AddRoleToInstanceProfile(ctx, &awsiam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("Tower-Role"), RoleName: aws.String("Tower-Role")})
		return err
	})
	_, err := ts.iam(old).ListRoles(ctx, &awsiam.ListRolesInput{})
	wantDenied(t, err, "User: arn:aws:sts::123456789012:assumed-role/Tower-Role/"+aws.ToString(inst.InstanceId)+" is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::123456789012:role/ because no identity-based policy allows the iam:ListRoles action")
}

// A task's role session is bound to the role's id too.
func TestSessTaskSessionBoundToRole(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	launcher := taskRoles(t, ts)
	task, err := ts.runTask(launcher, taskRoleARN, execRoleARN)
	if err != nil {
		t.Fatal(err)
	}
	creds, err := containerCreds(task.FullURI, task.Token)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.iam(creds).ListRoles(ctx, &awsiam.ListRolesInput{}); err != nil {
		t.Fatalf("the task's session: %v", err)
	}
	root := ts.iam(ts.root)
	mustDo(t, func() error {
		_, err := root.DeleteRolePolicy(ctx, &awsiam.DeleteRolePolicyInput{RoleName: aws.String("app-task"), PolicyName: aws.String("list")})
		return err
	})
	sessDeleteRole(t, ts, "app-task")
	sessRole(t, ts, "app-task", ecsTasksTrust, sessAllowAll)
	_, err = ts.iam(creds).ListRoles(ctx, &awsiam.ListRolesInput{})
	wantDenied(t, err, "User: arn:aws:sts::123456789012:assumed-role/app-task/"+task.TaskID+" is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::123456789012:role/ because no identity-based policy allows the iam:ListRoles action")
}
