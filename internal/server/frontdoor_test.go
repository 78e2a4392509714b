package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/iamd-dev/iamd/internal/api/frontapi"
	"github.com/iamd-dev/iamd/internal/sigv4"
	"github.com/iamd-dev/iamd/internal/upstream"
	"github.com/iamd-dev/iamd/internal/upstream/upstreamtest"
)

var frontUpstreamKeys = sigv4.Credentials{AccessKeyID: "UPSTREAMKEY", SecretAccessKey: "upstream-secret-key"}

// frontPolicy allows S3 on one bucket and SQS on one queue.
const frontPolicy = `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::allowed","arn:aws:s3:::allowed/*"]},
 {"Effect":"Allow","Action":["sqs:CreateQueue","sqs:SendMessage"],"Resource":"arn:aws:sqs:us-east-1:123456789012:jobs"}]}`

var frontAnswers = map[string]upstreamtest.Answer{
	"PUT /allowed/report.txt": {Status: 200, Header: map[string]string{"ETag": `"etag-1"`}},
	"GET /allowed/report.txt": {Status: 200, Header: map[string]string{"Content-Type": "text/plain", "X-Amz-Meta-Color": "blue"}, Body: "from the upstream"},
	"AmazonSQS.CreateQueue": {Status: 200, Header: map[string]string{"Content-Type": "application/x-amz-json-1.0"},
		Body: `{"QueueUrl":"http://127.0.0.1:5000/123456789012/jobs"}`},
	"DynamoDB_20120810.ListTables": {Status: 200, Header: map[string]string{"Content-Type": "application/x-amz-json-1.0"}, Body: `{"TableNames":["t1"]}`},
}

// frontDoor is an iamd in front of a recording upstream, its audit and (JSON) log kept.
type frontDoor struct {
	*testServer
	upstream   *upstreamtest.Recorder
	audit, log *syncBuffer
}

// startFrontDoor starts iamd with the recorder as every other service's upstream; with
// noUpstream, iamd has none (the recorder then only tells that nothing reached it).
func startFrontDoor(t *testing.T, enforce frontapi.Enforce, noUpstream bool) *frontDoor {
	t.Helper()
	return startFrontDoorWith(t, upstreamtest.Canned(frontAnswers), func(c *Config) {
		if noUpstream {
			c.Upstreams = upstream.Set{}
		}
		c.Enforce = enforce
	})
}

// startFrontDoorWith starts iamd with a recorder answering with answer as every other
// service's upstream, the configuration changed by opts.
func startFrontDoorWith(t *testing.T, answer http.HandlerFunc, opts ...func(*Config)) *frontDoor {
	t.Helper()
	fd := &frontDoor{upstream: upstreamtest.New(t, frontUpstreamKeys, answer), audit: &syncBuffer{}, log: &syncBuffer{}}
	fd.testServer = startServerAt(t, "", time.Now, append([]func(*Config){func(c *Config) {
		c.Upstreams = upstream.Set{Default: &upstream.Target{URL: fd.upstream.URL, Credentials: frontUpstreamKeys}}
		c.Audit = fd.audit
		c.Logger = slog.New(slog.NewJSONHandler(fd.log, nil))
	}}, opts...)...)
	return fd
}

// sdk is an SDK configuration for the door: a checksum only where required (iamd's S3
// payload modes are tested on their own).
func (fd *frontDoor) sdk(creds aws.Credentials) aws.Config {
	cfg := fd.config(creds)
	cfg.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
	cfg.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	return cfg
}

func (fd *frontDoor) s3(creds aws.Credentials) *s3.Client {
	return s3.NewFromConfig(fd.sdk(creds), func(o *s3.Options) { o.UsePathStyle = true })
}

// audited waits for the audit line of the action (written once the answer is sent) and
// returns it.
func (fd *frontDoor) audited(t *testing.T, action, resource string) auditLine {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		for _, e := range fd.audit.events(t) {
			if e.Action == action && e.Resource == resource {
				return e
			}
		}
	}
	t.Fatalf("no audit line for %s on %s", action, resource)
	return auditLine{}
}

func TestFrontDoorForwardsWhatPoliciesAllowOnly(t *testing.T) {
	fd := startFrontDoor(t, frontapi.EnforceOn, false)
	ctx := context.Background()
	alice := userWithKey(t, fd.testServer, "alice", "")
	putUserPolicy(t, fd.testServer, "alice", frontPolicy)

	if _, err := fd.s3(alice).PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("allowed"), Key: aws.String("report.txt"), Body: strings.NewReader("hello")}); err != nil {
		t.Fatal(err)
	}
	got := fd.upstream.Received()
	if len(got) != 1 || got[0].Method != "PUT" || !strings.HasPrefix(got[0].URI, "/allowed/report.txt") || got[0].Body != "hello" {
		t.Fatalf("the upstream received %+v", got)
	}
	if s := got[0].Signed; s.AccessKeyID != frontUpstreamKeys.AccessKeyID || s.Region != "us-east-1" || s.Service != "s3" {
		t.Errorf("signed by %s for %s/%s", s.AccessKeyID, s.Region, s.Service)
	}
	if e := fd.audited(t, "s3:PutObject", "arn:aws:s3:::allowed/report.txt"); e.Decision != "allowed" || e.Caller != "arn:aws:iam::123456789012:user/alice" {
		t.Errorf("audited %+v", e)
	}
	obj, err := fd.s3(alice).GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("allowed"), Key: aws.String("report.txt")})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(obj.Body)
	if string(body) != "from the upstream" || obj.Metadata["color"] != "blue" {
		t.Errorf("object %q, metadata %v", body, obj.Metadata)
	}
	q, err := sqs.NewFromConfig(fd.sdk(alice)).CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("jobs")})
	if err != nil || aws.ToString(q.QueueUrl) != "http://127.0.0.1:5000/123456789012/jobs" {
		t.Fatalf("CreateQueue: %v %v", q, err)
	}

	_, err = fd.s3(alice).GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("other"), Key: aws.String("x")})
	if ae := apiError(t, err, "AccessDenied"); httpStatus(err) != 403 || ae.ErrorMessage() != "Access Denied" {
		t.Errorf("another bucket: %d %s", httpStatus(err), ae.ErrorMessage())
	}
	_, err = dynamodb.NewFromConfig(fd.sdk(alice)).ListTables(ctx, &dynamodb.ListTablesInput{})
	ae := apiError(t, err, "AccessDeniedException")
	if want := "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: dynamodb:ListTables on resource: * because no identity-based policy allows the dynamodb:ListTables action"; httpStatus(err) != 400 || ae.ErrorMessage() != want {
		t.Errorf("DynamoDB: %d %q", httpStatus(err), ae.ErrorMessage())
	}
	if got := fd.upstream.Received(); len(got) != 3 {
		t.Fatalf("the upstream received %d calls, want the 3 allowed", len(got))
	}
	if e := fd.audited(t, "s3:GetObject", "arn:aws:s3:::other/x"); e.Decision != "denied" || e.ErrorCode != "AccessDenied" {
		t.Errorf("audited %+v", e)
	}
	if e := fd.audited(t, "dynamodb:ListTables", "*"); e.Decision != "denied" || e.ErrorCode != "AccessDeniedException" {
		t.Errorf("audited %+v", e)
	}
	for _, b := range []*syncBuffer{fd.audit, fd.log} {
		b.mu.Lock()
		s := b.buf.String()
		b.mu.Unlock()
		if strings.Contains(s, frontUpstreamKeys.SecretAccessKey) || strings.Contains(s, alice.SecretAccessKey) {
			t.Fatal("a secret key reached the audit log or the log")
		}
	}
}

func TestFrontDoorNeverForwardsWhatIamdServes(t *testing.T) {
	fd := startFrontDoor(t, frontapi.EnforceOn, false)
	ctx := context.Background()
	cfg := fd.config(fd.root)
	if _, err := fd.iam(fd.root).ListUsers(ctx, &awsiam.ListUsersInput{}); err != nil {
		t.Fatal(err)
	}
	if _, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}
	if _, err := secretsmanager.NewFromConfig(cfg).ListSecrets(ctx, &secretsmanager.ListSecretsInput{}); err != nil {
		t.Fatal(err)
	}
	if _, err := ec2.NewFromConfig(cfg).DescribeInstances(ctx, &ec2.DescribeInstancesInput{}); err != nil {
		t.Fatal(err)
	}
	if got := fd.upstream.Received(); len(got) != 0 {
		t.Fatalf("a call iamd serves reached the upstream: %+v", got)
	}
}

func TestFrontDoorSoftModeForwardsAndRecordsTheDenial(t *testing.T) {
	fd := startFrontDoor(t, frontapi.EnforceLog, false)
	bob := userWithKey(t, fd.testServer, "bob", "")
	out, err := dynamodb.NewFromConfig(fd.sdk(bob)).ListTables(context.Background(), &dynamodb.ListTablesInput{})
	if err != nil || len(out.TableNames) != 1 {
		t.Fatalf("ListTables: %v %v", out, err)
	}
	if got := fd.upstream.Received(); len(got) != 1 {
		t.Fatalf("the upstream received %d calls, want 1", len(got))
	}
	e := fd.audited(t, "dynamodb:ListTables", "*")
	if e.Decision != "would-be-denied" || e.ErrorCode != "" {
		t.Errorf("audited %+v, want would-be-denied", e)
	}
	recs := fd.log.records(t, "would be denied (--enforce log): forwarded anyway")
	if len(recs) != 1 || recs[0]["request_id"] != e.RequestID || recs[0]["action"] != "dynamodb:ListTables" || recs[0]["resource"] != "*" {
		t.Fatalf("logged %v, want the denial with the audit line's request id %s", recs, e.RequestID)
	}
}

func TestUnknownServiceWithoutUpstreamAnswersInItsProtocol(t *testing.T) {
	fd := startFrontDoor(t, frontapi.EnforceOn, true)
	ctx := context.Background()
	alice := userWithKey(t, fd.testServer, "alice", "")
	_, err := dynamodb.NewFromConfig(fd.sdk(alice)).ListTables(ctx, &dynamodb.ListTablesInput{})
	if ae := apiError(t, err, "UnknownService"); !strings.Contains(ae.ErrorMessage(), "--upstream dynamodb=URL") {
		t.Errorf("message %q does not say how to point iamd at an upstream", ae.ErrorMessage())
	}
	_, err = fd.s3(alice).ListBuckets(ctx, &s3.ListBucketsInput{})
	apiError(t, err, "UnknownService")

	// A request refused before any service serves it is answered in its service's protocol.
	r, _ := http.NewRequest(http.MethodGet, fd.endpoint+"/", nil)
	wrong := sigv4.Credentials{AccessKeyID: alice.AccessKeyID, SecretAccessKey: "not-the-secret"}
	if err := sigv4.Sign(r, nil, wrong, "us-east-1", "s3", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 403 || resp.Header.Get("Content-Type") != "application/xml" || !strings.Contains(string(body), "<Error><Code>SignatureDoesNotMatch</Code>") {
		t.Errorf("a bad S3 signature: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	if got := fd.upstream.Received(); len(got) != 0 {
		t.Fatalf("the upstream received %+v", got)
	}
}
