package server

import (
	"context"
	"errors"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/iamd-dev/iamd/internal/awsclient"
	"github.com/iamd-dev/iamd/internal/sigv4"
)

// TestAssumeRoleIsAuthorizedOnTheRealRoleARN: AssumeRole on a pathed role is decided on
// the stored role's ARN; a RoleArn with the wrong path, no path or another spelling of the
// name names no role and is refused as AWS refuses a role that does not exist
// (AccessDenied, whatever the caller's permissions).
func TestAssumeRoleIsAuthorizedOnTheRealRoleARN(t *testing.T) {
	f := newARNFixture(t)
	ctx := context.Background()
	assume := func(creds aws.Credentials, roleARN string) error {
		_, err := f.ts.sts(creds).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("s1")})
		return err
	}
	// AssumeRole's refusals name the role as requested and give no reason.
	denied := func(who string, err error, roleARN string) {
		t.Helper()
		ae := apiError(t, err, "AccessDenied")
		if want := " is not authorized to perform: sts:AssumeRole on resource: " + roleARN; !strings.HasSuffix(ae.ErrorMessage(), want) {
			t.Errorf("%s: %q, want it to end with %q", who, ae.ErrorMessage(), want)
		}
	}
	pathless := "arn:aws:iam::" + arnAcct + ":role/pr1"

	denied("den", assume(f.den, arnRole), arnRole)
	denied("pathless", assume(f.pathless, arnRole), arnRole)
	denied("nobody", assume(f.nobody, arnRole), arnRole)
	if err := assume(f.admin, arnRole); err != nil {
		t.Fatalf("admin assuming the role by its real ARN: %v", err)
	}
	for _, wrong := range []string{pathless, "arn:aws:iam::" + arnAcct + ":role/other/pr1", "arn:aws:iam::" + arnAcct + ":role/pc/PR1"} {
		for who, creds := range map[string]aws.Credentials{"admin": f.admin, "pathless": f.pathless, "den": f.den} {
			denied(who+" on "+wrong, assume(creds, wrong), wrong)
		}
	}
	denied("nobody on an unknown role", assume(f.nobody, "arn:aws:iam::"+arnAcct+":role/ghost"), "arn:aws:iam::"+arnAcct+":role/ghost")
}

// secretActions are the Secrets Manager actions that address one secret by SecretId, with
// a valid input besides it.
var secretActions = map[string]map[string]any{
	"DescribeSecret":               {},
	"GetSecretValue":               {},
	"PutSecretValue":               {"SecretString": "v2", "ClientRequestToken": "00000000-0000-4000-8000-000000000001"},
	"UpdateSecret":                 {"Description": "d"},
	"ListSecretVersionIds":         {},
	"UpdateSecretVersionStage":     {"VersionStage": "STAGE1"},
	"DeleteSecret":                 {"RecoveryWindowInDays": 7},
	"RestoreSecret":                {},
	"TagResource":                  {"Tags": []map[string]string{{"Key": "k", "Value": "v"}}},
	"UntagResource":                {"TagKeys": []string{"k"}},
	"GetResourcePolicy":            {},
	"PutResourcePolicy":            {"ResourcePolicy": `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"secretsmanager:DeleteSecret","Resource":"*"}]}`},
	"DeleteResourcePolicy":         {},
	"ValidateResourcePolicy":       {"ResourcePolicy": `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"secretsmanager:DeleteSecret","Resource":"*"}]}`},
	"ReplicateSecretToRegions":     {"AddReplicaRegions": []map[string]string{{"Region": "eu-west-1"}}},
	"RemoveRegionsFromReplication": {"RemoveReplicaRegions": []string{"eu-west-1"}},
	"StopReplicationToReplica":     {},
	"RotateSecret":                 {"RotationLambdaARN": "arn:aws:lambda:us-east-1:" + arnAcct + ":function:rot", "RotateImmediately": false},
	"CancelRotateSecret":           {},
}

// TestSecretsAreAuthorizedOnTheirFullARN: a secret named by its name or by a partial ARN is
// authorized on its full ARN (with the random suffix): a Deny of the full ARN refuses the
// call whichever way the secret is named, and an Allow of the ARN without the suffix grants
// nothing on it. A secret that does not exist is refused (not ResourceNotFound) to a
// caller without permission, and authorized on the name's ARN without a suffix.
func TestSecretsAreAuthorizedOnTheirFullARN(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	root := ts.iam(ts.root)
	full := aws.ToString(createSecret(t, ts.sm(ts.root), "pc/db", "v1").ARN)
	partial := "arn:aws:secretsmanager:us-east-1:" + arnAcct + ":secret:pc/db"
	if !strings.HasPrefix(full, partial+"-") || len(full) != len(partial)+7 {
		t.Fatalf("secret ARN %s", full)
	}
	ghostARN := "arn:aws:secretsmanager:us-east-1:" + arnAcct + ":secret:ghost"
	withPolicy := func(name, doc string) aws.Credentials {
		creds := userWithKey(t, ts, name, "")
		if doc != "" {
			if _, err := root.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("p"), PolicyDocument: aws.String(doc)}); err != nil {
				t.Fatal(err)
			}
		}
		return creds
	}
	den := withPolicy("den", policyJSON(statement("Allow", "secretsmanager:*", "*"), statement("Deny", "secretsmanager:*", full)))
	suffixless := withPolicy("suffixless", policyJSON(statement("Allow", "secretsmanager:*", partial, ghostARN)))
	nobody := withPolicy("nobody", "")

	call := func(creds aws.Credentials, action string, input map[string]any, id string) error {
		in := map[string]any{"SecretId": id}
		for k, v := range input {
			in[k] = v
		}
		c := awsclient.New(awsclient.Config{Endpoint: ts.endpoint, Region: "us-east-1", Credentials: sigv4.Credentials{
			AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey}}, 1)
		_, err := c.JSON(ctx, "secretsmanager", "secretsmanager."+action, in)
		return err
	}
	wantCode := func(what string, err error, code string) {
		t.Helper()
		var e *awsclient.Error
		if !errors.As(err, &e) || e.Code != code {
			t.Errorf("%s: %v, want %s", what, err, code)
		}
	}
	actions := make([]string, 0, len(secretActions))
	for a := range secretActions {
		actions = append(actions, a)
	}
	sort.Strings(actions)
	for _, action := range actions {
		in := secretActions[action]
		for _, id := range []string{"pc/db", partial, full} {
			wantCode(action+" as den on "+id, call(den, action, in, id), "AccessDeniedException")
			wantCode(action+" as suffixless on "+id, call(suffixless, action, in, id), "AccessDeniedException")
		}
		wantCode(action+" as nobody on an unknown secret", call(nobody, action, in, "ghost"), "AccessDeniedException")
		wantCode(action+" as suffixless on an unknown secret", call(suffixless, action, in, "ghost"), "ResourceNotFoundException")
	}
	// The refused calls changed nothing.
	if v := secretString(t, ts.sm(ts.root), "pc/db"); v != "v1" {
		t.Fatalf("secret value after the refused calls: %q", v)
	}
}
