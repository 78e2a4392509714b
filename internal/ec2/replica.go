package ec2

import "github.com/iamd-dev/iamd/internal/docstore"

// RunningIndexEntry reports whether k is an entry of the index of running instances, and of
// which instance: a write to it is an instance starting or stopping, which another process
// sharing the store (a replica) learns from its change feed.
func RunningIndexEntry(k docstore.Key) (instanceID string, ok bool) {
	if k.Collection != colRunning || k.Account != "" {
		return "", false
	}
	return k.ID, true
}
