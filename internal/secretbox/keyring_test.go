package secretbox

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func randomKey(t *testing.T) []byte {
	t.Helper()
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		t.Fatal(err)
	}
	return k
}

// legacySeal seals as iamd did before key ids: nonce, then ciphertext, no header.
func legacySeal(t *testing.T, key, plain []byte, context string) []byte {
	t.Helper()
	block, err := aes.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		t.Fatal(err)
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		t.Fatal(err)
	}
	return aead.Seal(nonce, nonce, plain, []byte(context))
}

// Values sealed before key ids open under a ring holding their key, first or not, count as
// stale, and open under no ring without it.
func TestLegacyValuesOpen(t *testing.T) {
	oldKey, newKey := randomKey(t), randomKey(t)
	legacy := legacySeal(t, oldKey, []byte("seed"), "ctx")
	for _, keys := range [][][]byte{{oldKey}, {newKey, oldKey}} {
		b, err := NewRing(keys)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := b.Open(legacy, "ctx"); err != nil || string(got) != "seed" {
			t.Fatalf("legacy value under %d keys: %q, %v", len(keys), got, err)
		}
		if b.IsCurrent(legacy) {
			t.Error("a legacy value counts as sealed under the current key")
		}
		if _, err := b.Open(legacy, "other"); err != ErrOpen {
			t.Errorf("legacy value with another context: %v", err)
		}
	}
	b, _ := New(newKey)
	if _, err := b.Open(legacy, "ctx"); err != ErrOpen {
		t.Errorf("legacy value without its key: %v", err)
	}
}

// The ring's first key seals, every key opens; a value names its key in a header of fixed
// base64; retiring the others leaves their values unopenable.
func TestRingSealsWithFirstOpensWithAll(t *testing.T) {
	k1, k2 := randomKey(t), randomKey(t)
	b, err := New(k1)
	if err != nil {
		t.Fatal(err)
	}
	v1, _ := b.Seal([]byte("one"), "c")
	if id, ok := SealedUnder(v1); !ok || id != IDOf(k1) || !bytes.HasPrefix(v1, HeaderOf(IDOf(k1))) {
		t.Fatalf("header of a new value: %x", v1[:headerSize])
	}
	if err := b.usePrimary(k2); err != nil {
		t.Fatal(err)
	}
	if ids := b.KeyIDs(); len(ids) != 2 || ids[0] != IDOf(k2) || ids[1] != IDOf(k1) {
		t.Fatalf("ring after usePrimary: %v", ids)
	}
	v2, _ := b.Seal([]byte("two"), "c")
	if !b.IsCurrent(v2) || b.IsCurrent(v1) {
		t.Error("IsCurrent is wrong")
	}
	for _, v := range [][]byte{v1, v2} {
		if _, err := b.Open(v, "c"); err != nil {
			t.Fatalf("open during a rotation: %v", err)
		}
	}
	if dropped := b.retireOthers(); len(dropped) != 1 || dropped[0] != IDOf(k1) {
		t.Fatalf("retired %v", dropped)
	}
	if _, err := b.Open(v1, "c"); err != ErrOpen {
		t.Errorf("a value of a retired key: %v", err)
	}
	if got, err := b.Open(v2, "c"); err != nil || string(got) != "two" {
		t.Errorf("a value of the new key: %q, %v", got, err)
	}
	// A header naming a key of the ring over bytes of another key falls back and fails.
	forged := append(HeaderOf(IDOf(k2)), v1[headerSize:]...)
	if _, err := b.Open(forged, "c"); err != ErrOpen {
		t.Errorf("a forged header: %v", err)
	}
	if _, err := NewRing(nil); err == nil {
		t.Error("an empty ring was accepted")
	}
}

// A key file holds keys one a line, the first the one that seals; WriteKeyFile replaces it
// with mode 0600 and leaves no temporary file; ParseKeys reads NEW,OLD.
func TestKeyFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "k")
	k1, k2 := randomKey(t), randomKey(t)
	if err := WriteKeyFile(path, [][]byte{k2, k1}); err != nil {
		t.Fatal(err)
	}
	keys, err := LoadKeyFile(path)
	if err != nil || len(keys) != 2 || !bytes.Equal(keys[0], k2) || !bytes.Equal(keys[1], k1) {
		t.Fatalf("reloaded %d keys, %v", len(keys), err)
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", info.Mode().Perm())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("files left beside the key file: %v", entries)
	}
	os.Chmod(path, 0o604)
	if _, err := LoadKeyFile(path); err == nil || !strings.Contains(err.Error(), "too open") {
		t.Errorf("a key file others may read: %v", err)
	}
	if _, err := GenerateKeyFile(path); !os.IsExist(err) {
		t.Errorf("GenerateKeyFile over a file: %v", err)
	}
	both := encodeKeys([][]byte{k2, k1})
	parsed, err := ParseKeys(strings.ReplaceAll(strings.TrimSpace(both), "\n", ","))
	if err != nil || len(parsed) != 2 || !bytes.Equal(parsed[0], k2) {
		t.Errorf("ParseKeys: %v", err)
	}
	if _, err := ParseKeys(" , "); err == nil {
		t.Error("ParseKeys of no key")
	}
}
