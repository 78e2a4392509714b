// Package pagecursor holds what the domain services' List calls share to read only their
// page from a store: tokens that carry a store cursor (the id of the page's last document),
// a walk that stops once a page and one more item are found, and the order-preserving keys
// of the indexes laid out in a listing's order, forward and reverse (the store lists in
// ascending id order only, so a descending order is an index of its own).
package pagecursor

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"

	"github.com/iamd-dev/iamd/internal/docstore"
)

// Encode makes the token that continues a list after the store id cursor.
func Encode(cursor string) string { return base64.RawURLEncoding.EncodeToString([]byte(cursor)) }

// Decode returns the store id a token carries; ok is false for a token Encode did not make
// (or an empty one).
func Decode(token string) (cursor string, ok bool) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) == 0 {
		return "", false
	}
	return string(raw), true
}

// Walk is one ordered read of a store: it calls fn with each id and document from the
// cursor `after` on ("" for the start), as docstore.Tx.List does, stopping when fn returns
// docstore.ErrStop.
type Walk func(after string, fn func(id string, raw []byte) error) error

// Take reads an item from one id and document of a Walk; keep is false for one the list
// skips (filtered out, gone, not visible).
type Take[T any] func(id string, raw []byte) (item T, keep bool, err error)

// Collect reads one page of up to max items from walk after the cursor `after`: it stops at
// the first item past the page, so that a page costs the page (plus what take skips). next
// is the cursor of the page's last item when more follow, "" otherwise.
func Collect[T any](walk Walk, after string, max int, take Take[T]) (items []T, next string, err error) {
	var ids []string
	err = walk(after, func(id string, raw []byte) error {
		item, keep, err := take(id, raw)
		if err != nil || !keep {
			return err
		}
		if len(items) == max {
			next = ids[max-1]
			return docstore.ErrStop
		}
		items, ids = append(items, item), append(ids, id)
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	return items, next, nil
}

// ErrStop is docstore's, for the Walks that stop on their own.
var ErrStop = docstore.ErrStop

// IsStop reports whether err is ErrStop.
func IsStop(err error) bool { return errors.Is(err, docstore.ErrStop) }

// Key is an order-preserving encoding of a sort key (its bytes in hexadecimal): for any two
// keys, the byte order of their encodings is theirs, prefixes included.
func Key(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		b.WriteString(hex.EncodeToString([]byte(p)))
	}
	return b.String()
}

// Uint64 is the 16 hexadecimal digits of v, which sort as v does.
func Uint64(v uint64) string {
	const digits = "0123456789abcdef"
	var b [16]byte
	for i := 15; i >= 0; i-- {
		b[i] = digits[v&0xf]
		v >>= 4
	}
	return string(b[:])
}

// Int64 is the 16 hexadecimal digits of v with its sign bit flipped, which sort as v does,
// negative values first.
func Int64(v int64) string { return Uint64(uint64(v) ^ (1 << 63)) }

// Reverse turns a key of hexadecimal digits (Key, Uint64, Int64 and their concatenations)
// into one that sorts in the opposite order: each digit d becomes 15-d, and a final "g",
// above every digit, puts a key after the longer keys it begins (which sorted after it).
// The reversed key of a prefix p, without the "g" (ReversePrefix), begins the reversed keys
// of exactly the keys that p begins.
func Reverse(key string) string { return ReversePrefix(key) + "g" }

// ReversePrefix is Reverse without its final "g": the prefix the reversed keys of the keys
// beginning with key begin with.
func ReversePrefix(key string) string {
	b := []byte(key)
	for i, c := range b {
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		}
		b[i] = "fedcba9876543210"[d]
	}
	return string(b)
}
