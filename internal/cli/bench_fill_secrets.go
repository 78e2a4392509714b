package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/iamd-dev/iamd/internal/awsclient"
	"github.com/iamd-dev/iamd/internal/bench"
)

// runBenchFillSecrets is `iamd bench fill --secrets N`: it creates N secrets through the
// API from the workers, for at most the duration, and reports the secrets made per second.
func runBenchFillSecrets(ctx context.Context, endpoint string, n, roles int, prefix string, concurrency int, duration time.Duration, asJSON bool, env Env) int {
	if roles != 0 || n < 1 || n > maxFillRoles || concurrency < 1 || concurrency > 1024 || duration <= 0 || duration > 24*time.Hour || prefix == "" {
		fmt.Fprintf(env.Stderr, "iamd bench fill: --secrets must be in [1, %d] and without --roles, --concurrency in [1, 1024], --duration in (0, 24h], --prefix not empty\n", maxFillRoles)
		return 2
	}
	cfg, err := awsclient.Resolve(endpoint)
	if err != nil {
		fmt.Fprintln(env.Stderr, "iamd bench fill:", err)
		return 2
	}
	client := awsclient.New(cfg, concurrency)
	r, err := bench.Run(ctx, bench.FillSecrets(client, prefix), bench.Options{Concurrency: concurrency, Duration: duration, MaxRequests: n})
	if err != nil {
		fmt.Fprintln(env.Stderr, "iamd bench fill:", err)
		return 1
	}
	made := r.Requests - r.Errors
	rate := float64(made) / r.Seconds
	if asJSON {
		printJSON(env.Stdout, struct {
			Endpoint      string  `json:"endpoint"`
			Concurrency   int     `json:"concurrency"`
			Asked         int     `json:"secrets"`
			Made          int     `json:"made"`
			SecretsPerSec float64 `json:"secretsPerSecond"`
			bench.Report  `json:"report"`
		}{cfg.Endpoint, concurrency, n, made, rate, r})
	} else {
		fmt.Fprintf(env.Stdout, "fill %s/* against %s, %d workers: %d of %d secrets in %.1fs, %.0f secrets/s\n",
			prefix, cfg.Endpoint, concurrency, made, n, r.Seconds, rate)
		printReport(env.Stdout, r)
	}
	if made < n {
		return 1
	}
	return 0
}
