package oidc

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/oidc/oidctest"
)

// Claims as CI issuers send them (GitHub Actions, a Kubernetes service account).
func seedClaims() []map[string]any {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC).Unix()
	return []map[string]any{
		{"iss": "https://token.actions.githubusercontent.com", "sub": "repo:octo-org/octo-repo:ref:refs/heads/main",
			"aud": "sts.amazonaws.com", "exp": now + 300, "iat": now, "nbf": now - 5, "repository": "octo-org/octo-repo",
			"job_workflow_ref": "octo-org/octo-repo/.github/workflows/ci.yml@refs/heads/main", "runner_environment": "github-hosted"},
		{"iss": "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE", "sub": "system:serviceaccount:default:app",
			"aud": []any{"sts.amazonaws.com", "other"}, "exp": now + 86400, "iat": now,
			"kubernetes.io": map[string]any{"namespace": "default", "serviceaccount": map[string]any{"name": "app"}}},
		{"iss": "https://accounts.google.com", "sub": "1234567890", "aud": "client.apps.googleusercontent.com", "azp": "client",
			"email": "u@example.com", "amr": []any{"pwd", "mfa"}, "exp": 1.5e9, "iat": 1.4999e9},
	}
}

var (
	fuzzKeyOnce sync.Once
	fuzzKey     *ecdsa.PrivateKey
)

// fuzzSigner is a P-256 key made once per process.
func fuzzSigner(t testing.TB) *ecdsa.PrivateKey {
	fuzzKeyOnce.Do(func() {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		fuzzKey = k
	})
	return fuzzKey
}

// FuzzParseToken feeds Parse what a caller of AssumeRoleWithWebIdentity may send: it must
// never panic, refuse with *Error of Kind Malformed, and what it accepts keeps its signing
// input and claims as the token carries them.
func FuzzParseToken(f *testing.F) {
	key := fuzzSigner(f)
	for _, c := range seedClaims() {
		f.Add(oidctest.SignWith(f, key, "ES256", "ec-1", c))
	}
	for _, s := range []string{"", "a.b.c", "..", "e30.e30.AA", "eyJhbGciOiJub25lIn0.e30.", "eyJhbGciOiJSUzI1NiJ9.bnVsbA.AA",
		"eyJhbGciOiJSUzI1NiJ9.eyJleHAiOiIxIn0.AA", "eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjFlMzAwfQ.AA", "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOlsxXX0.AA=="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		tok, err := Parse(raw)
		if err != nil {
			if e, ok := err.(*Error); !ok || e.Kind != Malformed {
				t.Fatalf("Parse refused with %T %v, want a Malformed *Error", err, err)
			}
			return
		}
		if len(raw) > MaxTokenLen {
			t.Fatalf("Parse accepted a token of %d characters", len(raw))
		}
		parts := strings.Split(raw, ".")
		if tok.signingInput != parts[0]+"."+parts[1] || len(tok.signature) == 0 || tok.Header.Alg == "" {
			t.Fatalf("token %q parsed as %+v", raw, tok)
		}
		if iss, _ := tok.Claims.Raw["iss"].(string); iss != tok.Claims.Issuer {
			t.Fatalf("iss %q, Issuer %q", iss, tok.Claims.Issuer)
		}
		for _, tm := range []time.Time{tok.Claims.Expiry, tok.Claims.NotBefore, tok.Claims.IssuedAt} {
			if !tm.IsZero() && tm.Before(time.Unix(0, 0)) {
				t.Fatalf("a time before the epoch: %v", tm)
			}
		}
	})
}

// FuzzTamperedToken changes one byte of a signed token: the result must never verify
// against the signer's key, whatever byte and position.
func FuzzTamperedToken(f *testing.F) {
	key := fuzzSigner(f)
	claims := seedClaims()
	for i := range claims {
		for _, pos := range []uint16{0, 10, 40, 200, 400, 65535} {
			f.Add(uint8(i), pos, byte(1))
		}
	}
	const issuer = "https://oidc.example.com/fuzz"
	v := NewVerifier(nil, nil)
	v.KeyTTL, v.MinRefresh = 24*time.Hour, 24*time.Hour
	ks := v.entry(issuer)
	ks.keys, ks.fetched, ks.tried = []*jwk{{kid: "ec-1", kty: "EC", key: &key.PublicKey}}, time.Now(), time.Now()
	tokens := make([]string, len(claims))
	for i, c := range claims {
		tokens[i] = oidctest.SignWith(f, key, "ES256", "ec-1", c)
		tok, err := Parse(tokens[i])
		if err != nil {
			f.Fatal(err)
		}
		if err := v.verifySignature(context.Background(), tok, issuer); err != nil {
			f.Fatalf("the untampered token does not verify: %v", err)
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, pos uint16, xor byte) {
		if xor == 0 {
			return
		}
		raw := []byte(tokens[int(which)%len(tokens)])
		raw[int(pos)%len(raw)] ^= xor
		tok, err := Parse(string(raw))
		if err != nil {
			return
		}
		if err := v.verifySignature(context.Background(), tok, issuer); err == nil {
			t.Fatalf("a tampered token verified: %q", raw)
		}
	})
}

// FuzzParseJWK feeds parseJWK the members of an issuer's key set: it must never panic, and
// a key it accepts is an RSA key of 2048 to 8192 bits or an EC key on P-256 or P-384.
func FuzzParseJWK(f *testing.F) {
	iss := oidctest.New(f, "jwks")
	resp, err := iss.Client.Get(iss.URL + "/keys")
	if err != nil {
		f.Fatal(err)
	}
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	err = json.NewDecoder(resp.Body).Decode(&set)
	resp.Body.Close()
	if err != nil || len(set.Keys) == 0 {
		f.Fatalf("key set: %v", err)
	}
	for _, k := range set.Keys {
		f.Add([]byte(k))
	}
	for _, s := range []string{`{}`, `{"kty":"RSA","n":"AQAB","e":"AQAB"}`, `{"kty":"EC","crv":"P-521","x":"AA","y":"AA"}`,
		`{"kty":"oct","k":"c2VjcmV0"}`, `{"kty":"RSA","use":"enc"}`, `null`, `[]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		k, err := parseJWK(raw)
		if err != nil {
			return
		}
		switch pub := k.key.(type) {
		case *rsa.PublicKey:
			if bits := pub.N.BitLen(); k.kty != "RSA" || bits < 2048 || bits > 8192 || pub.E < 3 {
				t.Fatalf("accepted %s key of %d bits, e=%d", k.kty, bits, pub.E)
			}
		case *ecdsa.PublicKey:
			if name := pub.Curve.Params().Name; k.kty != "EC" || (name != "P-256" && name != "P-384") {
				t.Fatalf("accepted %s key on %s", k.kty, name)
			}
		default:
			t.Fatalf("accepted a key of type %T", k.key)
		}
	})
}
