package server

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/awsclient"
	"github.com/iamd-dev/iamd/internal/sigv4"
)

// benchServer runs a server for a benchmark, with a metrics listener when metricsAddr is set,
// and a client of its root user.
func benchServer(b *testing.B, metricsAddr string) *awsclient.Client {
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := New(ctx, Config{Addr: "127.0.0.1:0", DataDir: b.TempDir(), RootAccessKeyID: testRootKey, RootSecretAccessKey: testRootSecret, MetricsAddr: metricsAddr})
	if err != nil {
		b.Fatal(err)
	}
	if err := srv.Listen(); err != nil {
		b.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx) }()
	b.Cleanup(func() { cancel(); <-done })
	client := awsclient.New(awsclient.Config{Endpoint: "http://" + srv.Addr(), Region: "us-east-1",
		Credentials: sigv4.Credentials{AccessKeyID: testRootKey, SecretAccessKey: testRootSecret}}, 1)
	if _, err := client.Query(ctx, "iam", url.Values{"Action": {"CreateUser"}, "Version": {"2010-05-08"}, "UserName": {"bench"}}); err != nil {
		b.Fatal(err)
	}
	return client
}

// BenchmarkMetricsCost is the cost of metrics per call: the same calls, signed and sent over
// loopback HTTP to two real servers at once, one without a metrics listener (nothing is
// collected) and one with (every call counted and timed, its store transactions too), the
// two measured in alternation so that the machine's load falls on both alike. Compare the
// ns/op of off and on (go test -bench MetricsCost -count 5).
func BenchmarkMetricsCost(b *testing.B) {
	servers := map[string]*awsclient.Client{"off": benchServer(b, ""), "on": benchServer(b, "127.0.0.1:0")}
	calls := []struct {
		name, service string
		params        url.Values
	}{
		{"GetCallerIdentity", "sts", url.Values{"Action": {"GetCallerIdentity"}, "Version": {"2011-06-15"}}},
		{"GetUser", "iam", url.Values{"Action": {"GetUser"}, "Version": {"2010-05-08"}, "UserName": {"bench"}}},
	}
	ctx := context.Background()
	for _, c := range calls {
		for _, mode := range []string{"off", "on", "off", "on"} {
			client := servers[mode]
			b.Run(c.name+"/metrics="+mode, func(b *testing.B) {
				for b.Loop() {
					if _, err := client.Query(ctx, c.service, c.params); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkRequestPathMetrics is BenchmarkMetricsCost without the network: one signed call
// served by the server's handler in the benchmark's goroutine (verified, authorized, read
// from SQLite, answered), by a server without metrics and one with, in alternation.
func BenchmarkRequestPathMetrics(b *testing.B) {
	handlers := map[string]http.Handler{}
	for mode, addr := range map[string]string{"off": "", "on": "127.0.0.1:0"} {
		srv, err := New(context.Background(), Config{Addr: "127.0.0.1:0", DataDir: b.TempDir(), RootAccessKeyID: testRootKey, RootSecretAccessKey: testRootSecret, MetricsAddr: addr})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { srv.Close() })
		handlers[mode] = srv.paths()
	}
	creds := sigv4.Credentials{AccessKeyID: testRootKey, SecretAccessKey: testRootSecret}
	for _, c := range []struct {
		name, service string
		params        url.Values
	}{
		{"GetCallerIdentity", "sts", url.Values{"Action": {"GetCallerIdentity"}, "Version": {"2011-06-15"}}},
		{"GetUser", "iam", url.Values{"Action": {"GetUser"}, "Version": {"2010-05-08"}}},
	} {
		body := []byte(c.params.Encode())
		req := httptest.NewRequest(http.MethodPost, "http://127.0.0.1/", nil)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		if err := sigv4.Sign(req, body, creds, "us-east-1", c.service, time.Now()); err != nil {
			b.Fatal(err)
		}
		for _, mode := range []string{"off", "on", "off", "on"} {
			h := handlers[mode]
			b.Run(c.name+"/metrics="+mode, func(b *testing.B) {
				for b.Loop() {
					r := req.Clone(context.Background())
					r.Body = io.NopCloser(bytes.NewReader(body))
					w := httptest.NewRecorder()
					h.ServeHTTP(w, r)
					if w.Code != http.StatusOK {
						b.Fatal(w.Code, w.Body.String())
					}
				}
			})
		}
	}
}

// BenchmarkMetricsCall is what the metrics add to each call by themselves: the call counted
// by its service, action (looked up in the catalog) and outcome, and its latency observed.
func BenchmarkMetricsCall(b *testing.B) {
	srv, err := New(context.Background(), Config{Addr: "127.0.0.1:0", DataDir: b.TempDir(), RootAccessKeyID: testRootKey, RootSecretAccessKey: testRootSecret, MetricsAddr: "127.0.0.1:0"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Close() })
	for b.Loop() {
		srv.metrics.Call("iam", "iam:GetUser", "allowed", 40*time.Microsecond)
	}
}
