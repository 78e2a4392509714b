package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/iamd-dev/iamd/internal/awsclient"
	"github.com/iamd-dev/iamd/internal/bench"
)

func runBench(ctx context.Context, args []string, env Env) int {
	if len(args) > 0 && args[0] == "fill" {
		return runBenchFill(ctx, args[1:], env)
	}
	fs := flag.NewFlagSet("iamd bench", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	endpoint := fs.String("endpoint", "", "endpoint URL (default: as the aws CLI finds it, AWS_ENDPOINT_URL ...)")
	op := fs.String("op", "get-caller-identity", "operation to load (create-delete-role counts a create and a delete as one request)")
	door := fs.Bool("door", false, "measure the front door: "+doorOp+" straight to a canned upstream, then through an iamd of its own in front of it")
	overTLS := fs.Bool("tls", false, "measure TLS: get-caller-identity and get-secret-value against an iamd of its own in plain HTTP, then over TLS, and their ratio")
	caBundle := fs.String("ca-bundle", "", "PEM file of the CAs trusted for an https endpoint (default: AWS_CA_BUNDLE, else the system's)")
	concurrency := fs.Int("concurrency", 4, "concurrent workers")
	duration := fs.Duration("duration", 10*time.Second, "how long to run (at most 10m; with --door, each of the two runs)")
	maxRequests := fs.Int("requests", 0, "stop after this many requests (0: only the duration bounds the run)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	writes := fs.Float64("writes-per-second", 0, "run the op alone, then again beside this many IAM writes per second (PutRolePolicy and TagRole on a role of their own), and compare")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *writes < 0 || *writes > 10000 {
		fmt.Fprintln(env.Stderr, "iamd bench: --writes-per-second must be in [0, 10000]")
		return 2
	}
	if *duration <= 0 || *duration > 10*time.Minute || *concurrency < 1 || *concurrency > 1024 {
		fmt.Fprintln(env.Stderr, "iamd bench: --duration must be in (0, 10m] and --concurrency in [1, 1024]")
		return 2
	}
	opts := bench.Options{Concurrency: *concurrency, Duration: *duration, MaxRequests: *maxRequests}
	if *door {
		if *endpoint != "" || fs.Lookup("op").Value.String() != fs.Lookup("op").DefValue {
			fmt.Fprintln(env.Stderr, "iamd bench: --door runs its own iamd and upstream, and "+doorOp+": leave out --endpoint and --op")
			return 2
		}
		return runBenchDoor(ctx, opts, *asJSON, env)
	}
	if *overTLS {
		if *endpoint != "" || *door || fs.Lookup("op").Value.String() != fs.Lookup("op").DefValue {
			fmt.Fprintln(env.Stderr, "iamd bench: --tls runs its own iamds and operations: leave out --endpoint, --op and --door")
			return 2
		}
		return runBenchTLS(ctx, opts, *asJSON, env)
	}
	cfg, err := awsclient.Resolve(*endpoint)
	if err == nil && *caBundle != "" {
		cfg.CABundle = *caBundle
		_, err = cfg.RootCAs()
	}
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
	if *writes > 0 {
		return runBenchUnderWrites(ctx, *op, o, bench.Writer(client), opts, *writes, cfg.Endpoint, *asJSON, env)
	}
	report, err := bench.Run(ctx, o, opts)
	if err != nil {
		fmt.Fprintln(env.Stderr, "iamd bench:", err)
		return 1
	}
	if *asJSON {
		printJSON(env.Stdout, struct {
			Op          string `json:"op"`
			Endpoint    string `json:"endpoint"`
			Concurrency int    `json:"concurrency"`
			bench.Report
		}{*op, cfg.Endpoint, *concurrency, report})
	} else {
		fmt.Fprintf(env.Stdout, "%s against %s, %d workers, %.1fs\n", *op, cfg.Endpoint, *concurrency, report.Seconds)
		printReport(env.Stdout, report)
	}
	if report.Errors > 0 {
		return 1
	}
	return 0
}

// runBenchUnderWrites runs an op alone and beside a paced writer, and prints both.
func runBenchUnderWrites(ctx context.Context, name string, op, writer bench.Op, opts bench.Options, rate float64, endpoint string, asJSON bool, env Env) int {
	u, err := bench.RunUnderWrites(ctx, op, writer, opts, rate)
	if err != nil {
		fmt.Fprintln(env.Stderr, "iamd bench:", err)
		return 1
	}
	if asJSON {
		printJSON(env.Stdout, struct {
			Op          string `json:"op"`
			Endpoint    string `json:"endpoint"`
			Concurrency int    `json:"concurrency"`
			bench.UnderWrites
		}{name, endpoint, opts.Concurrency, u})
	} else {
		fmt.Fprintf(env.Stdout, "%s against %s, %d workers, %.1fs each\nalone:\n", name, endpoint, opts.Concurrency, u.Alone.Seconds)
		printReport(env.Stdout, u.Alone)
		fmt.Fprintf(env.Stdout, "beside %.0f IAM writes/s:\n", rate)
		printReport(env.Stdout, u.Beside)
		fmt.Fprintln(env.Stdout, "the writes:")
		printReport(env.Stdout, u.Writes)
		fmt.Fprintf(env.Stdout, "requests/s beside the writes %.3f× alone\n", u.RateRatio)
	}
	if u.Alone.Errors > 0 || u.Beside.Errors > 0 || u.Writes.Errors > 0 {
		return 1
	}
	return 0
}

// printReport writes a run's figures and its errors, indented.
func printReport(w io.Writer, r bench.Report) {
	fmt.Fprintf(w, "  requests  %d (%d errors)\n  rate      %.0f requests/s\n  latency   p50 %.2fms  p90 %.2fms  p99 %.2fms  max %.2fms\n",
		r.Requests, r.Errors, r.RequestsPerSecond, r.P50Ms, r.P90Ms, r.P99Ms, r.MaxMs)
	if r.Details != nil {
		data, _ := json.Marshal(r.Details)
		fmt.Fprintf(w, "  details   %s\n", data)
	}
	for msg, n := range r.ErrorSamples {
		fmt.Fprintf(w, "  error     %d× %s\n", n, msg)
	}
}

func printJSON(w io.Writer, v any) {
	data, _ := json.MarshalIndent(v, "", "  ")
	fmt.Fprintln(w, string(data))
}
