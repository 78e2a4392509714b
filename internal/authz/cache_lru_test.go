package authz_test

import (
	"fmt"
	"testing"

	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/policy"
	"github.com/iamd-dev/iamd/internal/testutil"
)

// A full cache evicts the callers not used lately: callers deciding all the time stay
// cached while a stream of one-off sessions passes through.
func TestCacheKeepsHotSet(t *testing.T) {
	s := testutil.New(t)
	role := s.Role(t, "worker", "", testutil.TrustEC2)
	must(t, s.IAM.PutRolePolicy(t.Context(), acct, "worker", "all", allowDoc(actionA)))
	const size, hot = 16, 8
	az := authz.New(s.IAM, authz.CacheSize(size))
	var hotCallers []*authz.Caller
	for i := range hot {
		hotCallers = append(hotCallers, session(t, role, "hot", fmt.Sprintf("ASIAHOT%d", i)))
	}
	decideHot := func() {
		for _, c := range hotCallers {
			if d := decision(t, az, c, request(actionA)); d.Result != policy.Allowed {
				t.Fatalf("%s: %v", c.AccessKeyID, d.Result)
			}
		}
	}
	decideHot()
	decideHot()
	before := az.Stats()
	if before.Rebuilds != hot {
		t.Fatalf("warming up: %+v, want %d rebuilds", before, hot)
	}
	cold := 0
	for range 50 {
		for range 3 {
			cold++
			decision(t, az, session(t, role, "cold", fmt.Sprintf("ASIACOLD%d", cold)), request(actionA))
		}
		decideHot()
	}
	after := az.Stats()
	if got := after.Rebuilds - before.Rebuilds; got != uint64(cold) {
		t.Errorf("%d rebuilds for %d one-off sessions: hot callers were evicted (%+v)", got, cold, after)
	}
	if after.Evictions < uint64(cold-(size-hot)) {
		t.Errorf("evictions %d, want at least %d", after.Evictions, cold-(size-hot))
	}
	if after.Entries != size || after.Capacity != size {
		t.Errorf("entries %d of %d, want %d", after.Entries, after.Capacity, size)
	}
}

// The default size holds DefaultCacheSize callers.
func TestCacheDefaultSize(t *testing.T) {
	s := testutil.New(t)
	if got := authz.New(s.IAM).Stats().Capacity; got != authz.DefaultCacheSize {
		t.Errorf("capacity %d, want %d", got, authz.DefaultCacheSize)
	}
	if got := authz.New(s.IAM, authz.CacheSize(0)).Stats().Capacity; got != authz.DefaultCacheSize {
		t.Errorf("CacheSize(0): capacity %d, want %d", got, authz.DefaultCacheSize)
	}
}
