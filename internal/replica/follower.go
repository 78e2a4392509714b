// Package replica keeps what a process derived from stored documents in memory (compiled
// policies, running tasks, instance metadata endpoints) in step with the writes that other
// processes sharing its store commit: iamd replicas on one PostgreSQL database.
//
// A Follower reads the store's change feed (docstore.ChangeFeed) and hands every change made
// by another process to its Appliers. It catches up in two ways: in the background when the
// store is woken by another process's commit (a hint, which may come late), and on demand:
// CatchUp, called before a request is authorized, asks the feed's head (one cheap query) and
// applies what is missing, so that a write acknowledged by one replica decides the next call
// to any other.
package replica

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/iamd-dev/iamd/internal/docstore"
)

// Applier is told of the changes other processes committed.
type Applier interface {
	// Changed is called with the keys one change wrote, once it is readable from the store.
	// It must not keep or change the slice.
	Changed(keys []docstore.Key)
	// Lost is called when changes were missed (pruned from the feed before they were read):
	// any document may have changed.
	Lost()
}

// Funcs is an Applier of two functions.
type Funcs struct {
	OnChanged func(keys []docstore.Key)
	OnLost    func()
}

// Changed calls OnChanged.
func (f Funcs) Changed(keys []docstore.Key) { f.OnChanged(keys) }

// Lost calls OnLost.
func (f Funcs) Lost() { f.OnLost() }

// batch is how many changes one read of the feed takes.
const batch = 500

// pollEvery is how often the background loop catches up without being woken, should a
// notification be lost.
const pollEvery = 30 * time.Second

// Follower applies a change feed's changes to Appliers. It is safe for concurrent use.
type Follower struct {
	feed     docstore.ChangeFeed
	appliers []Applier
	log      *slog.Logger

	applied atomic.Int64 // every change up to this seq has been applied
	mu      sync.Mutex   // one catch-up reads the feed at a time
	lost    atomic.Int64 // times changes were missed
}

// New makes a Follower positioned at the feed's head: it is to be made before anything is
// derived from the store, and it applies only what is committed after. log may be nil.
func New(ctx context.Context, feed docstore.ChangeFeed, log *slog.Logger, appliers ...Applier) (*Follower, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	head, err := feed.Head(ctx)
	if err != nil {
		return nil, err
	}
	f := &Follower{feed: feed, appliers: appliers, log: log}
	f.applied.Store(head)
	return f, nil
}

// Applied is the seq of the latest change applied (or skipped as this process's own).
func (f *Follower) Applied() int64 { return f.applied.Load() }

// CatchUp applies every change committed before it was called: when it returns nil, what the
// Appliers hold reflects every write acknowledged to anyone before the call. It costs one
// query of the feed's head when nothing changed.
func (f *Follower) CatchUp(ctx context.Context) error {
	head, err := f.feed.Head(ctx)
	if err != nil {
		return err
	}
	if head <= f.applied.Load() {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for range 1 + int(head-f.applied.Load())/batch + 1 { // bounded: each round moves applied on or ends
		after := f.applied.Load()
		if after >= head {
			return nil
		}
		changes, err := f.feed.ChangesSince(ctx, after, batch)
		if errors.Is(err, docstore.ErrChangesPruned) {
			f.lost.Add(1)
			f.log.Warn("replica: changes made by other replicas were pruned before this one read them; dropping everything derived from the store", "after", after, "head", head)
			for _, a := range f.appliers {
				a.Lost()
			}
			f.applied.Store(head)
			return nil
		}
		if err != nil {
			return err
		}
		if len(changes) == 0 {
			return errors.New("replica: the change feed's head moved but no change follows the last applied")
		}
		for _, c := range changes {
			if !c.Local {
				for _, a := range f.appliers {
					a.Changed(c.Keys)
				}
			}
			f.applied.Store(c.Seq)
		}
	}
	return nil
}

// Run catches up whenever the feed wakes (another process committed) and every pollEvery,
// until ctx ends. Errors are logged: the next CatchUp tries again.
func (f *Follower) Run(ctx context.Context) {
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-f.feed.Wake():
		case <-tick.C:
		}
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		if err := f.CatchUp(cctx); err != nil && ctx.Err() == nil {
			f.log.Warn("replica: catching up with the other replicas' changes", "err", err)
		}
		cancel()
	}
}
