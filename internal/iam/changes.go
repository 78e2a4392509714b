package iam

import (
	"context"
	"slices"
	"sync/atomic"

	"github.com/iamd-dev/iamd/internal/docstore"
)

// changeSlots is how many version counters the change log keeps. Keys share a counter when
// their hashes collide: a write then invalidates what depends on the other key too (a
// spurious rebuild), never less.
const changeSlots = 1 << 16

// changeLog records which stored documents committed IAM writes changed, so that what was
// derived from some documents (a principal's compiled policies) is dropped when, and only
// when, one of them changes.
//
// Each commit takes the next sequence number; each key's counter holds the number of the
// last commit that wrote it. A read remembers the sequence number before it began: what it
// derived is current while none of the keys it read has been written by a later commit. A
// commit not seen by the read's snapshot is numbered after the read began, so it is never
// missed; one seen by it may be numbered after too, which costs a spurious rebuild only.
type changeLog struct {
	seq   atomic.Uint64 // commits so far (Service.Generation)
	floor atomic.Uint64 // the commit number of the last write to unknown keys
	// onCommit is called with the keys of each commit of this process's (Service.OnCommit).
	onCommit atomic.Pointer[func([]docstore.Key)]
	slots    [changeSlots]atomic.Uint64
}

func newChangeLog() *changeLog { return &changeLog{} }

// slot is the key's counter: FNV-1a of the key, so that which keys share one is the same in
// every process (and in tests).
func (c *changeLog) slot(k docstore.Key) uint32 {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	for _, s := range [...]string{k.Collection, "\x00", k.Account, "\x00", k.ID} {
		for i := 0; i < len(s); i++ {
			h = (h ^ uint64(s[i])) * prime
		}
	}
	return uint32(h % changeSlots)
}

// committed numbers a commit that wrote keys and marks each of them written by it.
func (c *changeLog) committed(keys []docstore.Key) {
	n := c.seq.Add(1)
	for _, k := range keys {
		raise(&c.slots[c.slot(k)], n)
	}
}

// committedUnknown numbers a commit whose keys are not known: everything read before it is
// stale.
func (c *changeLog) committedUnknown() {
	raise(&c.floor, c.seq.Add(1))
}

// raise sets v to n unless it holds a later number (commits finish out of order).
func raise(v *atomic.Uint64, n uint64) {
	for {
		old := v.Load()
		if old >= n || v.CompareAndSwap(old, n) {
			return
		}
	}
}

// Dependencies are the stored documents something was derived from, as of the read that
// derived it. The zero value depends on nothing stored and is always current.
type Dependencies struct {
	since   uint64   // commits before the read began
	slots   []uint32 // of the keys read, each once
	tracked bool     // the read was tracked (false: the zero value)
	all     bool     // the read listed: any commit since makes it stale
}

// Current reports whether no document d depends on has been written since it was read
// (by a commit here, or one noted with NoteWrites or NoteUnknownWrites).
func (s *Service) Current(d Dependencies) bool {
	if !d.tracked {
		return true
	}
	c := s.changes
	if c.seq.Load() == d.since {
		return true // nothing written at all since
	}
	if d.all || c.floor.Load() > d.since {
		return false
	}
	for _, i := range d.slots {
		if c.slots[i].Load() > d.since {
			return false
		}
	}
	return true
}

// OnCommit has fn called, after each write transaction this Service commits, with the keys
// it wrote (fn must not keep or change the slice, and must not block). It is the other end of
// NoteWrites: a primary publishes its changes to the processes sharing its store with it.
// nil stops the calls.
func (s *Service) OnCommit(fn func(keys []docstore.Key)) {
	if fn == nil {
		s.changes.onCommit.Store(nil)
		return
	}
	s.changes.onCommit.Store(&fn)
}

// committed records a commit of this Service's.
func (s *Service) committed(keys []docstore.Key) {
	s.changes.committed(keys)
	if fn := s.changes.onCommit.Load(); fn != nil {
		(*fn)(keys)
	}
}

// NoteWrites records documents written by a transaction committed elsewhere, so that what
// this process derived from them is rebuilt. It is the hook for another process sharing the
// store (a replica applying its primary's changes): call it after the change is readable
// from this process's store. Commits made through this Service are recorded without it.
func (s *Service) NoteWrites(keys []docstore.Key) { s.changes.committed(keys) }

// NoteUnknownWrites records that documents were written elsewhere without saying which (a
// replica that lost its change feed): everything derived before is rebuilt.
func (s *Service) NoteUnknownWrites() { s.changes.committedUnknown() }

// writeTx is a write transaction that remembers the keys it wrote, for the change log.
// Every writing method of docstore.Tx must be overridden here (TestWriteTxRecordsEveryWrite).
type writeTx struct {
	docstore.Tx
	wrote []docstore.Key
}

func (t *writeTx) Insert(k docstore.Key, v any) error {
	t.wrote = append(t.wrote, k)
	return t.Tx.Insert(k, v)
}

func (t *writeTx) Put(k docstore.Key, v any) error {
	t.wrote = append(t.wrote, k)
	return t.Tx.Put(k, v)
}

func (t *writeTx) Delete(k docstore.Key) error {
	t.wrote = append(t.wrote, k)
	return t.Tx.Delete(k)
}

// readTx is a read transaction that remembers the keys it read, as Dependencies. A List or
// Count makes the read depend on every write: the keys it would cover are not known.
type readTx struct {
	docstore.Tx
	log  *changeLog
	deps *Dependencies
}

func (t *readTx) Get(k docstore.Key, v any) error {
	if i := t.log.slot(k); !slices.Contains(t.deps.slots, i) {
		t.deps.slots = append(t.deps.slots, i) // a principal reads a few documents
	}
	return t.Tx.Get(k, v)
}

func (t *readTx) List(collection, account, prefix, after string, fn func(id string, raw []byte) error) error {
	t.everything()
	return t.Tx.List(collection, account, prefix, after, fn)
}

func (t *readTx) Count(collection, account, prefix string) (int, error) {
	t.everything()
	return t.Tx.Count(collection, account, prefix)
}

// everything makes the read stale at the next commit of any key.
func (t *readTx) everything() { t.deps.all = true }

// viewTracked is view, with the keys fn reads recorded in deps.
func (s *Service) viewTracked(ctx context.Context, deps *Dependencies, fn func(docstore.Tx) error) error {
	*deps = Dependencies{since: s.changes.seq.Load(), tracked: true}
	return s.view(ctx, func(tx docstore.Tx) error {
		return fn(&readTx{Tx: tx, log: s.changes, deps: deps})
	})
}
