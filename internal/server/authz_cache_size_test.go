package server

import (
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/authz"
)

// --authz-cache-size bounds the server's compiled-policy cache; left out, the default holds.
func TestAuthzCacheSizeReachesTheAuthorizer(t *testing.T) {
	if got := startServer(t, "").srv.authz.Stats().Capacity; got != authz.DefaultCacheSize {
		t.Errorf("default capacity %d, want %d", got, authz.DefaultCacheSize)
	}
	ts := startServerAt(t, "", time.Now, func(c *Config) { c.AuthzCacheSize = 7 })
	if got := ts.srv.authz.Stats().Capacity; got != 7 {
		t.Errorf("capacity %d, want 7", got)
	}
}
