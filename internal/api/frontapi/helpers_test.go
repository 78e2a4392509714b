package frontapi

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/catalog"
	"github.com/iamd-dev/iamd/internal/opmodel"
	"github.com/iamd-dev/iamd/internal/sigv4"
	"github.com/iamd-dev/iamd/internal/testutil"
	"github.com/iamd-dev/iamd/internal/upstream"
	"github.com/iamd-dev/iamd/internal/upstream/upstreamtest"
)

const region = "eu-west-1"

var upstreamKeys = sigv4.Credentials{AccessKeyID: "UPSTREAMKEY", SecretAccessKey: "upstream-secret"}

// logBuffer collects log lines from the door's handlers.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// fixture is the door over the real stack, served over HTTP on 127.0.0.1 in front of a
// recording upstream. Its HTTP server stands for iamd's: it takes the caller from the access
// key id of the request's signature (the server verifies it) and records each Result. As
// iamd's, it streams S3's bodies (PassStream), their signature verified from the headers.
type fixture struct {
	*testutil.Stack
	t        *testing.T
	upstream *upstreamtest.Recorder
	url      string
	callers  map[string]*authz.Caller
	secrets  map[string]string // by access key id
	log      logBuffer
	results  chan Result // in the order the door served the calls
}

// upstreamKind is which upstream a fixture's door has.
type upstreamKind int

const (
	recording upstreamKind = iota // the recorder
	none                          // no upstream at all
	dead                          // one where nothing listens
)

// newFixture starts the door with the enforcement and the upstream, which answers with
// answers and keeps its buckets for the default account.
func newFixture(t *testing.T, enforce Enforce, kind upstreamKind, answers map[string]upstreamtest.Answer) *fixture {
	t.Helper()
	f := &fixture{Stack: testutil.New(t), t: t, callers: map[string]*authz.Caller{}, secrets: map[string]string{}, results: make(chan Result, 64)}
	f.upstream = upstreamtest.New(t, upstreamKeys, upstreamtest.Canned(answers))
	var set Upstreams
	switch kind {
	case recording:
		set.Default = &upstream.Target{URL: f.upstream.URL, Credentials: upstreamKeys}
	case dead:
		gone := httptest.NewServer(http.NotFoundHandler())
		u, _ := url.Parse(gone.URL)
		gone.Close()
		set.Services = map[string]upstream.Target{"sqs": {URL: u, Credentials: upstreamKeys}}
	}
	api := New(opmodel.Default(), catalog.Default(), f.Authz, set, enforce).LogTo(slog.New(slog.NewTextHandler(&f.log, nil))).UpstreamsOwnedBy(testutil.Account)
	verifier := &sigv4.Verifier{Lookup: func(_ context.Context, key string) (string, error) { return f.secrets[key], nil }}
	door := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key, service := scopeOf(r)
		caller := f.callers[key]
		if caller == nil {
			t.Errorf("a request signed with the unknown key %q", key)
			w.WriteHeader(http.StatusForbidden)
			return
		}
		if service == "s3" {
			signed, err := verifier.VerifyHeaders(r.Context(), r)
			if err != nil {
				t.Errorf("the caller's signature: %v", err)
				w.WriteHeader(http.StatusForbidden)
				return
			}
			f.results <- api.For(service).PassStream(w, r, signed, caller, "req-1")
			return
		}
		body, _ := io.ReadAll(r.Body)
		f.results <- api.For(service).Pass(w, r, body, caller, "req-1")
	}))
	t.Cleanup(door.Close)
	f.url = door.URL
	return f
}

// scopeOf reads the access key id and the service of a request's credential scope.
func scopeOf(r *http.Request) (key, service string) {
	cred := r.URL.Query().Get("X-Amz-Credential")
	if _, after, ok := strings.Cut(r.Header.Get("Authorization"), "Credential="); ok {
		cred, _, _ = strings.Cut(after, ",")
	}
	parts := strings.Split(cred, "/")
	if len(parts) < 4 {
		return "", ""
	}
	return parts[0], parts[3]
}

// user makes a user with the identity policy and returns the keys the SDK signs with as it.
func (f *fixture) user(name, document string) aws.Credentials {
	f.t.Helper()
	return f.userIn(testutil.Account, name, document)
}

// userIn is user in another account, which it makes.
func (f *fixture) userIn(account, name, document string) aws.Credentials {
	f.t.Helper()
	if account != testutil.Account {
		if _, _, err := f.IAM.EnsureAccount(context.Background(), account, account, nil); err != nil {
			f.t.Fatal(err)
		}
	}
	key := "AKID" + strings.ToUpper(name)
	f.callers[key] = testutil.InRegion(f.UserIn(f.t, account, name, document), region)
	f.secrets[key] = "secret-of-" + name
	return aws.Credentials{AccessKeyID: key, SecretAccessKey: f.secrets[key]}
}

// config is an SDK configuration calling the door as the user.
func (f *fixture) config(creds aws.Credentials) aws.Config {
	return aws.Config{
		Region:           region,
		Credentials:      credentials.StaticCredentialsProvider{Value: creds},
		BaseEndpoint:     aws.String(f.url),
		HTTPClient:       &http.Client{Timeout: 10 * time.Second},
		RetryMaxAttempts: 1,
		// iamd's payload modes are not the door's: a checksum only where required.
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	}
}

// next is the Result of the door's next call: the caller may have its answer before the
// door returns, as iamd's audit line is written after the answer.
func (f *fixture) next() Result {
	f.t.Helper()
	select {
	case res := <-f.results:
		return res
	case <-time.After(5 * time.Second):
		f.t.Fatal("the door served no call")
		return Result{}
	}
}

// raw sends a request signed with the user's keys for the service, as a client would; a
// "Host" header is the host the request names.
func (f *fixture) raw(creds aws.Credentials, service, method, path, body string, header map[string]string) (*http.Response, string) {
	f.t.Helper()
	r, err := http.NewRequest(method, f.url+path, strings.NewReader(body))
	if err != nil {
		f.t.Fatal(err)
	}
	for k, v := range header {
		if k == "Host" {
			r.Host = v
			continue
		}
		r.Header.Set(k, v)
	}
	keys := sigv4.Credentials{AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey}
	if err := sigv4.Sign(r, []byte(body), keys, region, service, time.Now()); err != nil {
		f.t.Fatal(err)
	}
	return f.do(r)
}

// do sends a request and returns the answer and its body.
func (f *fixture) do(r *http.Request) (*http.Response, string) {
	f.t.Helper()
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp, string(out)
}
