// Package bench is a load generator for AWS-compatible endpoints: it runs one operation from
// several workers for a bounded time and count, and reports throughput, latency percentiles
// and errors. It signs its own requests, so it measures any server that speaks the API.
package bench

import (
	"context"
	"errors"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// Op is one operation under load: Setup runs once before, Run once per request (worker is
// the worker's index, i a per-worker counter), Teardown once after.
type Op struct {
	Setup    func(ctx context.Context) error
	Run      func(ctx context.Context, worker, i int) error
	Teardown func(ctx context.Context) error
	// Details, when set, is called once the workers have stopped, before Teardown: figures
	// of the op's own (pages per run, reads and writes of a mix) for the report.
	Details func() any
}

// Options bound a run in time and count.
type Options struct {
	Concurrency int
	Duration    time.Duration
	MaxRequests int // 0: no bound but the duration
	// Rate, when positive, paces the run at this many requests per second in all: each
	// worker waits for its turn before a request (the wait is not in its latency), and a
	// turn no worker is free to take is skipped, so that a slow server is not made up for.
	Rate float64
}

// Report is the outcome of a run.
type Report struct {
	Requests          int            `json:"requests"`
	Errors            int            `json:"errors"`
	ErrorSamples      map[string]int `json:"errorSamples,omitempty"`
	Seconds           float64        `json:"seconds"`
	RequestsPerSecond float64        `json:"requestsPerSecond"`
	P50Ms             float64        `json:"p50Ms"`
	P90Ms             float64        `json:"p90Ms"`
	P99Ms             float64        `json:"p99Ms"`
	MaxMs             float64        `json:"maxMs"`
	Details           any            `json:"details,omitempty"`
}

// maxSamples bounds the latencies kept in memory.
const maxSamples = 1 << 20

// Run drives op under the options and reports.
func Run(ctx context.Context, op Op, o Options) (Report, error) {
	if o.Concurrency < 1 {
		o.Concurrency = 1
	}
	if o.Duration <= 0 {
		return Report{}, errors.New("bench: the duration must be positive")
	}
	if op.Setup != nil {
		if err := op.Setup(ctx); err != nil {
			return Report{}, err
		}
	}
	runCtx, cancel := context.WithTimeout(ctx, o.Duration)
	defer cancel()
	var (
		issued   atomic.Int64
		mu       sync.Mutex
		samples  []time.Duration
		failures = map[string]int{}
		errCount int
		wg       sync.WaitGroup
	)
	var turns <-chan time.Time
	if o.Rate > 0 {
		t := time.NewTicker(time.Duration(float64(time.Second) / o.Rate))
		defer t.Stop()
		turns = t.C
	}
	start := time.Now()
	for w := 0; w < o.Concurrency; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			local := make([]time.Duration, 0, 1024)
			for i := 0; runCtx.Err() == nil; i++ {
				if turns != nil {
					select {
					case <-turns:
					case <-runCtx.Done():
						continue
					}
				}
				if o.MaxRequests > 0 && issued.Add(1) > int64(o.MaxRequests) {
					break
				}
				t0 := time.Now()
				err := op.Run(runCtx, w, i)
				if runCtx.Err() != nil && err != nil {
					break // cut off by the deadline: not a server error
				}
				d := time.Since(t0)
				if err != nil {
					mu.Lock()
					errCount++
					if len(failures) < 20 {
						failures[err.Error()]++
					}
					mu.Unlock()
					continue
				}
				local = append(local, d)
			}
			mu.Lock()
			if room := maxSamples - len(samples); room > 0 {
				samples = append(samples, local[:min(room, len(local))]...)
			}
			mu.Unlock()
		}(w)
	}
	wg.Wait()
	elapsed := time.Since(start)
	r := Report{Requests: len(samples) + errCount, Errors: errCount, Seconds: elapsed.Seconds()}
	if len(failures) > 0 {
		r.ErrorSamples = failures
	}
	r.RequestsPerSecond = float64(r.Requests) / elapsed.Seconds()
	sort.Slice(samples, func(i, j int) bool { return samples[i] < samples[j] })
	r.P50Ms, r.P90Ms, r.P99Ms = percentile(samples, 50), percentile(samples, 90), percentile(samples, 99)
	if len(samples) > 0 {
		r.MaxMs = ms(samples[len(samples)-1])
	}
	if op.Details != nil {
		r.Details = op.Details()
	}
	if op.Teardown != nil {
		if err := op.Teardown(ctx); err != nil {
			return r, err
		}
	}
	return r, nil
}

func percentile(sorted []time.Duration, p int) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	return ms(sorted[max(0, min(i-1, len(sorted)-1))])
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
