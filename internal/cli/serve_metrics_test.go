package cli

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

// freeAddr is a loopback address no one listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func getBody(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// --metrics-addr, or IAMD_METRICS_ADDR, serves /metrics on its own listener; the AWS
// listener does not serve it.
func TestServeMetricsAddr(t *testing.T) {
	for _, how := range []string{"flag", "env"} {
		t.Run(how, func(t *testing.T) {
			addr := freeAddr(t)
			var args []string
			if how == "flag" {
				args = []string{"--metrics-addr", addr}
			} else {
				t.Setenv("IAMD_METRICS_ADDR", addr)
			}
			endpoint := startServe(t, args...)
			code, body := getBody(t, "http://"+addr+"/metrics")
			if code != 200 || !strings.Contains(body, "\niamd_authz_cache_hits_total ") || !strings.Contains(body, "\ngo_goroutines ") {
				t.Fatalf("metrics listener: %d\n%s", code, body)
			}
			if code, body := getBody(t, endpoint+"/metrics"); code == 200 || strings.Contains(body, "iamd_authz") {
				t.Fatalf("the AWS listener served /metrics: %d %s", code, body)
			}
		})
	}
}
