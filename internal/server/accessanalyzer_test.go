package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	aa "github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	aatypes "github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"

	"github.com/iamd-dev/iamd/internal/sigv4"
)

func (ts *testServer) accessAnalyzer(creds aws.Credentials) *aa.Client {
	return aa.NewFromConfig(ts.config(creds))
}

// ValidatePolicy finds seed 000's iam:PassRole on "*" in Access Analyzer's shape: its
// code, type, link and the position of the "*" (line from 1, column from 0).
func TestValidatePolicyFindsSeed000PassRole(t *testing.T) {
	ts := startServer(t, "")
	doc, err := os.ReadFile("../../examples/seeds/000-tower-role-policy.json")
	if err != nil {
		t.Fatal(err)
	}
	out, err := ts.accessAnalyzer(ts.root).ValidatePolicy(context.Background(), &aa.ValidatePolicyInput{
		PolicyDocument: aws.String(string(doc)), PolicyType: aatypes.PolicyTypeIdentityPolicy})
	if err != nil {
		t.Fatal(err)
	}
	var found *aatypes.ValidatePolicyFinding
	for i, f := range out.Findings {
		if aws.ToString(f.IssueCode) == "PASS_ROLE_WITH_STAR_IN_RESOURCE" {
			found = &out.Findings[i]
		}
	}
	if found == nil {
		t.Fatalf("no PASS_ROLE_WITH_STAR_IN_RESOURCE among %d findings", len(out.Findings))
	}
	if found.FindingType != aatypes.ValidatePolicyFindingTypeSecurityWarning ||
		!strings.HasSuffix(aws.ToString(found.LearnMoreLink), "#access-analyzer-reference-policy-checks-security-warning-pass-role-with-star-in-resource") {
		t.Fatalf("finding %+v", found)
	}
	loc := found.Locations[0]
	start := aws.ToInt32(loc.Span.Start.Offset)
	if string(doc[start:aws.ToInt32(loc.Span.End.Offset)]) != `"*"` {
		t.Fatalf("span %d..%d is %q, want the \"*\"", start, aws.ToInt32(loc.Span.End.Offset), doc[start:aws.ToInt32(loc.Span.End.Offset)])
	}
	line := strings.Split(string(doc), "\n")[aws.ToInt32(loc.Span.Start.Line)-1]
	if col := aws.ToInt32(loc.Span.Start.Column); !strings.HasPrefix(line[col:], `"*"`) {
		t.Fatalf("column %d of %q", col, line)
	}
	if len(loc.Path) != 4 {
		t.Fatalf("path %+v", loc.Path)
	}
	if v, ok := loc.Path[0].(*aatypes.PathElementMemberValue); !ok || v.Value != "Statement" {
		t.Fatalf("path %#v", loc.Path[0])
	}
	if v, ok := loc.Path[1].(*aatypes.PathElementMemberIndex); !ok || v.Value != 0 {
		t.Fatalf("path %#v", loc.Path[1])
	}

	// A page of one finding at a time, through every finding.
	seen := 0
	var token *string
	for page := 0; page < 50; page++ {
		p, err := ts.accessAnalyzer(ts.root).ValidatePolicy(context.Background(), &aa.ValidatePolicyInput{
			PolicyDocument: aws.String(string(doc)), PolicyType: aatypes.PolicyTypeIdentityPolicy, MaxResults: aws.Int32(1), NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		seen += len(p.Findings)
		if token = p.NextToken; token == nil {
			break
		}
	}
	if seen != len(out.Findings) {
		t.Fatalf("paged through %d findings of %d", seen, len(out.Findings))
	}
}

// CheckNoNewAccess fails with the request that shows the new access, and passes for a
// narrower policy.
func TestCheckNoNewAccessThroughTheSDK(t *testing.T) {
	ts := startServer(t, "")
	c := ts.accessAnalyzer(ts.root)
	existing := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::123456789012:role/Tower-*"}]}`
	wide := `{"Version":"2012-10-17","Statement":[{"Sid":"PassAny","Effect":"Allow","Action":"iam:PassRole","Resource":"*"}]}`
	narrow := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::123456789012:role/Tower-Role"}]}`
	out, err := c.CheckNoNewAccess(context.Background(), &aa.CheckNoNewAccessInput{NewPolicyDocument: aws.String(wide),
		ExistingPolicyDocument: aws.String(existing), PolicyType: aatypes.AccessCheckPolicyTypeIdentityPolicy})
	if err != nil {
		t.Fatal(err)
	}
	if out.Result != aatypes.CheckNoNewAccessResultFail || len(out.Reasons) != 1 || aws.ToString(out.Reasons[0].StatementId) != "PassAny" ||
		aws.ToInt32(out.Reasons[0].StatementIndex) != 0 || !strings.Contains(aws.ToString(out.Reasons[0].Description), "iam:PassRole on arn:aws:iam::") {
		t.Fatalf("%s %q %+v", out.Result, aws.ToString(out.Message), out.Reasons)
	}
	out, err = c.CheckNoNewAccess(context.Background(), &aa.CheckNoNewAccessInput{NewPolicyDocument: aws.String(narrow),
		ExistingPolicyDocument: aws.String(existing), PolicyType: aatypes.AccessCheckPolicyTypeIdentityPolicy})
	if err != nil || out.Result != aatypes.CheckNoNewAccessResultPass {
		t.Fatalf("narrow: %v %+v", err, out)
	}
}

func TestCheckAccessNotGrantedAndNoPublicAccessThroughTheSDK(t *testing.T) {
	ts := startServer(t, "")
	c := ts.accessAnalyzer(ts.root)
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`
	for _, tc := range []struct {
		access aatypes.Access
		want   aatypes.CheckAccessNotGrantedResult
	}{
		{aatypes.Access{Actions: []string{"s3:GetObject"}}, aatypes.CheckAccessNotGrantedResultFail},
		{aatypes.Access{Actions: []string{"s3:PutObject"}}, aatypes.CheckAccessNotGrantedResultPass},
		{aatypes.Access{Resources: []string{"arn:aws:s3:::other/*"}}, aatypes.CheckAccessNotGrantedResultPass},
		{aatypes.Access{Actions: []string{"s3:GetObject"}, Resources: []string{"arn:aws:s3:::b/secret"}}, aatypes.CheckAccessNotGrantedResultFail},
	} {
		out, err := c.CheckAccessNotGranted(context.Background(), &aa.CheckAccessNotGrantedInput{PolicyDocument: aws.String(doc),
			Access: []aatypes.Access{tc.access}, PolicyType: aatypes.AccessCheckPolicyTypeIdentityPolicy})
		if err != nil || out.Result != tc.want {
			t.Fatalf("%+v: %v %+v, want %s", tc.access, err, out, tc.want)
		}
	}
	public := `{"Version":"2012-10-17","Statement":[{"Sid":"Public","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`
	restricted := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}}]}`
	out, err := c.CheckNoPublicAccess(context.Background(), &aa.CheckNoPublicAccessInput{PolicyDocument: aws.String(public), ResourceType: aatypes.AccessCheckResourceTypeS3Bucket})
	if err != nil || out.Result != aatypes.CheckNoPublicAccessResultFail || len(out.Reasons) != 1 || aws.ToString(out.Reasons[0].StatementId) != "Public" {
		t.Fatalf("public: %v %+v", err, out)
	}
	out, err = c.CheckNoPublicAccess(context.Background(), &aa.CheckNoPublicAccessInput{PolicyDocument: aws.String(restricted), ResourceType: aatypes.AccessCheckResourceTypeS3Bucket})
	if err != nil || out.Result != aatypes.CheckNoPublicAccessResultPass {
		t.Fatalf("restricted: %v %+v", err, out)
	}
}

// Refusals are Access Analyzer's: a ValidationException with its fields, an
// InvalidParameterException for a document that is not a policy.
func TestAccessAnalyzerRefusals(t *testing.T) {
	ts := startServer(t, "")
	c := ts.accessAnalyzer(ts.root)
	_, err := c.ValidatePolicy(context.Background(), &aa.ValidatePolicyInput{PolicyDocument: aws.String("{}"), PolicyType: "NOT_A_TYPE"})
	var ve *aatypes.ValidationException
	if !errors.As(err, &ve) || ve.Reason != aatypes.ValidationExceptionReasonFieldValidationFailed || len(ve.FieldList) != 1 ||
		aws.ToString(ve.FieldList[0].Name) != "policyType" || httpStatus(err) != 400 {
		t.Fatalf("%v (%+v)", err, ve)
	}
	_, err = c.CheckNoNewAccess(context.Background(), &aa.CheckNoNewAccessInput{NewPolicyDocument: aws.String("not json"),
		ExistingPolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[]}`), PolicyType: aatypes.AccessCheckPolicyTypeIdentityPolicy})
	var pe *aatypes.InvalidParameterException
	if !errors.As(err, &pe) || httpStatus(err) != 400 {
		t.Fatalf("%v", err)
	}
	_, err = c.ListAnalyzers(context.Background(), &aa.ListAnalyzersInput{})
	apiError(t, err, "UnknownOperationException")
}

// signedAA posts a body to an Access Analyzer path, signed with the root key, and returns
// the status, the error type header and the decoded body.
func signedAA(t *testing.T, ts *testServer, path, body string) (int, string, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, ts.endpoint+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if err := sigv4.Sign(req, []byte(body), sigv4.Credentials{AccessKeyID: ts.root.AccessKeyID, SecretAccessKey: ts.root.SecretAccessKey},
		"us-east-1", "access-analyzer", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := sdkHTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"), out
}

// The wire format of errors: restJson1's X-Amzn-ErrorType and a body with the message, and
// for a ValidationException its reason and fields.
func TestAccessAnalyzerErrorsOnTheWire(t *testing.T) {
	ts := startServer(t, "")
	status, typ, body := signedAA(t, ts, "/policy/validation", "{not json")
	if status != 400 || typ != "ValidationException" || body["reason"] != "cannotParse" || body["message"] == "" {
		t.Fatalf("%d %s %v", status, typ, body)
	}
	status, typ, body = signedAA(t, ts, "/policy/check-no-new-access", `{"policyType":"IDENTITY_POLICY"}`)
	fields, _ := body["fieldList"].([]any)
	if status != 400 || typ != "ValidationException" || body["reason"] != "fieldValidationFailed" || len(fields) != 2 {
		t.Fatalf("%d %s %v", status, typ, body)
	}
	status, typ, _ = signedAA(t, ts, "/policy/generation", `{}`)
	if status != 404 || typ != "UnknownOperationException" {
		t.Fatalf("%d %s", status, typ)
	}
	status, typ, body = signedAA(t, ts, "/policy/check-no-public-access", `{"policyDocument":"{\"Version\":\"2012-10-17\",\"Statement\":[]}","resourceType":"AWS::S3::Bucket"}`)
	if status != 200 || typ != "" || body["result"] != "PASS" {
		t.Fatalf("%d %s %v", status, typ, body)
	}
}
