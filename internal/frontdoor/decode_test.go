package frontdoor

import (
	"reflect"
	"testing"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/opmodel"
)

const form = "Content-Type: application/x-www-form-urlencoded"

func TestDecodeUnknownOperationIsTheProtocolsError(t *testing.T) {
	cases := []struct {
		name, signing, method, url, body string
		headers                          []string
		code, message                    string
	}{
		{"query", "sns", "POST", "http://localhost/", "Action=Nope&Version=2010-03-31", []string{form},
			"InvalidAction", "Could not find operation Nope for version 2010-03-31."},
		{"query without Action", "monitoring", "POST", "http://localhost/", "Version=2010-08-01", []string{form},
			"MissingAction", "Missing Action"},
		{"ec2", "ec2", "POST", "http://localhost/", "Action=DescribeNothing&Version=2016-11-15", []string{form},
			"InvalidAction", "The action DescribeNothing is not valid for this web service."},
		{"ec2 without Action", "ec2", "POST", "http://localhost/", "Version=2016-11-15", []string{form},
			"MissingAction", "The request must contain the parameter Action"},
		{"json", "dynamodb", "POST", "http://localhost/", "{}", []string{"X-Amz-Target: DynamoDB_20120810.Nope"},
			"UnknownOperationException", "DynamoDB_20120810.Nope is not an operation of dynamodb."},
		{"json of another prefix", "dynamodb", "POST", "http://localhost/", "{}", []string{"X-Amz-Target: AmazonSSM.GetParameter"},
			"UnknownOperationException", "AmazonSSM.GetParameter is not an operation of dynamodb."},
		{"json body not an object", "ssm", "POST", "http://localhost/", "[1]", []string{"X-Amz-Target: AmazonSSM.GetParameter"},
			"SerializationException", "The request body is not a JSON object."},
		{"rest-json", "batch", "GET", "http://localhost/v1/nothing", "", nil,
			"UnknownOperationException", "GET /v1/nothing is not an operation of batch."},
		{"s3", "s3", "PATCH", "http://localhost/bucket/key", "", nil,
			"MethodNotAllowed", "The specified method is not allowed against this resource."},
	}
	m := opmodel.Default()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode(m, m.BySigningName(tc.signing), signedRequest(tc.signing, tc.method, tc.url, tc.body, tc.headers...), []byte(tc.body))
			e, ok := awserr.As(err)
			if !ok || e.Code != tc.code || e.Message != tc.message {
				t.Fatalf("error = %v, want %s: %s", err, tc.code, tc.message)
			}
		})
	}
}

func TestDecodeParameters(t *testing.T) {
	cases := []struct {
		name, signing, method, url, body string
		headers                          []string
		service, op                      string
		params                           map[string][]string // those checked
		tags                             map[string]string
		tagKeys                          []string
	}{
		{name: "query lists and tags", signing: "cloudformation", method: "POST", url: "http://localhost/",
			body: "Action=CreateStack&StackName=pc-1&Capabilities.member.2=CAPABILITY_NAMED_IAM&Capabilities.member.1=CAPABILITY_IAM" +
				"&Tags.member.1.Key=team&Tags.member.1.Value=hpc&Tags.member.2.Key=cost&Tags.member.2.Value=42",
			headers: []string{form}, service: "cloudformation", op: "CreateStack",
			params: map[string][]string{"StackName": {"pc-1"}, "Capabilities": {"CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"}},
			tags:   map[string]string{"team": "hpc", "cost": "42"}, tagKeys: []string{"cost", "team"}},
		{name: "query in the URL", signing: "monitoring", method: "GET", url: "http://localhost/?Action=DescribeAlarms&AlarmNames.member.1=a1",
			service: "monitoring", op: "DescribeAlarms", params: map[string][]string{"AlarmNames": {"a1"}}},
		{name: "ec2 lists and tag specifications", signing: "ec2", method: "POST", url: "http://localhost/",
			body: "Action=CreateVpc&CidrBlock=10.0.0.0%2F16&TagSpecification.1.ResourceType=vpc" +
				"&TagSpecification.1.Tag.1.Key=Name&TagSpecification.1.Tag.1.Value=main",
			headers: []string{form}, service: "ec2", op: "CreateVpc",
			params: map[string][]string{"CidrBlock": {"10.0.0.0/16"}}, tags: map[string]string{"Name": "main"}, tagKeys: []string{"Name"}},
		{name: "ec2 flattened list", signing: "ec2", method: "POST", url: "http://localhost/",
			body: "Action=DeleteTags&ResourceId.1=subnet-1&ResourceId.2=vpc-2&Tag.1.Key=env", headers: []string{form},
			service: "ec2", op: "DeleteTags", params: map[string][]string{"Resources": {"subnet-1", "vpc-2"}},
			tags: map[string]string{"env": ""}, tagKeys: []string{"env"}},
		{name: "sqs in the query protocol", signing: "sqs", method: "POST", url: "http://localhost:4566/",
			body: "Action=CreateQueue&QueueName=q1&Tag.1.Key=team&Tag.1.Value=a", headers: []string{form},
			service: "sqs", op: "CreateQueue", params: map[string][]string{"QueueName": {"q1"}},
			tags: map[string]string{"team": "a"}, tagKeys: []string{"team"}},
		{name: "json scalars, lists, maps' keys, tag list", signing: "dynamodb", method: "POST", url: "http://localhost/",
			body: `{"TableName":"t1","BillingMode":"PAY_PER_REQUEST","ProvisionedThroughput":{"ReadCapacityUnits":5},` +
				`"Tags":[{"Key":"team","Value":"db"}],"KeySchema":[{"AttributeName":"id","KeyType":"HASH"}]}`,
			headers: []string{"X-Amz-Target: DynamoDB_20120810.CreateTable"}, service: "dynamodb", op: "CreateTable",
			params: map[string][]string{"TableName": {"t1"}, "BillingMode": {"PAY_PER_REQUEST"}},
			tags:   map[string]string{"team": "db"}, tagKeys: []string{"team"}},
		{name: "json of another service signing alike", signing: "dynamodb", method: "POST", url: "http://localhost/",
			body:    `{"StreamArn":"arn:aws:dynamodb:us-west-2:111122223333:table/t/stream/2025","Limit":10}`,
			headers: []string{"X-Amz-Target: DynamoDBStreams_20120810.DescribeStream"}, service: "streams.dynamodb", op: "DescribeStream",
			params: map[string][]string{"StreamArn": {"arn:aws:dynamodb:us-west-2:111122223333:table/t/stream/2025"}, "Limit": {"10"}}},
		{name: "query of another service signing alike, by its Version", signing: "elasticloadbalancing", method: "POST", url: "http://localhost/",
			body: "Action=DescribeTargetGroups&Version=2015-12-01&Names.member.1=parallelcluster-tg", headers: []string{form},
			service: "elasticloadbalancingv2", op: "DescribeTargetGroups", params: map[string][]string{"Names": {"parallelcluster-tg"}}},
		{name: "query of an action both versions have, by its Version", signing: "elasticloadbalancing", method: "POST", url: "http://localhost/",
			body: "Action=DescribeLoadBalancers&Version=2015-12-01&Names.member.1=web", headers: []string{form},
			service: "elasticloadbalancingv2", op: "DescribeLoadBalancers", params: map[string][]string{"Names": {"web"}}},
		{name: "query of the first service signing alike, by its Version", signing: "elasticloadbalancing", method: "POST", url: "http://localhost/",
			body: "Action=DescribeLoadBalancers&Version=2012-06-01&LoadBalancerNames.member.1=web", headers: []string{form},
			service: "elasticloadbalancing", op: "DescribeLoadBalancers", params: map[string][]string{"LoadBalancerNames": {"web"}}},
		{name: "rest-json labels, query string tag keys", signing: "lambda", method: "DELETE",
			url:     "http://localhost/2017-03-31/tags/arn%3Aaws%3Alambda%3Aus-west-2%3A111122223333%3Afunction%3Af?tagKeys=a&tagKeys=b",
			service: "lambda", op: "UntagResource",
			params:  map[string][]string{"Resource": {"arn:aws:lambda:us-west-2:111122223333:function:f"}, "TagKeys": {"a", "b"}},
			tagKeys: []string{"a", "b"}},
		{name: "rest-json body map tags", signing: "lambda", method: "POST",
			url: "http://localhost/2017-03-31/tags/arn%3Aaws%3Alambda%3Aus-west-2%3A111122223333%3Afunction%3Af", body: `{"Tags":{"team":"x"}}`,
			service: "lambda", op: "TagResource", tags: map[string]string{"team": "x"}, tagKeys: []string{"team"}},
		{name: "rest-xml headers and query string", signing: "s3", method: "GET", url: "http://localhost/b/k?versionId=v1",
			headers: []string{"Range: bytes=0-9"}, service: "s3", op: "GetObject",
			params: map[string][]string{"Bucket": {"b"}, "Key": {"k"}, "VersionId": {"v1"}, "Range": {"bytes=0-9"}}},
		{name: "s3 object tagging header", signing: "s3", method: "PUT", url: "http://b.s3.amazonaws.com/k",
			headers: []string{"x-amz-tagging: team=a&env=prod"}, service: "s3", op: "PutObject",
			tags: map[string]string{"team": "a", "env": "prod"}, tagKeys: []string{"env", "team"}},
		{name: "s3 tagging body", signing: "s3", method: "PUT", url: "http://localhost/b/k?tagging",
			body:    `<Tagging><TagSet><Tag><Key>team</Key><Value>a</Value></Tag><Tag><Key>env</Key><Value>p</Value></Tag></TagSet></Tagging>`,
			service: "s3", op: "PutObjectTagging", tags: map[string]string{"team": "a", "env": "p"}, tagKeys: []string{"env", "team"}},
		{name: "s3 control signs as s3", signing: "s3", method: "GET", url: "http://111122223333.s3-control.us-west-2.amazonaws.com/v20180820/accesspoint/ap1",
			headers: []string{"x-amz-account-id: 111122223333"}, service: "s3control", op: "GetAccessPoint",
			params: map[string][]string{"Name": {"ap1"}, "AccountId": {"111122223333"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := decode(t, tc.signing, signedRequest(tc.signing, tc.method, tc.url, tc.body, tc.headers...), tc.body)
			if c.Service.ID != tc.service || c.Operation.Name != tc.op {
				t.Fatalf("decoded %s %s, want %s %s", c.Service.ID, c.Operation.Name, tc.service, tc.op)
			}
			if c.Region != "us-west-2" {
				t.Errorf("region = %q", c.Region)
			}
			for k, want := range tc.params {
				if got := c.Params[k]; !reflect.DeepEqual(got, want) {
					t.Errorf("Params[%s] = %q, want %q", k, got, want)
				}
			}
			if len(c.Tags) != len(tc.tags) || (len(tc.tags) > 0 && !reflect.DeepEqual(c.Tags, tc.tags)) {
				t.Errorf("Tags = %v, want %v", c.Tags, tc.tags)
			}
			if !equal(c.TagKeys, tc.tagKeys) {
				t.Errorf("TagKeys = %q, want %q", c.TagKeys, tc.tagKeys)
			}
		})
	}
}

func TestDecodePresignedRegion(t *testing.T) {
	r := signedRequest("s3", "GET", "http://localhost/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20250101%2Feu-central-1%2Fs3%2Faws4_request&X-Amz-Signature=00", "")
	r.Header.Del("Authorization")
	c := decode(t, "s3", r, "")
	if c.Region != "eu-central-1" || !c.Presigned {
		t.Fatalf("region %q presigned %v", c.Region, c.Presigned)
	}
	p := plan(t, c)
	if got := keysOf(p, 0); !equal(got, []string{"s3:authType=REST-QUERY-STRING", "s3:signatureversion=AWS4-HMAC-SHA256"}) {
		t.Errorf("keys = %q", got)
	}
}

func TestHostBucket(t *testing.T) {
	cases := map[string]string{
		"tower.s3.amazonaws.com":                                 "tower",
		"tower.s3.us-west-2.amazonaws.com":                       "tower",
		"my.dotted.bucket.s3.us-west-2.amazonaws.com":            "my.dotted.bucket",
		"tower.s3-us-west-2.amazonaws.com":                       "tower",
		"tower.s3.dualstack.us-east-1.amazonaws.com":             "tower",
		"tower.s3-fips.us-east-1.amazonaws.com":                  "tower",
		"tower.localhost":                                        "tower",
		"tower.localhost:4566":                                   "tower",
		"tower.s3.localhost.localstack.cloud:4566":               "tower",
		"tower.localhost.localstack.cloud":                       "tower",
		"s3.amazonaws.com":                                       "",
		"s3.us-west-2.amazonaws.com":                             "",
		"s3.localhost.localstack.cloud:4566":                     "",
		"localhost:4566":                                         "",
		"127.0.0.1:9000":                                         "",
		"[::1]:9000":                                             "",
		"minio.internal:9000":                                    "",
		"111122223333.s3-control.us-west-2.amazonaws.com":        "",
		"ap-111122223333.s3-accesspoint.us-west-2.amazonaws.com": "",
	}
	for host, want := range cases {
		if got := hostBucket(host); got != want {
			t.Errorf("hostBucket(%q) = %q, want %q", host, got, want)
		}
	}
}
