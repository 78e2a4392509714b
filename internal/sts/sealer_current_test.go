package sts

import (
	"bytes"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/secretbox"
)

// A token sealed before the master key changed is not current; one sealed after is; either
// opens until the old key is retired.
func TestSealerCurrent(t *testing.T) {
	oldKey, newKey := bytes.Repeat([]byte{1}, secretbox.KeySize), bytes.Repeat([]byte{2}, secretbox.KeySize)
	before, _ := secretbox.New(oldKey)
	old, err := NewSealer(before).Seal(&Session{AccessKeyID: "ASIAOLD", Expires: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	ring, _ := secretbox.NewRing([][]byte{newKey, oldKey})
	s := NewSealer(ring)
	fresh, err := s.Seal(&Session{AccessKeyID: "ASIANEW", Expires: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if s.Current(old) || !s.Current(fresh) || s.Current("not base64!") {
		t.Errorf("Current: old %v, fresh %v", s.Current(old), s.Current(fresh))
	}
	for _, tok := range []string{old, fresh} {
		if _, err := s.Open(tok); err != nil {
			t.Errorf("a token during the rotation: %v", err)
		}
	}
}
