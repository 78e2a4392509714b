package cli

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/iamd-dev/iamd/internal/awsclient"
	"github.com/iamd-dev/iamd/internal/bench"
)

// maxFillRoles bounds `iamd bench fill --roles`: ten times the million the scale figures
// are measured at.
const maxFillRoles = 10_000_000

// runBenchFill is `iamd bench fill`: it creates --roles roles, each with an inline policy,
// through the API from --concurrency workers, for at most --duration, and reports the
// roles made per second.
func runBenchFill(ctx context.Context, args []string, env Env) int {
	fs := flag.NewFlagSet("iamd bench fill", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	endpoint := fs.String("endpoint", "", "endpoint URL (default: as the aws CLI finds it, AWS_ENDPOINT_URL ...)")
	roles := fs.Int("roles", 0, "how many roles to create (this or --secrets)")
	nSecrets := fs.Int("secrets", 0, "how many secrets to create instead of roles, named PREFIX/0000000, PREFIX/0000001, ... (a secret that exists is kept)")
	prefix := fs.String("prefix", bench.DefaultFillPrefix, "the roles are named PREFIX-0000000, PREFIX-0000001, ...; a role that exists is kept and given its policy again")
	concurrency := fs.Int("concurrency", 16, "concurrent workers")
	duration := fs.Duration("duration", 30*time.Minute, "stop after this long even if not all roles are made (at most 24h)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *nSecrets != 0 {
		return runBenchFillSecrets(ctx, *endpoint, *nSecrets, *roles, *prefix, *concurrency, *duration, *asJSON, env)
	}
	if *roles < 1 || *roles > maxFillRoles || *concurrency < 1 || *concurrency > 1024 || *duration <= 0 || *duration > 24*time.Hour || *prefix == "" {
		fmt.Fprintf(env.Stderr, "iamd bench fill: --roles must be in [1, %d], --concurrency in [1, 1024], --duration in (0, 24h], --prefix not empty\n", maxFillRoles)
		return 2
	}
	cfg, err := awsclient.Resolve(*endpoint)
	if err != nil {
		fmt.Fprintln(env.Stderr, "iamd bench fill:", err)
		return 2
	}
	client := awsclient.New(cfg, *concurrency)
	r, err := bench.Run(ctx, bench.Fill(client, *prefix), bench.Options{Concurrency: *concurrency, Duration: *duration, MaxRequests: *roles})
	if err != nil {
		fmt.Fprintln(env.Stderr, "iamd bench fill:", err)
		return 1
	}
	made := r.Requests - r.Errors
	rate := float64(made) / r.Seconds
	if *asJSON {
		printJSON(env.Stdout, struct {
			Endpoint     string  `json:"endpoint"`
			Concurrency  int     `json:"concurrency"`
			Asked        int     `json:"roles"`
			Made         int     `json:"made"`
			RolesPerSec  float64 `json:"rolesPerSecond"`
			bench.Report `json:"report"`
		}{cfg.Endpoint, *concurrency, *roles, made, rate, r})
	} else {
		fmt.Fprintf(env.Stdout, "fill %s-* against %s, %d workers: %d of %d roles in %.1fs, %.0f roles/s\n",
			*prefix, cfg.Endpoint, *concurrency, made, *roles, r.Seconds, rate)
		printReport(env.Stdout, r)
	}
	if made < *roles {
		return 1
	}
	return 0
}
