package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/docstore"
)

func testContextCanceledBefore(t *testing.T, s docstore.Store) {
	ctx := canceled(t)
	if err := s.View(ctx, func(tx docstore.Tx) error { return tx.Get(key("k"), &doc{}) }); !errors.Is(err, context.Canceled) {
		t.Errorf("View = %v, want context.Canceled", err)
	}
	err := s.Update(ctx, func(tx docstore.Tx) error { return tx.Put(key("k"), doc{Name: "k"}) })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Update = %v, want context.Canceled", err)
	}
	wantAbsent(t, s, key("k"))
}

// testContextCanceledInUpdate cancels an Update's context after its writes: fn returns nil
// but nothing may commit.
func testContextCanceledInUpdate(t *testing.T, s docstore.Store) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	err := s.Update(ctx, func(tx docstore.Tx) error {
		if err := tx.Put(key("k"), doc{Name: "k"}); err != nil {
			return err
		}
		cancel()
		if err := tx.Put(key("l"), doc{Name: "l"}); err == nil {
			t.Log("Put after cancel succeeded") // allowed: the commit must still fail
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Update = %v, want context.Canceled", err)
	}
	wantAbsent(t, s, key("k"))
	wantAbsent(t, s, key("l"))
	put(t, s, key("m"), doc{Name: "m"}) // the store goes on
	wantDoc(t, s, key("m"), doc{Name: "m"})
}

func testContextCanceledInView(t *testing.T, s docstore.Store) {
	ids := make([]string, 200)
	for i := range ids {
		ids[i] = fmt.Sprintf("%03d", i)
	}
	seed(t, s, listColl, listAcct, ids)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	calls := 0
	err := s.View(ctx, func(tx docstore.Tx) error {
		return tx.List(listColl, listAcct, "", "", func(string, []byte) error {
			calls++
			cancel()
			return nil
		})
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("View = %v after %d calls, want context.Canceled", err, calls)
	}
	view(t, s, func(tx docstore.Tx) error {
		wantIDs(t, "List after", list(t, tx, listColl, listAcct, "", ""), ids)
		return nil
	})
}

// testContextDeadlineWaiting holds an Update open on a document: a View does not wait for
// it nor see its write, and an Update of the same document gives up when its context
// does.
func testContextDeadlineWaiting(t *testing.T, s docstore.Store) {
	holding, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	free := func() { once.Do(func() { close(release) }) }
	safety := time.AfterFunc(20*time.Second, free) // should the waiter never give up
	defer safety.Stop()
	var wg sync.WaitGroup
	wg.Go(func() {
		err := s.Update(t.Context(), func(tx docstore.Tx) error {
			if err := tx.Put(key("k"), doc{Name: "holder"}); err != nil {
				return err
			}
			close(holding)
			<-release
			return nil
		})
		if err != nil {
			t.Errorf("holding Update: %v", err)
		}
	})
	<-holding

	wantAbsent(t, s, key("k")) // uncommitted, and View must not wait

	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := s.Update(ctx, func(tx docstore.Tx) error { return tx.Put(key("k"), doc{Name: "waiter"}) })
	waited := time.Since(start)
	free()
	wg.Wait()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("waiting Update = %v, want context.DeadlineExceeded", err)
	}
	if waited > 10*time.Second {
		t.Errorf("waiting Update gave up after %v, its context after 100ms", waited)
	}
	wantDoc(t, s, key("k"), doc{Name: "holder"})
}
