package storetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/iamd-dev/iamd/internal/docstore"
)

const (
	listColl = "test.list"
	listAcct = "123456789012"
)

// listIDs are ids whose byte order is not their order in any human's alphabet, some of
// them prefixes of others, with the highest code point in awkward places.
var listIDs = []string{
	"b", "a", "B", "A", "a0", "a/", "a/b", "a/b/c", "a/c", "ab", "é", "éa", "e", "z", "~",
	"0", "😀", "a\U0010ffff", "a\U0010ffffz", "\U0010ffff", "\U0010ffffa", "a b", "a-b",
}

// seed commits a document named id for each id.
func seed(t *testing.T, s docstore.Store, collection, account string, ids []string) {
	t.Helper()
	update(t, s, func(tx docstore.Tx) error {
		for _, id := range ids {
			k := docstore.Key{Collection: collection, Account: account, ID: id}
			if err := tx.Put(k, doc{Name: id}); err != nil {
				return err
			}
		}
		return nil
	})
}

// expected filters the ids like List: starting with prefix, after `after`, in byte order.
func expected(ids []string, prefix, after string) []string {
	var want []string
	for _, id := range ids {
		if strings.HasPrefix(id, prefix) && (after == "" || id > after) {
			want = append(want, id)
		}
	}
	slices.Sort(want) // Go compares strings as bytes
	return want
}

func testListOrder(t *testing.T, s docstore.Store) {
	seed(t, s, listColl, listAcct, listIDs)
	view(t, s, func(tx docstore.Tx) error {
		err := tx.List(listColl, listAcct, "", "", func(id string, raw []byte) error {
			var d doc
			if err := json.Unmarshal(raw, &d); err != nil || d.Name != id {
				t.Errorf("List: %q has %s (%v), want a document named so", id, raw, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		wantIDs(t, "List", list(t, tx, listColl, listAcct, "", ""), expected(listIDs, "", ""))
		return nil
	})
}

// prefixes returns every prefix of every id, at byte boundaries that are rune boundaries,
// and a few that match nothing.
func prefixes(ids []string) []string {
	set := map[string]bool{"": true, "x": true, "a/b/c/": true, "A0": true, "\U0010ffff\U0010ffff": true}
	for _, id := range ids {
		for i := range id {
			set[id[:i]] = true
		}
		set[id] = true
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

func testListPrefixAndCount(t *testing.T, s docstore.Store) {
	seed(t, s, listColl, listAcct, listIDs)
	view(t, s, func(tx docstore.Tx) error {
		for _, p := range prefixes(listIDs) {
			want := expected(listIDs, p, "")
			wantIDs(t, fmt.Sprintf("List(prefix %q)", p), list(t, tx, listColl, listAcct, p, ""), want)
			if n := count(t, tx, listColl, listAcct, p); n != len(want) {
				t.Errorf("Count(prefix %q) = %d, want %d", p, n, len(want))
			}
		}
		return nil
	})
}

func testListAfter(t *testing.T, s docstore.Store) {
	seed(t, s, listColl, listAcct, listIDs)
	afters := append(slices.Clone(listIDs), "", "!", "a/a", "a/bz", "a\U0010fffe", "aa", "zz", "\U0010ffff\U0010ffff")
	view(t, s, func(tx docstore.Tx) error {
		for _, p := range []string{"", "a", "a/", "a/b", "é", "\U0010ffff", "q"} {
			for _, after := range afters {
				wantIDs(t, fmt.Sprintf("List(prefix %q, after %q)", p, after),
					list(t, tx, listColl, listAcct, p, after), expected(listIDs, p, after))
			}
		}
		return nil
	})
}

func testListStop(t *testing.T, s docstore.Store) {
	ids := []string{"a", "b", "c", "d", "e", "f"}
	seed(t, s, listColl, listAcct, ids)
	for _, stopAt := range []int{1, 3, len(ids)} {
		view(t, s, func(tx docstore.Tx) error {
			var seen []string
			err := tx.List(listColl, listAcct, "", "", func(id string, _ []byte) error {
				seen = append(seen, id)
				if len(seen) == stopAt {
					return docstore.ErrStop
				}
				return nil
			})
			if err != nil {
				t.Errorf("List stopped at %d = %v, want nil", stopAt, err)
			}
			wantIDs(t, fmt.Sprintf("List stopped at %d", stopAt), seen, ids[:stopAt])
			return nil
		})
	}
}

func testListError(t *testing.T, s docstore.Store) {
	seed(t, s, listColl, listAcct, []string{"a", "b", "c"})
	calls := 0
	err := s.View(t.Context(), func(tx docstore.Tx) error {
		err := tx.List(listColl, listAcct, "", "", func(string, []byte) error {
			calls++
			if calls == 2 {
				return fmt.Errorf("wrapped: %w", errSentinel)
			}
			return nil
		})
		if !errors.Is(err, errSentinel) {
			t.Errorf("List = %v, want fn's error", err)
		}
		return err
	})
	if !errors.Is(err, errSentinel) {
		t.Errorf("View = %v, want fn's error", err)
	}
	if calls != 2 {
		t.Errorf("fn called %d times after its error, want 2", calls)
	}

	// In an Update, the error rolls the transaction back.
	err = s.Update(t.Context(), func(tx docstore.Tx) error {
		if err := tx.Put(docstore.Key{Collection: listColl, Account: listAcct, ID: "d"}, doc{}); err != nil {
			return err
		}
		return tx.List(listColl, listAcct, "", "", func(string, []byte) error { return errSentinel })
	})
	if !errors.Is(err, errSentinel) {
		t.Errorf("Update = %v, want fn's error", err)
	}
	wantAbsent(t, s, docstore.Key{Collection: listColl, Account: listAcct, ID: "d"})
}

// testListMany lists more documents than an implementation is likely to read at once.
func testListMany(t *testing.T, s docstore.Store) {
	const n = 1500
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("doc-%05d", i)
	}
	seed(t, s, listColl, listAcct, ids)
	view(t, s, func(tx docstore.Tx) error {
		wantIDs(t, "List of all", list(t, tx, listColl, listAcct, "", ""), ids)
		wantIDs(t, "List(prefix doc-001)", list(t, tx, listColl, listAcct, "doc-001", ""), ids[100:200])
		wantIDs(t, "List(after doc-00599)", list(t, tx, listColl, listAcct, "doc-", "doc-00599"), ids[600:])
		if c := count(t, tx, listColl, listAcct, ""); c != n {
			t.Errorf("Count = %d, want %d", c, n)
		}
		seen := 0
		err := tx.List(listColl, listAcct, "", "", func(string, []byte) error {
			if seen++; seen == 777 {
				return docstore.ErrStop
			}
			return nil
		})
		if err != nil || seen != 777 {
			t.Errorf("List stopped at 777: %d calls, %v", seen, err)
		}
		return nil
	})
}

// testListCallsTx checks that fn may use the Tx while List runs, even to delete the
// document it was given.
func testListCallsTx(t *testing.T, s docstore.Store) {
	ids := make([]string, 100)
	for i := range ids {
		ids[i] = fmt.Sprintf("%03d", i)
	}
	seed(t, s, listColl, listAcct, ids)
	update(t, s, func(tx docstore.Tx) error {
		var seen []string
		err := tx.List(listColl, listAcct, "", "", func(id string, _ []byte) error {
			seen = append(seen, id)
			k := docstore.Key{Collection: listColl, Account: listAcct, ID: id}
			var d doc
			if err := tx.Get(k, &d); err != nil {
				return err
			}
			if err := tx.Put(docstore.Key{Collection: "test.moved", Account: listAcct, ID: id}, d); err != nil {
				return err
			}
			if _, err := tx.Count(listColl, listAcct, ""); err != nil {
				return err
			}
			return tx.Delete(k)
		})
		wantIDs(t, "List deleting as it goes", seen, ids)
		return err
	})
	view(t, s, func(tx docstore.Tx) error {
		if n := count(t, tx, listColl, listAcct, ""); n != 0 {
			t.Errorf("%d documents left, want 0", n)
		}
		wantIDs(t, "moved", list(t, tx, "test.moved", listAcct, "", ""), ids)
		return nil
	})
}
