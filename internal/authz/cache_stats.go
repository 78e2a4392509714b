package authz

import "sync/atomic"

// CacheStats counts what the compiled-policy cache did since the Authorizer was made.
type CacheStats struct {
	// Hits are decisions made with a caller's cached policies, none of whose documents had
	// changed.
	Hits uint64
	// Rebuilds are callers' policies read and compiled: at a caller's first decision, when
	// a document they depend on changed, and after an eviction.
	Rebuilds uint64
	// Refreshes are callers' policies read anew because a document they were read from
	// changed, found the same (a role's trust policy or a tag changed) and so not compiled.
	Refreshes uint64
	// Evictions are entries dropped, least recently used first, to keep the cache in size.
	Evictions uint64
	// Entries is the number of callers cached now, Capacity the most it keeps.
	Entries, Capacity int
}

// cacheCounters are the running counts behind CacheStats.
type cacheCounters struct {
	hits, rebuilds, refreshes, evictions atomic.Uint64
}

// Stats returns the compiled-policy cache's counts.
func (a *Authorizer) Stats() CacheStats {
	return CacheStats{
		Hits:      a.stats.hits.Load(),
		Rebuilds:  a.stats.rebuilds.Load(),
		Refreshes: a.stats.refreshes.Load(),
		Evictions: a.stats.evictions.Load(),
		Entries:   a.cache.len(),
		Capacity:  a.cache.size,
	}
}
