package server

import (
	"context"
	"encoding/xml"
	"errors"
	"net/url"
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/iamd-dev/iamd/internal/awsclient"
	"github.com/iamd-dev/iamd/internal/sigv4"
)

type lintResponse struct {
	Findings []struct {
		FindingType    string
		IssueCode      string
		FindingDetails string
		Fix            string
		Line           int `xml:"Locations>member>Span>Start>Line"`
		Column         int `xml:"Locations>member>Span>Start>Column"`
	} `xml:"LintPolicyResult>Findings>member"`
	Blocking bool `xml:"LintPolicyResult>Blocking"`
}

func (ts *testServer) lintPolicy(t *testing.T, creds aws.Credentials, params url.Values) (lintResponse, error) {
	t.Helper()
	params.Set("Action", "LintPolicy")
	c := awsclient.New(awsclient.Config{Endpoint: ts.endpoint, Region: "us-east-1", Credentials: sigv4.Credentials{
		AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey, SessionToken: creds.SessionToken}}, 1)
	body, err := c.Query(context.Background(), "iamd", params)
	if err != nil {
		return lintResponse{}, err
	}
	var out lintResponse
	if err := xml.Unmarshal(body, &out); err != nil {
		t.Fatalf("%v\n%s", err, body)
	}
	return out, nil
}

// TestLintStoredPolicies lints seed 002's target role trust policy as stored in an account
// other than the trusted one, a stored customer policy, and AWS managed policies.
func TestLintStoredPolicies(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	trust, err := os.ReadFile("../../examples/seeds/002-target-role-trust-policy.json")
	if err != nil {
		t.Fatal(err)
	}
	// The trusted instance role exists in its own account, as IAM requires of a principal.
	acct, err := ts.srv.iam.CreateAccount(ctx, "999999999999", "instances")
	if err != nil {
		t.Fatal(err)
	}
	instances := ts.iam(aws.Credentials{AccessKeyID: acct.AccessKeyID, SecretAccessKey: acct.SecretAccessKey})
	if _, err := instances.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("SeqeraPlatform-EC2-InstanceRole"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("SeqeraPlatformRole"), AssumeRolePolicyDocument: aws.String(string(trust))}); err != nil {
		t.Fatal(err)
	}
	out, err := ts.lintPolicy(t, ts.root, url.Values{"RoleName": {"SeqeraPlatformRole"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Findings) != 1 || out.Findings[0].IssueCode != "CROSS_ACCOUNT_TRUST_WITHOUT_EXTERNAL_ID" ||
		out.Findings[0].FindingType != "SECURITY_WARNING" || !out.Blocking || out.Findings[0].Line != 7 {
		t.Fatalf("trust policy findings: %+v", out)
	}

	tower, err := os.ReadFile("../../examples/seeds/000-tower-role-policy.json")
	if err != nil {
		t.Fatal(err)
	}
	p := createPolicy(t, c, "Tower-Role-Policy", "", string(tower))
	out, err = ts.lintPolicy(t, ts.root, url.Values{"PolicyArn": {aws.ToString(p.Arn)}})
	if err != nil || len(out.Findings) != 1 || out.Findings[0].IssueCode != "PASS_ROLE_WITH_STAR_IN_RESOURCE" {
		t.Fatalf("Tower-Role-Policy findings: %+v %v", out, err)
	}
	out, err = ts.lintPolicy(t, ts.root, url.Values{"PolicyArn": {ecsExecutionPolicy}})
	if err != nil || len(out.Findings) != 0 || out.Blocking {
		t.Fatalf("AmazonECSTaskExecutionRolePolicy findings: %+v %v", out, err)
	}

	// A document, by any signed caller.
	key := userWithKey(t, ts, "author", "")
	out, err = ts.lintPolicy(t, key, url.Values{"PolicyDocument": {`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}}`}, "PolicyType": {"trust"}})
	if err != nil || len(out.Findings) != 1 || out.Findings[0].IssueCode != "TRUST_POLICY_OPEN_TO_ANY_PRINCIPAL" {
		t.Fatalf("document findings: %+v %v", out, err)
	}
	// Stored policies are the root user's to lint; bad requests get AWS's errors.
	_, err = ts.lintPolicy(t, key, url.Values{"RoleName": {"SeqeraPlatformRole"}})
	wantQueryError(t, err, "AccessDenied", 403)
	_, err = ts.lintPolicy(t, ts.root, url.Values{"RoleName": {"ghost"}})
	wantQueryError(t, err, "NoSuchEntity", 404)
	_, err = ts.lintPolicy(t, ts.root, url.Values{"RoleName": {"x"}, "PolicyArn": {ecsExecutionPolicy}})
	wantQueryError(t, err, "InvalidInput", 400)
	_, err = ts.lintPolicy(t, ts.root, url.Values{"PolicyDocument": {"{}"}, "PolicyType": {"bogus"}})
	wantQueryError(t, err, "InvalidInput", 400)
}

func wantQueryError(t *testing.T, err error, code string, status int) {
	t.Helper()
	var e *awsclient.Error
	if !errors.As(err, &e) || e.Code != code || e.Status != status {
		t.Fatalf("error %v, want %s (HTTP %d)", err, code, status)
	}
}
