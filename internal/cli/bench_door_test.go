package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/iamd-dev/iamd/internal/bench"
)

func TestBenchDoor(t *testing.T) {
	r := run(t, "", "bench", "--door", "--requests", "20", "--duration", "5s", "--concurrency", "2", "--json").want(t, 0)
	var out struct {
		Op string `json:"op"`
		bench.Overhead
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, r.stdout)
	}
	if out.Op != "sqs-get-queue-url" || out.Direct.Requests != 20 || out.Through.Requests != 20 ||
		out.Direct.Errors != 0 || out.Through.Errors != 0 || out.RateRatio <= 0 {
		t.Fatalf("report:\n%s", r.stdout)
	}
	r = run(t, "", "bench", "--door", "--requests", "5", "--duration", "5s").want(t, 0)
	if !strings.Contains(r.stdout, "through iamd's front door") || !strings.Contains(r.stdout, "the door adds p50") {
		t.Fatalf("text report:\n%s", r.stdout)
	}
}

func TestBenchDoorRunsItsOwn(t *testing.T) {
	for _, args := range [][]string{{"--endpoint", "http://127.0.0.1:1"}, {"--op", "get-role"}} {
		r := run(t, "", append([]string{"bench", "--door"}, args...)...).want(t, 2)
		if !strings.Contains(r.stderr, "leave out --endpoint and --op") {
			t.Errorf("%v: %s", args, r.stderr)
		}
	}
}
