package imds

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"
	"time"
)

const fuzzInstance = "i-0123456789abcdef0"

var fuzzNow = time.Unix(1_800_000_000, 0)

// raw is a token's bytes as valid reads them (nil when it is not base64).
func raw(token string) []byte {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimSuffix(token, "=="))
	if err != nil {
		return nil
	}
	return b
}

// FuzzMetadataToken feeds valid what programs on an instance send as
// X-aws-ec2-metadata-token: it never panics, and only the token issued (its bytes) is
// valid, for its instance, before it expires.
func FuzzMetadataToken(f *testing.F) {
	tk := newTokens()
	issued := tk.issue(fuzzInstance, fuzzNow.Add(21600*time.Second))
	f.Add(issued)
	for _, s := range []string{"", "==", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==", "AQIDBAUGBwg", "not base64!",
		"AAAAAGtJ6_AKu5l7qkSNhTzgjYhO1M9Z-vwQjiP64Rpwfxu4H2-VUj6Hsw=="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, token string) {
		ok := tk.valid(token, fuzzInstance, fuzzNow)
		if ok && !bytes.Equal(raw(token), raw(issued)) {
			t.Fatalf("a token that was not issued is valid: %q", token)
		}
		if tk.valid(token, "i-0fedcba9876543210", fuzzNow) {
			t.Fatalf("a token is valid for an instance it was not issued for: %q", token)
		}
		if tk.valid(token, fuzzInstance, fuzzNow.Add(21600*time.Second)) {
			t.Fatalf("a token is valid when it has expired: %q", token)
		}
	})
}

// FuzzTamperedMetadataToken changes one byte of an issued token: unless its bytes stay
// the same (base64's unused bits), it is never valid.
func FuzzTamperedMetadataToken(f *testing.F) {
	tk := newTokens()
	issued := tk.issue(fuzzInstance, fuzzNow.Add(time.Hour))
	for _, pos := range []uint8{0, 7, 11, 20, 53, 55} {
		f.Add(pos, byte(1))
	}
	f.Fuzz(func(t *testing.T, pos uint8, xor byte) {
		b := []byte(issued)
		b[int(pos)%len(b)] ^= xor
		if tk.valid(string(b), fuzzInstance, fuzzNow) && !bytes.Equal(raw(string(b)), raw(issued)) {
			t.Fatalf("a tampered token is valid: %q", b)
		}
	})
}

// Every one-byte change of an issued token, at every position, with every value: none that
// changes its bytes is valid.
func TestEveryTamperedMetadataToken(t *testing.T) {
	tk := newTokens()
	issued := tk.issue(fuzzInstance, fuzzNow.Add(time.Hour))
	for pos := range len(issued) {
		for xor := 1; xor < 256; xor++ {
			b := []byte(issued)
			b[pos] ^= byte(xor)
			if tk.valid(string(b), fuzzInstance, fuzzNow) && !bytes.Equal(raw(string(b)), raw(issued)) {
				t.Fatalf("a tampered token is valid: %q", b)
			}
		}
	}
}
