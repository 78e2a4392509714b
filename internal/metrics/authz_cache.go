package metrics

import "github.com/prometheus/client_golang/prometheus"

// AuthzCache exports the authorizer's compiled-policy cache: read returns how many
// authorizations found their caller's policies compiled and current (hits), and how many
// had to gather and compile them (rebuilds), since the start. It is read at each scrape.
func (m *Metrics) AuthzCache(read func() (hits, rebuilds uint64)) {
	if m == nil {
		return
	}
	m.reg.MustRegister(
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "iamd_authz_cache_hits_total", Help: "Authorizations whose caller's compiled policies were cached and current.",
		}, func() float64 { h, _ := read(); return float64(h) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "iamd_authz_cache_rebuilds_total", Help: "Authorizations that gathered and compiled their caller's policies (first use, or IAM changed).",
		}, func() float64 { _, r := read(); return float64(r) }),
	)
}
