package bench

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/awsclient"
	"github.com/iamd-dev/iamd/internal/sigv4"
)

func TestBenchSQSGetQueueURLAgainstCanned(t *testing.T) {
	canned, err := StartCanned()
	if err != nil {
		t.Fatal(err)
	}
	defer canned.Close()
	c := awsclient.New(awsclient.Config{Endpoint: canned.URL, Region: "us-east-1",
		Credentials: sigv4.Credentials{AccessKeyID: "AKIDBENCH", SecretAccessKey: "bench"}}, 2)
	r, err := Run(context.Background(), Ops(c)["sqs-get-queue-url"], Options{Concurrency: 2, Duration: 5 * time.Second, MaxRequests: 20})
	if err != nil {
		t.Fatal(err)
	}
	if r.Requests != 20 || r.Errors != 0 {
		t.Fatalf("report %+v", r)
	}
	// Any request gets the answer, its body read.
	resp, err := http.Post(canned.URL+"/anything", "text/plain", strings.NewReader("body"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "<QueueUrl>"+canned.URL+"/123456789012/iamd-bench</QueueUrl>") {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
}

func TestBenchCompare(t *testing.T) {
	direct := Report{RequestsPerSecond: 8000, P50Ms: 0.1, P99Ms: 0.9}
	through := Report{RequestsPerSecond: 2000, P50Ms: 0.4, P99Ms: 2.2}
	o := Compare(direct, through)
	if o.AddedP50Ms != 0.3 || o.AddedP99Ms != 1.3 || o.RateRatio != 0.25 {
		t.Fatalf("%+v", o)
	}
	if Compare(Report{}, through).RateRatio != 0 {
		t.Fatal("a ratio over no requests")
	}
}
