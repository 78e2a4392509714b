package frontapi

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go"

	"github.com/iamd-dev/iamd/internal/upstream/upstreamtest"
)

// alicePolicy allows S3 on one bucket but its secret/ prefix, two SQS actions on one queue,
// and KMS decryption with any key.
const alicePolicy = `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::allowed","arn:aws:s3:::allowed/*"]},
 {"Sid":"NoSecrets","Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::allowed/secret/*"},
 {"Effect":"Allow","Action":["sqs:CreateQueue","sqs:SendMessage"],"Resource":"arn:aws:sqs:eu-west-1:123456789012:jobs"},
 {"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}]}`

const alice = "arn:aws:iam::123456789012:user/alice"

// answers are the upstream's canned answers.
var answers = map[string]upstreamtest.Answer{
	"PUT /allowed/report.txt": {Status: 200, Header: map[string]string{"ETag": `"etag-1"`}},
	"GET /allowed/report.txt": {Status: 200, Header: map[string]string{"X-Amz-Meta-Color": "blue", "Content-Type": "text/plain", "ETag": `"etag-1"`},
		Body: "from the upstream"},
	"GET /allowed/secret/k":        {Status: 200, Body: "a secret"},
	"AmazonSQS.CreateQueue":        jsonAnswer("1.0", `{"QueueUrl":"http://127.0.0.1:5000/123456789012/jobs"}`),
	"DynamoDB_20120810.ListTables": jsonAnswer("1.0", `{"TableNames":["t1"]}`),
	"TrentService.Decrypt":         jsonAnswer("1.1", `{"KeyId":"k","Plaintext":"AA=="}`),
}

func jsonAnswer(version, body string) upstreamtest.Answer {
	return upstreamtest.Answer{Status: 200, Header: map[string]string{"Content-Type": "application/x-amz-json-" + version}, Body: body}
}

func (f *fixture) s3(creds aws.Credentials) *s3.Client {
	return s3.NewFromConfig(f.config(creds), func(o *s3.Options) { o.UsePathStyle = true })
}

// apiError asserts that err is an AWS error with the code and HTTP status, returning it.
func apiError(t *testing.T, err error, code string, status int) smithy.APIError {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error %v is not an AWS API error (want %s)", err, code)
	}
	var re *awshttp.ResponseError
	if ae.ErrorCode() != code || !errors.As(err, &re) || re.HTTPStatusCode() != status {
		t.Fatalf("error %s (%s) with status %d, want %s %d", ae.ErrorCode(), ae.ErrorMessage(), re.HTTPStatusCode(), code, status)
	}
	return ae
}

func TestAllowedCallsAreForwardedAndAnsweredUnchanged(t *testing.T) {
	f := newFixture(t, EnforceOn, recording, answers)
	creds := f.user("alice", alicePolicy)
	ctx := context.Background()

	put, err := f.s3(creds).PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("allowed"), Key: aws.String("report.txt"), Body: strings.NewReader("hello")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(put.ETag) != `"etag-1"` {
		t.Errorf("ETag %q, want the upstream's", aws.ToString(put.ETag))
	}
	if o := f.next(); o.Action != "s3:PutObject" || o.Resource != "arn:aws:s3:::allowed/report.txt" || o.Err != nil {
		t.Errorf("outcome %+v", o)
	}
	got := f.upstream.Received()
	if len(got) != 1 || got[0].Method != "PUT" || got[0].URI != "/allowed/report.txt?x-id=PutObject" || got[0].Body != "hello" || got[0].Signed.Region+"/"+got[0].Signed.Service != region+"/s3" {
		t.Fatalf("the upstream received %+v", got)
	}

	obj, err := f.s3(creds).GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("allowed"), Key: aws.String("report.txt")})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(obj.Body)
	f.next()
	if string(body) != "from the upstream" || obj.Metadata["color"] != "blue" || aws.ToString(obj.ContentType) != "text/plain" {
		t.Errorf("object %q, metadata %v, type %q", body, obj.Metadata, aws.ToString(obj.ContentType))
	}

	q, err := sqs.NewFromConfig(f.config(creds)).CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("jobs")})
	if err != nil {
		t.Fatal(err)
	}
	f.next()
	if aws.ToString(q.QueueUrl) != "http://127.0.0.1:5000/123456789012/jobs" {
		t.Errorf("queue URL %q", aws.ToString(q.QueueUrl))
	}
	if got := f.upstream.Received(); len(got) != 3 || got[2].Header.Get("X-Amz-Target") != "AmazonSQS.CreateQueue" || got[2].Body != `{"QueueName":"jobs"}` {
		t.Errorf("the upstream received %+v", got[len(got)-1])
	}
}

func TestDeniedCallsNeverReachTheUpstream(t *testing.T) {
	f := newFixture(t, EnforceOn, recording, answers)
	creds := f.user("alice", alicePolicy)
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		call     func() error
		code     string
		status   int
		message  string
		action   string
		resource string
	}{
		{"another bucket", func() error {
			_, err := f.s3(creds).GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("other"), Key: aws.String("x")})
			return err
		}, "AccessDenied", 403, "Access Denied", "s3:GetObject", "arn:aws:s3:::other/x"},
		{"an explicit deny", func() error {
			_, err := f.s3(creds).GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("allowed"), Key: aws.String("secret/k")})
			return err
		}, "AccessDenied", 403, "Access Denied", "s3:GetObject", "arn:aws:s3:::allowed/secret/k"},
		{"DynamoDB in JSON", func() error {
			_, err := dynamodb.NewFromConfig(f.config(creds)).ListTables(ctx, &dynamodb.ListTablesInput{})
			return err
		}, "AccessDeniedException", 400,
			"User: " + alice + " is not authorized to perform: dynamodb:ListTables on resource: * because no identity-based policy allows the dynamodb:ListTables action",
			"dynamodb:ListTables", "*"},
		{"another queue, in SQS's query-compatible code", func() error {
			_, err := sqs.NewFromConfig(f.config(creds)).SendMessage(ctx, &sqs.SendMessageInput{
				QueueUrl: aws.String("http://127.0.0.1:5000/123456789012/other"), MessageBody: aws.String("hi")})
			return err
		}, "AccessDenied", 400,
			"User: " + alice + " is not authorized to perform: sqs:SendMessage on resource: arn:aws:sqs:eu-west-1:123456789012:other because no identity-based policy allows the sqs:SendMessage action",
			"sqs:SendMessage", "arn:aws:sqs:eu-west-1:123456789012:other"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ae := apiError(t, tc.call(), tc.code, tc.status)
			if ae.ErrorMessage() != tc.message {
				t.Errorf("message %q, want %q", ae.ErrorMessage(), tc.message)
			}
			o := f.next()
			if o.Action != tc.action || o.Resource != tc.resource || o.Err == nil || o.WouldDeny {
				t.Errorf("outcome %+v, want %s on %s denied", o, tc.action, tc.resource)
			}
			if got := f.upstream.Received(); len(got) != 0 {
				t.Fatalf("a denied call reached the upstream: %+v", got)
			}
		})
	}
}

// Each protocol's denial is its service's: body, status and headers.
func TestDenialsInEachProtocol(t *testing.T) {
	f := newFixture(t, EnforceOn, recording, answers)
	creds := f.user("bob", "")
	msg := func(action string) string {
		return "User: arn:aws:iam::123456789012:user/bob is not authorized to perform: " + action +
			" on resource: * because no identity-based policy allows the " + action + " action"
	}
	form := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	target := func(ct, t string) map[string]string { return map[string]string{"Content-Type": ct, "X-Amz-Target": t} }
	for _, tc := range []struct {
		name, service, method, path, body string
		header                            map[string]string
		status                            int
		contentType                       string
		wantHeader                        map[string]string
		want                              string
	}{
		{"query", "monitoring", "POST", "/", "Action=ListMetrics&Version=2010-08-01", form, 403, "text/xml", nil,
			`<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>` + msg("cloudwatch:ListMetrics") +
				`</Message></Error><RequestId>req-1</RequestId></ErrorResponse>`},
		{"ec2", "ec2", "POST", "/", "Action=DescribeSubnets&Version=2016-11-15", form, 403, "text/xml;charset=UTF-8", nil,
			// As iamd's own EC2 words a Describe call's denial: no resource.
			`<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized to perform this operation. ` +
				strings.Replace(msg("ec2:DescribeSubnets"), " on resource: *", "", 1) + `</Message></Error></Errors><RequestID>req-1</RequestID></Response>`},
		{"json 1.0", "dynamodb", "POST", "/", "{}", target("application/x-amz-json-1.0", "DynamoDB_20120810.ListTables"),
			400, "application/x-amz-json-1.0", map[string]string{"X-Amzn-Errortype": "AccessDeniedException", "X-Amzn-Query-Error": ""},
			`{"__type":"AccessDeniedException","Message":"` + msg("dynamodb:ListTables") + `"}`},
		{"json 1.1", "ssm", "POST", "/", "{}", target("application/x-amz-json-1.1", "AmazonSSM.DescribeParameters"),
			400, "application/x-amz-json-1.1", map[string]string{"X-Amzn-Errortype": "AccessDeniedException"},
			`{"__type":"AccessDeniedException","Message":"` + msg("ssm:DescribeParameters") + `"}`},
		{"json, query-compatible", "sqs", "POST", "/", "{}", target("application/x-amz-json-1.0", "AmazonSQS.ListQueues"),
			400, "application/x-amz-json-1.0", map[string]string{"X-Amzn-Query-Error": "AccessDenied;Sender"},
			`{"__type":"AccessDeniedException","Message":"` + msg("sqs:ListQueues") + `"}`},
		{"rest-json", "batch", "POST", "/v1/describecomputeenvironments", "{}", map[string]string{"Content-Type": "application/json"},
			403, "application/json", map[string]string{"X-Amzn-Errortype": "AccessDeniedException"},
			`{"message":"` + msg("batch:DescribeComputeEnvironments") + `"}`},
		{"rest-xml", "route53", "GET", "/2013-04-01/hostedzone", "", nil, 403, "text/xml", nil,
			`<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>` + msg("route53:ListHostedZones") +
				`</Message></Error><RequestId>req-1</RequestId></ErrorResponse>`},
		{"s3", "s3", "GET", "/", "", nil, 403, "application/xml", map[string]string{"X-Amz-Request-Id": "req-1"},
			`<Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>req-1</RequestId><HostId></HostId></Error>`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := f.raw(creds, tc.service, tc.method, tc.path, tc.body, tc.header)
			body = strings.TrimPrefix(body, `<?xml version="1.0" encoding="UTF-8"?>`+"\n")
			if resp.StatusCode != tc.status || resp.Header.Get("Content-Type") != tc.contentType || body != tc.want {
				t.Errorf("%d %s\n%s\nwant %d %s\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), body, tc.status, tc.contentType, tc.want)
			}
			for k, v := range tc.wantHeader {
				if got := resp.Header.Get(k); got != v {
					t.Errorf("%s: %q, want %q", k, got, v)
				}
			}
		})
	}
	if got := f.upstream.Received(); len(got) != 0 {
		t.Fatalf("a denied call reached the upstream: %+v", got)
	}
}

func TestSoftModeForwardsAndLogs(t *testing.T) {
	f := newFixture(t, EnforceLog, recording, answers)
	bob := f.user("bob", "")
	ctx := context.Background()
	out, err := dynamodb.NewFromConfig(f.config(bob)).ListTables(ctx, &dynamodb.ListTablesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.TableNames) != 1 || out.TableNames[0] != "t1" {
		t.Errorf("tables %v, want the upstream's", out.TableNames)
	}
	if o := f.next(); !o.WouldDeny || o.Err != nil || o.Action != "dynamodb:ListTables" || o.Resource != "*" {
		t.Errorf("outcome %+v, want a forwarded call that would be denied", o)
	}
	if got := f.upstream.Received(); len(got) != 1 {
		t.Fatalf("the upstream received %d calls, want 1", len(got))
	}
	log := f.log.String()
	for _, want := range []string{"would be denied", "request_id=req-1", "action=dynamodb:ListTables", "resource=*", "decision=implicitDeny", "no identity policy statement allows it"} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %q:\n%s", want, log)
		}
	}

	// An explicit deny names the statement that denies.
	alice := f.user("alice", alicePolicy)
	if _, err := f.s3(alice).GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("allowed"), Key: aws.String("secret/k")}); err != nil {
		t.Fatal(err)
	}
	if log := f.log.String(); !strings.Contains(log, "decision=explicitDeny") || !strings.Contains(log, "statement NoSecrets") {
		t.Errorf("the log does not name the denying statement:\n%s", log)
	}
	if o := f.next(); !o.WouldDeny {
		t.Errorf("outcome %+v, want one that would be denied", o)
	}
}

// An allowed call with no ARN of the resource its action acts on is audited on "*" with
// the resource types not derived.
func TestUnderivedResourcesAreAudited(t *testing.T) {
	f := newFixture(t, EnforceOn, recording, answers)
	creds := f.user("alice", alicePolicy)
	resp, _ := f.raw(creds, "kms", "POST", "/", `{"CiphertextBlob":"AA=="}`,
		map[string]string{"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "TrentService.Decrypt"})
	if o := f.next(); resp.StatusCode != 200 || o.Action != "kms:Decrypt" || o.Resource != "* (underived: kms:key)" {
		t.Fatalf("%d, outcome %s on %q", resp.StatusCode, o.Action, o.Resource)
	}
}

func TestWithoutUpstreamAServiceAnswersInItsProtocol(t *testing.T) {
	f := newFixture(t, EnforceOn, none, nil)
	creds := f.user("alice", alicePolicy)
	ctx := context.Background()
	_, err := dynamodb.NewFromConfig(f.config(creds)).ListTables(ctx, &dynamodb.ListTablesInput{})
	if ae := apiError(t, err, "UnknownService", 400); !strings.Contains(ae.ErrorMessage(), "--upstream dynamodb=URL") {
		t.Errorf("message %q does not say how to point iamd at an upstream", ae.ErrorMessage())
	}
	_, err = f.s3(creds).ListBuckets(ctx, &s3.ListBucketsInput{})
	if ae := apiError(t, err, "UnknownService", 400); !strings.Contains(ae.ErrorMessage(), "--upstream s3=URL") {
		t.Errorf("message %q", ae.ErrorMessage())
	}
	resp, body := f.raw(creds, "s3", "GET", "/", "", nil)
	if resp.Header.Get("Content-Type") != "application/xml" || !strings.Contains(body, "<Error><Code>UnknownService</Code>") {
		t.Errorf("S3's answer %s %s", resp.Header.Get("Content-Type"), body)
	}
	resp, body = f.raw(creds, "nosuchservice", "POST", "/", "Action=X", map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	if resp.StatusCode != 400 || !strings.Contains(body, "<Code>UnknownService</Code>") {
		t.Errorf("a service no model knows: %d %s", resp.StatusCode, body)
	}
}

func TestAnUpstreamThatDoesNotAnswer(t *testing.T) {
	f := newFixture(t, EnforceOn, dead, nil)
	creds := f.user("alice", alicePolicy)
	_, err := sqs.NewFromConfig(f.config(creds)).CreateQueue(context.Background(), &sqs.CreateQueueInput{QueueName: aws.String("jobs")})
	apiError(t, err, "ServiceUnavailable", 503)
	if o := f.next(); o.Cause == nil || o.Err == nil || o.Action != "sqs:CreateQueue" {
		t.Errorf("outcome %+v, want the failure kept as its cause", o)
	}
}

// An operation the models know but iamd has no IAM action for is never forwarded.
func TestUnknownOperationsAreNotForwarded(t *testing.T) {
	f := newFixture(t, EnforceOn, recording, answers)
	creds := f.user("alice", alicePolicy)
	resp, body := f.raw(creds, "dynamodb", "POST", "/", "{}", map[string]string{"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "DynamoDB_20120810.NoSuchThing"})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `"__type":"UnknownOperationException"`) {
		t.Errorf("%d %s", resp.StatusCode, body)
	}
	if got := f.upstream.Received(); len(got) != 0 {
		t.Fatalf("the upstream received %+v", got)
	}
}

// A virtual-hosted-style S3 request goes to the upstream path-style: its Host is the
// upstream's, so its bucket moves into the path.
func TestVirtualHostedS3GoesPathStyle(t *testing.T) {
	f := newFixture(t, EnforceOn, recording, answers)
	creds := f.user("alice", alicePolicy)
	host := "allowed.s3.localhost:" + strings.Split(f.url, ":")[2]
	resp, body := f.raw(creds, "s3", "GET", "/report.txt", "", map[string]string{"Host": host})
	if o := f.next(); resp.StatusCode != 200 || body != "from the upstream" || o.Resource != "arn:aws:s3:::allowed/report.txt" {
		t.Fatalf("%d %q, outcome %+v", resp.StatusCode, body, o)
	}
	if got := f.upstream.Received(); len(got) != 1 || got[0].URI != "/allowed/report.txt" || got[0].Host != f.upstream.URL.Host {
		t.Fatalf("the upstream received %+v", got)
	}
}

// A call iamd knows no IAM action for is refused, never forwarded unauthorized; soft mode
// logs it and lets it through.
func TestUnmappedCallsAreRefused(t *testing.T) {
	for _, enforce := range []Enforce{EnforceOn, EnforceLog} {
		t.Run(string(enforce), func(t *testing.T) {
			f := newFixture(t, enforce, recording, answers)
			creds := f.user("alice", alicePolicy)
			resp, body := f.raw(creds, "dynamodb", "POST", "/", `{"Statement":"FROBNICATE t"}`,
				map[string]string{"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "DynamoDB_20120810.ExecuteStatement"})
			o := f.next()
			if enforce == EnforceLog {
				if !o.WouldDeny || len(f.upstream.Received()) != 1 || !strings.Contains(f.log.String(), "decision=unmapped") {
					t.Fatalf("soft mode: %d %s, outcome %+v, log %s", resp.StatusCode, body, o, f.log.String())
				}
				return
			}
			want := `{"__type":"AccessDeniedException","Message":"iamd knows no IAM action for the operation ExecuteStatement of dynamodb, so it cannot authorize the call."}`
			if resp.StatusCode != 400 || body != want || o.Action != "dynamodb:ExecuteStatement" || o.Err == nil {
				t.Fatalf("%d %s, outcome %+v", resp.StatusCode, body, o)
			}
			if got := f.upstream.Received(); len(got) != 0 {
				t.Fatalf("the upstream received %+v", got)
			}
		})
	}
}
