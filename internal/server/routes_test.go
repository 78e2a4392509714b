package server

import (
	"bufio"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Requests are routed by their path as sent: healthz only for GET and HEAD of /healthz
// itself, the task credentials endpoint for every path under its prefix (dot segments and
// repeated slashes included: they are a task id the endpoint refuses), and the AWS APIs for
// everything else; no path is redirected to a cleaner one.
func TestRoutesByThePathAsSent(t *testing.T) {
	ts := startServer(t, "")
	for _, c := range []struct {
		method, path string
		want         string // healthz, task or aws
	}{
		{"GET", "/healthz", "healthz"},
		{"HEAD", "/healthz", "healthz"},
		{"GET", "/%68ealthz", "healthz"},
		{"POST", "/healthz", "aws"},
		{"GET", "/healthz/", "aws"},
		{"GET", "//healthz", "aws"},
		{"GET", "/./healthz", "aws"},
		{"GET", "/healthz/../iamd/task-credentials/x", "aws"},
		{"GET", "/iamd/task-credentials/../healthz", "task"},
		{"GET", "/iamd/task-credentials/./x", "task"},
		{"GET", "/iamd/task-credentials//x", "task"},
		{"GET", "/iamd/task-credentials/", "task"},
		{"POST", "/iamd/task-credentials/x", "task"},
		{"GET", "/iamd/task-credentials", "aws"},
		{"GET", "/iamd//task-credentials/x", "aws"},
		{"GET", "/iamd/task-credentials/..", "task"},
		{"GET", "/", "aws"},
		{"GET", "/anything/..", "aws"},
		{"GET", "http://iamd/healthz", "healthz"},
		{"GET", "*", "aws"},
	} {
		resp := send(t, ts.srv.Addr(), c.method, c.path)
		if got := answeredBy(resp); got != c.want {
			t.Errorf("%s %s answered by %s (%d %s), want %s", c.method, c.path, got, resp.StatusCode, resp.Header.Get("Location"), c.want)
		}
	}
}

// send sends one request line as given, with no credentials, and reads the answer.
func send(t *testing.T, addr, method, target string) *http.Response {
	t.Helper()
	c := dial(t, addr)
	if _, err := io.WriteString(c, method+" "+target+" HTTP/1.1\r\nHost: iamd\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(generous))
	resp, err := http.ReadResponse(bufio.NewReader(c), &http.Request{Method: method})
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(strings.NewReader(string(body)))
	return resp
}

// answeredBy tells which handler wrote an answer: healthz's text, the task credentials
// endpoint's JSON (never cached), or an AWS API's XML error.
func answeredBy(resp *http.Response) string {
	body, _ := io.ReadAll(resp.Body)
	ct := resp.Header.Get("Content-Type")
	switch {
	case resp.StatusCode == 200 && ct == "text/plain" && resp.Header.Get("x-amzn-RequestId") == "" && (string(body) == "ok\n" || len(body) == 0):
		return "healthz"
	case ct == "application/json" && resp.Header.Get("Cache-Control") == "no-store" && resp.Header.Get("x-amzn-RequestId") != "":
		return "task"
	case strings.HasPrefix(ct, "text/xml") && resp.Header.Get("x-amzn-RequestId") != "" && strings.Contains(string(body), "<ErrorResponse"):
		return "aws"
	}
	return "nobody"
}
