package authz

import "sync/atomic"

// cacheCounts count how the compiled-policy cache served authorizations.
type cacheCounts struct {
	hits, rebuilds atomic.Uint64
}

// CacheCounts returns, since the Authorizer was made, how many authorizations found their
// caller's compiled policies cached and current (hits), and how many gathered and compiled
// them (rebuilds: a first use, IAM changed, or the cache was emptied), for iamd's metrics.
func (a *Authorizer) CacheCounts() (hits, rebuilds uint64) {
	return a.counts.hits.Load(), a.counts.rebuilds.Load()
}
