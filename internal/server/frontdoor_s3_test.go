package server

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/iamd-dev/iamd/internal/sigv4"
)

// objectStore is a small S3 behind the recording upstream: it keeps the objects put, the
// parts of multipart uploads, and answers a GET with what it keeps.
type objectStore struct {
	mu      sync.Mutex
	objects map[string][]byte         // by path
	parts   map[string]map[int][]byte // by upload id, then part number
	uploads int
}

func newObjectStore() *objectStore {
	return &objectStore{objects: map[string][]byte{}, parts: map[string]map[int][]byte{}}
}

func (s *objectStore) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	q := r.URL.Query()
	s.mu.Lock()
	defer s.mu.Unlock()
	etag := func(b []byte) string { sum := md5.Sum(b); return `"` + hex.EncodeToString(sum[:]) + `"` }
	bucket, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	switch {
	case r.Method == http.MethodPut && q.Has("uploadId"):
		n, _ := strconv.Atoi(q.Get("partNumber"))
		s.parts[q.Get("uploadId")][n] = body
		w.Header().Set("ETag", etag(body))
	case r.Method == http.MethodPut:
		s.objects[r.URL.Path] = body
		w.Header().Set("ETag", etag(body))
	case r.Method == http.MethodPost && q.Has("uploads"):
		s.uploads++
		id := fmt.Sprintf("upload-%d", s.uploads)
		s.parts[id] = map[int][]byte{}
		fmt.Fprintf(w, "<InitiateMultipartUploadResult><Bucket>%s</Bucket><Key>%s</Key><UploadId>%s</UploadId></InitiateMultipartUploadResult>", bucket, key, id)
	case r.Method == http.MethodPost && q.Has("uploadId"):
		parts := s.parts[q.Get("uploadId")]
		var whole []byte
		for _, n := range slices.Sorted(maps.Keys(parts)) {
			whole = append(whole, parts[n]...)
		}
		s.objects[r.URL.Path] = whole
		fmt.Fprintf(w, "<CompleteMultipartUploadResult><Bucket>%s</Bucket><Key>%s</Key><ETag>%s</ETag></CompleteMultipartUploadResult>", bucket, key, etag(whole))
	case r.Method == http.MethodGet:
		obj, ok := s.objects[r.URL.Path]
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(obj)))
		_, _ = w.Write(obj)
	default:
		w.WriteHeader(http.StatusNotImplemented)
	}
}

// sentModes records the X-Amz-Content-Sha256 of each PUT a client sends: which payload mode
// the SDK chose.
type sentModes struct {
	next  http.RoundTripper
	mu    sync.Mutex
	modes []string
}

func (m *sentModes) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodPut {
		m.mu.Lock()
		m.modes = append(m.modes, r.Header.Get("X-Amz-Content-Sha256"))
		m.mu.Unlock()
	}
	return m.next.RoundTrip(r)
}

func (m *sentModes) all() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.modes)
}

// s3Client is an S3 client of the door with the SDK's default payload and checksum
// settings, path-style, its PUTs' payload modes recorded. Over TLS it calls through a TLS
// terminator in front of iamd, as a load balancer would be: the SDKs send an object with a
// trailing checksum, aws-chunked, only over TLS (over HTTP, hashed with the checksum in a
// header).
func (fd *frontDoor) s3Client(t *testing.T, creds aws.Credentials, overTLS bool, opts ...func(*s3.Options)) (*s3.Client, *sentModes) {
	t.Helper()
	cfg := fd.config(creds)
	// What config.LoadDefaultConfig sets (a hand-made aws.Config computes no checksum).
	cfg.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenSupported
	cfg.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenSupported
	modes := &sentModes{next: http.DefaultTransport}
	if overTLS {
		front := tlsTerminator(t, fd.endpoint)
		cfg.BaseEndpoint = aws.String(front.URL)
		modes.next = front.Client().Transport
	}
	cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second, Transport: ownBodies{modes}}
	return s3.NewFromConfig(cfg, append([]func(*s3.Options){func(o *s3.Options) { o.UsePathStyle = true }}, opts...)...), modes
}

// tlsTerminator serves TLS and passes each request on to the endpoint as it came (its Host
// included, which the caller signed).
func tlsTerminator(t *testing.T, endpoint string) *httptest.Server {
	t.Helper()
	u, err := url.Parse(endpoint)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewTLSServer(&httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		pr.SetURL(u)
		pr.Out.Host = pr.In.Host
	}})
	t.Cleanup(srv.Close)
	return srv
}

// unsignedPayload has the SDK send UNSIGNED-PAYLOAD over HTTP (with no checksum, whose
// computation over HTTP would sign the payload's hash).
func unsignedPayload(o *s3.Options) {
	o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
	o.APIOptions = append(o.APIOptions, func(st *middleware.Stack) error {
		return v4.SwapComputePayloadSHA256ForUnsignedPayloadMiddleware(st)
	})
}

// objectOf is n bytes of test data.
func objectOf(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*31+i/4093) ^ seed
	}
	return b
}

// An object of several MiB goes through the door in each payload mode the SDK sends and
// reaches the upstream byte for byte, then comes back through the door the same.
func TestFrontDoorStreamsS3ObjectsInEveryPayloadMode(t *testing.T) {
	store := newObjectStore()
	fd := startFrontDoorWith(t, store.serve)
	alice := userWithKey(t, fd.testServer, "alice", "")
	putUserPolicy(t, fd.testServer, "alice", frontPolicy)
	ctx := context.Background()
	for i, tc := range []struct {
		name    string
		overTLS bool
		opts    []func(*s3.Options)
		mode    func(data []byte) string // what the SDK sends
	}{
		{"the SDK's default over TLS: a trailing checksum", true, nil, func([]byte) string { return sigv4.StreamingUnsignedPayloadTrailer }},
		{"the SDK's default over HTTP: a signed payload", false, nil, func(data []byte) string { return sigv4.HashPayload(data) }},
		{"UNSIGNED-PAYLOAD", false, []func(*s3.Options){unsignedPayload}, func([]byte) string { return sigv4.UnsignedPayload }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := objectOf(5<<20+12345, byte(i))
			key := fmt.Sprintf("big-%d", i)
			client, modes := fd.s3Client(t, alice, tc.overTLS, tc.opts...)
			if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("allowed"), Key: aws.String(key), Body: bytes.NewReader(data)}); err != nil {
				t.Fatal(err)
			}
			if got := modes.all(); len(got) != 1 || got[0] != tc.mode(data) {
				t.Fatalf("the SDK sent %v, want %s", got, tc.mode(data))
			}
			last := fd.upstream.Received()[len(fd.upstream.Received())-1]
			if !bytes.Equal([]byte(last.Body), data) || last.Header.Get("Content-Length") != strconv.Itoa(len(data)) {
				t.Fatalf("the upstream received %d bytes (Content-Length %s), not the object's %d", len(last.Body), last.Header.Get("Content-Length"), len(data))
			}
			if e := fd.audited(t, "s3:PutObject", "arn:aws:s3:::allowed/"+key); e.Decision != "allowed" {
				t.Errorf("audited %+v", e)
			}
			obj, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("allowed"), Key: aws.String(key)})
			if err != nil {
				t.Fatal(err)
			}
			back, err := io.ReadAll(obj.Body)
			if err != nil || !bytes.Equal(back, data) {
				t.Fatalf("read back %d bytes (%v), not the object", len(back), err)
			}
		})
	}
}

// A multipart upload (CreateMultipartUpload, UploadPart, CompleteMultipartUpload), each part
// with the SDK's trailing checksum, is authorized as s3:PutObject and reaches the upstream
// part for part.
func TestFrontDoorMultipartUpload(t *testing.T) {
	store := newObjectStore()
	fd := startFrontDoorWith(t, store.serve)
	alice := userWithKey(t, fd.testServer, "alice", "")
	putUserPolicy(t, fd.testServer, "alice", frontPolicy)
	ctx := context.Background()
	client, modes := fd.s3Client(t, alice, true)
	bucket, key := aws.String("allowed"), aws.String("multi/part")
	up, err := client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: bucket, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	parts := [][]byte{objectOf(5<<20, 1), objectOf(1<<20+7, 2)}
	var done []types.CompletedPart
	for i, p := range parts {
		n := aws.Int32(int32(i + 1))
		out, err := client.UploadPart(ctx, &s3.UploadPartInput{Bucket: bucket, Key: key, UploadId: up.UploadId, PartNumber: n, Body: bytes.NewReader(p)})
		if err != nil {
			t.Fatal(err)
		}
		done = append(done, types.CompletedPart{ETag: out.ETag, PartNumber: n})
	}
	if _, err := client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: bucket, Key: key, UploadId: up.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: done}}); err != nil {
		t.Fatal(err)
	}
	if got := modes.all(); !slices.Equal(got, []string{sigv4.StreamingUnsignedPayloadTrailer, sigv4.StreamingUnsignedPayloadTrailer}) {
		t.Errorf("the SDK sent the parts as %v", got)
	}
	store.mu.Lock()
	whole := store.objects["/allowed/multi/part"]
	store.mu.Unlock()
	if !bytes.Equal(whole, bytes.Join(parts, nil)) {
		t.Fatalf("the upstream assembled %d bytes, not the parts' %d", len(whole), len(bytes.Join(parts, nil)))
	}
	// A call's audit line is written once its answer is sent: wait for the last one.
	var actions []string
	for deadline := time.Now().Add(2 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		actions = actions[:0]
		for _, e := range fd.audit.events(t) {
			if e.Resource == "arn:aws:s3:::allowed/multi/part" && e.Decision == "allowed" {
				actions = append(actions, e.Action)
			}
		}
		if len(actions) >= 4 || time.Now().After(deadline) {
			break
		}
	}
	if !slices.Equal(actions, []string{"s3:PutObject", "s3:PutObject", "s3:PutObject", "s3:PutObject"}) {
		t.Errorf("audited %v, want the four calls as s3:PutObject", actions)
	}
}

// Presigned URLs work through the door: a PUT (UNSIGNED-PAYLOAD) and a GET, each authorized
// for the caller; one for another bucket is refused.
func TestFrontDoorPresignedS3URLs(t *testing.T) {
	store := newObjectStore()
	fd := startFrontDoorWith(t, store.serve)
	alice := userWithKey(t, fd.testServer, "alice", "")
	putUserPolicy(t, fd.testServer, "alice", frontPolicy)
	ctx := context.Background()
	client, _ := fd.s3Client(t, alice, false)
	presign := s3.NewPresignClient(client)
	data := objectOf(2<<20+3, 9)
	send := func(method, target string, header http.Header, body []byte) (int, []byte) {
		t.Helper()
		r, err := http.NewRequest(method, target, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		for k, vs := range header {
			if k != "Host" {
				r.Header[k] = vs
			}
		}
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, out
	}
	put, err := presign.PresignPutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("allowed"), Key: aws.String("shared")})
	if err != nil {
		t.Fatal(err)
	}
	if status, out := send(put.Method, put.URL, put.SignedHeader, data); status != 200 {
		t.Fatalf("presigned PUT: %d %s", status, out)
	}
	last := fd.upstream.Received()[len(fd.upstream.Received())-1]
	if !bytes.Equal([]byte(last.Body), data) || last.Header.Get("X-Amz-Content-Sha256") != sigv4.UnsignedPayload || strings.Contains(last.URI, "X-Amz-Signature") {
		t.Fatalf("the upstream received %d bytes, %s, at %s", len(last.Body), last.Header.Get("X-Amz-Content-Sha256"), last.URI)
	}
	get, err := presign.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("allowed"), Key: aws.String("shared")})
	if err != nil {
		t.Fatal(err)
	}
	if status, out := send(get.Method, get.URL, get.SignedHeader, nil); status != 200 || !bytes.Equal(out, data) {
		t.Fatalf("presigned GET: %d, %d bytes", status, len(out))
	}
	if e := fd.audited(t, "s3:GetObject", "arn:aws:s3:::allowed/shared"); e.Decision != "allowed" {
		t.Errorf("audited %+v", e)
	}
	other, err := presign.PresignPutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("other"), Key: aws.String("x")})
	if err != nil {
		t.Fatal(err)
	}
	if status, out := send(other.Method, other.URL, other.SignedHeader, data); status != 403 || !strings.Contains(string(out), "<Code>AccessDenied</Code>") {
		t.Fatalf("presigned PUT to another bucket: %d %s", status, out)
	}
}

// An upload longer than the read timeout goes through while it keeps sending: each read
// has the timeout of its own.
func TestFrontDoorUploadOutlastsTheReadTimeout(t *testing.T) {
	store := newObjectStore()
	fd := startFrontDoorWith(t, store.serve, func(c *Config) { c.Limits.API.ReadTimeout = time.Second })
	alice := userWithKey(t, fd.testServer, "alice", "")
	putUserPolicy(t, fd.testServer, "alice", frontPolicy)
	const pieces, size = 8, 64 << 10
	data := objectOf(pieces*size, 5)
	pr, pw := io.Pipe()
	go func() {
		for i := range pieces {
			time.Sleep(250 * time.Millisecond)
			if _, err := pw.Write(data[i*size : (i+1)*size]); err != nil {
				return
			}
		}
		pw.Close()
	}()
	r, err := http.NewRequest(http.MethodPut, fd.endpoint+"/allowed/slow", pr)
	if err != nil {
		t.Fatal(err)
	}
	r.ContentLength = int64(len(data))
	r.Header.Set("X-Amz-Content-Sha256", sigv4.UnsignedPayload)
	keys := sigv4.Credentials{AccessKeyID: alice.AccessKeyID, SecretAccessKey: alice.SecretAccessKey}
	if err := sigv4.Sign(r, nil, keys, "us-east-1", "s3", time.Now()); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || time.Since(start) < 1500*time.Millisecond {
		t.Fatalf("answered %d after %v", resp.StatusCode, time.Since(start))
	}
	store.mu.Lock()
	defer store.mu.Unlock()
	if !bytes.Equal(store.objects["/allowed/slow"], data) {
		t.Fatalf("the upstream kept %d bytes, not the object", len(store.objects["/allowed/slow"]))
	}
}
