package docstore

import (
	"context"
	"errors"
)

// Change is one write transaction committed to a store, as its change feed tells it.
type Change struct {
	// Seq numbers the change: a later commit has a greater Seq (there may be gaps).
	Seq int64
	// Keys are the documents the transaction inserted, replaced or deleted, each once.
	Keys []Key
	// Local reports that the transaction was committed through the Store whose feed tells
	// it, so that the process that made it knows of it already.
	Local bool
}

// ErrChangesPruned is returned by ChangesSince when changes after the sequence number asked
// for are no longer kept: whoever asked must take every document as changed.
var ErrChangesPruned = errors.New("docstore: the changes asked for are no longer kept")

// ChangeFeed is implemented by a Store that several processes may share (PostgreSQL): it
// tells each of them what the others committed, so that a process can drop what it derived
// from documents another changed. A Store only one process can open (SQLite) has no need
// of it and does not implement it.
//
// Every Update that wrote a document records a Change in the same transaction: a Change is
// readable exactly when its writes are.
type ChangeFeed interface {
	// Head returns the Seq of the latest committed change, 0 for none. It is meant to be
	// cheap enough to ask before every request.
	Head(ctx context.Context) (int64, error)
	// ChangesSince returns, in Seq order, at most limit committed changes with a Seq
	// greater than after. It returns ErrChangesPruned when some of them may be gone.
	ChangesSince(ctx context.Context, after int64, limit int) ([]Change, error)
	// Wake returns a channel that receives a value (coalesced: one for any number) when
	// another process may have committed a change, and after the Store could have missed
	// being told (a lost connection to the database). It is for one consumer; it is never
	// closed. Waking is a hint: readers must still ask Head.
	Wake() <-chan struct{}
}
