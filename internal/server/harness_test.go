package server

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

// testServer is a real iamd on 127.0.0.1:0 over a real SQLite database in a temp dir.
type testServer struct {
	t        *testing.T
	dir      string
	endpoint string
	root     aws.Credentials
	srv      *Server
	stop     func()
	client   *http.Client // the SDK clients' (nil: sdkHTTPClient's), e.g. one trusting a TLS server's CA
}

const (
	testRootKey    = "AKIAIAMDTESTROOT0001"
	testRootSecret = "iamd-test-root-secret-key-0000000000000"
)

// startServer runs a server in dir (a new temp dir when ""), stopped at the end of the test.
func startServer(t *testing.T, dir string) *testServer {
	t.Helper()
	return startServerAt(t, dir, time.Now)
}

// startServerAt is startServer with a clock, and options that change the configuration.
func startServerAt(t *testing.T, dir string, now func() time.Time, opts ...func(*Config)) *testServer {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	ctx, cancel := context.WithCancel(context.Background())
	cfg := Config{
		Addr: "127.0.0.1:0", DataDir: dir,
		RootAccessKeyID: testRootKey, RootSecretAccessKey: testRootSecret, Now: now,
	}
	for _, opt := range opts {
		opt(&cfg)
	}
	srv, err := New(ctx, cfg)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if err := srv.Listen(); err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx) }()
	ts := &testServer{
		t: t, dir: dir, endpoint: srv.URL(), srv: srv,
		root: aws.Credentials{AccessKeyID: testRootKey, SecretAccessKey: testRootSecret},
	}
	var once bool
	ts.stop = func() {
		if once {
			return
		}
		once = true
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("server stopped with %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("server did not stop")
		}
	}
	t.Cleanup(ts.stop)
	return ts
}

func (ts *testServer) config(creds aws.Credentials) aws.Config {
	client := ts.client
	if client == nil {
		client = sdkHTTPClient()
	}
	return aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.StaticCredentialsProvider{Value: creds},
		BaseEndpoint: aws.String(ts.endpoint),
		HTTPClient:   client,
		// Tests assert AWS's errors: a retry would only hide them.
		RetryMaxAttempts: 1,
	}
}

func (ts *testServer) iam(creds aws.Credentials) *awsiam.Client {
	return awsiam.NewFromConfig(ts.config(creds))
}

func (ts *testServer) sts(creds aws.Credentials) *sts.Client {
	return sts.NewFromConfig(ts.config(creds))
}

// apiError asserts that err is an AWS API error with the code, returning it.
func apiError(t *testing.T, err error, code string) smithy.APIError {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error %v is not an AWS API error (want %s)", err, code)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("error code %s (%s), want %s", ae.ErrorCode(), ae.ErrorMessage(), code)
	}
	return ae
}

// httpStatus returns the HTTP status of an SDK error.
func httpStatus(err error) int {
	var re interface{ HTTPStatusCode() int }
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}
