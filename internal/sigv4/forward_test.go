package sigv4

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"
)

var upstreamCreds = Credentials{AccessKeyID: "AKIDUPSTREAM", SecretAccessKey: "upstream-secret"}

// received is what reached the upstream.
type received struct {
	header        http.Header
	contentLength int64
	body          []byte
	signed        []string // the headers the front door signed
	err           error    // from verifying or reading the request
}

// upstream is an S3 stand-in that verifies requests signed with
// upstreamCreds and records what it received.
func upstream(t *testing.T) (*httptest.Server, chan received) {
	got := make(chan received, 1)
	v := &Verifier{Lookup: func(_ context.Context, id string) (string, error) {
		if id == upstreamCreds.AccessKeyID {
			return upstreamCreds.SecretAccessKey, nil
		}
		return "", ErrUnknownAccessKey
	}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := received{header: r.Header.Clone(), contentLength: r.ContentLength}
		res, err := v.VerifyHeaders(r.Context(), r)
		var p *PayloadReader
		if err == nil {
			rec.signed = res.SignedHeaders
			p, err = res.PayloadReader(r.Body)
		}
		if err == nil {
			rec.body, err = io.ReadAll(p)
		}
		rec.err = err
		got <- rec
		if err != nil {
			http.Error(w, err.Error(), 400)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, got
}

// errRecorder keeps the first error its reader returned other than io.EOF.
type errRecorder struct {
	r   io.Reader
	err error
}

func (e *errRecorder) Read(b []byte) (int, error) {
	n, err := e.r.Read(b)
	if err != nil && err != io.EOF && e.err == nil {
		e.err = err
	}
	return n, err
}

// frontDoor verifies requests from testAKID, forwards them to target
// re-signed with upstreamCreds, and answers a verification failure with its
// code and status.
func frontDoor(t *testing.T, target string) *httptest.Server {
	v := uploadVerifier()
	fail := func(w http.ResponseWriter, err error) {
		var e *Error
		if errors.As(err, &e) {
			http.Error(w, e.Code, e.HTTPStatus)
			return
		}
		http.Error(w, err.Error(), http.StatusBadGateway)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		res, err := v.VerifyHeaders(r.Context(), r)
		if err != nil {
			fail(w, err)
			return
		}
		p, err := res.PayloadReader(r.Body)
		if err != nil {
			fail(w, err)
			return
		}
		body := &errRecorder{r: p}
		out, err := http.NewRequestWithContext(r.Context(), r.Method, target+r.URL.RequestURI(), body)
		if err != nil {
			fail(w, err)
			return
		}
		out.Header = r.Header.Clone()
		if err := (Signer{}).SignForward(out, res, upstreamCreds, time.Now()); err != nil {
			fail(w, err)
			return
		}
		resp, err := http.DefaultClient.Do(out)
		if body.err != nil {
			fail(w, body.err)
			return
		}
		if err != nil {
			fail(w, err)
			return
		}
		defer resp.Body.Close()
		w.WriteHeader(resp.StatusCode)
		io.Copy(w, resp.Body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func send(t *testing.T, r *http.Request, body []byte) (int, string) {
	t.Helper()
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(bytes.TrimSpace(b))
}

// Every payload mode, from a client through a front door that verifies it to
// an upstream that verifies the front door's signature.
func TestForwardOverHTTP(t *testing.T) {
	up, got := upstream(t)
	door := frontDoor(t, up.URL)
	target := door.URL + "/bucket/some/key?x-id=PutObject"
	data := testData(2*minChunkSize + 123)

	chunked := func(u upload) func(t *testing.T) (*http.Request, []byte) {
		return func(t *testing.T) (*http.Request, []byte) {
			u.url, u.chunks = target, split(data, minChunkSize)
			return u.build(t)
		}
	}
	plain := func(payloadHash string) func(t *testing.T) (*http.Request, []byte) {
		return func(t *testing.T) (*http.Request, []byte) {
			return sdkSigned(t, target, "s3", payloadHash, data), data
		}
	}
	n := int64(len(data))
	tests := []struct {
		name          string
		req           func(t *testing.T) (*http.Request, []byte)
		payloadHash   string // what the upstream is sent
		contentLength int64  // and its length, -1 for chunked transfer
	}{
		{"signed chunks", chunked(upload{mode: StreamingSignedPayload}), UnsignedPayload, n},
		{"signed chunks and trailer", chunked(upload{mode: StreamingSignedPayloadTrailer, checksum: "x-amz-checksum-crc32c"}), UnsignedPayload, n},
		{"unsigned chunks and trailer", chunked(upload{mode: StreamingUnsignedPayloadTrailer, checksum: "x-amz-checksum-sha256"}), UnsignedPayload, n},
		{"unsigned chunks, length not declared", chunked(upload{mode: StreamingUnsignedPayloadTrailer, declared: "-"}), UnsignedPayload, -1},
		{"hashed payload", plain(HashPayload(data)), HashPayload(data), n},
		{"unsigned payload", plain(UnsignedPayload), UnsignedPayload, n},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, body := tc.req(t)
			if status, msg := send(t, r, body); status != 200 {
				t.Fatalf("%d %s", status, msg)
			}
			rec := <-got
			if rec.err != nil || !bytes.Equal(rec.body, data) {
				t.Fatalf("upstream read %d of %d bytes: %v", len(rec.body), len(data), rec.err)
			}
			if h := rec.header.Get("X-Amz-Content-Sha256"); h != tc.payloadHash {
				t.Errorf("upstream X-Amz-Content-Sha256 %q", h)
			}
			for _, gone := range []string{"Content-Encoding", "X-Amz-Decoded-Content-Length", "X-Amz-Trailer"} {
				if v := rec.header.Values(gone); v != nil {
					t.Errorf("upstream got %s: %q", gone, v)
				}
			}
			if want := tc.contentLength; rec.contentLength != want {
				t.Errorf("upstream Content-Length %d, want %d", rec.contentLength, want)
			}
			if rec.header.Get("X-Amz-Meta-Color") != "blue" || !slices.Contains(rec.signed, "x-amz-meta-color") {
				t.Errorf("x-amz-meta-color not forwarded signed: %v, signed %v", rec.header, rec.signed)
			}
		})
	}

	t.Run("a tampered chunk stops the forwarded body", func(t *testing.T) {
		r, body := chunked(upload{mode: StreamingSignedPayload})(t)
		i := bytes.Index(body, data[minChunkSize:minChunkSize+16])
		body = bytes.Clone(body)
		body[i] ^= 1
		status, msg := send(t, r, body)
		if status != 403 || msg != CodeSignatureDoesNotMatch {
			t.Fatalf("%d %s", status, msg)
		}
		select {
		case rec := <-got:
			if rec.err == nil {
				t.Fatalf("upstream read a whole body of %d bytes", len(rec.body))
			}
		case <-time.After(5 * time.Second):
			// The upstream never saw the request.
		}
	})
}

// SignForward rewrites what it must and keeps the rest.
func TestSignForwardHeaders(t *testing.T) {
	u := upload{mode: StreamingUnsignedPayloadTrailer, chunks: [][]byte{[]byte("hello")}, checksum: "x-amz-checksum-crc32"}
	r, body := u.build(t)
	res, err := uploadVerifier().VerifyHeaders(context.Background(), withBody(r, body))
	if err != nil {
		t.Fatal(err)
	}
	out := r.Clone(context.Background())
	out.Header.Set("Content-Encoding", "gzip, aws-chunked")
	out.Header.Set("X-Amz-Sdk-Checksum-Algorithm", "CRC32")
	out.Header.Set("Content-Length", "123")
	out.Header.Set("X-Amz-Security-Token", "client token")
	out.URL.RawQuery = "uploadId=1&X-Amz-Signature=abc&X-Amz-Credential=x"
	if err := (Signer{}).SignForward(out, res, upstreamCreds, uploadTime); err != nil {
		t.Fatal(err)
	}
	if ce := out.Header.Get("Content-Encoding"); ce != "gzip" {
		t.Errorf("Content-Encoding %q", ce)
	}
	for _, gone := range []string{"X-Amz-Sdk-Checksum-Algorithm", "X-Amz-Decoded-Content-Length", "X-Amz-Trailer", "Content-Length", "X-Amz-Security-Token"} {
		if out.Header.Get(gone) != "" {
			t.Errorf("%s kept", gone)
		}
	}
	if out.URL.RawQuery != "uploadId=1" || out.ContentLength != 5 {
		t.Errorf("query %q, content length %d", out.URL.RawQuery, out.ContentLength)
	}
	a, err := ParseAuthorization(out.Header.Get("Authorization"))
	if err != nil || a.AccessKeyID != upstreamCreds.AccessKeyID || a.Region != uploadRegion || a.Service != "s3" {
		t.Fatalf("%+v %v", a, err)
	}
}
