package bench

import (
	"context"
	"math"
)

// UnderWrites is an op's figures run alone and then again beside a steady writer.
type UnderWrites struct {
	Alone  Report `json:"alone"`
	Beside Report `json:"besideWrites"`
	Writes Report `json:"writes"` // the writer's own, paced at WritesPerSecond
	// WritesPerSecond is the pace asked of the writer; Writes.RequestsPerSecond is the one
	// it kept.
	WritesPerSecond float64 `json:"writesPerSecond"`
	// RateRatio is the op's requests per second beside the writes over those alone.
	RateRatio float64 `json:"rateRatio"`
}

// writerConcurrency is how many workers share the writer's pace: enough that a write's
// latency does not slow the pace below what is asked.
const writerConcurrency = 8

// RunUnderWrites runs op under o alone, then again while w runs beside it at rate
// requests per second for as long (its Setup before and its Teardown after that second
// run, both outside the times measured).
func RunUnderWrites(ctx context.Context, op, w Op, o Options, rate float64) (UnderWrites, error) {
	u := UnderWrites{WritesPerSecond: rate}
	var err error
	if u.Alone, err = Run(ctx, op, o); err != nil {
		return u, err
	}
	if w.Setup != nil {
		if err := w.Setup(ctx); err != nil {
			return u, err
		}
	}
	paced := Op{Run: w.Run}
	wo := Options{Concurrency: writerConcurrency, Duration: o.Duration, Rate: rate}
	type result struct {
		r   Report
		err error
	}
	done := make(chan result, 1)
	go func() {
		r, err := Run(ctx, paced, wo)
		done <- result{r, err}
	}()
	u.Beside, err = Run(ctx, op, o)
	wr := <-done
	u.Writes = wr.r
	if w.Teardown != nil {
		if terr := w.Teardown(ctx); err == nil && wr.err == nil {
			err = terr
		}
	}
	if err == nil {
		err = wr.err
	}
	if u.Alone.RequestsPerSecond > 0 {
		u.RateRatio = math.Round(u.Beside.RequestsPerSecond/u.Alone.RequestsPerSecond*1000) / 1000
	}
	return u, err
}
