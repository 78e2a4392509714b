package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/iamd-dev/iamd/internal/awsclient"
	"github.com/iamd-dev/iamd/internal/bench"
)

func runBench(ctx context.Context, args []string, env Env) int {
	fs := flag.NewFlagSet("iamd bench", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	endpoint := fs.String("endpoint", "", "endpoint URL (default: as the aws CLI finds it, AWS_ENDPOINT_URL ...)")
	op := fs.String("op", "get-caller-identity", "operation to load (create-delete-role counts a create and a delete as one request)")
	concurrency := fs.Int("concurrency", 4, "concurrent workers")
	duration := fs.Duration("duration", 10*time.Second, "how long to run (at most 10m)")
	maxRequests := fs.Int("requests", 0, "stop after this many requests (0: only the duration bounds the run)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *duration <= 0 || *duration > 10*time.Minute || *concurrency < 1 || *concurrency > 1024 {
		fmt.Fprintln(env.Stderr, "iamd bench: --duration must be in (0, 10m] and --concurrency in [1, 1024]")
		return 2
	}
	cfg, err := awsclient.Resolve(*endpoint)
	if err != nil {
		fmt.Fprintln(env.Stderr, "iamd bench:", err)
		return 2
	}
	client := awsclient.New(cfg, *concurrency)
	ops := bench.Ops(client)
	o, ok := ops[*op]
	if !ok {
		fmt.Fprintf(env.Stderr, "iamd bench: unknown --op %q (one of %s)\n", *op, strings.Join(bench.OpNames(ops), ", "))
		return 2
	}
	report, err := bench.Run(ctx, o, bench.Options{Concurrency: *concurrency, Duration: *duration, MaxRequests: *maxRequests})
	if err != nil {
		fmt.Fprintln(env.Stderr, "iamd bench:", err)
		return 1
	}
	if *asJSON {
		out := struct {
			Op          string `json:"op"`
			Endpoint    string `json:"endpoint"`
			Concurrency int    `json:"concurrency"`
			bench.Report
		}{*op, cfg.Endpoint, *concurrency, report}
		data, _ := json.MarshalIndent(out, "", "  ")
		fmt.Fprintln(env.Stdout, string(data))
	} else {
		fmt.Fprintf(env.Stdout, "%s against %s, %d workers, %.1fs\n", *op, cfg.Endpoint, *concurrency, report.Seconds)
		fmt.Fprintf(env.Stdout, "  requests  %d (%d errors)\n  rate      %.0f requests/s\n  latency   p50 %.2fms  p90 %.2fms  p99 %.2fms  max %.2fms\n",
			report.Requests, report.Errors, report.RequestsPerSecond, report.P50Ms, report.P90Ms, report.P99Ms, report.MaxMs)
		for msg, n := range report.ErrorSamples {
			fmt.Fprintf(env.Stdout, "  error     %d× %s\n", n, msg)
		}
	}
	if report.Errors > 0 {
		return 1
	}
	return 0
}
