package bench

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

func TestRunBoundsAndCounts(t *testing.T) {
	var setup, teardown, calls atomic.Int64
	op := Op{
		Setup:    func(context.Context) error { setup.Add(1); return nil },
		Teardown: func(context.Context) error { teardown.Add(1); return nil },
		Run: func(_ context.Context, _, i int) error {
			calls.Add(1)
			if i%10 == 9 {
				return errors.New("every tenth fails")
			}
			return nil
		},
	}
	r, err := Run(context.Background(), op, Options{Concurrency: 3, Duration: 5 * time.Second, MaxRequests: 300})
	if err != nil {
		t.Fatal(err)
	}
	if r.Requests != 300 || calls.Load() != 300 {
		t.Fatalf("requests %d, calls %d, want 300", r.Requests, calls.Load())
	}
	if r.Errors < 27 || r.Errors > 30 || len(r.ErrorSamples) != 1 {
		t.Fatalf("errors %d %v", r.Errors, r.ErrorSamples)
	}
	if setup.Load() != 1 || teardown.Load() != 1 {
		t.Fatalf("setup %d, teardown %d", setup.Load(), teardown.Load())
	}
	if !(r.P50Ms <= r.P90Ms && r.P90Ms <= r.P99Ms && r.P99Ms <= r.MaxMs) {
		t.Fatalf("percentiles out of order: %+v", r)
	}
}

func TestRunStopsAtTheDeadline(t *testing.T) {
	op := Op{Run: func(ctx context.Context, _, _ int) error {
		select {
		case <-time.After(time.Millisecond):
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}}
	start := time.Now()
	r, err := Run(context.Background(), op, Options{Concurrency: 2, Duration: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatalf("run took %v", time.Since(start))
	}
	if r.Requests == 0 || r.Errors != 0 {
		t.Fatalf("report %+v: requests cut off by the deadline must not count as errors", r)
	}
}

func TestPercentile(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	if p := percentile(d, 50); p != 50 {
		t.Fatalf("p50 %v", p)
	}
	if p := percentile(d, 99); p != 99 {
		t.Fatalf("p99 %v", p)
	}
	if p := percentile(nil, 50); p != 0 {
		t.Fatalf("p50 of nothing %v", p)
	}
}

func TestRunPaced(t *testing.T) {
	var calls atomic.Int64
	op := Op{Run: func(context.Context, int, int) error { calls.Add(1); return nil }}
	r, err := Run(context.Background(), op, Options{Concurrency: 4, Duration: 500 * time.Millisecond, Rate: 40})
	if err != nil {
		t.Fatal(err)
	}
	// 40 a second for half a second, however many workers are free: never more than 20.
	if r.Requests == 0 || r.Requests > 20 || int64(r.Requests) != calls.Load() {
		t.Fatalf("requests %d, calls %d, want 1..20", r.Requests, calls.Load())
	}
}

func TestPageStats(t *testing.T) {
	var p pageRecorder
	for pass := range 3 {
		for depth := range 20 {
			p.page(depth, time.Duration(depth+1+pass)*time.Millisecond)
		}
		p.pass(20)
	}
	p.page(0, time.Millisecond) // a pass cut off after its first page
	s := p.stats()
	if s.Passes != 3 || s.PagesPerPass != 20 || s.Pages != 61 || s.DeepestPage != 20 || len(s.ByDepthMs) != 10 {
		t.Fatalf("%+v", s)
	}
	if s.FirstPageMs != 1 || s.LastPageMs != 21 || s.ByDepthMs[0] != 2 || s.ByDepthMs[9] != 20 {
		t.Fatalf("%+v", s)
	}
}

func TestReadPage(t *testing.T) {
	body := []byte(`<ListRolesResponse><ListRolesResult><Roles><member><RoleName>a</RoleName></member></Roles>` +
		`<IsTruncated>true</IsTruncated><Marker>m1</Marker></ListRolesResult></ListRolesResponse>`)
	tr, m, err := readPage(body)
	if err != nil || !tr || m != "m1" {
		t.Fatalf("%v %q %v", tr, m, err)
	}
	tr, m, err = readPage([]byte(`<R><X><IsTruncated>false</IsTruncated></X></R>`))
	if err != nil || tr || m != "" {
		t.Fatalf("%v %q %v", tr, m, err)
	}
}
