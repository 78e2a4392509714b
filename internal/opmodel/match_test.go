package opmodel

import (
	"maps"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestMatchREST(t *testing.T) {
	m := Default()
	for _, tc := range []struct {
		service, method, target string // target: escaped path and query
		header                  http.Header
		want                    string // "" for no match
		labels                  map[string]string
	}{
		{"s3", "GET", "/b?list-type=2", nil, "ListObjectsV2", map[string]string{"Bucket": "b"}},
		{"s3", "GET", "/b?list-type=2&prefix=a%2F&delimiter=%2F", nil, "ListObjectsV2", map[string]string{"Bucket": "b"}},
		{"s3", "GET", "/b", nil, "ListObjects", map[string]string{"Bucket": "b"}},
		{"s3", "GET", "/b/", nil, "ListObjects", map[string]string{"Bucket": "b"}}, // trailing slash: the bucket
		{"s3", "GET", "/b?list-type=1", nil, "ListObjects", map[string]string{"Bucket": "b"}},
		{"s3", "GET", "/b?uploads", nil, "ListMultipartUploads", map[string]string{"Bucket": "b"}},
		{"s3", "GET", "/b?versions", nil, "ListObjectVersions", map[string]string{"Bucket": "b"}},
		{"s3", "GET", "/b?location", nil, "GetBucketLocation", map[string]string{"Bucket": "b"}},
		{"s3", "GET", "/b?lifecycle", nil, "GetBucketLifecycleConfiguration", map[string]string{"Bucket": "b"}}, // not the deprecated GetBucketLifecycle
		{"s3", "PUT", "/b/k/with/slashes", nil, "PutObject", map[string]string{"Bucket": "b", "Key": "k/with/slashes"}},
		{"s3", "PUT", "/b/dir/", nil, "PutObject", map[string]string{"Bucket": "b", "Key": "dir/"}},
		{"s3", "PUT", "/b/a%20b%2Bc%3F", nil, "PutObject", map[string]string{"Bucket": "b", "Key": "a b+c?"}},
		{"s3", "PUT", "/b/k", http.Header{"X-Amz-Copy-Source": {"src/k"}}, "CopyObject", map[string]string{"Bucket": "b", "Key": "k"}},
		{"s3", "PUT", "/b/k?partNumber=1&uploadId=x", nil, "UploadPart", map[string]string{"Bucket": "b", "Key": "k"}},
		{"s3", "PUT", "/b/k?partNumber=1&uploadId=x", http.Header{"X-Amz-Copy-Source": {"src/k"}}, "UploadPartCopy", map[string]string{"Bucket": "b", "Key": "k"}},
		{"s3", "POST", "/b/k?uploads", nil, "CreateMultipartUpload", map[string]string{"Bucket": "b", "Key": "k"}},
		{"s3", "POST", "/b/k?uploadId=x", nil, "CompleteMultipartUpload", map[string]string{"Bucket": "b", "Key": "k"}},
		{"s3", "DELETE", "/b/k?uploadId=x", nil, "AbortMultipartUpload", map[string]string{"Bucket": "b", "Key": "k"}},
		{"s3", "DELETE", "/b/k", nil, "DeleteObject", map[string]string{"Bucket": "b", "Key": "k"}},
		{"s3", "GET", "/b/k", nil, "GetObject", map[string]string{"Bucket": "b", "Key": "k"}},
		{"s3", "GET", "/b/k?uploadId=x", nil, "ListParts", map[string]string{"Bucket": "b", "Key": "k"}},
		{"s3", "GET", "/b/k?tagging", nil, "GetObjectTagging", map[string]string{"Bucket": "b", "Key": "k"}},
		{"s3", "POST", "/b/k?select&select-type=2", nil, "SelectObjectContent", map[string]string{"Bucket": "b", "Key": "k"}},
		// select-type=2 missing: not SelectObjectContent; a required member missing does not rule out
		{"s3", "POST", "/b/k?select", nil, "CompleteMultipartUpload", map[string]string{"Bucket": "b", "Key": "k"}},
		{"s3", "HEAD", "/b/k", nil, "HeadObject", map[string]string{"Bucket": "b", "Key": "k"}},
		{"s3", "HEAD", "/b", nil, "HeadBucket", map[string]string{"Bucket": "b"}},
		{"s3", "GET", "/", nil, "ListBuckets", map[string]string{}},
		{"s3", "PUT", "/b", nil, "CreateBucket", map[string]string{"Bucket": "b"}},
		{"s3", "DELETE", "/b", nil, "DeleteBucket", map[string]string{"Bucket": "b"}},
		{"s3", "POST", "/b?delete", nil, "DeleteObjects", map[string]string{"Bucket": "b"}},
		{"s3", "DELETE", "/", nil, "", nil},
		{"s3", "PATCH", "/b/k", nil, "", nil},
		{"s3", "GET", "/b/%zz", nil, "", nil}, // a bad escape
		{"lambda", "GET", "/2015-03-31/functions/my-fn", nil, "GetFunction", map[string]string{"FunctionName": "my-fn"}},
		{"lambda", "GET", "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Af", nil, "GetFunction",
			map[string]string{"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:f"}},
		{"lambda", "GET", "/2015-03-31/functions/", nil, "ListFunctions", map[string]string{}},
		{"lambda", "GET", "/2015-03-31/functions", nil, "ListFunctions", map[string]string{}}, // the model's trailing slash is optional
		{"lambda", "POST", "/2015-03-31/functions/f/invocations", nil, "Invoke", map[string]string{"FunctionName": "f"}},
		{"lambda", "GET", "/2015-03-31/functions/f/nothing-here", nil, "", nil},
		{"lambda", "GET", "/2015-03-31/functions//configuration", nil, "", nil}, // an empty label
		{"batch", "POST", "/v1/describejobqueues", nil, "DescribeJobQueues", map[string]string{}},
		// a greedy label before a literal
		{"workspaces-web", "PUT", "/portals/arn:aws:workspaces-web:us-east-1:123456789012:portal/abc/browserSettings", nil,
			"AssociateBrowserSettings", map[string]string{"portalArn": "arn:aws:workspaces-web:us-east-1:123456789012:portal/abc"}},
		// an escaped slash stays in its label
		{"lambda", "GET", "/2017-03-31/tags/arn%3Aaws%3Alambda%3Aus-east-1%3A1%3Afunction%3Aa%2Fb", nil, "ListTags",
			map[string]string{"ARN": "arn:aws:lambda:us-east-1:1:function:a/b"}},
	} {
		path, rawQuery, _ := strings.Cut(tc.target, "?")
		query, err := url.ParseQuery(rawQuery)
		if err != nil {
			t.Fatal(err)
		}
		op, labels := m.Service(tc.service).MatchRESTRequest(tc.method, path, query, tc.header)
		name := ""
		if op != nil {
			name = op.Name
		}
		if name != tc.want || !maps.Equal(labels, tc.labels) {
			t.Errorf("%s %s %s: %q %v, want %q %v", tc.service, tc.method, tc.target, name, labels, tc.want, tc.labels)
		}
		if tc.header == nil {
			if op2, _ := m.Service(tc.service).MatchREST(tc.method, path, query); op2 != op {
				t.Errorf("%s %s %s: MatchREST differs from MatchRESTRequest without headers", tc.service, tc.method, tc.target)
			}
		}
	}
}

// TestEveryRESTOperationMatchesItsOwnRequest builds, for every operation of every REST
// service, a request from its request URI and required query and header members, and checks
// that it matches that operation: the models leave only these pairs indistinguishable.
func TestEveryRESTOperationMatchesItsOwnRequest(t *testing.T) {
	indistinguishable := map[string]string{ // the operation -> what its request matches
		"s3.GetBucketLifecycle":    "GetBucketLifecycleConfiguration", // deprecated
		"s3.PutBucketLifecycle":    "PutBucketLifecycleConfiguration",
		"s3.GetBucketNotification": "GetBucketNotificationConfiguration",
		"s3.PutBucketNotification": "PutBucketNotificationConfiguration",
		"s3.ListDirectoryBuckets":  "ListBuckets", // S3 Express's, on its own endpoint
	}
	n := 0
	for _, s := range Default().Services {
		if !s.IsREST() {
			continue
		}
		for _, op := range s.Operations {
			n++
			path, query, header := exampleRequest(op)
			got, labels := s.MatchRESTRequest(op.Method, path, query, header)
			want := op.Name
			if other, ok := indistinguishable[s.ID+"."+op.Name]; ok {
				want = other
			}
			if got == nil || got.Name != want {
				t.Errorf("%s.%s: %s %s?%s matched %v", s.ID, op.Name, op.Method, path, query.Encode(), got)
				continue
			}
			for _, mem := range op.Input {
				if mem.Location == "uri" && labels[mem.WireName()] == "" {
					t.Errorf("%s.%s: no value for label %s", s.ID, op.Name, mem.WireName())
				}
			}
		}
	}
	if n < 5000 {
		t.Errorf("only %d REST operations", n)
	}
}

// exampleRequest is a request for op: its request URI with labels filled, and its required
// query and header members set.
func exampleRequest(op *Operation) (string, url.Values, http.Header) {
	uriPath, rawQuery, _ := strings.Cut(op.RequestURI, "?")
	var path strings.Builder
	for _, part := range splitPath(uriPath) {
		path.WriteString("/")
		switch {
		case strings.HasSuffix(part, "+}"):
			path.WriteString("greedy/value")
		case strings.HasPrefix(part, "{"):
			path.WriteString("value")
		default:
			path.WriteString(part)
		}
	}
	if path.Len() == 0 {
		path.WriteString("/")
	}
	query, _ := url.ParseQuery(rawQuery)
	header := http.Header{}
	for _, m := range op.Input {
		switch {
		case m.Required && m.Location == "querystring":
			query.Set(m.WireName(), "1")
		case m.Required && m.Location == "header":
			header.Set(m.WireName(), "1")
		}
	}
	return path.String(), query, header
}

func TestMatchRESTOnAServiceWithoutRoutes(t *testing.T) {
	if op, _ := Default().Service("sqs").MatchREST("POST", "/", nil); op != nil {
		t.Errorf("sqs (json) matched %s", op.Name)
	}
}
