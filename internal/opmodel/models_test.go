package opmodel

import (
	"bytes"
	"compress/gzip"
	"strings"
	"testing"
)

func TestDefaultRecordsItsSource(t *testing.T) {
	m := Default()
	if m.Source != "aws-sdk" || m.Version != "2.1693.0" {
		t.Errorf("source %s@%s, want aws-sdk@2.1693.0", m.Source, m.Version)
	}
	if len(m.Services) < 300 {
		t.Errorf("%d services; the package models about 385", len(m.Services))
	}
	for i, s := range m.Services {
		if i > 0 && m.Services[i-1].ID >= s.ID {
			t.Errorf("services out of order: %s before %s", m.Services[i-1].ID, s.ID)
		}
		if s.APIVersion == "" || s.Protocol == "" || s.SigningName == "" || len(s.Operations) == 0 {
			t.Errorf("%s: incomplete: %+v", s.ID, *s)
		}
		for j, op := range s.Operations {
			if j > 0 && s.Operations[j-1].Name >= op.Name {
				t.Errorf("%s: operations out of order: %s before %s", s.ID, s.Operations[j-1].Name, op.Name)
			}
		}
	}
}

func TestServices(t *testing.T) {
	m := Default()
	for _, tc := range []struct {
		id, apiVersion, protocol, endpointPrefix, signingName, targetPrefix, jsonVersion string
		queryCompatible                                                                  bool
	}{
		{"s3", "2006-03-01", "rest-xml", "s3", "s3", "", "", false},
		{"s3control", "2018-08-20", "rest-xml", "s3-control", "s3", "", "", false},
		{"dynamodb", "2012-08-10", "json", "dynamodb", "dynamodb", "DynamoDB_20120810", "1.0", false}, // not 2011-12-05
		{"ssm", "2014-11-06", "json", "ssm", "ssm", "AmazonSSM", "1.1", false},
		{"sqs", "2012-11-05", "json", "sqs", "sqs", "AmazonSQS", "1.0", true},
		{"lambda", "2015-03-31", "rest-json", "lambda", "lambda", "", "", false}, // not 2014-11-11
		{"batch", "2016-08-10", "rest-json", "batch", "batch", "", "1.1", false},
		{"sts", "2011-06-15", "query", "sts", "sts", "", "", false},
		{"sns", "2010-03-31", "query", "sns", "sns", "", "", false},
		{"monitoring", "2010-08-01", "query", "monitoring", "monitoring", "", "", false},
		{"ec2", "2016-11-15", "ec2", "ec2", "ec2", "", "", false},
	} {
		s := m.Service(tc.id)
		if s == nil {
			t.Errorf("%s: missing", tc.id)
			continue
		}
		got := []any{s.APIVersion, s.Protocol, s.EndpointPrefix, s.SigningName, s.TargetPrefix, s.JSONVersion, s.QueryCompatible}
		want := []any{tc.apiVersion, tc.protocol, tc.endpointPrefix, tc.signingName, tc.targetPrefix, tc.jsonVersion, tc.queryCompatible}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%s: got %v, want %v", tc.id, got, want)
				break
			}
		}
	}
	if m.Service("nope") != nil {
		t.Error(`Service("nope") is not nil`)
	}
}

func TestBySigningName(t *testing.T) {
	m := Default()
	for name, id := range map[string]string{
		"s3": "s3", "monitoring": "monitoring", "batch": "batch", "ssm": "ssm", "dynamodb": "dynamodb",
		"sqs": "sqs", "execute-api": "apigatewaymanagementapi", "ses": "email", "rds": "rds",
	} {
		if s := m.BySigningName(name); s == nil || s.ID != id {
			t.Errorf("BySigningName(%q) = %v, want %s", name, s, id)
		}
	}
	if s := m.BySigningName("no-such-service"); s != nil {
		t.Errorf("BySigningName(no-such-service) = %s", s.ID)
	}
	var ids []string
	for _, s := range m.AllBySigningName("s3") {
		ids = append(ids, s.ID)
	}
	if got := strings.Join(ids, " "); got != "s3 s3control" {
		t.Errorf("AllBySigningName(s3) = %s", got)
	}
}

func TestOperationsAndMembers(t *testing.T) {
	m := Default()
	for _, tc := range []struct {
		service, operation, method, requestURI string
		member                                 Member
	}{
		{"s3", "PutObject", "PUT", "/{Bucket}/{Key+}", Member{Name: "Bucket", Location: "uri", Type: "string", Required: true}},
		{"s3", "PutObject", "PUT", "/{Bucket}/{Key+}", Member{Name: "Key", Location: "uri", Type: "string", Required: true}},
		{"s3", "PutObject", "PUT", "/{Bucket}/{Key+}", Member{Name: "ACL", Location: "header", LocationName: "x-amz-acl", Type: "string"}},
		{"s3", "PutObject", "PUT", "/{Bucket}/{Key+}", Member{Name: "Body", Type: "blob"}},
		{"s3", "ListObjectsV2", "GET", "/{Bucket}?list-type=2", Member{Name: "Prefix", Location: "querystring", LocationName: "prefix", Type: "string"}},
		{"s3", "ListObjectsV2", "GET", "/{Bucket}?list-type=2", Member{Name: "MaxKeys", Location: "querystring", LocationName: "max-keys", Type: "integer"}},
		{"s3", "PutObject", "PUT", "/{Bucket}/{Key+}", Member{Name: "Metadata", Location: "headers", LocationName: "x-amz-meta-", Type: "map"}},
		{"s3", "ListBuckets", "GET", "/", Member{Name: "MaxBuckets", Location: "querystring", LocationName: "max-buckets", Type: "integer"}},
		{"lambda", "GetFunction", "GET", "/2015-03-31/functions/{FunctionName}", Member{Name: "Qualifier", Location: "querystring", Type: "string"}},
		{"sqs", "SendMessage", "POST", "/", Member{Name: "QueueUrl", Type: "string", Required: true}},
		{"dynamodb", "PutItem", "POST", "/", Member{Name: "Item", Type: "map", Required: true}},
		{"sts", "AssumeRole", "POST", "/", Member{Name: "Tags", Type: "list"}},
		{"ec2", "DescribeInstances", "POST", "/", Member{Name: "InstanceIds", LocationName: "InstanceId", Type: "list"}},
		{"ec2", "DescribeInstances", "POST", "/", Member{Name: "DryRun", Type: "boolean"}}, // locationName dryRun: the key is DryRun
	} {
		op := m.Service(tc.service).Operation(tc.operation)
		if op == nil {
			t.Errorf("%s.%s: missing", tc.service, tc.operation)
			continue
		}
		if op.Method != tc.method || op.RequestURI != tc.requestURI {
			t.Errorf("%s.%s: %s %s, want %s %s", tc.service, tc.operation, op.Method, op.RequestURI, tc.method, tc.requestURI)
		}
		if got, ok := member(op, tc.member.Name); !ok || got != tc.member {
			t.Errorf("%s.%s: member %+v, want %+v", tc.service, tc.operation, got, tc.member)
		}
	}
	if m.Service("s3").Operation("NoSuchOperation") != nil {
		t.Error("s3.NoSuchOperation is not nil")
	}
	if !m.Service("s3").Operation("GetBucketLifecycle").Deprecated || m.Service("s3").Operation("GetBucketLifecycleConfiguration").Deprecated {
		t.Error("GetBucketLifecycle should be deprecated, GetBucketLifecycleConfiguration not")
	}
}

func TestOperationByTarget(t *testing.T) {
	m := Default()
	for _, tc := range []struct{ service, target, want string }{
		{"sqs", "AmazonSQS.SendMessage", "SendMessage"},
		{"dynamodb", "DynamoDB_20120810.PutItem", "PutItem"},
		{"ssm", "AmazonSSM.GetParameter", "GetParameter"},
		{"dynamodb", "DynamoDB_20111205.PutItem", ""}, // the old API version's prefix
		{"ssm", "AmazonSSM.NoSuchOperation", ""},
		{"ssm", "GetParameter", ""},
		{"s3", ".GetObject", ""}, // no target prefix
	} {
		got := ""
		if op := m.Service(tc.service).OperationByTarget(tc.target); op != nil {
			got = op.Name
		}
		if got != tc.want {
			t.Errorf("%s: OperationByTarget(%q) = %q, want %q", tc.service, tc.target, got, tc.want)
		}
	}
}

func member(op *Operation, name string) (Member, bool) {
	for _, m := range op.Input {
		if m.Name == name {
			return m, true
		}
	}
	return Member{}, false
}

func TestWireName(t *testing.T) {
	if got := (Member{Name: "ACL", LocationName: "x-amz-acl"}).WireName(); got != "x-amz-acl" {
		t.Errorf("WireName = %s", got)
	}
	if got := (Member{Name: "Bucket"}).WireName(); got != "Bucket" {
		t.Errorf("WireName = %s", got)
	}
}

func TestLoadRejectsMalformedData(t *testing.T) {
	for name, text := range map[string]string{
		"no header":        "S\ts3\t2006-03-01\trest-xml\ts3\ts3\t\t\t\n",
		"member first":     "#\taws-sdk\t1\nM\tBucket\turi\t\tstring\tr\n",
		"operation first":  "#\taws-sdk\t1\nO\tGetObject\tGET\t/\t\n",
		"short service":    "#\taws-sdk\t1\nS\ts3\t2006-03-01\n",
		"repeated service": "#\taws-sdk\t1\nS\tx\t1\tjson\tx\tx\tX\t1.0\t\nS\tx\t1\tjson\tx\tx\tX\t1.0\t\n",
		"repeated op":      "#\taws-sdk\t1\nS\tx\t1\tjson\tx\tx\tX\t1.0\t\nO\tA\tPOST\t/\t\nO\tA\tPOST\t/\t\n",
		"unknown record":   "#\taws-sdk\t1\nX\tfoo\n",
		"label in segment": "#\taws-sdk\t1\nS\tx\t1\trest-json\tx\tx\t\t\t\nO\tA\tGET\t/a{B}\t\n",
		"relative URI":     "#\taws-sdk\t1\nS\tx\t1\trest-json\tx\tx\t\t\t\nO\tA\tGET\ta\t\n",
		"header not first": "#\taws-sdk\t1\n#\taws-sdk\t1\n",
		"empty":            "",
	} {
		if _, err := Load(gzipped(t, text)); err == nil {
			t.Errorf("%s: loaded", name)
		}
	}
	if _, err := Load([]byte("not gzip")); err == nil {
		t.Error("loaded data that is not gzip")
	}
	m, err := Load(gzipped(t, "#\taws-sdk\t1\nS\tx\t1\trest-json\tx\tx\t\t\t\nO\tA\tGET\t/a/{B}\t\nM\tB\turi\t\tstring\tr\n"))
	if err != nil || m.Service("x").Operation("A").Input[0].Name != "B" {
		t.Errorf("a well-formed file: %v", err)
	}
}

func gzipped(t *testing.T, text string) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(text))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
