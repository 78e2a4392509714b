package storetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/iamd-dev/iamd/internal/docstore"
)

// increment adds one to the N of the document k, creating it.
func increment(tx docstore.Tx, k docstore.Key) error {
	var d doc
	if err := tx.Get(k, &d); err != nil && !errors.Is(err, docstore.ErrNotFound) {
		return err
	}
	d.N++
	return tx.Put(k, d)
}

// testConcurrentCounter increments one counter from many goroutines: no increment may be
// lost.
func testConcurrentCounter(t *testing.T, s docstore.Store) {
	const workers, each = 8, 20
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range each {
				if err := s.Update(t.Context(), func(tx docstore.Tx) error { return increment(tx, key("counter")) }); err != nil {
					t.Errorf("Update: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	if got := get(t, s, key("counter")).N; got != workers*each {
		t.Errorf("counter = %d, want %d", got, workers*each)
	}
}

// testConcurrentInsert inserts one key from many goroutines: exactly one wins.
func testConcurrentInsert(t *testing.T, s docstore.Store) {
	const workers = 8
	var wins, conflicts atomic.Int32
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() {
			err := s.Update(t.Context(), func(tx docstore.Tx) error {
				return tx.Insert(key("once"), doc{Name: fmt.Sprint(i)})
			})
			switch {
			case err == nil:
				wins.Add(1)
			case errors.Is(err, docstore.ErrConflict):
				conflicts.Add(1)
			default:
				t.Errorf("Update: %v", err)
			}
		})
	}
	wg.Wait()
	if wins.Load() != 1 || conflicts.Load() != workers-1 {
		t.Errorf("%d Inserts won and %d conflicted, want 1 and %d", wins.Load(), conflicts.Load(), workers-1)
	}
}

// testConcurrentSnapshots runs readers against writers that change two documents
// together: every View must see both changed or neither, and never go back in time.
func testConcurrentSnapshots(t *testing.T, s docstore.Store) {
	const writers, each, readers, maxViews = 2, 25, 4, 2000
	x, y := key("x"), key("y")
	update(t, s, func(tx docstore.Tx) error {
		if err := tx.Put(x, doc{Name: "x"}); err != nil {
			return err
		}
		return tx.Put(y, doc{Name: "y"})
	})
	done := make(chan struct{})
	var views atomic.Int64
	var rg sync.WaitGroup
	for range readers {
		rg.Go(func() {
			last := int64(0)
			for range maxViews {
				var dx, dy doc
				var listed []int64
				err := s.View(t.Context(), func(tx docstore.Tx) error {
					if err := tx.Get(x, &dx); err != nil {
						return err
					}
					if err := tx.Get(y, &dy); err != nil {
						return err
					}
					return tx.List(x.Collection, x.Account, "", "", func(_ string, raw []byte) error {
						var d doc
						if err := json.Unmarshal(raw, &d); err != nil {
							return err
						}
						listed = append(listed, d.N)
						return nil
					})
				})
				if err != nil {
					t.Errorf("View: %v", err)
					return
				}
				views.Add(1)
				if dx.N != dy.N || len(listed) != 2 || listed[0] != dx.N || listed[1] != dx.N {
					t.Errorf("View saw x=%d, y=%d, listed %v: not one snapshot", dx.N, dy.N, listed)
					return
				}
				if dx.N < last {
					t.Errorf("View saw %d after %d", dx.N, last)
					return
				}
				last = dx.N
				select {
				case <-done:
					return
				default:
				}
			}
		})
	}
	var wg sync.WaitGroup
	for range writers {
		wg.Go(func() {
			for range each {
				err := s.Update(t.Context(), func(tx docstore.Tx) error {
					if err := increment(tx, x); err != nil {
						return err
					}
					return increment(tx, y)
				})
				if err != nil {
					t.Errorf("Update: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(done)
	rg.Wait()
	if got := get(t, s, x).N; got != writers*each {
		t.Errorf("x = %d, want %d", got, writers*each)
	}
	t.Logf("%d Views ran alongside %d Updates", views.Load(), writers*each)
}
