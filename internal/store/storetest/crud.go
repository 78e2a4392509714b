package storetest

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/iamd-dev/iamd/internal/docstore"
)

func testGetMissing(t *testing.T, s docstore.Store) {
	wantAbsent(t, s, key("nobody"))
	update(t, s, func(tx docstore.Tx) error {
		if err := tx.Get(key("nobody"), &doc{}); !errors.Is(err, docstore.ErrNotFound) {
			t.Errorf("Get in Update = %v, want ErrNotFound", err)
		}
		return nil
	})
}

func testInsert(t *testing.T, s docstore.Store) {
	one := doc{Name: "one", N: 1, Tags: []string{"a"}}
	update(t, s, func(tx docstore.Tx) error { return tx.Insert(key("k"), one) })
	wantDoc(t, s, key("k"), one)

	err := s.Update(t.Context(), func(tx docstore.Tx) error {
		return tx.Insert(key("k"), doc{Name: "two"})
	})
	if !errors.Is(err, docstore.ErrConflict) {
		t.Errorf("second Insert: Update = %v, want ErrConflict", err)
	}
	wantDoc(t, s, key("k"), one)
}

func testPutReplaces(t *testing.T, s docstore.Store) {
	first := doc{Name: "first", N: 1, Tags: []string{"x", "y"}, Attrs: map[string]string{"a": "b"}}
	put(t, s, key("k"), first) // creates
	wantDoc(t, s, key("k"), first)
	second := doc{Name: "second", N: 2} // replaces whole, merges nothing
	put(t, s, key("k"), second)
	wantDoc(t, s, key("k"), second)
}

func testDelete(t *testing.T, s docstore.Store) {
	err := s.Update(t.Context(), func(tx docstore.Tx) error { return tx.Delete(key("k")) })
	if !errors.Is(err, docstore.ErrNotFound) {
		t.Errorf("Delete of a missing document: Update = %v, want ErrNotFound", err)
	}
	put(t, s, key("k"), doc{Name: "k"})
	put(t, s, key("other"), doc{Name: "other"})
	update(t, s, func(tx docstore.Tx) error { return tx.Delete(key("k")) })
	wantAbsent(t, s, key("k"))
	wantDoc(t, s, key("other"), doc{Name: "other"})
	err = s.Update(t.Context(), func(tx docstore.Tx) error { return tx.Delete(key("k")) })
	if !errors.Is(err, docstore.ErrNotFound) {
		t.Errorf("second Delete: Update = %v, want ErrNotFound", err)
	}
	update(t, s, func(tx docstore.Tx) error { return tx.Insert(key("k"), doc{Name: "again"}) })
	wantDoc(t, s, key("k"), doc{Name: "again"})
}

// testReadYourWrites checks that a transaction sees its own writes before it commits.
func testReadYourWrites(t *testing.T, s docstore.Store) {
	update(t, s, func(tx docstore.Tx) error {
		var d doc
		if err := tx.Insert(key("a"), doc{Name: "a1"}); err != nil {
			return err
		}
		if err := tx.Get(key("a"), &d); err != nil || d.Name != "a1" {
			t.Errorf("Get after Insert = %+v, %v", d, err)
		}
		if err := tx.Put(key("a"), doc{Name: "a2"}); err != nil {
			return err
		}
		d = doc{}
		if err := tx.Get(key("a"), &d); err != nil || d.Name != "a2" {
			t.Errorf("Get after Put = %+v, %v", d, err)
		}
		if err := tx.Delete(key("a")); err != nil {
			return err
		}
		if err := tx.Get(key("a"), &d); !errors.Is(err, docstore.ErrNotFound) {
			t.Errorf("Get after Delete = %v, want ErrNotFound", err)
		}
		for _, id := range []string{"c", "b"} {
			if err := tx.Put(key(id), doc{Name: id}); err != nil {
				return err
			}
		}
		k := key("")
		wantIDs(t, "List in the writing transaction", list(t, tx, k.Collection, k.Account, "", ""), []string{"b", "c"})
		if n := count(t, tx, k.Collection, k.Account, ""); n != 2 {
			t.Errorf("Count in the writing transaction = %d, want 2", n)
		}
		return nil
	})
	wantAbsent(t, s, key("a"))
	wantDoc(t, s, key("b"), doc{Name: "b"})
	wantDoc(t, s, key("c"), doc{Name: "c"})
}

func testDecodeError(t *testing.T, s docstore.Store) {
	put(t, s, key("k"), "a string, not a doc")
	err := s.View(t.Context(), func(tx docstore.Tx) error { return tx.Get(key("k"), &doc{}) })
	if err == nil || errors.Is(err, docstore.ErrNotFound) {
		t.Errorf("Get of a string into a struct = %v, want a decoding error", err)
	}
	var str string
	view(t, s, func(tx docstore.Tx) error { return tx.Get(key("k"), &str) })
	if str != "a string, not a doc" {
		t.Errorf("Get into a string = %q", str)
	}
}

func testEncodeError(t *testing.T, s docstore.Store) {
	err := s.Update(t.Context(), func(tx docstore.Tx) error {
		if err := tx.Put(key("good"), doc{Name: "good"}); err != nil {
			return err
		}
		err := tx.Put(key("bad"), make(chan int))
		if err == nil {
			t.Error("Put of a channel succeeded")
		}
		return err
	})
	if err == nil {
		t.Error("Update returning the encoding error succeeded")
	}
	wantAbsent(t, s, key("good"))
	wantAbsent(t, s, key("bad"))
}

// testIsolation checks that documents of other accounts and collections, however their
// names resemble each other's, are other documents.
func testIsolation(t *testing.T, s docstore.Store) {
	keys := []docstore.Key{
		{Collection: "iam.role", Account: "111111111111", ID: "admin"},
		{Collection: "iam.role", Account: "222222222222", ID: "admin"},
		{Collection: "iam.role", Account: "", ID: "admin"},
		{Collection: "iam.roles", Account: "111111111111", ID: "admin"},
		{Collection: "iam.rol", Account: "111111111111", ID: "admin"},
		{Collection: "iam.user", Account: "111111111111", ID: "admin"},
		{Collection: "iam.role", Account: "1111111111111", ID: "admin"},
		{Collection: "c", Account: "a/b", ID: "x"},
		{Collection: "c", Account: "a", ID: "b/x"},
		{Collection: "c/a", Account: "b", ID: "x"},
		{Collection: "c:a", Account: "b", ID: "x"},
		{Collection: "c", Account: "a:b", ID: "x"},
		{Collection: "c", Account: "a", ID: "b:x"},
	}
	update(t, s, func(tx docstore.Tx) error {
		for i, k := range keys {
			if err := tx.Insert(k, doc{Name: k.Collection + "|" + k.Account + "|" + k.ID, N: int64(i)}); err != nil {
				t.Fatalf("Insert(%q): %v", k, err)
			}
		}
		return nil
	})
	for i, k := range keys {
		wantDoc(t, s, k, doc{Name: k.Collection + "|" + k.Account + "|" + k.ID, N: int64(i)})
	}
	view(t, s, func(tx docstore.Tx) error {
		for _, k := range keys {
			var want []string // the ids of k's collection and account
			for _, o := range keys {
				if o.Collection == k.Collection && o.Account == k.Account {
					want = append(want, o.ID)
				}
			}
			slices.Sort(want)
			wantIDs(t, "List("+k.Collection+", "+k.Account+")", list(t, tx, k.Collection, k.Account, "", ""), want)
			if n := count(t, tx, k.Collection, k.Account, ""); n != len(want) {
				t.Errorf("Count(%q, %q) = %d, want %d", k.Collection, k.Account, n, len(want))
			}
		}
		if n := count(t, tx, "iam.role", "333333333333", ""); n != 0 {
			t.Errorf("Count of another account = %d, want 0", n)
		}
		return nil
	})
	update(t, s, func(tx docstore.Tx) error { return tx.Delete(keys[0]) })
	wantAbsent(t, s, keys[0])
	for i, k := range keys[1:] {
		wantDoc(t, s, k, doc{Name: k.Collection + "|" + k.Account + "|" + k.ID, N: int64(i + 1)})
	}
}

// testRoundTrip checks that what goes in comes out: unicode, control characters, NULs,
// JSON's and HTML's special characters, large strings and numbers, bytes, and keys
// outside ASCII.
func testRoundTrip(t *testing.T, s docstore.Store) {
	strs := []string{
		"", "plain", "héllo wörld", "日本語のテキスト", "😀👍🏽🏳️‍🌈", "\x00", "a\x00b",
		"\x01\x02\x1f\x7f", "\u2028\u2029", `"quoted" \back\slash/ </script>`, "<>&'",
		"\t\r\n\f\b", "\ufeffBOM", "\ufffd", "\U0010ffff", "  padded  ", "ﬁ vs fi, Å vs Å",
	}
	small := slices.Clone(strs)
	strs = append(strs, strings.Repeat("\x00é😀x", 25_000)) // 100,000 characters
	blob := make([]byte, 256)
	for i := range blob {
		blob[i] = byte(i)
	}
	var docs []doc
	for i, str := range strs {
		docs = append(docs, doc{
			Name:  str,
			N:     []int64{0, 1, -1, 1 << 53, 1<<53 + 1, 9223372036854775807, -9223372036854775808}[i%7],
			F:     []float64{0.1, 1e-300, 3.141592653589793, -2.5e300}[i%4],
			Tags:  small,
			Attrs: map[string]string{str: str, "k": small[i%len(small)]},
			Blob:  blob,
		})
	}
	odd := docstore.Key{Collection: "coll.ü", Account: "äccount 😀", ID: "ïd/😀/\u00a0/end"}
	update(t, s, func(tx docstore.Tx) error {
		for i, d := range docs {
			if err := tx.Put(key(string(rune('A'+i))), d); err != nil {
				return err
			}
		}
		return tx.Put(odd, doc{Name: "odd"})
	})
	for i, d := range docs {
		if got := get(t, s, key(string(rune('A'+i)))); !equalDocs(got, d) {
			t.Errorf("document %d (%.40q) did not round-trip:\n got %.200q\nwant %.200q", i, d.Name, got.Name, d.Name)
		}
	}
	view(t, s, func(tx docstore.Tx) error {
		i := 0
		k := key("")
		err := tx.List(k.Collection, k.Account, "", "", func(id string, raw []byte) error {
			var got doc
			if err := json.Unmarshal(raw, &got); err != nil {
				return err
			}
			if id != string(rune('A'+i)) || !equalDocs(got, docs[i]) {
				t.Errorf("List: document %d (%q) did not round-trip", i, id)
			}
			i++
			return nil
		})
		if i != len(docs) {
			t.Errorf("List gave %d documents, want %d", i, len(docs))
		}
		wantIDs(t, "List of a unicode account", list(t, tx, odd.Collection, odd.Account, "ïd/", ""), []string{odd.ID})
		return err
	})
	wantDoc(t, s, odd, doc{Name: "odd"})
}

func equalDocs(a, b doc) bool {
	ja, erra := json.Marshal(a)
	jb, errb := json.Marshal(b)
	return erra == nil && errb == nil && string(ja) == string(jb) && a.Name == b.Name
}
