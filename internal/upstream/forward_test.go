package upstream

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/sigv4"
	"github.com/iamd-dev/iamd/internal/upstream/upstreamtest"
)

var (
	callerKeys   = sigv4.Credentials{AccessKeyID: "ASIACALLER", SecretAccessKey: "caller-secret", SessionToken: "caller-token"}
	upstreamKeys = sigv4.Credentials{AccessKeyID: "UPSTREAMKEY", SecretAccessKey: "upstream-secret"}
)

// door is a front server forwarding every request to a recording upstream, as shape makes
// the call.
type door struct {
	url      string
	upstream *upstreamtest.Recorder
	errs     chan error
}

func newDoor(t *testing.T, client *Client, answer http.HandlerFunc, shape func(*Call)) *door {
	t.Helper()
	up := upstreamtest.New(t, upstreamKeys, answer)
	d := &door{upstream: up, errs: make(chan error, 16)}
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		call := Call{Request: r, Body: body, Region: "eu-west-1", Service: "sqs"}
		if shape != nil {
			shape(&call)
		}
		w.Header().Set("X-Amzn-Requestid", "door-request-id")
		d.errs <- client.Forward(w, call, Target{URL: up.URL, Credentials: upstreamKeys})
	}))
	t.Cleanup(front.Close)
	d.url = front.URL
	return d
}

// only is the one request that reached the upstream.
func (d *door) only(t *testing.T) upstreamtest.Request {
	t.Helper()
	got := d.upstream.Received()
	if len(got) != 1 {
		t.Fatalf("the upstream received %d requests, want 1", len(got))
	}
	return got[0]
}

// signedRequest is a caller's request to the door, signed with the caller's keys.
func signedRequest(t *testing.T, method, target, body, region, service string, header map[string]string) *http.Request {
	t.Helper()
	r, err := http.NewRequest(method, target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		r.Header.Set(k, v)
	}
	if err := sigv4.Sign(r, []byte(body), callerKeys, region, service, time.Now()); err != nil {
		t.Fatal(err)
	}
	return r
}

func send(t *testing.T, r *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

func TestForwardResignsForTheUpstream(t *testing.T) {
	d := newDoor(t, NewClient(Limits{}, nil), nil, nil)
	body := `{"QueueName":"q1"}`
	r := signedRequest(t, http.MethodPost, d.url+"/some%2Fpath/x?b=2&a=%20one", body, "eu-west-1", "sqs",
		map[string]string{"X-Amz-Target": "AmazonSQS.CreateQueue", "Content-Type": "application/x-amz-json-1.0", "Expect": "100-continue"})
	send(t, r)
	if err := <-d.errs; err != nil {
		t.Fatal(err)
	}
	got := d.only(t)
	if got.Signed.AccessKeyID != upstreamKeys.AccessKeyID || got.Signed.Region != "eu-west-1" || got.Signed.Service != "sqs" {
		t.Errorf("signed by %s for %s/%s, want the upstream's key for the caller's eu-west-1/sqs", got.Signed.AccessKeyID, got.Signed.Region, got.Signed.Service)
	}
	if got.Host != d.upstream.URL.Host {
		t.Errorf("Host %q, want the upstream's %q", got.Host, d.upstream.URL.Host)
	}
	if got.Method != http.MethodPost || got.URI != "/some%2Fpath/x?b=2&a=%20one" || got.Body != body {
		t.Errorf("received %s %s %q", got.Method, got.URI, got.Body)
	}
	if got.Header.Get("X-Amz-Target") != "AmazonSQS.CreateQueue" || got.Header.Get("Content-Type") != "application/x-amz-json-1.0" {
		t.Errorf("the caller's headers were not kept: %v", got.Header)
	}
	for _, h := range []string{"X-Amz-Security-Token", "Expect"} {
		if got.Header.Get(h) != "" {
			t.Errorf("the caller's %s reached the upstream", h)
		}
	}
	if strings.Contains(got.Header.Get("Authorization"), callerKeys.AccessKeyID) {
		t.Error("the caller's Authorization reached the upstream")
	}
}

func TestForwardKeepsS3PayloadModes(t *testing.T) {
	for _, mode := range []string{"signed", sigv4.UnsignedPayload} {
		t.Run(mode, func(t *testing.T) {
			d := newDoor(t, NewClient(Limits{}, nil), nil, func(c *Call) { c.Service = "s3" })
			header := map[string]string{}
			if mode == sigv4.UnsignedPayload {
				header["X-Amz-Content-Sha256"] = sigv4.UnsignedPayload
			}
			send(t, signedRequest(t, http.MethodPut, d.url+"/bucket/a%20key", "object body", "eu-west-1", "s3", header))
			if err := <-d.errs; err != nil {
				t.Fatal(err)
			}
			got := d.only(t)
			want := sigv4.HashPayload([]byte("object body"))
			if mode == sigv4.UnsignedPayload {
				want = sigv4.UnsignedPayload
			}
			if h := got.Header.Get("X-Amz-Content-Sha256"); h != want {
				t.Errorf("X-Amz-Content-Sha256 %q, want %q", h, want)
			}
			if got.URI != "/bucket/a%20key" || got.Body != "object body" {
				t.Errorf("received %s %q", got.URI, got.Body)
			}
		})
	}
}

func TestForwardPresignedDropsItsQueryAuthentication(t *testing.T) {
	d := newDoor(t, NewClient(Limits{}, nil), nil, func(c *Call) { c.Service, c.Presigned = "s3", true })
	r, _ := http.NewRequest(http.MethodGet, d.url+"/bucket/key?versionId=v%2B1", nil)
	if err := sigv4.Presign(r, nil, callerKeys, "eu-west-1", "s3", time.Now(), time.Hour); err != nil {
		t.Fatal(err)
	}
	send(t, r)
	if err := <-d.errs; err != nil {
		t.Fatal(err)
	}
	got := d.only(t)
	if got.URI != "/bucket/key?versionId=v%2B1" {
		t.Errorf("received %s, want the query without the caller's authentication", got.URI)
	}
	if h := got.Header.Get("X-Amz-Content-Sha256"); h != sigv4.UnsignedPayload {
		t.Errorf("X-Amz-Content-Sha256 %q, want the presigned request's UNSIGNED-PAYLOAD", h)
	}
}

func TestForwardSendsThePathGiven(t *testing.T) {
	d := newDoor(t, NewClient(Limits{}, nil), nil, func(c *Call) { c.Service, c.Path = "s3", "/bucket/key" })
	send(t, signedRequest(t, http.MethodGet, d.url+"/key?acl", "", "eu-west-1", "s3", nil))
	if err := <-d.errs; err != nil {
		t.Fatal(err)
	}
	if got := d.only(t); got.URI != "/bucket/key?acl" {
		t.Errorf("received %s", got.URI)
	}
}

func TestForwardAnswersUnchanged(t *testing.T) {
	answer := func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		w.Header()["X-Amz-Meta-Two"] = []string{"a", "b"}
		w.Header().Set("X-Amzn-Requestid", "upstream-request-id")
		w.Header().Set("Connection", "X-Hop")
		w.Header().Set("X-Hop", "per-connection")
		w.WriteHeader(http.StatusConflict)
		io.WriteString(w, "<Error><Code>BucketAlreadyExists</Code></Error>")
	}
	d := newDoor(t, NewClient(Limits{}, nil), answer, nil)
	resp, body := send(t, signedRequest(t, http.MethodGet, d.url+"/", "", "eu-west-1", "sqs", nil))
	if err := <-d.errs; err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusConflict || body != "<Error><Code>BucketAlreadyExists</Code></Error>" {
		t.Errorf("answered %d %q", resp.StatusCode, body)
	}
	if resp.Header.Get("Content-Type") != "application/xml" || strings.Join(resp.Header.Values("X-Amz-Meta-Two"), ",") != "a,b" {
		t.Errorf("headers %v", resp.Header)
	}
	if resp.Header.Get("X-Amzn-Requestid") != "upstream-request-id" {
		t.Errorf("request id %q, want the upstream's", resp.Header.Get("X-Amzn-Requestid"))
	}
	if resp.Header.Get("X-Hop") != "" {
		t.Error("a header the upstream's Connection names was forwarded")
	}
}

func TestForwardFollowsNoRedirect(t *testing.T) {
	answer := func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://elsewhere.invalid/", http.StatusTemporaryRedirect)
	}
	d := newDoor(t, NewClient(Limits{}, nil), answer, nil)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(signedRequest(t, http.MethodGet, d.url+"/", "", "eu-west-1", "sqs", nil))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := <-d.errs; err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusTemporaryRedirect || resp.Header.Get("Location") != "http://elsewhere.invalid/" {
		t.Fatalf("answered %d to %q, want the upstream's redirect", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// The answer reaches the caller while the upstream is still sending it: nothing holds it
// whole.
func TestForwardStreamsTheAnswer(t *testing.T) {
	release := make(chan struct{})
	answer := func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, "first part;")
		w.(http.Flusher).Flush()
		<-release
		io.WriteString(w, "second part")
	}
	d := newDoor(t, NewClient(Limits{}, nil), answer, nil)
	resp, err := http.DefaultClient.Do(signedRequest(t, http.MethodGet, d.url+"/", "", "eu-west-1", "sqs", nil))
	if err != nil {
		close(release)
		t.Fatal(err)
	}
	defer resp.Body.Close()
	first := make(chan string, 1)
	go func() {
		b := make([]byte, len("first part;"))
		n, _ := io.ReadFull(resp.Body, b)
		first <- string(b[:n])
	}()
	select {
	case got := <-first:
		close(release)
		if got != "first part;" {
			t.Fatalf("read %q", got)
		}
	case <-time.After(5 * time.Second):
		close(release)
		t.Fatal("the first part of the answer did not arrive while the upstream was sending the rest")
	}
	rest, _ := io.ReadAll(resp.Body)
	if string(rest) != "second part" {
		t.Fatalf("then %q", rest)
	}
	if err := <-d.errs; err != nil {
		t.Fatal(err)
	}
}

func TestForwardFailsBeforeAnswering(t *testing.T) {
	hang := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-hang }))
	t.Cleanup(slow.Close)
	t.Cleanup(func() { close(hang) }) // before the server's Close, which waits for its handler
	slowURL, _ := url.Parse(slow.URL)
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL, _ := url.Parse(closed.URL)
	closed.Close()
	client := NewClient(Limits{ResponseHeader: 200 * time.Millisecond}, nil)
	for name, u := range map[string]*url.URL{"no answer in time": slowURL, "nothing listening": closedURL} {
		t.Run(name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			w := httptest.NewRecorder()
			err := client.Forward(w, Call{Request: r, Region: "us-east-1", Service: "sqs"}, Target{URL: u, Credentials: upstreamKeys})
			if !errors.Is(err, ErrNotSent) {
				t.Fatalf("error %v, want one wrapping ErrNotSent", err)
			}
			if w.Body.Len() != 0 || len(w.Header()) != 0 {
				t.Fatalf("wrote %v %q", w.Header(), w.Body)
			}
		})
	}
}
