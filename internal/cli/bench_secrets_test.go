package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/iamd-dev/iamd/internal/awsclient"
	"github.com/iamd-dev/iamd/internal/bench"
)

func TestBenchFillSecretsAndPageThem(t *testing.T) {
	cfg := benchServer(t)
	r := run(t, "", "bench", "fill", "--secrets", "205", "--concurrency", "4", "--json").want(t, 0)
	var out struct {
		Made, Secrets    int
		SecretsPerSecond float64
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if out.Made != 205 || out.Secrets != 205 || out.SecretsPerSecond <= 0 {
		t.Fatalf("report:\n%s", r.stdout)
	}
	// Again over more: the secrets made are kept, the rest made.
	if r := run(t, "", "bench", "fill", "--secrets", "210").want(t, 0); !strings.Contains(r.stdout, "210 of 210 secrets") {
		t.Fatalf("text report:\n%s", r.stdout)
	}
	body, err := awsclient.New(cfg, 1).JSON(context.Background(), "secretsmanager", "secretsmanager.DescribeSecret", map[string]string{"SecretId": bench.FillSecretName("iamd-fill", 209)})
	if err != nil || !strings.Contains(string(body), "iamd-fill/0000209") {
		t.Fatalf("the last secret: %v %s", err, body)
	}
	// Every order and filter pages through the 210 in three pages.
	for _, op := range []string{"list-secrets-all", "list-secrets-desc-all", "list-secrets-name-prefix-all", "list-secrets-name-filter-all"} {
		out := run(t, "", "bench", "--op", op, "--requests", "2", "--duration", "20s", "--json").want(t, 0)
		var rep struct {
			Requests int
			Details  bench.PageStats
		}
		if err := json.Unmarshal([]byte(out.stdout), &rep); err != nil {
			t.Fatalf("%v\n%s", err, out.stdout)
		}
		if rep.Requests != 2 || rep.Details.Passes != 2 || rep.Details.PagesPerPass != 3 {
			t.Fatalf("%s:\n%s", op, out.stdout)
		}
	}
	run(t, "", "bench", "--op", "list-secrets", "--requests", "3", "--duration", "10s").want(t, 0)
	run(t, "", "bench", "fill", "--secrets", "5", "--roles", "5").want(t, 2)
	run(t, "", "bench", "fill", "--secrets", "-1").want(t, 2)
}

// TestBenchDecision runs the decision op: a session with seed 001's Tower policy lists
// secrets, and the bench removes its role afterwards.
func TestBenchDecision(t *testing.T) {
	cfg := benchServer(t)
	out := run(t, "", "bench", "--op", "decision", "--requests", "20", "--concurrency", "2", "--duration", "20s", "--json").want(t, 0)
	var rep struct{ Requests, Errors int }
	if err := json.Unmarshal([]byte(out.stdout), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out.stdout)
	}
	if rep.Requests != 20 || rep.Errors != 0 {
		t.Fatalf("report:\n%s", out.stdout)
	}
	if names := roleNames(t, awsclient.New(cfg, 1)); len(names) != 0 {
		t.Fatalf("the bench left roles behind: %v", names)
	}
}
