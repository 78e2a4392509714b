// Package storetest is the conformance suite every docstore.Store implementation must
// pass: the SQLite store now, PostgreSQL later. An implementation's test calls Run with a
// function that opens a new, empty store.
//
// Besides what the docstore comments say, the suite holds implementations to these:
//
//   - ErrNotFound and ErrConflict change nothing: the transaction goes on and can commit.
//   - A View's Insert, Put and Delete return an error and change nothing.
//   - List holds no cursor open while fn runs: fn may call the Tx, even Delete the
//     document it was given.
//   - A transaction whose context ends before it commits returns an error that is the
//     context's error (errors.Is) and changes nothing; Update also stops waiting for a
//     conflicting transaction when its context ends.
//   - A Tx used after its transaction ended returns an error.
//   - View and Update return an error once the Store is closed.
//   - Values round-trip through encoding/json exactly: documents are compared decoded,
//     not as bytes, so a store may keep JSON in a normalized form.
package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/iamd-dev/iamd/internal/docstore"
)

// Run runs the suite, each subtest on a store of its own that open returns new and empty
// (and may arrange to delete with t.Cleanup). Run closes each store, checking the error.
func Run(t *testing.T, open func(t *testing.T) docstore.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s docstore.Store)
	}{
		{"GetMissing", testGetMissing},
		{"Insert", testInsert},
		{"PutReplaces", testPutReplaces},
		{"Delete", testDelete},
		{"ReadYourWrites", testReadYourWrites},
		{"DecodeError", testDecodeError},
		{"EncodeError", testEncodeError},
		{"Isolation", testIsolation},
		{"RoundTrip", testRoundTrip},
		{"ListOrder", testListOrder},
		{"ListPrefixAndCount", testListPrefixAndCount},
		{"ListAfter", testListAfter},
		{"ListStop", testListStop},
		{"ListError", testListError},
		{"ListMany", testListMany},
		{"ListCallsTx", testListCallsTx},
		{"RollbackOnError", testRollbackOnError},
		{"RollbackOnFailedWrite", testRollbackOnFailedWrite},
		{"DomainErrorsKeepTx", testDomainErrorsKeepTx},
		{"RollbackOnPanic", testRollbackOnPanic},
		{"ViewPanic", testViewPanic},
		{"ViewCannotWrite", testViewCannotWrite},
		{"CommittedVisible", testCommittedVisible},
		{"FnErrorReturned", testFnErrorReturned},
		{"TxAfterEnd", testTxAfterEnd},
		{"ConcurrentCounter", testConcurrentCounter},
		{"ConcurrentInsert", testConcurrentInsert},
		{"ConcurrentSnapshots", testConcurrentSnapshots},
		{"ContextCanceledBefore", testContextCanceledBefore},
		{"ContextCanceledInUpdate", testContextCanceledInUpdate},
		{"ContextCanceledInView", testContextCanceledInView},
		{"ContextDeadlineWaiting", testContextDeadlineWaiting},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			tc.fn(t, s)
		})
	}
	t.Run("Close", func(t *testing.T) { testClose(t, open(t)) })
}

// doc is the document the suite stores.
type doc struct {
	Name  string            `json:"name"`
	N     int64             `json:"n"`
	F     float64           `json:"f,omitempty"`
	Tags  []string          `json:"tags,omitempty"`
	Attrs map[string]string `json:"attrs,omitempty"`
	Blob  []byte            `json:"blob,omitempty"`
}

var errSentinel = errors.New("storetest: sentinel")

func key(id string) docstore.Key {
	return docstore.Key{Collection: "test.doc", Account: "123456789012", ID: id}
}

func update(t *testing.T, s docstore.Store, fn func(docstore.Tx) error) {
	t.Helper()
	if err := s.Update(t.Context(), fn); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

func view(t *testing.T, s docstore.Store, fn func(docstore.Tx) error) {
	t.Helper()
	if err := s.View(t.Context(), fn); err != nil {
		t.Fatalf("View: %v", err)
	}
}

func put(t *testing.T, s docstore.Store, k docstore.Key, v any) {
	t.Helper()
	update(t, s, func(tx docstore.Tx) error { return tx.Put(k, v) })
}

// get returns the committed document k, failing the test if there is none.
func get(t *testing.T, s docstore.Store, k docstore.Key) doc {
	t.Helper()
	var d doc
	view(t, s, func(tx docstore.Tx) error { return tx.Get(k, &d) })
	return d
}

// wantDoc checks that the committed document k is want.
func wantDoc(t *testing.T, s docstore.Store, k docstore.Key, want doc) {
	t.Helper()
	if got := get(t, s, k); !reflect.DeepEqual(got, want) {
		t.Errorf("Get(%q) = %+v, want %+v", k, got, want)
	}
}

// wantAbsent checks that there is no committed document k.
func wantAbsent(t *testing.T, s docstore.Store, k docstore.Key) {
	t.Helper()
	err := s.View(t.Context(), func(tx docstore.Tx) error { return tx.Get(k, &doc{}) })
	if !errors.Is(err, docstore.ErrNotFound) {
		t.Errorf("Get(%q) = %v, want ErrNotFound", k, err)
	}
}

// list returns the ids List gives, checking that each raw document decodes.
func list(t *testing.T, tx docstore.Tx, collection, account, prefix, after string) []string {
	t.Helper()
	var ids []string
	err := tx.List(collection, account, prefix, after, func(id string, raw []byte) error {
		var d doc
		if err := json.Unmarshal(raw, &d); err != nil {
			t.Errorf("List: document %q: %v", id, err)
		}
		ids = append(ids, id)
		return nil
	})
	if err != nil {
		t.Fatalf("List(%q, %q, %q, %q): %v", collection, account, prefix, after, err)
	}
	return ids
}

func count(t *testing.T, tx docstore.Tx, collection, account, prefix string) int {
	t.Helper()
	n, err := tx.Count(collection, account, prefix)
	if err != nil {
		t.Fatalf("Count(%q, %q, %q): %v", collection, account, prefix, err)
	}
	return n
}

func wantIDs(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s = %q, want %q", what, got, want)
	}
}

// canceled returns a context already canceled.
func canceled(t *testing.T) context.Context {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	return ctx
}
