package sts

import (
	"bytes"
	"encoding/base64"
	"reflect"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/secretbox"
)

// fuzzSessions are sessions as iamd issues them: a role session (with tags and a session
// policy), a user's GetSessionToken, a federated user's and a web identity session.
func fuzzSessions() []*Session {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return []*Session{
		{AccessKeyID: "ASIAIAMDEXAMPLE00001", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", Account: "123456789012",
			RoleName: "Tower-Role", RoleID: "AROAEXAMPLEROLEID0001", RolePath: "/pc/", SessionName: "i-0123456789abcdef0",
			SourceIdentity: "alice", Tags: map[string]string{"team": "ci"}, TransitiveKeys: []string{"team"},
			Policies: []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`},
			IssuedAt: at, Expires: at.Add(time.Hour), Chained: true},
		{Kind: KindUser, UserName: "director", UserARN: "arn:aws:iam::123456789012:user/director", UserIDValue: "AIDAEXAMPLEUSERID0001",
			AccessKeyID: "ASIAIAMDEXAMPLE00002", SecretAccessKey: "secret", Account: "123456789012", IssuedAt: at, Expires: at.Add(12 * time.Hour)},
		{Kind: KindFederatedUser, UserName: "director", FederatedName: "bob", AccessKeyID: "ASIAIAMDEXAMPLE00003", SecretAccessKey: "s",
			Account: "123456789012", IssuedAt: at, Expires: at.Add(time.Hour)},
		{AccessKeyID: "ASIAIAMDEXAMPLE00004", SecretAccessKey: "s", Account: "123456789012", RoleName: "gha", RoleID: "AROAEXAMPLEROLEID0002",
			RolePath: "/", SessionName: "run-1", FederatedProvider: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
			IssuedAt: at, Expires: at.Add(time.Hour)},
	}
}

func fuzzSealer(t testing.TB) (*Sealer, []string) {
	box, err := secretbox.New(bytes.Repeat([]byte{7}, secretbox.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	s := NewSealer(box)
	var tokens []string
	for _, sess := range fuzzSessions() {
		tok, err := s.Seal(sess)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Open(tok)
		if err != nil || !reflect.DeepEqual(got, sess) {
			t.Fatalf("a sealed session does not open as itself: %+v %v", got, err)
		}
		tokens = append(tokens, tok)
	}
	return s, tokens
}

// FuzzSealerOpen feeds Open what callers send as X-Amz-Security-Token: it must never panic,
// and only a token this deployment sealed opens (none can be made without the key), as the
// session sealed. (The seeds are sealed anew in every fuzzing process, with new nonces: what
// opens is checked by its session.)
func FuzzSealerOpen(f *testing.F) {
	s, tokens := fuzzSealer(f)
	for _, tok := range tokens {
		f.Add(tok)
	}
	for _, tok := range []string{"", "AAAA", "FQoGZXIvYXdzEXAMPLE//////////wEaDEXAMPLE=", "not base64!", base64.StdEncoding.EncodeToString(make([]byte, 64))} {
		f.Add(tok)
	}
	sessions := fuzzSessions()
	f.Fuzz(func(t *testing.T, token string) {
		sess, err := s.Open(token)
		if err != nil {
			if err != ErrInvalidToken {
				t.Fatalf("Open refused with %v, want ErrInvalidToken", err)
			}
			return
		}
		for _, want := range sessions {
			if reflect.DeepEqual(sess, want) {
				return
			}
		}
		t.Fatalf("a token iamd did not seal opened: %q as %+v", token, sess)
	})
}

// FuzzTamperedSessionToken changes one byte of a sealed token: unless the change leaves
// the sealed bytes as they were (base64's ignored bits), it never opens.
func FuzzTamperedSessionToken(f *testing.F) {
	s, tokens := fuzzSealer(f)
	for i := range tokens {
		for _, pos := range []uint16{0, 16, 40, 100, 65535} {
			f.Add(uint8(i), pos, byte(1))
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, pos uint16, xor byte) {
		orig := tokens[int(which)%len(tokens)]
		tampered := []byte(orig)
		tampered[int(pos)%len(tampered)] ^= xor
		if _, err := s.Open(string(tampered)); err != nil {
			return
		}
		a, _ := base64.StdEncoding.DecodeString(orig)
		b, _ := base64.StdEncoding.DecodeString(string(tampered))
		if !bytes.Equal(a, b) {
			t.Fatalf("a tampered token opened: %q", tampered)
		}
	})
}

// Every position of every sealed token, changed by each single bit and by all bits: none
// that changes the sealed bytes opens.
func TestEveryTamperedSessionToken(t *testing.T) {
	s, tokens := fuzzSealer(t)
	for _, orig := range tokens {
		a, _ := base64.StdEncoding.DecodeString(orig)
		for pos := range len(orig) {
			for _, xor := range []byte{1, 2, 4, 8, 16, 32, 64, 128, 0xff} {
				b := []byte(orig)
				b[pos] ^= xor
				if _, err := s.Open(string(b)); err == nil {
					if got, _ := base64.StdEncoding.DecodeString(string(b)); !bytes.Equal(a, got) {
						t.Fatalf("a tampered token opened: %q", b)
					}
				}
			}
		}
	}
}
