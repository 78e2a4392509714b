// Package secretbox seals secret material (secret access keys, secret values' data keys,
// MFA seeds, private keys, session tokens) with AES-256-GCM under a master key kept outside
// the database: a file readable only by its owner, or a key given by flag or environment.
// Stores only ever see sealed bytes.
//
// A Box holds a key ring: its first key seals, every key opens. Each value sealed names its
// key by a key id in a short header (keyring.go); values sealed before key ids existed have
// no header and open under any key of the ring. `iamd rotate-master-key` (rotate.go) makes a
// new key the first, re-seals every stored value under it and then drops the others.
package secretbox

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
)

// KeySize is the master key's length: AES-256.
const KeySize = 32

// Box seals and opens secrets with a ring of master keys: the first seals, all open. It is
// safe for concurrent use, also while a rotation changes its ring.
type Box struct {
	ring atomic.Pointer[[]ringKey]
}

// ringKey is one master key of a Box, by its id.
type ringKey struct {
	id   KeyID
	key  []byte // kept to write the key file during a rotation
	aead cipher.AEAD
}

// New makes a Box from a 32-byte key.
func New(key []byte) (*Box, error) { return NewRing([][]byte{key}) }

// NewRing makes a Box from one or more 32-byte keys: keys[0] seals, every key opens.
func NewRing(keys [][]byte) (*Box, error) {
	if len(keys) == 0 {
		return nil, errors.New("secretbox: no master key")
	}
	ring := make([]ringKey, 0, len(keys))
	for _, key := range keys {
		k, err := newRingKey(key)
		if err != nil {
			return nil, err
		}
		if !containsID(ring, k.id) {
			ring = append(ring, k)
		}
	}
	b := &Box{}
	b.ring.Store(&ring)
	return b, nil
}

func newRingKey(key []byte) (ringKey, error) {
	if len(key) != KeySize {
		return ringKey{}, fmt.Errorf("secretbox: master key must be %d bytes, got %d", KeySize, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return ringKey{}, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return ringKey{}, err
	}
	return ringKey{id: IDOf(key), key: append([]byte(nil), key...), aead: aead}, nil
}

func containsID(ring []ringKey, id KeyID) bool {
	for _, k := range ring {
		if k.id == id {
			return true
		}
	}
	return false
}

// ParseKey reads a base64 master key, as given by flag or environment.
func ParseKey(s string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil || len(key) != KeySize {
		return nil, fmt.Errorf("secretbox: the master key must be %d bytes in base64", KeySize)
	}
	return key, nil
}

// ParseKeys reads one or more base64 master keys separated by commas, blanks or newlines,
// the first the one that seals (IAMD_MASTER_KEY="NEW,OLD" while a rotation is resumed).
func ParseKeys(s string) ([][]byte, error) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r' })
	if len(fields) == 0 {
		return nil, fmt.Errorf("secretbox: the master key must be %d bytes in base64", KeySize)
	}
	keys := make([][]byte, 0, len(fields))
	for _, f := range fields {
		key, err := ParseKey(f)
		if err != nil {
			return nil, err
		}
		keys = append(keys, key)
	}
	return keys, nil
}

// Seal encrypts plaintext under the ring's first key; context binds the sealed bytes to
// their purpose (an access key id, a secret version) so that they cannot be swapped between
// records. The result is a header naming the key, a random nonce and the ciphertext.
func (b *Box) Seal(plaintext []byte, context string) ([]byte, error) {
	k := (*b.ring.Load())[0]
	nonce := make([]byte, k.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	out := make([]byte, 0, headerSize+len(nonce)+len(plaintext)+k.aead.Overhead())
	out = appendHeader(out, k.id)
	out = append(out, nonce...)
	return k.aead.Seal(out, nonce, plaintext, []byte(context)), nil
}

// ErrOpen is returned for sealed bytes that do not open: the wrong key, context or data.
var ErrOpen = errors.New("secretbox: cannot open sealed data")

// Open decrypts what Seal produced with the same context, under whichever key of the ring
// sealed it. Bytes without a key id (sealed before key ids existed) open under any key.
func (b *Box) Open(sealed []byte, context string) ([]byte, error) {
	ring := *b.ring.Load()
	if id, body, ok := parseHeader(sealed); ok {
		for _, k := range ring {
			if k.id == id {
				if out, err := openWith(k.aead, body, context); err == nil {
					return out, nil
				}
				break
			}
		}
	}
	// No header, or (one time in 2^32) a legacy nonce that looks like one.
	for _, k := range ring {
		if out, err := openWith(k.aead, sealed, context); err == nil {
			return out, nil
		}
	}
	return nil, ErrOpen
}

func openWith(aead cipher.AEAD, sealed []byte, context string) ([]byte, error) {
	n := aead.NonceSize()
	if len(sealed) < n+aead.Overhead() {
		return nil, ErrOpen
	}
	out, err := aead.Open(nil, sealed[:n], sealed[n:], []byte(context))
	if err != nil {
		return nil, ErrOpen
	}
	return out, nil
}
