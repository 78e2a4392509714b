package secretbox

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
)

// KeyID names a master key without revealing it: the first 8 bytes of a SHA-256 of the key
// under a label of its own. Every replica given the same key computes the same id, so ids
// may be kept in the store (the keys never are).
type KeyID [8]byte

// IDOf is the id of a 32-byte master key.
func IDOf(key []byte) KeyID {
	h := sha256.New()
	h.Write([]byte("iamd master key id v1\x00"))
	h.Write(key)
	var id KeyID
	copy(id[:], h.Sum(nil))
	return id
}

// String is the id in hex (16 characters), as logs, errors and the store show it.
func (id KeyID) String() string { return hex.EncodeToString(id[:]) }

// headerMagic begins every value sealed with a key id; with the id it makes a 12-byte
// header, a multiple of 3, so that the base64 of every value sealed under one key begins
// with the same 16 characters (which lets tests find them in a database file).
var headerMagic = [4]byte{0xff, 'i', 'k', 0x01}

const headerSize = len(headerMagic) + len(KeyID{})

func appendHeader(dst []byte, id KeyID) []byte {
	dst = append(dst, headerMagic[:]...)
	return append(dst, id[:]...)
}

// parseHeader splits a sealed value into its key id and the rest, when it has a header.
func parseHeader(sealed []byte) (KeyID, []byte, bool) {
	var id KeyID
	if len(sealed) < headerSize || !bytes.Equal(sealed[:len(headerMagic)], headerMagic[:]) {
		return id, nil, false
	}
	copy(id[:], sealed[len(headerMagic):headerSize])
	return id, sealed[headerSize:], true
}

// SealedUnder is the id of the key a value was sealed under, as its header names it; false
// for a value sealed before key ids existed.
func SealedUnder(sealed []byte) (KeyID, bool) {
	id, _, ok := parseHeader(sealed)
	return id, ok
}

// HeaderOf is the header every value sealed under the key id begins with.
func HeaderOf(id KeyID) []byte { return appendHeader(nil, id) }

// PrimaryID is the id of the key that seals.
func (b *Box) PrimaryID() KeyID { return (*b.ring.Load())[0].id }

// KeyIDs are the ids of the ring's keys, the one that seals first.
func (b *Box) KeyIDs() []KeyID {
	ring := *b.ring.Load()
	ids := make([]KeyID, len(ring))
	for i, k := range ring {
		ids[i] = k.id
	}
	return ids
}

// Has reports whether the ring holds the key of that id.
func (b *Box) Has(id KeyID) bool { return containsID(*b.ring.Load(), id) }

// IsCurrent reports whether a value was sealed under the key that seals now (an empty value
// is: there is nothing to re-seal).
func (b *Box) IsCurrent(sealed []byte) bool {
	if len(sealed) == 0 {
		return true
	}
	id, ok := SealedUnder(sealed)
	return ok && id == b.PrimaryID()
}

// usePrimary makes key the one that seals, keeping every other key of the ring to open.
func (b *Box) usePrimary(key []byte) error {
	k, err := newRingKey(key)
	if err != nil {
		return err
	}
	for {
		old := b.ring.Load()
		ring := []ringKey{k}
		for _, o := range *old {
			if o.id != k.id {
				ring = append(ring, o)
			}
		}
		if b.ring.CompareAndSwap(old, &ring) {
			return nil
		}
	}
}

// retireOthers drops every key but the one that seals, returning the ids dropped.
func (b *Box) retireOthers() []KeyID {
	for {
		old := b.ring.Load()
		ring := (*old)[:1:1]
		var dropped []KeyID
		for _, o := range (*old)[1:] {
			dropped = append(dropped, o.id)
		}
		if b.ring.CompareAndSwap(old, &ring) {
			return dropped
		}
	}
}
