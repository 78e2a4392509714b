package frontdoor

import (
	"sort"
	"testing"
)

// A seed flow's call, decoded from its request and authorized with the real models and
// catalog.
type flowCase struct {
	name      string
	signing   string // the credential scope's service
	method    string
	url       string
	body      string
	headers   []string
	op        string   // the operation decoded
	want      []string // the plan's requests, "action resource"
	keys      []string // the first request's condition keys, when set
	underived []string
}

func (tc flowCase) run(t *testing.T) {
	t.Helper()
	c := decode(t, tc.signing, signedRequest(tc.signing, tc.method, tc.url, tc.body, tc.headers...), tc.body)
	if c.Operation.Name != tc.op {
		t.Fatalf("operation = %s, want %s", c.Operation.Name, tc.op)
	}
	p := plan(t, c)
	if got := lines(p); !equal(got, tc.want) {
		t.Errorf("requests:\n got %q\nwant %q", got, tc.want)
	}
	if tc.keys != nil {
		if got := keysOf(p, 0); !equal(got, tc.keys) {
			t.Errorf("keys:\n got %q\nwant %q", got, tc.keys)
		}
	}
	if !equal(p.Underived, tc.underived) {
		t.Errorf("underived = %q, want %q", p.Underived, tc.underived)
	}
}

// s3Keys0 are the keys every SigV4 header-signed S3 request sets.
var s3Keys0 = []string{"s3:authType=REST-HEADER", "s3:signatureversion=AWS4-HMAC-SHA256"}

func withS3Keys(keys ...string) []string {
	out := append(append([]string(nil), keys...), s3Keys0...)
	sort.Strings(out)
	return out
}

func TestSeedFlows(t *testing.T) {
	const sha = "x-amz-content-sha256: UNSIGNED-PAYLOAD"
	cases := []flowCase{
		{name: "s3 GetObject path-style", signing: "s3", method: "GET", url: "http://localhost:4566/tower-bucket/runs/a%20b.txt",
			op: "GetObject", want: []string{"s3:GetObject arn:aws:s3:::tower-bucket/runs/a b.txt"}, keys: withS3Keys()},
		{name: "s3 GetObject virtual-hosted", signing: "s3", method: "GET", url: "http://tower-bucket.s3.us-west-2.amazonaws.com/runs/x",
			headers: []string{sha},
			op:      "GetObject", want: []string{"s3:GetObject arn:aws:s3:::tower-bucket/runs/x"},
			keys: withS3Keys("s3:x-amz-content-sha256=UNSIGNED-PAYLOAD")},
		{name: "s3 PutObject virtual-hosted LocalStack", signing: "s3", method: "PUT", url: "http://tower-bucket.s3.localhost.localstack.cloud:4566/dir/obj",
			body: "data", headers: []string{"x-amz-server-side-encryption: AES256"},
			op: "PutObject", want: []string{"s3:PutObject arn:aws:s3:::tower-bucket/dir/obj"},
			keys: withS3Keys("s3:x-amz-server-side-encryption=AES256")},
		{name: "s3 PutObject localhost subdomain", signing: "s3", method: "PUT", url: "http://tower-bucket.localhost:9000/obj",
			op: "PutObject", want: []string{"s3:PutObject arn:aws:s3:::tower-bucket/obj"}},
		{name: "s3 ListObjectsV2 with prefix", signing: "s3", method: "GET", url: "http://s3.amazonaws.com/tower-bucket?list-type=2&prefix=runs%2F&delimiter=%2F&max-keys=100",
			op: "ListObjectsV2", want: []string{"s3:ListBucket arn:aws:s3:::tower-bucket"},
			keys: withS3Keys("s3:delimiter=/", "s3:max-keys=100", "s3:prefix=runs/")},
		{name: "s3 ListObjectsV2 virtual-hosted", signing: "s3", method: "GET", url: "http://tower-bucket.s3.amazonaws.com/?list-type=2&prefix=a",
			op: "ListObjectsV2", want: []string{"s3:ListBucket arn:aws:s3:::tower-bucket"}},
		{name: "s3 HeadObject", signing: "s3", method: "HEAD", url: "http://localhost:4566/tower-bucket/k",
			op: "HeadObject", want: []string{"s3:GetObject arn:aws:s3:::tower-bucket/k"}},
		{name: "s3 CreateMultipartUpload", signing: "s3", method: "POST", url: "http://localhost:4566/b/big?uploads",
			op: "CreateMultipartUpload", want: []string{"s3:PutObject arn:aws:s3:::b/big"}},
		{name: "s3 UploadPart", signing: "s3", method: "PUT", url: "http://localhost:4566/b/big?partNumber=1&uploadId=u1",
			op: "UploadPart", want: []string{"s3:PutObject arn:aws:s3:::b/big"}},
		{name: "s3 CompleteMultipartUpload", signing: "s3", method: "POST", url: "http://localhost:4566/b/big?uploadId=u1",
			body: "<CompleteMultipartUpload/>",
			op:   "CompleteMultipartUpload", want: []string{"s3:PutObject arn:aws:s3:::b/big"}},
		{name: "s3 AbortMultipartUpload", signing: "s3", method: "DELETE", url: "http://localhost:4566/b/big?uploadId=u1",
			op: "AbortMultipartUpload", want: []string{"s3:AbortMultipartUpload arn:aws:s3:::b/big"}},
		{name: "s3 ListParts", signing: "s3", method: "GET", url: "http://b.s3.amazonaws.com/big?uploadId=u1",
			op: "ListParts", want: []string{"s3:ListMultipartUploadParts arn:aws:s3:::b/big"}},

		{name: "ec2 DescribeSubnets", signing: "ec2", method: "POST", url: "http://localhost:4566/",
			body: "Action=DescribeSubnets&Version=2016-11-15&SubnetId.1=subnet-1", headers: []string{"Content-Type: application/x-www-form-urlencoded"},
			op: "DescribeSubnets", want: []string{"ec2:DescribeSubnets *"}, keys: []string{"ec2:Region=us-west-2"}},
		{name: "ec2 DescribeVpcs", signing: "ec2", method: "POST", url: "http://localhost:4566/",
			body: "Action=DescribeVpcs&Version=2016-11-15", headers: []string{"Content-Type: application/x-www-form-urlencoded"},
			op: "DescribeVpcs", want: []string{"ec2:DescribeVpcs *"}},

		{name: "batch DescribeComputeEnvironments", signing: "batch", method: "POST", url: "http://localhost:4566/v1/describecomputeenvironments",
			body: `{"computeEnvironments":["tower-ce"]}`, headers: []string{"Content-Type: application/json"},
			op: "DescribeComputeEnvironments", want: []string{"batch:DescribeComputeEnvironments *"}},
		{name: "batch CreateComputeEnvironment", signing: "batch", method: "POST", url: "http://localhost:4566/v1/createcomputeenvironment",
			body: `{"computeEnvironmentName":"tower-ce","type":"MANAGED","tags":{"team":"genomics"}}`, headers: []string{"Content-Type: application/json"},
			op: "CreateComputeEnvironment", want: []string{"batch:CreateComputeEnvironment arn:aws:batch:us-west-2:111122223333:compute-environment/tower-ce"},
			keys: []string{"aws:RequestTag/team=genomics", "aws:TagKeys=team"}},

		{name: "ssm GetParameters", signing: "ssm", method: "POST", url: "http://localhost:4566/",
			body: `{"Names":["/tower/db-password","plain",
				"arn:aws:ssm:us-east-1:444455556666:parameter/shared/x"],"WithDecryption":true}`,
			headers: []string{"X-Amz-Target: AmazonSSM.GetParameters", "Content-Type: application/x-amz-json-1.1"},
			op:      "GetParameters", want: []string{
				"ssm:GetParameters arn:aws:ssm:us-west-2:111122223333:parameter/tower/db-password",
				"ssm:GetParameters arn:aws:ssm:us-west-2:111122223333:parameter/plain",
				"ssm:GetParameters arn:aws:ssm:us-east-1:444455556666:parameter/shared/x",
			}},

		{name: "dynamodb ListTables", signing: "dynamodb", method: "POST", url: "http://localhost:4566/",
			body: `{}`, headers: []string{"X-Amz-Target: DynamoDB_20120810.ListTables", "Content-Type: application/x-amz-json-1.0"},
			op: "ListTables", want: []string{"dynamodb:ListTables *"}},
		{name: "dynamodb GetItem", signing: "dynamodb", method: "POST", url: "http://localhost:4566/",
			body:    `{"TableName":"parallelcluster-c1","Key":{"id":{"S":"x"}},"AttributesToGet":["id","v"]}`,
			headers: []string{"X-Amz-Target: DynamoDB_20120810.GetItem", "Content-Type: application/x-amz-json-1.0"},
			op:      "GetItem", want: []string{"dynamodb:GetItem arn:aws:dynamodb:us-west-2:111122223333:table/parallelcluster-c1"},
			keys: []string{"dynamodb:Attributes=id,v"}},

		{name: "sqs SendMessage JSON", signing: "sqs", method: "POST", url: "http://localhost:4566/",
			body:    `{"QueueUrl":"http://localhost:4566/000000000000/parallelcluster-q","MessageBody":"hi"}`,
			headers: []string{"X-Amz-Target: AmazonSQS.SendMessage", "Content-Type: application/x-amz-json-1.0"},
			op:      "SendMessage", want: []string{"sqs:SendMessage arn:aws:sqs:us-west-2:000000000000:parallelcluster-q"}},
		{name: "sqs SendMessage query to the queue's URL", signing: "sqs", method: "POST", url: "https://sqs.eu-west-1.amazonaws.com/123456789012/q1",
			body: "Action=SendMessage&MessageBody=hi", headers: []string{"Content-Type: application/x-www-form-urlencoded"},
			op: "SendMessage", want: []string{"sqs:SendMessage arn:aws:sqs:eu-west-1:123456789012:q1"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, tc.run)
	}
}
