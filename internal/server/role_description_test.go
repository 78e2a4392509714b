package server

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
)

// A role's description follows the role APIs' pattern: printable Latin-1, tab and line
// breaks; a NUL, another control character or a character past U+00FF is ValidationError
// and nothing changes.
func TestRoleDescriptionPattern(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	const trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	const pattern = `Member must satisfy regular expression pattern: [\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*`
	if _, err := c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("Described"), AssumeRolePolicyDocument: aws.String(trust),
		Description: aws.String("Café role\tfor\r\nbatch ½")}); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"nul\x00", "bell\x07", "snowman ☃", "escape\x1b"} {
		_, err := c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("Bad"), AssumeRolePolicyDocument: aws.String(trust), Description: aws.String(bad)})
		wantContains(t, err, "ValidationError", pattern)
		_, err = c.UpdateRole(ctx, &awsiam.UpdateRoleInput{RoleName: aws.String("Described"), Description: aws.String(bad)})
		wantContains(t, err, "ValidationError", pattern)
		_, err = c.UpdateRoleDescription(ctx, &awsiam.UpdateRoleDescriptionInput{RoleName: aws.String("Described"), Description: aws.String(bad)})
		wantContains(t, err, "ValidationError", pattern)
	}
	if _, err := c.GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String("Bad")}); err == nil {
		t.Fatal("a role with a refused description was stored")
	}
	r, err := c.GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String("Described")})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(r.Role.Description); got != "Café role\tfor\r\nbatch ½" {
		t.Fatalf("description after refused updates: %q", got)
	}
}

func wantContains(t *testing.T, err error, code, part string) {
	t.Helper()
	if ae := apiError(t, err, code); !strings.Contains(ae.ErrorMessage(), part) {
		t.Fatalf("message %q does not say %q", ae.ErrorMessage(), part)
	}
}
