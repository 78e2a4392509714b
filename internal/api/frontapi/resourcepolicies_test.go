package frontapi

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/iamd-dev/iamd/internal/upstream/upstreamtest"
)

// otherAccount is an account other than the one the upstream keeps its buckets for.
const otherAccount = "210987654321"

// policyAnswers are the upstream's answers to the calls the resource policies let through.
var policyAnswers = map[string]upstreamtest.Answer{
	"GET /allowed/report.txt":      {Status: 200, Body: "from the upstream"},
	"GET /shared/report.txt":       {Status: 200, Body: "shared"},
	"GET /private/report.txt":      {Status: 200, Body: "private"},
	"PUT /allowed":                 {Status: 204},
	"AmazonSQS.SendMessage":        jsonAnswer("1.0", `{"MessageId":"m1"}`),
	"AmazonSQS.SetQueueAttributes": jsonAnswer("1.0", `{}`),
	"TrentService.Encrypt":         jsonAnswer("1.1", `{"KeyId":"k","CiphertextBlob":"AA=="}`),
}

// bucketPolicy is a bucket policy of one statement.
func bucketPolicy(sid, effect, principal, action, resource string) string {
	return `{"Version":"2012-10-17","Statement":[{"Sid":"` + sid + `","Effect":"` + effect + `","Principal":` + principal +
		`,"Action":"` + action + `","Resource":"` + resource + `"}]}`
}

// getObject reads report.txt of the bucket through the door.
func (f *fixture) getObject(creds aws.Credentials, bucket string) error {
	_, err := f.s3(creds).GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("report.txt")})
	return err
}

// forwarded counts the calls of the method and path that reached the upstream.
func (f *fixture) forwarded(method, path string) int {
	n := 0
	for _, r := range f.upstream.Received() {
		if r.Method == method && strings.HasPrefix(r.URI, path) {
			n++
		}
	}
	return n
}

// A bucket policy's Deny refuses what the caller's identity policy allows, and the call
// never reaches the upstream; the policy is read once, with the upstream's keys.
func TestABucketPolicyDenyRefusesWhatTheIdentityAllows(t *testing.T) {
	f := newFixture(t, EnforceOn, recording, policyAnswers)
	creds := f.user("alice", alicePolicy)
	f.upstream.HoldPolicy("arn:aws:s3:::allowed", bucketPolicy("NoReports", "Deny", `"*"`, "s3:GetObject", "arn:aws:s3:::allowed/report.txt"))

	for range 2 {
		err := f.getObject(creds, "allowed")
		if ae := apiError(t, err, "AccessDenied", 403); ae.ErrorMessage() != "Access Denied" {
			t.Errorf("message %q", ae.ErrorMessage())
		}
		if o := f.next(); o.Action != "s3:GetObject" || o.Resource != "arn:aws:s3:::allowed/report.txt" || o.Err == nil || o.Cause != nil {
			t.Errorf("outcome %+v", o)
		}
	}
	if n := f.forwarded("GET", "/allowed/report.txt"); n != 0 {
		t.Fatalf("a denied GetObject reached the upstream %d times", n)
	}
	reads := f.upstream.PolicyReads()
	if len(reads) != 1 || reads[0].URI != "/allowed?policy" || reads[0].Signed.AccessKeyID != upstreamKeys.AccessKeyID {
		t.Fatalf("the policy reads %+v, want one GetBucketPolicy signed with the upstream's keys", reads)
	}
}

// In soft mode the bucket policy's Deny is logged with its statement, and the call goes
// through.
func TestSoftModeNamesTheBucketPolicyStatement(t *testing.T) {
	f := newFixture(t, EnforceLog, recording, policyAnswers)
	creds := f.user("alice", alicePolicy)
	f.upstream.HoldPolicy("arn:aws:s3:::allowed", bucketPolicy("NoReports", "Deny", `"*"`, "s3:GetObject", "arn:aws:s3:::allowed/report.txt"))
	if err := f.getObject(creds, "allowed"); err != nil {
		t.Fatal(err)
	}
	if o := f.next(); !o.WouldDeny || f.forwarded("GET", "/allowed/report.txt") != 1 {
		t.Fatalf("outcome %+v", o)
	}
	if log := f.log.String(); !strings.Contains(log, "the bucket policy of arn:aws:s3:::allowed statement NoReports") {
		t.Errorf("the log does not name the statement: %s", log)
	}
}

// A caller of another account reaches a bucket when both its identity policy and the
// bucket's policy allow it: without the bucket policy's grant, AccessDenied.
func TestACrossAccountBucketNeedsTheBucketPolicysGrant(t *testing.T) {
	f := newFixture(t, EnforceOn, recording, policyAnswers)
	bob := f.userIn(otherAccount, "bob", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)
	nobody := f.userIn(otherAccount, "nobody", "")
	f.upstream.HoldPolicy("arn:aws:s3:::shared", bucketPolicy("Partner", "Allow", `{"AWS":"arn:aws:iam::`+otherAccount+`:root"}`, "s3:GetObject", "arn:aws:s3:::shared/*"))
	f.upstream.HoldPolicy("arn:aws:s3:::private", bucketPolicy("Other", "Allow", `{"AWS":"arn:aws:iam::444455556666:root"}`, "s3:GetObject", "arn:aws:s3:::private/*"))

	if err := f.getObject(bob, "shared"); err != nil {
		t.Fatalf("the bucket policy grants bob's account: %v", err)
	}
	f.next()
	for _, c := range []struct {
		name   string
		creds  aws.Credentials
		bucket string
	}{
		{"a bucket policy that grants another account", bob, "private"},
		{"no bucket policy", bob, "allowed"},
		{"the grant without the identity policy's", nobody, "shared"},
	} {
		apiError(t, f.getObject(c.creds, c.bucket), "AccessDenied", 403)
		if o := f.next(); o.Err == nil || o.Err.Code != "AccessDenied" {
			t.Errorf("%s: outcome %+v", c.name, o)
		}
	}
	if f.forwarded("GET", "/shared/report.txt") != 1 || f.forwarded("GET", "/private/") != 0 || f.forwarded("GET", "/allowed/") != 0 {
		t.Errorf("the upstream received %+v", f.upstream.Received())
	}
}

// A PutBucketPolicy through the door forgets the policy kept: the next call is decided by
// the new one (until then, the kept one decides).
func TestPutBucketPolicyThroughTheDoorIsSeenAtOnce(t *testing.T) {
	f := newFixture(t, EnforceOn, recording, policyAnswers)
	creds := f.user("alice", alicePolicy)
	ctx := context.Background()
	if err := f.getObject(creds, "allowed"); err != nil {
		t.Fatal(err)
	}
	f.next()
	deny := bucketPolicy("NoReports", "Deny", `"*"`, "s3:GetObject", "arn:aws:s3:::allowed/report.txt")
	f.upstream.HoldPolicy("arn:aws:s3:::allowed", deny) // changed behind the door's back
	if err := f.getObject(creds, "allowed"); err != nil {
		t.Fatalf("within the TTL the kept policy (none) decides: %v", err)
	}
	f.next()
	if _, err := f.s3(creds).PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("allowed"), Policy: aws.String(deny)}); err != nil {
		t.Fatal(err)
	}
	if o := f.next(); o.Action != "s3:PutBucketPolicy" || o.Err != nil {
		t.Fatalf("outcome %+v", o)
	}
	apiError(t, f.getObject(creds, "allowed"), "AccessDenied", 403)
	if n := len(f.upstream.PolicyReads()); n != 2 {
		t.Errorf("%d policy reads, want 2: the first call's (kept for the next two) and the one after PutBucketPolicy", n)
	}
}

// A policy that cannot be read refuses the call with the service's internal error, its
// cause kept for the log; nothing is forwarded.
func TestAPolicyThatCannotBeReadRefusesTheCall(t *testing.T) {
	f := newFixture(t, EnforceLog, recording, policyAnswers)
	creds := f.user("alice", alicePolicy)
	f.upstream.BreakPolicyReads()
	apiError(t, f.getObject(creds, "allowed"), "InternalError", 500)
	o := f.next()
	if o.Cause == nil || !strings.Contains(o.Cause.Error(), "the bucket policy of arn:aws:s3:::allowed") || o.Action != "s3:GetObject" {
		t.Errorf("outcome %+v, want the read's failure as its cause", o)
	}
	if len(f.upstream.Received()) != 0 {
		t.Errorf("the upstream received %+v", f.upstream.Received())
	}
}

// An SQS queue of another account takes messages from a caller its policy grants; a
// SetQueueAttributes through the door is seen at once.
func TestAQueuePolicyGrantsAcrossAccounts(t *testing.T) {
	f := newFixture(t, EnforceOn, recording, policyAnswers)
	const queue = "arn:aws:sqs:eu-west-1:123456789012:jobs"
	allSQS := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"` + queue + `"}]}`
	owner := sqs.NewFromConfig(f.config(f.user("owner", allSQS)))
	client := sqs.NewFromConfig(f.config(f.userIn(otherAccount, "bob", allSQS)))
	ctx := context.Background()
	send := &sqs.SendMessageInput{QueueUrl: aws.String("http://127.0.0.1:5000/123456789012/jobs"), MessageBody: aws.String("job")}

	_, err := client.SendMessage(ctx, send)
	want := "User: arn:aws:iam::" + otherAccount + ":user/bob is not authorized to perform: sqs:SendMessage on resource: " + queue +
		" because no resource-based policy allows the sqs:SendMessage action"
	if ae := apiError(t, err, "AccessDenied", 400); ae.ErrorMessage() != want {
		t.Errorf("message %q, want %q", ae.ErrorMessage(), want)
	}
	f.next()
	grant := bucketPolicy("Partner", "Allow", `{"AWS":"`+otherAccount+`"}`, "sqs:SendMessage", queue)
	f.upstream.HoldPolicy(queue, grant)
	if _, err := owner.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: send.QueueUrl, Attributes: map[string]string{"Policy": grant}}); err != nil {
		t.Fatal(err)
	}
	f.next()
	if _, err := client.SendMessage(ctx, send); err != nil {
		t.Fatalf("after SetQueueAttributes passed the door: %v", err)
	}
	f.next()
	if n := len(f.upstream.Received()); n != 2 {
		t.Errorf("the upstream received %d calls, want SetQueueAttributes and one SendMessage", n)
	}
}

// A KMS key is used as its key policy says: one that delegates to the account's IAM
// policies lets the identity policy decide; without a key policy nothing allows.
func TestAKeyPolicyIsRequired(t *testing.T) {
	f := newFixture(t, EnforceOn, recording, policyAnswers)
	creds := f.user("carol", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Encrypt","Resource":"*"}]}`)
	const key = "arn:aws:kms:eu-west-1:123456789012:key/k1"
	f.upstream.HoldPolicy(key, bucketPolicy("Enable IAM User Permissions", "Allow", `{"AWS":"arn:aws:iam::123456789012:root"}`, "kms:*", "*"))
	encrypt := func(keyID string) (int, string) {
		resp, body := f.raw(creds, "kms", "POST", "/", `{"KeyId":"`+keyID+`","Plaintext":"AA=="}`,
			map[string]string{"X-Amz-Target": "TrentService.Encrypt", "Content-Type": "application/x-amz-json-1.1"})
		f.next()
		return resp.StatusCode, body
	}
	if status, body := encrypt("k1"); status != 200 {
		t.Fatalf("a key whose policy delegates to IAM: %d %s", status, body)
	}
	if status, body := encrypt("k2"); status != 400 || !strings.Contains(body, "AccessDeniedException") {
		t.Errorf("a key of no key policy: %d %s", status, body)
	}
}
