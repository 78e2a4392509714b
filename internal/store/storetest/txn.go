package storetest

import (
	"errors"
	"fmt"
	"testing"

	"github.com/iamd-dev/iamd/internal/docstore"
)

// seedAB commits a and b, which the rollback tests then fail to change.
func seedAB(t *testing.T, s docstore.Store) {
	t.Helper()
	put(t, s, key("a"), doc{Name: "a", N: 1})
	put(t, s, key("b"), doc{Name: "b", N: 2})
}

// wantAB checks that a and b are as seedAB left them, and that x and y are absent.
func wantAB(t *testing.T, s docstore.Store) {
	t.Helper()
	wantDoc(t, s, key("a"), doc{Name: "a", N: 1})
	wantDoc(t, s, key("b"), doc{Name: "b", N: 2})
	wantAbsent(t, s, key("x"))
	wantAbsent(t, s, key("y"))
	view(t, s, func(tx docstore.Tx) error {
		k := key("")
		if n := count(t, tx, k.Collection, k.Account, ""); n != 2 {
			t.Errorf("Count = %d, want 2", n)
		}
		return nil
	})
}

// writeAll changes a and b and creates x and y.
func writeAll(tx docstore.Tx) error {
	if err := tx.Put(key("a"), doc{Name: "a", N: 100}); err != nil {
		return err
	}
	if err := tx.Delete(key("b")); err != nil {
		return err
	}
	if err := tx.Insert(key("x"), doc{Name: "x"}); err != nil {
		return err
	}
	return tx.Put(key("y"), doc{Name: "y"})
}

func testRollbackOnError(t *testing.T, s docstore.Store) {
	seedAB(t, s)
	err := s.Update(t.Context(), func(tx docstore.Tx) error {
		if err := writeAll(tx); err != nil {
			return err
		}
		return errSentinel
	})
	if !errors.Is(err, errSentinel) {
		t.Errorf("Update = %v, want fn's error", err)
	}
	wantAB(t, s)
}

// testRollbackOnFailedWrite fails a write midway, after others succeeded, and returns
// its error.
func testRollbackOnFailedWrite(t *testing.T, s docstore.Store) {
	seedAB(t, s)
	err := s.Update(t.Context(), func(tx docstore.Tx) error {
		if err := writeAll(tx); err != nil {
			return err
		}
		return tx.Insert(key("x"), doc{Name: "x again"})
	})
	if !errors.Is(err, docstore.ErrConflict) {
		t.Errorf("Update = %v, want ErrConflict", err)
	}
	wantAB(t, s)

	err = s.Update(t.Context(), func(tx docstore.Tx) error {
		if err := writeAll(tx); err != nil {
			return err
		}
		if err := tx.Delete(key("b")); err != nil { // deleted by writeAll
			return fmt.Errorf("deleting b again: %w", err)
		}
		return nil
	})
	if !errors.Is(err, docstore.ErrNotFound) {
		t.Errorf("Update = %v, want ErrNotFound", err)
	}
	wantAB(t, s)
}

// testDomainErrorsKeepTx checks that ErrConflict and ErrNotFound do not end the
// transaction: fn may handle them and commit.
func testDomainErrorsKeepTx(t *testing.T, s docstore.Store) {
	seedAB(t, s)
	update(t, s, func(tx docstore.Tx) error {
		if err := tx.Insert(key("a"), doc{Name: "not a"}); !errors.Is(err, docstore.ErrConflict) {
			t.Errorf("Insert of an existing document = %v, want ErrConflict", err)
		}
		if err := tx.Delete(key("nobody")); !errors.Is(err, docstore.ErrNotFound) {
			t.Errorf("Delete of a missing document = %v, want ErrNotFound", err)
		}
		if err := tx.Get(key("nobody"), &doc{}); !errors.Is(err, docstore.ErrNotFound) {
			t.Errorf("Get of a missing document = %v, want ErrNotFound", err)
		}
		return tx.Put(key("x"), doc{Name: "x"})
	})
	wantDoc(t, s, key("a"), doc{Name: "a", N: 1})
	wantDoc(t, s, key("x"), doc{Name: "x"})
}

// catch runs f and returns what it panicked with.
func catch(f func()) (p any) {
	defer func() { p = recover() }()
	f()
	return nil
}

func testRollbackOnPanic(t *testing.T, s docstore.Store) {
	seedAB(t, s)
	for i := range 3 {
		p := catch(func() {
			s.Update(t.Context(), func(tx docstore.Tx) error {
				if err := writeAll(tx); err != nil {
					t.Errorf("writeAll: %v", err)
				}
				panic(errSentinel)
			})
		})
		if p != errSentinel {
			t.Fatalf("panic %d: recovered %v, want fn's panic", i, p)
		}
		wantAB(t, s) // also shows that the store still works
	}
	put(t, s, key("z"), doc{Name: "z"})
	wantDoc(t, s, key("z"), doc{Name: "z"})
}

// testViewPanic panics in more Views than a store is likely to have connections for.
func testViewPanic(t *testing.T, s docstore.Store) {
	seedAB(t, s)
	for i := range 50 {
		p := catch(func() {
			s.View(t.Context(), func(tx docstore.Tx) error {
				tx.Get(key("a"), &doc{})
				panic(errSentinel)
			})
		})
		if p != errSentinel {
			t.Fatalf("panic %d: recovered %v, want fn's panic", i, p)
		}
	}
	wantAB(t, s)
	put(t, s, key("z"), doc{Name: "z"})
}

func testViewCannotWrite(t *testing.T, s docstore.Store) {
	seedAB(t, s)
	// What View returns after fn ignored the failures is up to the store.
	_ = s.View(t.Context(), func(tx docstore.Tx) error {
		if err := tx.Put(key("a"), doc{Name: "changed"}); err == nil {
			t.Error("Put in a View succeeded")
		}
		if err := tx.Insert(key("x"), doc{Name: "x"}); err == nil {
			t.Error("Insert in a View succeeded")
		}
		if err := tx.Delete(key("b")); err == nil {
			t.Error("Delete in a View succeeded")
		}
		return nil
	})
	wantAB(t, s)
}

func testCommittedVisible(t *testing.T, s docstore.Store) {
	for i := range 5 {
		d := doc{Name: "v", N: int64(i)}
		put(t, s, key("k"), d)
		wantDoc(t, s, key("k"), d)
		update(t, s, func(tx docstore.Tx) error {
			var got doc
			if err := tx.Get(key("k"), &got); err != nil || got.Name != "v" || got.N != int64(i) {
				t.Errorf("Get in the next Update = %+v, %v", got, err)
			}
			return nil
		})
	}
}

func testFnErrorReturned(t *testing.T, s docstore.Store) {
	wrapped := fmt.Errorf("context: %w", errSentinel)
	if err := s.View(t.Context(), func(docstore.Tx) error { return wrapped }); !errors.Is(err, errSentinel) {
		t.Errorf("View = %v, want fn's error", err)
	}
	if err := s.Update(t.Context(), func(docstore.Tx) error { return wrapped }); !errors.Is(err, errSentinel) {
		t.Errorf("Update = %v, want fn's error", err)
	}
	// Neither error stays behind.
	put(t, s, key("k"), doc{Name: "k"})
	wantDoc(t, s, key("k"), doc{Name: "k"})
}

// testTxAfterEnd uses a Tx kept past the end of its transaction.
func testTxAfterEnd(t *testing.T, s docstore.Store) {
	seedAB(t, s)
	var kept docstore.Tx
	update(t, s, func(tx docstore.Tx) error { kept = tx; return nil })
	if err := kept.Put(key("x"), doc{Name: "x"}); err == nil {
		t.Error("Put after Update ended succeeded")
	}
	if err := kept.Delete(key("a")); err == nil {
		t.Error("Delete after Update ended succeeded")
	}
	if err := kept.Get(key("a"), &doc{}); err == nil {
		t.Error("Get after Update ended succeeded")
	}
	view(t, s, func(tx docstore.Tx) error { kept = tx; return nil })
	if err := kept.Get(key("a"), &doc{}); err == nil {
		t.Error("Get after View ended succeeded")
	}
	if err := kept.List(key("").Collection, key("").Account, "", "", func(string, []byte) error { return nil }); err == nil {
		t.Error("List after View ended succeeded")
	}
	wantAB(t, s)
}

// testClose checks that a closed store runs no more transactions. It closes s itself.
func testClose(t *testing.T, s docstore.Store) {
	put(t, s, key("k"), doc{Name: "k"})
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.View(t.Context(), func(docstore.Tx) error { return nil }); err == nil {
		t.Error("View on a closed store succeeded")
	}
	called := false
	if err := s.Update(t.Context(), func(docstore.Tx) error { called = true; return nil }); err == nil {
		t.Error("Update on a closed store succeeded")
	}
	if called {
		t.Error("Update on a closed store ran fn")
	}
}
