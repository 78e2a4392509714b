package server

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	sm "github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// readPolicy is a resource policy letting the principals given read the secret.
func readPolicy(principals ...string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["` + strings.Join(principals, `","`) +
		`"]},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}`
}

func shownResourcePolicy(t *testing.T, c *sm.Client, id string) string {
	t.Helper()
	out, err := c.GetResourcePolicy(context.Background(), &sm.GetResourcePolicyInput{SecretId: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.ResourcePolicy)
}

// Secrets Manager refuses a resource policy naming a user or role that does not exist, and
// binds those it accepts by unique id, as IAM does a trust policy.
func TestSecretPolicyBindsPrincipals(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.sm(ts.root)
	ic := ts.iam(ts.root)
	createSecret(t, c, "shared", "v")
	const readerARN = "arn:aws:iam::123456789012:user/reader"
	reader := userWithKey(t, ts, "reader", "")
	oldID := userID(t, ic, "reader")
	mustNil(t, errOf(ic.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("app"), AssumeRolePolicyDocument: aws.String(trustOf("arn:aws:iam::123456789012:root"))})))
	role, err := ic.GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String("app")})
	mustNil(t, err)
	const appARN = "arn:aws:iam::123456789012:role/app"
	granted := readPolicy(readerARN, appARN, "arn:aws:sts::123456789012:assumed-role/app/s")
	mustNil(t, errOf(c.PutResourcePolicy(ctx, &sm.PutResourcePolicyInput{SecretId: aws.String("shared"), ResourcePolicy: aws.String(granted)})))

	const unsupported = "This resource policy contains an unsupported principal."
	for _, missing := range []string{"arn:aws:iam::123456789012:user/nobody", "arn:aws:iam::123456789012:role/nothing", "arn:aws:iam::999999999999:role/app"} {
		_, err := c.PutResourcePolicy(ctx, &sm.PutResourcePolicyInput{SecretId: aws.String("shared"), ResourcePolicy: aws.String(readPolicy(readerARN, missing))})
		wantError(t, err, "MalformedPolicyDocumentException", 400, unsupported)
		_, err = c.ValidateResourcePolicy(ctx, &sm.ValidateResourcePolicyInput{SecretId: aws.String("shared"), ResourcePolicy: aws.String(readPolicy(missing))})
		wantError(t, err, "MalformedPolicyDocumentException", 400, unsupported)
	}
	if got := shownResourcePolicy(t, c, "shared"); got != granted {
		t.Fatalf("after refused policies %s, want %s", got, granted)
	}
	// A caller that may not put the policy learns nothing of which principals exist.
	_, err = ts.sm(reader).PutResourcePolicy(ctx, &sm.PutResourcePolicyInput{SecretId: aws.String("shared"), ResourcePolicy: aws.String(readPolicy("arn:aws:iam::123456789012:user/nobody"))})
	apiError(t, err, "AccessDeniedException")
	if got := secretString(t, ts.sm(reader), "shared"); got != "v" {
		t.Fatalf("read %q", got)
	}

	// The user goes: the policy shows its id, and the same name again reads nothing.
	deleteUserWithKeys(t, ic, "reader")
	mustNil(t, errOf(ic.DeleteRole(ctx, &awsiam.DeleteRoleInput{RoleName: aws.String("app")})))
	gone := strings.NewReplacer(readerARN, oldID, appARN, aws.ToString(role.Role.RoleId)).Replace(granted)
	if got := shownResourcePolicy(t, c, "shared"); got != gone || !strings.Contains(got, `"AIDA`) || !strings.Contains(got, `"AROA`) {
		t.Fatalf("after the principals' deletion %s, want %s", got, gone)
	}
	again := userWithKey(t, ts, "reader", "")
	_, err = ts.sm(again).GetSecretValue(ctx, &sm.GetSecretValueInput{SecretId: aws.String("shared")})
	apiError(t, err, "AccessDeniedException")
	// Stored again, the policy binds the new user.
	mustNil(t, errOf(c.PutResourcePolicy(ctx, &sm.PutResourcePolicyInput{SecretId: aws.String("shared"), ResourcePolicy: aws.String(readPolicy(readerARN))})))
	if got := secretString(t, ts.sm(again), "shared"); got != "v" {
		t.Fatalf("read after the new binding %q", got)
	}
}
