package server

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/netlimit"
)

// shortLimits is a server configuration whose timeouts end a stalled connection quickly.
func shortLimits(maxConns int) func(*Config) {
	return func(c *Config) {
		short := netlimit.Limits{ReadTimeout: 300 * time.Millisecond, WriteTimeout: 2 * time.Second, IdleTimeout: 300 * time.Millisecond, MaxConns: maxConns}
		c.Limits = Limits{API: short, Metadata: short}
	}
}

// generous bounds every wait of these tests: far longer than the timeouts configured.
const generous = 10 * time.Second

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// closedByServer reads until the server closes the connection (an answer may come first),
// failing if that takes longer than the generous bound.
func closedByServer(t *testing.T, c net.Conn, what string) {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(generous))
	_, err := io.Copy(io.Discard, c)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("%s: the server kept the connection open", what)
	}
}

// getHealthz sends GET /healthz on c (keep-alive) and reads the answer.
func getHealthz(t *testing.T, c net.Conn, r *bufio.Reader) { get(t, c, r, "/healthz") }

// get sends GET path on c (keep-alive) and reads the answer, which must be a 200.
func get(t *testing.T, c net.Conn, r *bufio.Reader, path string) {
	t.Helper()
	if _, err := io.WriteString(c, "GET "+path+" HTTP/1.1\r\nHost: iamd\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(generous))
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d", path, resp.StatusCode)
	}
	_ = c.SetReadDeadline(time.Time{})
}

// stall sends what stalled clients send to addr: the headers and half a body, only
// headers begun, and a keep-alive connection left idle after one request. The server
// closes each, without credentials ever being checked.
func stall(t *testing.T, addr, path string) {
	t.Helper()
	halfBody := dial(t, addr)
	if _, err := io.WriteString(halfBody, "POST / HTTP/1.1\r\nHost: iamd\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nAction=GetCaller"); err != nil {
		t.Fatal(err)
	}
	halfHeaders := dial(t, addr)
	if _, err := io.WriteString(halfHeaders, "POST / HTTP/1.1\r\nHost: iamd\r\n"); err != nil {
		t.Fatal(err)
	}
	idle := dial(t, addr)
	get(t, idle, bufio.NewReader(idle), path)
	closedByServer(t, halfBody, "headers and half a body")
	closedByServer(t, halfHeaders, "half the headers")
	closedByServer(t, idle, "an idle keep-alive connection")
}

func TestStalledConnectionsAreClosed(t *testing.T) {
	ts := startServerAt(t, "", time.Now, shortLimits(16))
	stall(t, ts.srv.Addr(), "/healthz")
}

// Every instance metadata endpoint has the same timeouts.
func TestStalledMetadataConnectionsAreClosed(t *testing.T) {
	ts := startServerAt(t, "", time.Now, shortLimits(16))
	inst := launch(t, ts, "")
	endpoint, ok := ts.srv.imds.Endpoint(*inst.InstanceId)
	if !ok {
		t.Fatal("no metadata endpoint")
	}
	addr := strings.TrimSuffix(strings.TrimPrefix(endpoint, "http://"), "/")
	stall(t, addr, "/latest/meta-data/instance-id")
}

// Beyond MaxConns a connection waits to be served until one of those served closes.
func TestConnectionsBeyondTheLimitWait(t *testing.T) {
	ts := startServerAt(t, "", time.Now, func(c *Config) {
		c.Limits = Limits{API: netlimit.Limits{ReadTimeout: time.Minute, IdleTimeout: time.Minute, MaxConns: 2}}
	})
	addr := ts.srv.Addr()
	// Two keep-alive connections, each served once: they hold the two slots.
	var held []net.Conn
	for range 2 {
		c := dial(t, addr)
		getHealthz(t, c, bufio.NewReader(c))
		held = append(held, c)
	}
	third := dial(t, addr)
	r := bufio.NewReader(third)
	if _, err := io.WriteString(third, "GET /healthz HTTP/1.1\r\nHost: iamd\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	_ = third.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	if _, err := r.Peek(1); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("a third connection was answered while two were held (%v)", err)
	}
	held[0].Close()
	_ = third.SetReadDeadline(time.Now().Add(generous))
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatalf("the waiting connection was not served once a slot freed: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("healthz %d", resp.StatusCode)
	}
}
