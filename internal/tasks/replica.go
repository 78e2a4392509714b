package tasks

import "github.com/iamd-dev/iamd/internal/docstore"

// Forget drops what the service keeps in memory of the tasks whose documents another
// process sharing the store wrote (a replica that stopped one): the next call reads them
// from the store again, so a task stopped anywhere serves no more credentials here.
func (s *Service) Forget(keys []docstore.Key) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range keys {
		if k.Collection == collection {
			delete(s.running, k.ID)
		}
	}
}

// ForgetAll drops every task kept in memory, for when the writes made elsewhere are not
// known.
func (s *Service) ForgetAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.running)
}
