package upstream

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/iotest"
	"time"

	"github.com/iamd-dev/iamd/internal/sigv4"
	"github.com/iamd-dev/iamd/internal/upstream/upstreamtest"
)

// heldBody gives out everything of a reader that ends with io.EOF, and never the last byte
// of one that fails, whatever the reads' sizes.
func TestHeldBodyReleasesTheLastByteOnlyAtTheEnd(t *testing.T) {
	data := []byte("0123456789abcdef")
	failure := errors.New("the payload failed")
	all := func(int) string { return string(data) }
	for _, tc := range []struct {
		name string
		r    func() io.Reader
		want func(readSize int) string
		err  error
	}{
		{"whole", func() io.Reader { return bytes.NewReader(data) }, all, nil},
		{"a byte at a time", func() io.Reader { return iotest.OneByteReader(bytes.NewReader(data)) }, all, nil},
		{"data with io.EOF", func() io.Reader { return iotest.DataErrReader(bytes.NewReader(data)) }, all, nil},
		{"empty", func() io.Reader { return bytes.NewReader(nil) }, func(int) string { return "" }, nil},
		{"failing at the end", func() io.Reader { return io.MultiReader(bytes.NewReader(data), iotest.ErrReader(failure)) },
			func(int) string { return string(data[:len(data)-1]) }, failure},
		// The first read's data goes out but its last byte; the second read fails.
		{"failing after a read", func() io.Reader { return iotest.TimeoutReader(bytes.NewReader(data)) },
			func(size int) string { return string(data[:min(size, len(data))-1]) }, iotest.ErrTimeout},
	} {
		for _, size := range []int{1, 3, 64} {
			b := &heldBody{r: tc.r()}
			var got []byte
			buf := make([]byte, size)
			var err error
			for err == nil {
				var n int
				n, err = b.Read(buf)
				got = append(got, buf[:n]...)
			}
			if err == io.EOF {
				err = nil
			}
			if string(got) != tc.want(size) || !errors.Is(err, tc.err) || !errors.Is(b.failure(), tc.err) {
				t.Errorf("%s, reads of %d: got %q, %v (failure %v), want %q, %v", tc.name, size, got, err, b.failure(), tc.want(size), tc.err)
			}
		}
	}
}

// streamDoor is a front server that verifies each request from its headers and forwards its
// body streamed, through its PayloadReader.
func streamDoor(t *testing.T) (*door, chan error) {
	t.Helper()
	up := upstreamtest.New(t, upstreamKeys, nil)
	d := &door{upstream: up, errs: make(chan error, 16)}
	v := &sigv4.Verifier{Lookup: func(context.Context, string) (string, error) { return callerKeys.SecretAccessKey, nil }}
	client := NewClient(Limits{}, nil)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		res, err := v.VerifyHeaders(r.Context(), r)
		if err != nil {
			t.Errorf("the caller's signature: %v", err)
			return
		}
		payload, err := res.PayloadReader(r.Body)
		if err != nil {
			t.Errorf("the payload: %v", err)
			return
		}
		call := Call{Request: r, Region: res.Region, Service: res.Service, Verified: res, Payload: payload}
		err = client.Forward(w, call, Target{URL: up.URL, Credentials: upstreamKeys})
		if err != nil {
			w.WriteHeader(http.StatusTeapot)
		}
		d.errs <- err
	}))
	t.Cleanup(front.Close)
	d.url = front.URL
	return d, d.errs
}

// A streamed payload reaches the upstream whole, its hash signed again; an empty one too.
func TestForwardStreamsAVerifiedPayload(t *testing.T) {
	d, errs := streamDoor(t)
	data := bytes.Repeat([]byte("streamed payload "), 20000)
	for _, body := range [][]byte{data, nil} {
		r, _ := http.NewRequest(http.MethodPut, d.url+"/bucket/key", bytes.NewReader(body))
		if err := sigv4.Sign(r, body, callerKeys, "eu-west-1", "s3", time.Now()); err != nil {
			t.Fatal(err)
		}
		if resp, msg := send(t, r); resp.StatusCode != 200 {
			t.Fatalf("%d %s", resp.StatusCode, msg)
		}
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	got := d.upstream.Received()
	if len(got) != 2 || got[0].Body != string(data) || got[1].Body != "" {
		t.Fatalf("the upstream received %d requests", len(got))
	}
	if h := got[0].Header.Get("X-Amz-Content-Sha256"); h != sigv4.HashPayload(data) {
		t.Errorf("X-Amz-Content-Sha256 %q", h)
	}
}

// A payload that fails at its very end (its SHA-256 is not the one signed) never reaches
// the upstream whole: the request is aborted, and Forward says why, having written nothing.
func TestForwardAbortsAPayloadThatFails(t *testing.T) {
	d, errs := streamDoor(t)
	data := bytes.Repeat([]byte("x"), 100000)
	r, _ := http.NewRequest(http.MethodPut, d.url+"/bucket/key", bytes.NewReader(data))
	// Signed as the hash of another body.
	if err := sigv4.Sign(r, []byte("something else"), callerKeys, "eu-west-1", "s3", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, _ := send(t, r)
	err := <-errs
	var pe *PayloadError
	var se *sigv4.Error
	if !errors.Is(err, ErrNotSent) || !errors.As(err, &pe) || !errors.As(pe.Err, &se) || se.Code != sigv4.CodeXAmzContentSHA256Mismatch {
		t.Fatalf("error %v, want a PayloadError of XAmzContentSHA256Mismatch", err)
	}
	if resp.StatusCode != http.StatusTeapot {
		t.Errorf("the door wrote %d before the failure was known", resp.StatusCode)
	}
	if got := d.upstream.Received(); len(got) != 0 {
		t.Fatalf("the upstream received the whole body of %d bytes", len(got[0].Body))
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(d.upstream.Incomplete()) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if cut := d.upstream.Incomplete(); len(cut) != 1 || len(cut[0].Body) >= len(data) {
		t.Fatalf("the upstream saw %d aborted requests, want 1 short of the body's end", len(cut))
	}
}
