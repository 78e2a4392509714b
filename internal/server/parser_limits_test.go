package server

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	sm "github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
)

// oneLinePolicy is a valid identity policy on a single line with about size characters,
// none of them white space outside strings.
func oneLinePolicy(size int) string {
	var b strings.Builder
	b.WriteString(`{"Version":"2012-10-17","Statement":[`)
	for i := 0; b.Len() < size; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"Sid":"S%d","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket-%d/*"}`, i, i)
	}
	b.WriteString(`]}`)
	return b.String()
}

// bigTrust is a valid trust policy of more than n characters without white space (a long
// Sid), past the quota but well within the member's 131072 characters.
func bigTrust(n int) string {
	return `{"Version":"2012-10-17","Statement":[{"Sid":"` + strings.Repeat("S", n) + `","Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
}

// hugePolicy is the largest one-line policy whose form-encoded request still fits the
// server's 1 MB body bound, so that it reaches the API's own checks.
func hugePolicy(t *testing.T) string {
	doc := oneLinePolicy(560 << 10)
	if n := len(url.QueryEscape(doc)); n > 1<<20-4096 {
		t.Fatalf("test document encodes to %d bytes, past the body bound", n)
	}
	return doc
}

// bigBodyConfig is the harness's client configuration with the SDK's retries on: its
// HTTP transport now and then reports a request of a large body as failed with
// net.ErrClosed (aws-sdk-go-v2 issue 2737), which the SDK retries by default. AWS's
// errors asserted here are 400s, which it does not retry.
func bigBodyConfig(ts *testServer) aws.Config {
	cfg := ts.config(ts.root)
	cfg.RetryMaxAttempts = 3
	return cfg
}

func wantMessage(t *testing.T, err error, code, message string) {
	t.Helper()
	if ae := apiError(t, err, code); ae.ErrorMessage() != message {
		t.Fatalf("message %q, want %q", ae.ErrorMessage(), message)
	}
}

const trustEC2 = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// TestParserIAMPolicySizeLimits sends documents past each of IAM's limits through the SDK:
// each is refused with AWS's error (past 131072 characters before any parse), and nothing is stored.
func TestParserIAMPolicySizeLimits(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := awsiam.NewFromConfig(bigBodyConfig(ts))
	megabyte := hugePolicy(t)
	tooLong := "1 validation error detected: Value '" + megabyte + "' at 'policyDocument' failed to satisfy constraint: Member must have length less than or equal to 131072"

	// Managed policies: 131072 characters for the member, PolicySize 6144 without white space.
	_, err := c.CreatePolicy(ctx, &awsiam.CreatePolicyInput{PolicyName: aws.String("Huge"), PolicyDocument: aws.String(megabyte)})
	wantMessage(t, err, "ValidationError", tooLong)
	_, err = c.CreatePolicy(ctx, &awsiam.CreatePolicyInput{PolicyName: aws.String("Big"), PolicyDocument: aws.String(oneLinePolicy(6200))})
	wantMessage(t, err, "LimitExceeded", "Cannot exceed quota for PolicySize: 6144")
	_, err = c.CreatePolicy(ctx, &awsiam.CreatePolicyInput{PolicyName: aws.String("Wide"), PolicyDocument: aws.String("\u0100" + oneLinePolicy(100))})
	wantMessage(t, err, "ValidationError", `1 validation error detected: Value at 'policyDocument' failed to satisfy constraint: Member must satisfy regular expression pattern: [\u0009\u000A\u000D\u0020-\u00FF]+`)
	list, err := c.ListPolicies(ctx, &awsiam.ListPoliciesInput{Scope: types.PolicyScopeTypeLocal})
	if err != nil || len(list.Policies) != 0 {
		t.Fatalf("ListPolicies after refused documents: %+v %v", list.Policies, err)
	}
	// White space is not counted: 6,000 characters of policy spread over 20,000.
	spread := strings.ReplaceAll(oneLinePolicy(6000), ",", ",\n"+strings.Repeat(" ", 200))
	if _, err := c.CreatePolicy(ctx, &awsiam.CreatePolicyInput{PolicyName: aws.String("Spread"), PolicyDocument: aws.String(spread)}); err != nil {
		t.Fatalf("CreatePolicy of %d characters, under 6144 without white space: %v", len(spread), err)
	}
	p, err := c.CreatePolicy(ctx, &awsiam.CreatePolicyInput{PolicyName: aws.String("Small"), PolicyDocument: aws.String(oneLinePolicy(100))})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreatePolicyVersion(ctx, &awsiam.CreatePolicyVersionInput{PolicyArn: p.Policy.Arn, PolicyDocument: aws.String(oneLinePolicy(6200))})
	wantMessage(t, err, "LimitExceeded", "Cannot exceed quota for PolicySize: 6144")
	versions, err := c.ListPolicyVersions(ctx, &awsiam.ListPolicyVersionsInput{PolicyArn: p.Policy.Arn})
	if err != nil || len(versions.Versions) != 1 {
		t.Fatalf("versions after a refused CreatePolicyVersion: %+v %v", versions, err)
	}

	// Trust policies: ACLSizePerRole 2048, for CreateRole and UpdateAssumeRolePolicy.
	_, err = c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("Big"), AssumeRolePolicyDocument: aws.String(bigTrust(2049))})
	wantMessage(t, err, "LimitExceeded", "Cannot exceed quota for ACLSizePerRole: 2048")
	if _, err := c.GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String("Big")}); err == nil {
		t.Fatal("a role was stored with a trust policy past ACLSizePerRole")
	}
	if _, err := c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("App"), AssumeRolePolicyDocument: aws.String(trustEC2)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.UpdateAssumeRolePolicy(ctx, &awsiam.UpdateAssumeRolePolicyInput{RoleName: aws.String("App"), PolicyDocument: aws.String(bigTrust(2049))})
	wantMessage(t, err, "LimitExceeded", "Cannot exceed quota for ACLSizePerRole: 2048")
	_, err = c.UpdateAssumeRolePolicy(ctx, &awsiam.UpdateAssumeRolePolicyInput{RoleName: aws.String("App"), PolicyDocument: aws.String(megabyte)})
	wantMessage(t, err, "ValidationError", tooLong)
	role, err := c.GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String("App")})
	if err != nil {
		t.Fatal(err)
	}
	if doc, _ := url.QueryUnescape(aws.ToString(role.Role.AssumeRolePolicyDocument)); doc != trustEC2 {
		t.Fatalf("trust policy after refused updates: %s", doc)
	}

	// Inline policies: the member's 131072 characters, then the aggregate per entity.
	_, err = c.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String("App"), PolicyName: aws.String("huge"), PolicyDocument: aws.String(megabyte)})
	wantMessage(t, err, "ValidationError", tooLong)
	_, err = c.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String("App"), PolicyName: aws.String("big"), PolicyDocument: aws.String(oneLinePolicy(10300))})
	wantMessage(t, err, "LimitExceeded", "Maximum policy size of 10240 bytes exceeded for role App")
	inline, err := c.ListRolePolicies(ctx, &awsiam.ListRolePoliciesInput{RoleName: aws.String("App")})
	if err != nil || len(inline.PolicyNames) != 0 {
		t.Fatalf("inline policies after refused documents: %v %v", inline.PolicyNames, err)
	}
	if _, err := c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("huge"), PolicyDocument: aws.String(megabyte)})
	wantMessage(t, err, "ValidationError", tooLong)
	_, err = c.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("big"), PolicyDocument: aws.String(oneLinePolicy(2100))})
	wantMessage(t, err, "LimitExceeded", "Maximum policy size of 2048 bytes exceeded for user alice")
	if _, err := c.CreateGroup(ctx, &awsiam.CreateGroupInput{GroupName: aws.String("devs")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.PutGroupPolicy(ctx, &awsiam.PutGroupPolicyInput{GroupName: aws.String("devs"), PolicyName: aws.String("huge"), PolicyDocument: aws.String(megabyte)})
	wantMessage(t, err, "ValidationError", tooLong)

	// The simulator's inputs: 131072 characters each, before they are parsed.
	_, err = c.SimulateCustomPolicy(ctx, &awsiam.SimulateCustomPolicyInput{PolicyInputList: []string{oneLinePolicy(100), megabyte}, ActionNames: []string{"s3:GetObject"}})
	wantMessage(t, err, "ValidationError", "1 validation error detected: Value '"+megabyte+"' at 'policyInputList' failed to satisfy constraint: Member must have length less than or equal to 131072")
	// Length is counted in characters: 100,000 two-byte characters are within it.
	latin := strings.Replace(oneLinePolicy(100), "s3:GetObject", "s3:GetObject"+`","Resource":"arn:aws:s3:::`+strings.Repeat("é", 100000), 1)
	if len([]rune(latin)) > 131072 || len(latin) <= 131072 {
		t.Fatalf("test document of %d characters, %d bytes", len([]rune(latin)), len(latin))
	}
	_, err = c.SimulateCustomPolicy(ctx, &awsiam.SimulateCustomPolicyInput{PolicyInputList: []string{latin}, ActionNames: []string{"s3:GetObject"}})
	if err != nil && strings.Contains(err.Error(), "131072") {
		t.Fatalf("a document of fewer than 131072 characters refused for its length: %v", err)
	}
}

// TestParserLintPolicyBound refuses a LintPolicy document past 131072 characters before the
// linter reads it, and lints one within.
func TestParserLintPolicyBound(t *testing.T) {
	ts := startServer(t, "")
	_, err := ts.lintPolicy(t, ts.root, url.Values{"PolicyDocument": {hugePolicy(t)}})
	wantQueryError(t, err, "ValidationError", 400)
	if _, err := ts.lintPolicy(t, ts.root, url.Values{"PolicyDocument": {oneLinePolicy(100 << 10)}}); err != nil {
		t.Fatalf("LintPolicy of a 100 KB document: %v", err)
	}
}

// TestParserSecretsPolicyLimit holds Secrets Manager's ResourcePolicy to 20480 characters
// with the JSON protocol's ValidationException, for PutResourcePolicy and
// ValidateResourcePolicy, and stores nothing past it.
func TestParserSecretsPolicyLimit(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := sm.NewFromConfig(bigBodyConfig(ts))
	sec := createSecret(t, c, "app/db", "pw")
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"secretsmanager:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/x":"` + strings.Repeat("a", 20480) + `"}}}]}`
	want := "1 validation error detected: Value '" + doc + "' at 'resourcePolicy' failed to satisfy constraint: Member must have length less than or equal to 20480"
	_, err := c.PutResourcePolicy(ctx, &sm.PutResourcePolicyInput{SecretId: sec.ARN, ResourcePolicy: aws.String(doc)})
	wantMessage(t, err, "ValidationException", want)
	got, err := c.GetResourcePolicy(ctx, &sm.GetResourcePolicyInput{SecretId: sec.ARN})
	if err != nil || got.ResourcePolicy != nil {
		t.Fatalf("resource policy after a refused put: %v %v", aws.ToString(got.ResourcePolicy), err)
	}
	_, err = c.ValidateResourcePolicy(ctx, &sm.ValidateResourcePolicyInput{ResourcePolicy: aws.String(doc)})
	wantMessage(t, err, "ValidationException", want)
	_, err = c.PutResourcePolicy(ctx, &sm.PutResourcePolicyInput{SecretId: sec.ARN, ResourcePolicy: aws.String(hugePolicy(t))})
	apiError(t, err, "ValidationException")
}

// TestParserTagCharacters refuses tag keys and values with NUL, invalid UTF-8 or characters
// outside AWS's tag pattern, naming the member as AWS does, and stores none of them.
func TestParserTagCharacters(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	pattern := `[\p{L}\p{Z}\p{N}_.:/=+\-@]`
	_, err := c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("bob"), Tags: []types.Tag{
		{Key: aws.String("team"), Value: aws.String("a")}, {Key: aws.String("bad\x00key"), Value: aws.String("b")}}})
	ae := apiError(t, err, "ValidationError")
	if msg := ae.ErrorMessage(); !strings.Contains(msg, "at 'tags.2.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: "+pattern+"+") {
		t.Fatalf("message %q", msg)
	}
	if _, err := c.GetUser(ctx, &awsiam.GetUserInput{UserName: aws.String("bob")}); err == nil {
		t.Fatal("a user was stored with a NUL in a tag key")
	}

	if _, err := c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("App"), AssumeRolePolicyDocument: aws.String(trustEC2),
		Tags: []types.Tag{{Key: aws.String("Équipe données"), Value: aws.String("été: a/b=c+d-e@f_g.h 42")}}}); err != nil {
		t.Fatalf("CreateRole with Unicode letters, spaces and the allowed marks in a tag: %v", err)
	}
	for _, bad := range []types.Tag{
		{Key: aws.String("k"), Value: aws.String("\xff\xfe")},
		{Key: aws.String("k"), Value: aws.String("nul\x00")},
		{Key: aws.String("k"), Value: aws.String("Hyperswitch (UCS)")},
		{Key: aws.String("\xc3"), Value: aws.String("v")},
	} {
		_, err := c.TagRole(ctx, &awsiam.TagRoleInput{RoleName: aws.String("App"), Tags: []types.Tag{{Key: aws.String("ok"), Value: aws.String("ok")}, bad}})
		msg := apiError(t, err, "ValidationError").ErrorMessage()
		member, suffix := "tags.2.member.value", "*"
		if aws.ToString(bad.Key) != "k" {
			member, suffix = "tags.2.member.key", "+"
		}
		if !strings.Contains(msg, "at '"+member+"' failed to satisfy constraint: Member must satisfy regular expression pattern: "+pattern+suffix) {
			t.Fatalf("TagRole %q=%q: message %q", aws.ToString(bad.Key), aws.ToString(bad.Value), msg)
		}
	}
	tags, err := c.ListRoleTags(ctx, &awsiam.ListRoleTagsInput{RoleName: aws.String("App")})
	if err != nil || len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Key) != "Équipe données" {
		t.Fatalf("role tags after refused TagRole calls: %+v %v", tags.Tags, err)
	}

	s := ts.sm(ts.root)
	for _, bad := range []smtypes.Tag{
		{Key: aws.String("nul\x00"), Value: aws.String("v")},
		{Key: aws.String("k"), Value: aws.String("bad\x01")},
		{Key: aws.String("k"), Value: aws.String("\xff")},
	} {
		_, err := s.CreateSecret(ctx, &sm.CreateSecretInput{Name: aws.String("tagged"), SecretString: aws.String("v"), Tags: []smtypes.Tag{bad}})
		apiError(t, err, "InvalidParameterException")
		_, err = s.DescribeSecret(ctx, &sm.DescribeSecretInput{SecretId: aws.String("tagged")})
		var nf *smtypes.ResourceNotFoundException
		if !errors.As(err, &nf) {
			t.Fatalf("DescribeSecret after a refused CreateSecret: %v", err)
		}
	}
	if _, err := s.CreateSecret(ctx, &sm.CreateSecretInput{Name: aws.String("tagged"), SecretString: aws.String("v"),
		Tags: []smtypes.Tag{{Key: aws.String("Équipe données"), Value: aws.String("été: a/b=c+d-e@f_g.h 42")}}}); err != nil {
		t.Fatalf("CreateSecret with Unicode letters, spaces and the allowed marks in a tag: %v", err)
	}
}
