package pagecursor

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/iamd-dev/iamd/internal/docstore"
)

// TestReverseSortsKeysInTheOppositeOrder sorts random strings of up to four bytes (many sharing prefixes, some
// holding NUL and 0xff bytes) by their Key and by their Reverse(Key), and checks that each is
// the other backwards, and that ReversePrefix selects the same keys a prefix does.
func TestReverseSortsKeysInTheOppositeOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte{0, 'a', 'b', 0xff}
	var words []string
	seen := map[string]bool{}
	for tries := 0; len(words) < 300 && tries < 100000; tries++ { // 341 strings exist
		b := make([]byte, r.IntN(5))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		if !seen[string(b)] {
			seen[string(b)] = true
			words = append(words, string(b))
		}
	}
	asc := slices.Clone(words)
	slices.SortFunc(asc, func(a, b string) int { return strings.Compare(Key(a), Key(b)) })
	if !slices.IsSorted(asc) {
		t.Fatal("Key does not keep the byte order")
	}
	desc := slices.Clone(words)
	slices.SortFunc(desc, func(a, b string) int { return strings.Compare(Reverse(Key(a)), Reverse(Key(b))) })
	slices.Reverse(desc)
	if !slices.Equal(asc, desc) {
		t.Fatalf("Reverse is not the opposite order:\n%q\n%q", asc[:20], desc[:20])
	}
	for _, p := range []string{"a", "ab", "\x00", "\xff\xff"} {
		for _, w := range words {
			if strings.HasPrefix(w, p) != strings.HasPrefix(Reverse(Key(w)), ReversePrefix(Key(p))) {
				t.Fatalf("prefix %q of %q: the reversed keys disagree", p, w)
			}
		}
	}
	if !(Int64(-5) < Int64(0) && Int64(0) < Int64(7) && Int64(7) < Int64(1<<40)) {
		t.Fatal("Int64 does not keep the order of signed values")
	}
}

// TestCollectStopsAfterThePage walks ids 0..99, keeping the even ones, and checks the page,
// its cursor, and that the walk stopped at the first kept item past the page.
func TestCollectStopsAfterThePage(t *testing.T) {
	var read int
	walk := func(after string, fn func(id string, raw []byte) error) error {
		for i := 0; i < 100; i++ {
			id := Uint64(uint64(i))
			if id <= after {
				continue
			}
			read++
			if err := fn(id, nil); err != nil {
				if err == docstore.ErrStop {
					return nil
				}
				return err
			}
		}
		return nil
	}
	take := func(id string, _ []byte) (string, bool, error) { return id, id[15]%2 == 0, nil }
	items, next, err := Collect(walk, "", 3, take)
	if err != nil || len(items) != 3 || next != Uint64(4) || read != 7 {
		t.Fatalf("first page: %v next %q read %d err %v", items, next, read, err)
	}
	items, next, err = Collect(walk, Uint64(96), 3, take)
	if err != nil || len(items) != 1 || items[0] != Uint64(98) || next != "" {
		t.Fatalf("last page: %v next %q err %v", items, next, err)
	}
	if tok := Encode("x/y"); tok == "" {
		t.Fatal("empty token")
	} else if c, ok := Decode(tok); !ok || c != "x/y" {
		t.Fatalf("Decode(Encode) = %q %v", c, ok)
	}
	if _, ok := Decode("!!"); ok {
		t.Fatal("a malformed token decoded")
	}
}
