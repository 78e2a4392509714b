package server

import (
	"bytes"
	"io"
	"net/http"
	"time"
)

// sdkHTTPClient is the HTTP client of the tests' aws-sdk-go-v2 clients. Its transport sends
// every request body from a copy of its own.
//
// smithy-go (under every aws-sdk-go-v2 client) closes a request's body as soon as the
// response's headers arrive, and its body's WriteTo then answers io.EOF. net/http writes a
// body that is not a plain in-memory reader straight to the connection, and afterwards probes
// it for bytes beyond its Content-Length with io.Copy, which takes that WriteTo's io.EOF for
// an error. When the writer goroutine is scheduled late (a busy machine), the server has
// already answered, the SDK has closed the body, the probe fails, and the transport closes
// the connection under the response being read: the SDK reports a 200 whose body "failed to
// decode ... use of closed network connection", on large answers (a small one is buffered
// whole before). A body the SDK does not hold cannot be closed under the writer.
func sdkHTTPClient() *http.Client {
	return &http.Client{Timeout: 10 * time.Second, Transport: ownBodies{http.DefaultTransport}}
}

// ownBodies sends each request with a copy of its body.
type ownBodies struct{ next http.RoundTripper }

func (o ownBodies) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return o.next.RoundTrip(r)
	}
	body, err := io.ReadAll(r.Body)
	r.Body.Close()
	if err != nil {
		return nil, err
	}
	own := r.Clone(r.Context())
	own.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	own.Body, _ = own.GetBody()
	return o.next.RoundTrip(own)
}
