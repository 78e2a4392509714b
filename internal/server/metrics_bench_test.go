package server

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/awsclient"
	"github.com/iamd-dev/iamd/internal/sigv4"
)

// benchServer runs a server for a benchmark, with a metrics listener when metricsAddr is set,
// and a client of its root user.
func benchServer(b *testing.B, metricsAddr string) (*Server, *awsclient.Client) {
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
	return srv, client
}

// benchCalls are the calls the cost of metrics is measured on: the cheapest (no policy, no
// store) and an authorized read of the store.
var benchCalls = []struct {
	name, service string
	params        url.Values
}{
	{"GetCallerIdentity", "sts", url.Values{"Action": {"GetCallerIdentity"}, "Version": {"2011-06-15"}}},
	{"GetUser", "iam", url.Values{"Action": {"GetUser"}, "Version": {"2010-05-08"}, "UserName": {"bench"}}},
}

// alternate runs each iteration's call once on off and once on on, in turn, so that the
// machine's load falls on both alike, and reports the median time of each and their ratio
// (medians: a stall of the machine, an fsync, lands on one call of a pair, not on the figure).
func alternate(b *testing.B, off, on func()) {
	var tookOff, tookOn []time.Duration
	for b.Loop() {
		start := time.Now()
		off()
		mid := time.Now()
		on()
		tookOff, tookOn = append(tookOff, mid.Sub(start)), append(tookOn, time.Since(mid))
	}
	medOff, medOn := median(tookOff), median(tookOn)
	b.ReportMetric(float64(medOff.Nanoseconds()), "ns/call-off")
	b.ReportMetric(float64(medOn.Nanoseconds()), "ns/call-on")
	b.ReportMetric(float64(medOn)/float64(medOff), "on/off")
}

func median(d []time.Duration) time.Duration {
	slices.Sort(d)
	return d[len(d)/2]
}

// BenchmarkMetricsCost is the cost of metrics per call: the same call, signed and sent over
// loopback HTTP to two real servers, one without a metrics listener (nothing collected) and
// one with (the call counted and timed, its store transactions too), in alternation. The
// on/off metric is the ratio (go test ./internal/server -run '^$' -bench MetricsCost).
func BenchmarkMetricsCost(b *testing.B) {
	_, off := benchServer(b, "")
	_, on := benchServer(b, "127.0.0.1:0")
	ctx := context.Background()
	for _, c := range benchCalls {
		call := func(client *awsclient.Client) func() {
			return func() {
				if _, err := client.Query(ctx, c.service, c.params); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.Run(c.name, func(b *testing.B) { alternate(b, call(off), call(on)) })
	}
}

// BenchmarkRequestPathMetrics is BenchmarkMetricsCost without the network: the signed call
// served by each server's handler in the benchmark's goroutine (verified, authorized, read
// from SQLite, answered).
func BenchmarkRequestPathMetrics(b *testing.B) {
	offSrv, _ := benchServer(b, "")
	onSrv, _ := benchServer(b, "127.0.0.1:0")
	offH, onH := offSrv.paths(), onSrv.paths()
	creds := sigv4.Credentials{AccessKeyID: testRootKey, SecretAccessKey: testRootSecret}
	for _, c := range benchCalls {
		body := []byte(c.params.Encode())
		req := httptest.NewRequest(http.MethodPost, "http://127.0.0.1/", nil)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		if err := sigv4.Sign(req, body, creds, "us-east-1", c.service, time.Now()); err != nil {
			b.Fatal(err)
		}
		serve := func(h http.Handler) func() {
			return func() {
				r := req.Clone(context.Background())
				r.Body = io.NopCloser(bytes.NewReader(body))
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				if w.Code != http.StatusOK {
					b.Fatal(w.Code, w.Body.String())
				}
			}
		}
		b.Run(c.name, func(b *testing.B) { alternate(b, serve(offH), serve(onH)) })
	}
}

// BenchmarkMetricsCall is what the metrics add to each call by themselves: the call counted
// by its service, action (looked up in the catalog) and outcome, and its latency observed.
func BenchmarkMetricsCall(b *testing.B) {
	srv, _ := benchServer(b, "127.0.0.1:0")
	for b.Loop() {
		srv.metrics.Call("iam", "iam:GetUser", "allowed", 40*time.Microsecond)
	}
}
