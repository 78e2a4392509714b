package upstream

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/iamd-dev/iamd/internal/resourcepolicy"
	"github.com/iamd-dev/iamd/internal/upstream/upstreamtest"
)

// upstreamtest tells the door's reads of resource policies by their User-Agent.
func TestPolicyReadAgentIsUpstreamtests(t *testing.T) {
	if PolicyReadAgent != upstreamtest.PolicyReadAgent {
		t.Fatalf("upstream reads policies as %q, upstreamtest answers %q", PolicyReadAgent, upstreamtest.PolicyReadAgent)
	}
}

func holder(t *testing.T, resource string) resourcepolicy.Holder {
	t.Helper()
	h, ok := resourcepolicy.HolderOf(resource)
	if !ok {
		t.Fatalf("%s holds no policy", resource)
	}
	if h.Region == "" {
		h.Region = "us-east-1" // a bucket's: the call's
	}
	return h
}

// A read is signed with the upstream's keys for the holder's service and region, and
// answers the document the upstream holds.
func TestPolicyReaderSignsWithTheUpstreamsKeys(t *testing.T) {
	up := upstreamtest.New(t, upstreamKeys, nil)
	up.HoldPolicy("arn:aws:sqs:eu-west-1:444455556666:jobs", `{"Statement":[]}`)
	r := NewPolicyReader(NewClient(Limits{}, nil), Set{Services: map[string]Target{"sqs": {URL: up.URL, Credentials: upstreamKeys}}})
	h := holder(t, "arn:aws:sqs:eu-west-1:444455556666:jobs")
	doc, err := r.ReadPolicy(context.Background(), h)
	if err != nil || doc != `{"Statement":[]}` {
		t.Fatalf("read %q, %v", doc, err)
	}
	reads := up.PolicyReads()
	if len(reads) != 1 || len(up.Received()) != 0 {
		t.Fatalf("%d reads, %d calls", len(reads), len(up.Received()))
	}
	if s := reads[0].Signed; s.AccessKeyID != upstreamKeys.AccessKeyID || s.Region != "eu-west-1" || s.Service != "sqs" {
		t.Errorf("signed by %s for %s/%s", s.AccessKeyID, s.Region, s.Service)
	}
	if _, err := r.ReadPolicy(context.Background(), holder(t, "arn:aws:s3:::b")); err == nil || !strings.Contains(err.Error(), "no upstream serves s3") {
		t.Errorf("a service without an upstream: %v", err)
	}
}

// An answer that is neither the policy nor the service's "none" is a failure: the policy
// is not known.
func TestPolicyReaderFailsOnOtherAnswers(t *testing.T) {
	for _, c := range []struct {
		name     string
		answer   http.HandlerFunc
		resource string
		want     string
	}{
		{"a 500", nil, "arn:aws:s3:::b", "500 InternalError"},
		{"a denial", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("X-Amzn-ErrorType", "AccessDeniedException:http://internal.amazon.com/")
			w.WriteHeader(403)
		}, "arn:aws:kms:us-east-1:111122223333:key/k", "403 AccessDeniedException"},
		{"a 404 of no code", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(404) },
			"arn:aws:lambda:us-east-1:111122223333:function:f", "404"},
		{"an answer that is not the service's", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("<html>")) },
			"arn:aws:lambda:us-east-1:111122223333:function:f", "reading the function policy"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var u *url.URL
			if c.answer == nil {
				up := upstreamtest.New(t, upstreamKeys, nil)
				up.BreakPolicyReads()
				u = up.URL
			} else {
				srv := httptest.NewServer(c.answer)
				t.Cleanup(srv.Close)
				u, _ = url.Parse(srv.URL)
			}
			r := NewPolicyReader(NewClient(Limits{}, nil), Set{Default: &Target{URL: u, Credentials: upstreamKeys}})
			doc, err := r.ReadPolicy(context.Background(), holder(t, c.resource))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("read %q, %v; want an error with %q", doc, err, c.want)
			}
		})
	}
}

func TestErrorCodes(t *testing.T) {
	for _, c := range []struct {
		header map[string]string
		body   string
		want   string
	}{
		{nil, `<Error><Code>NoSuchBucketPolicy</Code></Error>`, "NoSuchBucketPolicy"},
		{nil, `<ErrorResponse><Error><Type>Sender</Type><Code>NotFound</Code></Error></ErrorResponse>`, "NotFound"},
		{map[string]string{"X-Amzn-Query-Error": "AWS.SimpleQueueService.NonExistentQueue;Sender"},
			`{"__type":"com.amazonaws.sqs#QueueDoesNotExist"}`, "AWS.SimpleQueueService.NonExistentQueue QueueDoesNotExist"},
		{map[string]string{"X-Amzn-ErrorType": "ResourceNotFoundException:http://internal.amazon.com/"}, `{"Type":"User"}`, "ResourceNotFoundException"},
		{nil, `{"__type":"NotFoundException","message":"x"}`, "NotFoundException"},
		{nil, ``, ""},
	} {
		h := http.Header{}
		for k, v := range c.header {
			h.Set(k, v)
		}
		if got := strings.Join(errorCodes(h, []byte(c.body)), " "); got != c.want {
			t.Errorf("errorCodes(%v, %s) = %q, want %q", c.header, c.body, got, c.want)
		}
	}
}
