package bench

import "math"

// Overhead is what a hop adds to calls: the same operation through it and straight to what
// it forwards to, run alike.
type Overhead struct {
	Direct  Report `json:"direct"`
	Through Report `json:"through"`
	// AddedP50Ms and AddedP99Ms are the hop's latency at the median and the 99th percentile.
	AddedP50Ms float64 `json:"addedP50Ms"`
	AddedP99Ms float64 `json:"addedP99Ms"`
	// RateRatio is the requests per second through the hop over those straight.
	RateRatio float64 `json:"rateRatio"`
}

// Compare is the overhead of Through over Direct.
func Compare(direct, through Report) Overhead {
	o := Overhead{Direct: direct, Through: through, AddedP50Ms: thousandths(through.P50Ms - direct.P50Ms), AddedP99Ms: thousandths(through.P99Ms - direct.P99Ms)}
	if direct.RequestsPerSecond > 0 {
		o.RateRatio = thousandths(through.RequestsPerSecond / direct.RequestsPerSecond)
	}
	return o
}

// thousandths rounds to three decimals (a microsecond, for milliseconds).
func thousandths(x float64) float64 { return math.Round(x*1000) / 1000 }
