package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// `iamd bench --tls` loads an iamd in plain HTTP and one over TLS with each operation, in
// alternating rounds, without an error.
func TestBenchTLS(t *testing.T) {
	r := run(t, "", "bench", "--tls", "--requests", "30", "--duration", "5s", "--concurrency", "2", "--json").want(t, 0)
	var out struct {
		Ops []tlsComparison `json:"ops"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, r.stdout)
	}
	if len(out.Ops) != 2 || out.Ops[0].Op != "get-caller-identity" || out.Ops[1].Op != "get-secret-value" {
		t.Fatalf("report:\n%s", r.stdout)
	}
	for _, c := range out.Ops {
		if c.Direct.Requests != 10 || c.Through.Requests != 10 || c.Direct.Errors+c.Through.Errors != 0 || len(c.RoundRatios) != tlsRounds || c.RateRatio <= 0 {
			t.Errorf("%s: %+v", c.Op, c)
		}
	}
	r = run(t, "", "bench", "--tls", "--op", "get-role").want(t, 2)
	if !strings.Contains(r.stderr, "--tls runs its own iamds") {
		t.Errorf("--tls --op: %s", r.stderr)
	}
}
