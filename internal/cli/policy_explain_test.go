package cli

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// explain says why a call through a real iamd serve was denied, with the flags before or
// after the request id.
func TestPolicyExplain(t *testing.T) {
	endpoint, auditPath := startServeAudited(t)
	ctx := context.Background()
	root := rootIAM(t)
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("nobody")}); err != nil {
		t.Fatal(err)
	}
	key, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("nobody")})
	if err != nil {
		t.Fatal(err)
	}
	nobody := iam.NewFromConfig(aws.Config{
		Region: "us-east-1", BaseEndpoint: aws.String(endpoint), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider(aws.ToString(key.AccessKey.AccessKeyId), aws.ToString(key.AccessKey.SecretAccessKey), ""),
	})
	_, err = nobody.ListRoles(ctx, &iam.ListRolesInput{})
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != 403 {
		t.Fatalf("ListRoles of a user without policies: %v", err)
	}
	id := re.ServiceRequestID()

	want := []string{
		"Request " + id + " at ",
		"  caller:   arn:aws:iam::123456789012:user/nobody\n",
		"  call:     iam:ListRoles on arn:aws:iam::123456789012:role/\n", // as AWS names it in denials
		"  decision: denied (AccessDenied)\n",
		"Implicit deny: no identity-based policy statement allows iam:ListRoles on arn:aws:iam::123456789012:role/.\n",
	}
	for _, args := range [][]string{
		{"policy", "explain", id, "--audit", auditPath},
		{"policy", "explain", "--audit", auditPath, id},
	} {
		r := run(t, "", args...).want(t, 0)
		for _, w := range want {
			if !strings.Contains(r.stdout, w) {
				t.Errorf("%v: the explanation lacks %q:\n%s", args, w, r.stdout)
			}
		}
	}
	if r := run(t, "", "policy", "explain", "no-such-id", "--audit", auditPath).want(t, 1); !strings.Contains(r.stderr, "no call in the audit log has the request id no-such-id") {
		t.Errorf("stderr %q", r.stderr)
	}
	run(t, "", "policy", "explain", "--audit", auditPath).want(t, 2)
	run(t, "", "policy", "explain", id, id, "--audit", auditPath).want(t, 2)
}
