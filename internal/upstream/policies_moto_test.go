package upstream

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/resourcepolicy"
	"github.com/iamd-dev/iamd/internal/upstream/upstreamtest"
)

// motoAccount is the account moto keeps its resources under.
const motoAccount = "123456789012"

// motoUpstream is moto, called as the front door calls it.
type motoUpstream struct {
	t      *testing.T
	client *Client
	target Target
}

// call sends a request to moto for the service and returns its answer, failing the test
// unless it succeeded.
func (m *motoUpstream) call(service string, o outgoing) []byte {
	m.t.Helper()
	status, _, body, err := m.client.send(context.Background(), o, m.target, "us-east-1", service)
	if err != nil || status/100 != 2 {
		m.t.Fatalf("%s %s %s: %d %s %v", service, o.method, o.path, status, body, err)
	}
	return body
}

func form(values url.Values) outgoing {
	return outgoing{method: "POST", path: "/", body: []byte(values.Encode()),
		header: map[string][]string{"Content-Type": {"application/x-www-form-urlencoded; charset=utf-8"}}}
}

// grant is a resource policy with one statement, Sid "Door", for the resource.
func grant(action, resource string) string {
	return `{"Version":"2012-10-17","Statement":[{"Sid":"Door","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":"` +
		action + `","Resource":"` + resource + `"}]}`
}

// lambdaZip is a deployment package of one handler.
func lambdaZip(t *testing.T) string {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	w, _ := z.Create("index.py")
	_, _ = w.Write([]byte("def handler(event, context):\n    return event\n"))
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}

// Each kind of policy is read from moto with the upstream's keys: the policy a resource
// holds, "" for one that holds none, and for one that does not exist.
func TestPolicyReaderReadsMotosPolicies(t *testing.T) {
	moto := upstreamtest.Moto(t)
	m := &motoUpstream{t: t, client: NewClient(Limits{}, nil), target: Target{URL: moto, Credentials: upstreamtest.MotoKeys}}

	bucketPolicy := grant("s3:GetObject", "arn:aws:s3:::rp-bucket/*")
	m.call("s3", outgoing{method: "PUT", path: "/rp-bucket"})
	m.call("s3", outgoing{method: "PUT", path: "/rp-bucket", query: "policy", body: []byte(bucketPolicy)})
	m.call("s3", outgoing{method: "PUT", path: "/rp-bare"})

	queueARN := "arn:aws:sqs:us-east-1:" + motoAccount + ":rp-queue"
	m.call("sqs", jsonCall("1.0", "AmazonSQS.CreateQueue", map[string]any{"QueueName": "rp-queue",
		"Attributes": map[string]string{"Policy": grant("sqs:SendMessage", queueARN)}}))
	m.call("sqs", jsonCall("1.0", "AmazonSQS.CreateQueue", map[string]any{"QueueName": "rp-bare"}))

	topicARN := "arn:aws:sns:us-east-1:" + motoAccount + ":rp-topic"
	m.call("sns", form(url.Values{"Action": {"CreateTopic"}, "Name": {"rp-topic"}}))
	m.call("sns", form(url.Values{"Action": {"SetTopicAttributes"}, "TopicArn": {topicARN},
		"AttributeName": {"Policy"}, "AttributeValue": {grant("sns:Publish", topicARN)}}))

	var key struct{ KeyMetadata struct{ Arn string } }
	if err := json.Unmarshal(m.call("kms", jsonCall("1.1", "TrentService.CreateKey", map[string]any{})), &key); err != nil {
		t.Fatal(err)
	}

	m.call("iam", form(url.Values{"Action": {"CreateRole"}, "Version": {"2010-05-08"}, "RoleName": {"rp-lambda"},
		"AssumeRolePolicyDocument": {`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`}}))
	fn, _ := json.Marshal(map[string]any{"FunctionName": "rp-fn", "Runtime": "python3.12", "Handler": "index.handler",
		"Role": "arn:aws:iam::" + motoAccount + ":role/rp-lambda", "Code": map[string]string{"ZipFile": lambdaZip(t)}})
	m.call("lambda", outgoing{method: "POST", path: "/2015-03-31/functions", body: fn, header: map[string][]string{"Content-Type": {"application/json"}}})
	m.call("lambda", outgoing{method: "POST", path: "/2015-03-31/functions/rp-fn/policy", header: map[string][]string{"Content-Type": {"application/json"}},
		body: []byte(`{"StatementId":"Door","Action":"lambda:InvokeFunction","Principal":"arn:aws:iam::210987654321:root"}`)})
	m.call("lambda", outgoing{method: "POST", path: "/2015-03-31/functions", header: map[string][]string{"Content-Type": {"application/json"}},
		body: bytes.Replace(fn, []byte(`"rp-fn"`), []byte(`"rp-bare-fn"`), 1)})

	m.call("sns", form(url.Values{"Action": {"CreateTopic"}, "Name": {"rp-default"}}))

	policies := resourcepolicy.New(NewPolicyReader(m.client, Set{Default: &m.target}), resourcepolicy.Options{})
	fnARN := "arn:aws:lambda:us-east-1:" + motoAccount + ":function:"
	for _, c := range []struct {
		resource string
		sid      string // a statement of the policy read; "" for none
	}{
		{"arn:aws:s3:::rp-bucket/some/key", "Door"},
		{"arn:aws:s3:::rp-bare", ""},
		{"arn:aws:s3:::rp-missing", ""},
		{queueARN, "Door"},
		{"arn:aws:sqs:us-east-1:" + motoAccount + ":rp-bare", ""},
		{"arn:aws:sqs:us-east-1:" + motoAccount + ":rp-missing", ""},
		{topicARN, "Door"},
		{"arn:aws:sns:us-east-1:" + motoAccount + ":rp-default", "__default_statement_ID"},
		{"arn:aws:sns:us-east-1:" + motoAccount + ":rp-missing", ""},
		{key.KeyMetadata.Arn, "Enable IAM User Permissions"},
		{"arn:aws:kms:us-east-1:" + motoAccount + ":key/00000000-0000-0000-0000-000000000000", ""},
		{fnARN + "rp-fn", "Door"},
		{fnARN + "rp-bare-fn", ""},
		{fnARN + "rp-missing", ""},
	} {
		req := authz.Request{Resource: c.resource}
		if err := policies.Attach(context.Background(), &req, "us-east-1"); err != nil {
			t.Errorf("%s: %v", c.resource, err)
			continue
		}
		var sids []string
		if req.ResourcePolicy != nil {
			for _, st := range req.ResourcePolicy.Statements {
				sids = append(sids, st.Sid)
			}
		}
		if c.sid == "" && req.ResourcePolicy != nil || c.sid != "" && !slices.Contains(sids, c.sid) {
			t.Errorf("%s: read a policy of the statements %q, want %q", c.resource, sids, c.sid)
		}
		if req.ResourceAccount != motoAccount && !strings.HasPrefix(c.resource, "arn:aws:s3:") {
			t.Errorf("%s: owned by %q", c.resource, req.ResourceAccount)
		}
	}
}
