// Package upstreamtest is an upstream for the front door's tests: a real HTTP server on
// 127.0.0.1 that verifies each request's SigV4 signature with the upstream's keys (with
// internal/sigv4's Verify, as an emulator that checks signatures would), records what
// reached it, and answers as the test says; the door's own reads of resource policies it
// answers from the policies the test says it holds. Moto starts moto_server instead. Only
// tests import it.
package upstreamtest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"

	"github.com/iamd-dev/iamd/internal/sigv4"
)

// Request is one request that reached the upstream, its signature verified.
type Request struct {
	Method string
	URI    string // the request target as sent: escaped path and raw query
	Host   string
	Header http.Header
	Body   string
	// Signed is who signed it, for which scope.
	Signed *sigv4.Result
}

// Recorder is a running upstream.
type Recorder struct {
	URL *url.URL // scheme and host

	t      testing.TB
	keys   sigv4.Credentials
	answer http.HandlerFunc

	mu         sync.Mutex
	got        []Request
	incomplete []Request
	// The door's own reads of resource policies, the policies held (by ARN), and whether
	// reads fail.
	reads      []Request
	held       map[string]string
	readsBreak bool
}

// New starts an upstream accepting requests signed with keys, closed when the test ends.
// A request whose signature does not verify fails the test and is answered 403; a request
// whose body ends before it is complete (its sender aborted it) is kept apart (Incomplete)
// and answered 400; the others are recorded, then answered by answer (200 with no body when
// nil), which can read the body again.
func New(t testing.TB, keys sigv4.Credentials, answer http.HandlerFunc) *Recorder {
	t.Helper()
	rec := &Recorder{t: t, keys: keys, answer: answer}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	rec.URL, _ = url.Parse(srv.URL)
	return rec
}

// ServeHTTP verifies, records and answers a request.
func (rec *Recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	got := Request{Method: r.Method, URI: r.RequestURI, Host: r.Host, Header: r.Header.Clone(), Body: string(body)}
	if err != nil {
		rec.mu.Lock()
		rec.incomplete = append(rec.incomplete, got)
		rec.mu.Unlock()
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	v := sigv4.Verifier{Lookup: func(_ context.Context, id string) (string, error) {
		if id != rec.keys.AccessKeyID {
			return "", sigv4.ErrUnknownAccessKey
		}
		return rec.keys.SecretAccessKey, nil
	}}
	res, err := v.Verify(r.Context(), r, body)
	if err != nil {
		rec.t.Errorf("the upstream's signature of %s %s does not verify: %v", r.Method, r.RequestURI, err)
		w.WriteHeader(http.StatusForbidden)
		return
	}
	got.Signed = res
	if r.Header.Get("User-Agent") == PolicyReadAgent {
		rec.answerPolicyRead(w, got)
		return
	}
	rec.mu.Lock()
	rec.got = append(rec.got, got)
	rec.mu.Unlock()
	if rec.answer != nil {
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec.answer(w, r)
	}
}

// Received is what reached the upstream so far, in order: the calls forwarded (the door's
// own reads of resource policies are PolicyReads).
func (rec *Recorder) Received() []Request {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]Request(nil), rec.got...)
}

// Incomplete is the requests whose body ended before it was complete, their signatures not
// verified, in order.
func (rec *Recorder) Incomplete() []Request {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]Request(nil), rec.incomplete...)
}

// Answer is a canned answer.
type Answer struct {
	Status int
	Header map[string]string
	Body   string
}

// Canned answers each request with the answer named by its X-Amz-Target header or, without
// one, by "METHOD path" (404 with no body when none is).
func Canned(answers map[string]Answer) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get("X-Amz-Target")
		if key == "" {
			key = r.Method + " " + r.URL.Path
		}
		a, ok := answers[key]
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		for k, v := range a.Header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(a.Status)
		_, _ = io.WriteString(w, a.Body)
	}
}
