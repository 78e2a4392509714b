package sqlite

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/docstore"
)

func (s *Store) waitingUpdates() int {
	s.gmu.Lock()
	defer s.gmu.Unlock()
	return s.waiting
}

func (s *Store) groupsCommitted() int64 {
	s.gmu.Lock()
	defer s.gmu.Unlock()
	return s.commits
}

// untilWaiting waits for n Updates to be queued for the writer.
func untilWaiting(t *testing.T, s *Store, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for s.waitingUpdates() != n {
		if time.Now().After(deadline) {
			t.Fatalf("%d Updates waiting, want %d", s.waitingUpdates(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

func gkey(id string) docstore.Key { return docstore.Key{Collection: "c", Account: "a", ID: id} }

// TestGroupCommit queues Updates behind one that holds the writer, some of them failing in
// each way a transaction fails: the others commit together in one COMMIT, the failed ones
// leave nothing, and no Update returns before the COMMIT that makes it durable.
func TestGroupCommit(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	before := s.groupsCommitted()
	holding, release := make(chan struct{}), make(chan struct{})
	var lastRan sync.WaitGroup // the last queued fn has run
	lastRan.Add(1)
	var lastDone atomic.Bool
	firstDone := make(chan error, 1)
	go func() {
		firstDone <- s.Update(t.Context(), func(tx docstore.Tx) error {
			close(holding)
			<-release
			return tx.Put(gkey("first"), item{Name: "first"})
		})
	}()
	<-holding
	const queued = 12
	results := make([]error, queued)
	var wg sync.WaitGroup
	for i := range queued {
		wg.Go(func() {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			defer func() {
				if p := recover(); p != nil {
					results[i] = fmt.Errorf("panic: %v", p)
				}
			}()
			results[i] = s.Update(ctx, func(tx docstore.Tx) error {
				if i == queued-1 {
					defer lastRan.Done()
					defer lastDone.Store(true)
				}
				if err := tx.Put(gkey(fmt.Sprint("q", i)), item{Name: "queued"}); err != nil {
					return err
				}
				switch i % 4 {
				case 1:
					return errors.New("refused")
				case 2:
					cancel()
				case 3:
					if i == 3 {
						panic("in fn")
					}
					// A domain error handled: the transaction goes on.
					if err := tx.Insert(gkey("first"), item{Name: "again"}); !errors.Is(err, docstore.ErrConflict) {
						return fmt.Errorf("insert of first: %v", err)
					}
				}
				return nil
			})
		})
		untilWaiting(t, s, i+1)
	}
	close(release)
	select {
	case err := <-firstDone:
		// The first returned: the last fn must have run before, since the group waited
		// for it to commit.
		if err != nil {
			t.Fatalf("first Update: %v", err)
		}
		if !lastDone.Load() {
			t.Fatal("the first Update returned before the group it is in committed")
		}
	case <-time.After(20 * time.Second):
		t.Fatal("first Update did not return")
	}
	lastRan.Wait()
	wg.Wait()
	if n := s.groupsCommitted() - before; n != 1 {
		t.Errorf("%d COMMITs for the queued group, want 1", n)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = open(t, dir)
	defer s.Close()
	err := s.View(t.Context(), func(tx docstore.Tx) error {
		if err := tx.Get(gkey("first"), &item{}); err != nil {
			t.Errorf("first: %v", err)
		}
		for i, res := range results {
			err := tx.Get(gkey(fmt.Sprint("q", i)), &item{})
			wantOK := i%4 == 0 || (i%4 == 3 && i != 3)
			switch {
			case wantOK && (res != nil || err != nil):
				t.Errorf("queued %d: Update %v, stored %v; want committed", i, res, err)
			case !wantOK && (res == nil || !errors.Is(err, docstore.ErrNotFound)):
				t.Errorf("queued %d: Update %v, stored %v; want failed and absent", i, res, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestGroupCommitConcurrent runs many Updates at once, some failing, each incrementing a
// counter: exactly those that returned nil are stored, and the counter counts them.
func TestGroupCommitConcurrent(t *testing.T) {
	s := open(t, t.TempDir())
	defer s.Close()
	const workers, each = 12, 60
	ok := make([][]bool, workers)
	var wg sync.WaitGroup
	for w := range workers {
		ok[w] = make([]bool, each)
		wg.Go(func() {
			for i := range each {
				ctx, cancel := context.WithCancel(t.Context())
				err := s.Update(ctx, func(tx docstore.Tx) error {
					var n struct{ N int }
					if err := tx.Get(gkey("counter"), &n); err != nil && !errors.Is(err, docstore.ErrNotFound) {
						return err
					}
					n.N++
					if err := tx.Put(gkey("counter"), n); err != nil {
						return err
					}
					if err := tx.Put(gkey(fmt.Sprint(w, "-", i)), item{Name: "x"}); err != nil {
						return err
					}
					switch (w + i) % 5 {
					case 1:
						return errors.New("refused")
					case 2:
						cancel()
					}
					return nil
				})
				cancel()
				ok[w][i] = err == nil
			}
		})
	}
	wg.Wait()
	committed := 0
	err := s.View(t.Context(), func(tx docstore.Tx) error {
		for w := range workers {
			for i := range each {
				err := tx.Get(gkey(fmt.Sprint(w, "-", i)), &item{})
				if ok[w][i] != (err == nil) {
					t.Errorf("%d-%d: Update ok %v, stored: %v", w, i, ok[w][i], err)
				}
				if ok[w][i] {
					committed++
				}
			}
		}
		var n struct{ N int }
		if err := tx.Get(gkey("counter"), &n); err != nil || n.N != committed {
			t.Errorf("counter %d (%v), want %d", n.N, err, committed)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if committed != workers*each*3/5 {
		t.Errorf("%d committed, want %d", committed, workers*each*3/5)
	}
}

// TestGroupCommitWaiterGivesUp races a queued Update giving up against the holder ending:
// whichever wins, the holder's transaction is committed and its Update returns.
func TestGroupCommitWaiterGivesUp(t *testing.T) {
	s := open(t, t.TempDir())
	defer s.Close()
	for round := range 40 {
		holding, release := make(chan struct{}), make(chan struct{})
		done := make(chan error, 1)
		id := fmt.Sprint("held-", round)
		go func() {
			done <- s.Update(t.Context(), func(tx docstore.Tx) error {
				close(holding)
				<-release
				return tx.Put(gkey(id), item{Name: "x"})
			})
		}()
		<-holding
		ctx, cancel := context.WithCancel(t.Context())
		waiter := make(chan error, 1)
		go func() {
			waiter <- s.Update(ctx, func(tx docstore.Tx) error { return tx.Put(gkey("w-"+id), item{Name: "w"}) })
		}()
		untilWaiting(t, s, 1)
		go cancel()
		close(release)
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("round %d: holder: %v", round, err)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("round %d: the holder's Update never returned", round)
		}
		werr := <-waiter
		err := s.View(t.Context(), func(tx docstore.Tx) error {
			if err := tx.Get(gkey(id), &item{}); err != nil {
				t.Errorf("round %d: holder's document: %v", round, err)
			}
			if err := tx.Get(gkey("w-"+id), &item{}); (werr == nil) != (err == nil) {
				t.Errorf("round %d: waiter returned %v, its document: %v", round, werr, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
