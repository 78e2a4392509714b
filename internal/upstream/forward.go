package upstream

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/iamd-dev/iamd/internal/sigv4"
)

// Limits bound what a call to an upstream may take; zero fields take the defaults.
type Limits struct {
	Dial           time.Duration // connecting (and the TLS handshake): 10s
	ResponseHeader time.Duration // from the request sent to the answer's headers: 30s
	Idle           time.Duration // how long an idle connection is kept: 90s
	IdlePerHost    int           // idle connections kept per upstream: 32
}

func (l Limits) withDefaults() Limits {
	or := func(v *time.Duration, def time.Duration) {
		if *v <= 0 {
			*v = def
		}
	}
	or(&l.Dial, 10*time.Second)
	or(&l.ResponseHeader, 30*time.Second)
	or(&l.Idle, 90*time.Second)
	if l.IdlePerHost <= 0 {
		l.IdlePerHost = 32
	}
	return l
}

// Client forwards calls to upstreams. It is safe for concurrent use.
type Client struct {
	transport http.RoundTripper
	now       func() time.Time
}

// NewClient makes a Client with the limits; now is the signing clock (nil for time.Now).
// It follows no redirect (a redirect is the upstream's answer, sent back as it is), asks
// for no compression (the body is streamed as the upstream sends it) and uses no proxy.
func NewClient(l Limits, now func() time.Time) *Client {
	l = l.withDefaults()
	if now == nil {
		now = time.Now
	}
	dialer := &net.Dialer{Timeout: l.Dial, KeepAlive: 30 * time.Second}
	return &Client{now: now, transport: &http.Transport{
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   l.Dial,
		ResponseHeaderTimeout: l.ResponseHeader,
		IdleConnTimeout:       l.Idle,
		MaxIdleConnsPerHost:   l.IdlePerHost,
		DisableCompression:    true,
		ForceAttemptHTTP2:     true,
	}}
}

// Call is a caller's request, verified and authorized, as it goes to an upstream.
type Call struct {
	Request *http.Request // the caller's request
	// Body is the request's body, read in advance; it is signed with its SHA-256.
	Body []byte
	// Verified, when set, is the verification of the caller's signature from its headers
	// (sigv4.Verifier.VerifyHeaders), and Payload the body instead of Body: the caller's,
	// read through Verified's PayloadReader (or what was read from it), streamed to the
	// upstream as it is read. The upstream's request is signed with sigv4's SignForward (an
	// aws-chunked body goes decoded) and, when Payload fails, aborted before it is complete.
	Verified *sigv4.Result
	Payload  io.Reader
	// Region and Service are the caller's credential scope's: the upstream's signature
	// keeps them.
	Region, Service string
	// Path is the escaped path to send, "" for the request's own (a virtual-hosted S3
	// request goes path-style, its bucket first, since the Host becomes the upstream's).
	Path string
	// Presigned says the caller signed in the query string: its authentication parameters
	// are dropped and, for S3, its payload stays unsigned.
	Presigned bool
}

// ErrNotSent wraps the failure of a call that the upstream never answered: nothing was
// written, and the caller may still be sent an error.
var ErrNotSent = errors.New("upstream: the call was not answered")

// Forward sends the call to the target, signed with the target's keys, and writes the
// upstream's answer to w as it arrives: status, headers (except hop-by-hop ones) and body.
// An error wrapping ErrNotSent means nothing was written; it wraps a *PayloadError when a
// streamed payload failed (the upstream's answer, if any, is then dropped). Any other error
// came while the answer was being written, which is then cut short.
func (c *Client) Forward(w http.ResponseWriter, call Call, t Target) error {
	ctx, cancel := context.WithCancel(call.Request.Context())
	defer cancel()
	out, payload, err := c.request(ctx, call, t)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrNotSent, err)
	}
	resp, err := c.transport.RoundTrip(out)
	if failed := payload.failure(); failed != nil {
		cancel()
		if resp != nil {
			resp.Body.Close()
		}
		return fmt.Errorf("%w: %w", ErrNotSent, &PayloadError{Err: failed})
	}
	if err != nil {
		return fmt.Errorf("%w: %w", ErrNotSent, err)
	}
	defer resp.Body.Close()
	copyHeaders(w.Header(), resp.Header, nil)
	w.WriteHeader(resp.StatusCode)
	if err := stream(w, resp.Body); err != nil {
		return fmt.Errorf("upstream: streaming the answer: %w", err)
	}
	return nil
}

// streamChunk is the most of an answer held at once.
const streamChunk = 32 << 10

// stream copies body to w, each part flushed as it arrives: a long answer (an object, an
// event stream) reaches the caller while the upstream sends it, and is never held whole.
func stream(w http.ResponseWriter, body io.Reader) error {
	rc := http.NewResponseController(w)
	buf := make([]byte, streamChunk)
	for {
		n, rerr := body.Read(buf)
		if n > 0 {
			if _, err := w.Write(buf[:n]); err != nil {
				return err
			}
			if err := rc.Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
				return err
			}
		}
		if rerr == io.EOF {
			return nil
		}
		if rerr != nil {
			return rerr
		}
	}
}

// request is the upstream's copy of the call, signed with the target's keys for the
// target's host, and its streamed payload (nil for a body read in advance).
func (c *Client) request(ctx context.Context, call Call, t Target) (*http.Request, *heldBody, error) {
	in := call.Request
	path := call.Path
	if path == "" {
		path = in.URL.EscapedPath()
	}
	query := in.URL.RawQuery
	if call.Presigned {
		query = sigv4.StripAuthParams(query)
	}
	target := t.URL.Scheme + "://" + t.URL.Host + path
	if query != "" {
		target += "?" + query
	}
	out, err := http.NewRequestWithContext(ctx, in.Method, target, nil)
	if err != nil {
		return nil, nil, err
	}
	copyHeaders(out.Header, in.Header, callerAuth)
	out.Host = t.URL.Host
	if call.Verified != nil {
		payload, err := c.signStreamed(out, call, t)
		return out, payload, err
	}
	if len(call.Body) > 0 {
		out.Body = io.NopCloser(bytes.NewReader(call.Body))
		out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(call.Body)), nil }
	}
	out.ContentLength = int64(len(call.Body))
	if call.Presigned && sigv4.DefaultOptions(call.Service).S3Payload && out.Header.Get("X-Amz-Content-Sha256") == "" {
		// A presigned S3 request's payload is unsigned: so it stays.
		out.Header.Set("X-Amz-Content-Sha256", sigv4.UnsignedPayload)
	}
	if err := sigv4.Sign(out, call.Body, t.Credentials, call.Region, call.Service, c.now()); err != nil {
		return nil, nil, err
	}
	return out, nil, nil
}

// signStreamed signs out, whose body is the call's streamed payload, for the target. A
// payload of no length is read (verified) here, and out has no body.
func (c *Client) signStreamed(out *http.Request, call Call, t Target) (*heldBody, error) {
	if err := (sigv4.Signer{}).SignForward(out, call.Verified, t.Credentials, c.now()); err != nil {
		return nil, err
	}
	if out.ContentLength == 0 {
		if _, err := io.Copy(io.Discard, call.Payload); err != nil {
			return nil, &PayloadError{Err: err}
		}
		return nil, nil
	}
	payload := &heldBody{r: call.Payload}
	out.Body = payload
	return payload, nil
}

// callerAuth are the caller's authentication headers, which the upstream's signature
// replaces, and the headers the outgoing request sets itself.
var callerAuth = map[string]bool{
	"Authorization":        true,
	"X-Amz-Security-Token": true,
	"X-Amz-Date":           true,
	"Host":                 true,
	"Content-Length":       true,
	"Expect":               true, // the caller's 100-continue is iamd's to answer
}

// hopByHop are the headers of one connection (RFC 9110 7.6.1), never forwarded.
var hopByHop = map[string]bool{
	"Connection":          true,
	"Keep-Alive":          true,
	"Proxy-Connection":    true,
	"Proxy-Authenticate":  true,
	"Proxy-Authorization": true,
	"Te":                  true,
	"Trailer":             true,
	"Transfer-Encoding":   true,
	"Upgrade":             true,
}

// copyHeaders copies src's headers into dst, replacing dst's of the same name, except
// hop-by-hop headers, those src's Connection header names, and those of skip.
func copyHeaders(dst, src http.Header, skip map[string]bool) {
	connection := map[string]bool{}
	for _, v := range src.Values("Connection") {
		for name := range strings.SplitSeq(v, ",") {
			connection[http.CanonicalHeaderKey(strings.TrimSpace(name))] = true
		}
	}
	for k, vs := range src {
		k = http.CanonicalHeaderKey(k)
		if !hopByHop[k] && !connection[k] && !skip[k] {
			dst[k] = append([]string(nil), vs...)
		}
	}
}
