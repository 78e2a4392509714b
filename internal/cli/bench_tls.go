package cli

import (
	"context"
	"fmt"
	"sort"

	"github.com/iamd-dev/iamd/internal/awsclient"
	"github.com/iamd-dev/iamd/internal/bench"
)

// tlsBenchOps are the operations `iamd bench --tls` measures: the cheapest call, and the one
// whose answer is a secret.
var tlsBenchOps = []string{"get-caller-identity", "get-secret-value"}

// tlsRounds is how many plain and TLS runs alternate for each operation, so that what else
// loads the machine weighs on both alike; the round of the median ratio is reported.
const tlsRounds = 3

// tlsComparison is one operation's plain and TLS runs: those of the median round, and the
// ratio of every round.
type tlsComparison struct {
	Op string `json:"op"`
	bench.Overhead
	RoundRatios []float64 `json:"roundRatios"`
}

// runBenchTLS measures what TLS costs: each of tlsBenchOps against an iamd of its own in
// plain HTTP and against another over TLS (a local CA of its own, kept-alive connections as
// the SDKs keep them), as root, in tlsRounds alternating rounds that share the duration;
// it prints the median round's runs and the ratio of their rates.
func runBenchTLS(ctx context.Context, opts bench.Options, asJSON bool, env Env) int {
	fail := func(err error) int {
		fmt.Fprintln(env.Stderr, "iamd bench --tls:", err)
		return 1
	}
	var servers [2]awsclient.Config
	for i, overTLS := range []bool{false, true} {
		cfg, stop, err := startBenchServer(ctx, "", overTLS)
		if err != nil {
			return fail(err)
		}
		defer stop()
		servers[i] = cfg
	}
	var results []tlsComparison
	failed := false
	round := opts
	round.Duration = max(opts.Duration/tlsRounds, 1)
	round.MaxRequests = opts.MaxRequests / tlsRounds
	for _, op := range tlsBenchOps {
		clients := [2]*awsclient.Client{awsclient.New(servers[0], opts.Concurrency), awsclient.New(servers[1], opts.Concurrency)}
		var rounds []bench.Overhead
		for range tlsRounds {
			var reports [2]bench.Report
			for i, c := range clients {
				r, err := bench.Run(ctx, bench.Ops(c)[op], round)
				if err != nil {
					return fail(err)
				}
				reports[i] = r
				failed = failed || r.Errors > 0
			}
			rounds = append(rounds, bench.Compare(reports[0], reports[1]))
		}
		sort.Slice(rounds, func(i, j int) bool { return rounds[i].RateRatio < rounds[j].RateRatio })
		c := tlsComparison{Op: op, Overhead: rounds[len(rounds)/2]}
		for _, r := range rounds {
			c.RoundRatios = append(c.RoundRatios, r.RateRatio)
		}
		results = append(results, c)
	}
	if asJSON {
		printJSON(env.Stdout, struct {
			Concurrency int             `json:"concurrency"`
			Ops         []tlsComparison `json:"ops"`
		}{opts.Concurrency, results})
	} else {
		for _, c := range results {
			fmt.Fprintf(env.Stdout, "%s, %d workers, %d rounds of %.1fs each; the median round:\nplain HTTP:\n", c.Op, opts.Concurrency, tlsRounds, c.Direct.Seconds)
			printReport(env.Stdout, c.Direct)
			fmt.Fprintln(env.Stdout, "over TLS:")
			printReport(env.Stdout, c.Through)
			fmt.Fprintf(env.Stdout, "TLS adds p50 %.3fms, p99 %.3fms; requests/s over TLS %.2f× plain (rounds: %v)\n", c.AddedP50Ms, c.AddedP99Ms, c.RateRatio, c.RoundRatios)
		}
	}
	if failed {
		return 1
	}
	return 0
}
