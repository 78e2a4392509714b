package oidc_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/oidc"
	"github.com/iamd-dev/iamd/internal/oidc/oidctest"
)

func claims(iss string, now time.Time, extra map[string]any) map[string]any {
	c := map[string]any{"iss": iss, "sub": "repo:org/app:ref:refs/heads/main", "aud": "sts.amazonaws.com",
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(5 * time.Minute).Unix()}
	for k, v := range extra {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	return c
}

func verify(t *testing.T, v *oidc.Verifier, iss *oidctest.Issuer, token string) (string, *oidc.Token, error) {
	t.Helper()
	tok, err := oidc.Parse(token)
	if err != nil {
		return "", nil, err
	}
	aud, err := v.Verify(context.Background(), tok, oidc.Expected{Issuer: iss.URL, Audiences: []string{"sts.amazonaws.com", "other"}})
	return aud, tok, err
}

func wantKind(t *testing.T, err error, kind oidc.Kind) *oidc.Error {
	t.Helper()
	var e *oidc.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v, want an *oidc.Error of kind %d", err, kind)
	}
	if e.Kind != kind {
		t.Fatalf("error %v of kind %d, want kind %d", err, e.Kind, kind)
	}
	return e
}

func TestVerifyValidTokens(t *testing.T) {
	iss := oidctest.New(t, "org")
	now := time.Now()
	v := oidc.NewVerifier(iss.Client, nil)
	rsa384, _ := rsa.GenerateKey(rand.Reader, 2048)
	ec384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	iss.AddKey("rsa-2", rsa384, true)
	iss.AddKey("ec-384", ec384, true)

	for _, tc := range []struct {
		name  string
		token string
	}{
		{"RS256", iss.Sign(t, "rsa-1", claims(iss.URL, now, nil))},
		{"ES256", iss.Sign(t, "ec-1", claims(iss.URL, now, nil))},
		{"ES384", iss.Sign(t, "ec-384", claims(iss.URL, now, nil))},
		// The published JWK says alg RS256: other RSA algorithms need a key without alg.
		{"no kid", oidctest.SignWith(t, rsa384, "RS256", "", claims(iss.URL, now, nil))},
		{"aud list", iss.Sign(t, "rsa-1", claims(iss.URL, now, map[string]any{"aud": []string{"x", "sts.amazonaws.com"}}))},
		{"float times", iss.Sign(t, "rsa-1", claims(iss.URL, now, map[string]any{"exp": float64(now.Unix()) + 60.5}))},
		{"exp within leeway", iss.Sign(t, "rsa-1", claims(iss.URL, now, map[string]any{"exp": now.Add(-30 * time.Second).Unix()}))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			aud, tok, err := verify(t, v, iss, tc.token)
			if err != nil {
				t.Fatal(err)
			}
			if aud != "sts.amazonaws.com" || tok.Claims.Subject != "repo:org/app:ref:refs/heads/main" {
				t.Fatalf("aud %q, sub %q", aud, tok.Claims.Subject)
			}
		})
	}
	if n := iss.JWKSRequests.Load(); n != 1 {
		t.Fatalf("the key set was fetched %d times, want once", n)
	}
}

func TestVerifyRSAAlgorithms(t *testing.T) {
	iss := oidctest.New(t, "")
	now := time.Now()
	v := oidc.NewVerifier(iss.Client, nil)
	for _, alg := range []string{"RS384", "RS512"} {
		// Keys published with alg RS256 refuse other algorithms.
		key, _ := rsa.GenerateKey(rand.Reader, 2048)
		iss.AddKey("k-"+alg, key, true)
		_, _, err := verify(t, v, iss, oidctest.SignWith(t, key, alg, "k-"+alg, claims(iss.URL, now, nil)))
		wantKind(t, err, oidc.NoKey)
	}
}

func TestVerifyRefusals(t *testing.T) {
	iss := oidctest.New(t, "org")
	other := oidctest.New(t, "other")
	now := time.Now()
	v := oidc.NewVerifier(iss.Client, nil)
	stranger, _ := rsa.GenerateKey(rand.Reader, 2048)
	good := iss.Sign(t, "rsa-1", claims(iss.URL, now, nil))
	parts := strings.Split(good, ".")
	tampered := parts[0] + "." + strings.Split(iss.Sign(t, "rsa-1", claims(iss.URL, now, map[string]any{"sub": "repo:evil/app:x"})), ".")[1] + "." + parts[2]

	for _, tc := range []struct {
		name  string
		token string
		kind  oidc.Kind
	}{
		{"wrong issuer", other.Sign(t, "rsa-1", claims(other.URL, now, nil)), oidc.BadIssuer},
		{"wrong audience", iss.Sign(t, "rsa-1", claims(iss.URL, now, map[string]any{"aud": "sts.amazon.com"})), oidc.BadAudience},
		{"no audience", iss.Sign(t, "rsa-1", claims(iss.URL, now, map[string]any{"aud": nil})), oidc.BadAudience},
		{"expired", iss.Sign(t, "rsa-1", claims(iss.URL, now, map[string]any{"exp": now.Add(-time.Hour).Unix()})), oidc.Expired},
		{"no exp", iss.Sign(t, "rsa-1", claims(iss.URL, now, map[string]any{"exp": nil})), oidc.Malformed},
		{"not yet valid", iss.Sign(t, "rsa-1", claims(iss.URL, now, map[string]any{"nbf": now.Add(time.Hour).Unix()})), oidc.NotYetValid},
		{"issued in the future", iss.Sign(t, "rsa-1", claims(iss.URL, now, map[string]any{"iat": now.Add(time.Hour).Unix()})), oidc.NotYetValid},
		{"tampered", tampered, oidc.BadSignature},
		{"unknown kid", oidctest.SignWith(t, stranger, "RS256", "rsa-9", claims(iss.URL, now, nil)), oidc.NoKey},
		{"known kid, other key", oidctest.SignWith(t, stranger, "RS256", "rsa-1", claims(iss.URL, now, nil)), oidc.BadSignature},
		{"alg of another key type", oidctest.SignWith(t, stranger, "RS256", "ec-1", claims(iss.URL, now, nil)), oidc.NoKey},
		{"HS256", strings.Replace(good, parts[0], b64json(t, `{"alg":"HS256","kid":"rsa-1"}`), 1), oidc.Unsupported},
		{"none", b64json(t, `{"alg":"none"}`) + "." + parts[1] + ".", oidc.Malformed},
		{"two parts", parts[0] + "." + parts[1], oidc.Malformed},
		{"not base64", "a.b!.c", oidc.Malformed},
		{"header not JSON", b64json(t, `nope`) + "." + parts[1] + "." + parts[2], oidc.Malformed},
		{"claims not an object", parts[0] + "." + b64json(t, `[1]`) + "." + parts[2], oidc.Malformed},
		{"aud not strings", iss.Sign(t, "rsa-1", claims(iss.URL, now, map[string]any{"aud": []any{1}})), oidc.Malformed},
		{"exp not a number", iss.Sign(t, "rsa-1", claims(iss.URL, now, map[string]any{"exp": "tomorrow"})), oidc.Malformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := verify(t, v, iss, tc.token)
			e := wantKind(t, err, tc.kind)
			if tc.kind == oidc.Expired && (e.Expiry.Unix() != now.Add(-time.Hour).Unix() || e.Now.IsZero()) {
				t.Fatalf("expired error carries exp %v, now %v", e.Expiry, e.Now)
			}
		})
	}
}

func b64json(t *testing.T, s string) string {
	t.Helper()
	return base64.RawURLEncoding.EncodeToString([]byte(s))
}

func mustRSA(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestKeyRotationAndCache(t *testing.T) {
	iss := oidctest.New(t, "rotate")
	now := time.Now()
	v := oidc.NewVerifier(iss.Client, nil)
	v.MinRefresh = 0
	next, _ := rsa.GenerateKey(rand.Reader, 2048)
	iss.AddKey("rsa-2", next, false)

	if _, _, err := verify(t, v, iss, iss.Sign(t, "rsa-1", claims(iss.URL, now, nil))); err != nil {
		t.Fatal(err)
	}
	// Not published yet: refetched on the unknown kid, still unknown.
	_, _, err := verify(t, v, iss, iss.Sign(t, "rsa-2", claims(iss.URL, now, nil)))
	wantKind(t, err, oidc.NoKey)
	if n := iss.JWKSRequests.Load(); n != 2 {
		t.Fatalf("%d key set fetches, want 2", n)
	}
	iss.Publish("rsa-2", true)
	if _, _, err := verify(t, v, iss, iss.Sign(t, "rsa-2", claims(iss.URL, now, nil))); err != nil {
		t.Fatal(err)
	}
	// Known kids are served from the cache.
	for range 3 {
		if _, _, err := verify(t, v, iss, iss.Sign(t, "rsa-1", claims(iss.URL, now, nil))); err != nil {
			t.Fatal(err)
		}
	}
	if n := iss.JWKSRequests.Load(); n != 3 {
		t.Fatalf("%d key set fetches, want 3", n)
	}
	// An expired cache entry is fetched again.
	v.KeyTTL = 0
	if _, _, err := verify(t, v, iss, iss.Sign(t, "rsa-1", claims(iss.URL, now, nil))); err != nil {
		t.Fatal(err)
	}
	if n := iss.JWKSRequests.Load(); n != 4 {
		t.Fatalf("%d key set fetches, want 4", n)
	}
}

func TestUnknownKidRefetchIsRateLimited(t *testing.T) {
	iss := oidctest.New(t, "limited")
	now := time.Now()
	v := oidc.NewVerifier(iss.Client, nil) // MinRefresh 30s
	stranger := mustRSA(t)
	if _, _, err := verify(t, v, iss, iss.Sign(t, "rsa-1", claims(iss.URL, now, nil))); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		_, _, err := verify(t, v, iss, oidctest.SignWith(t, stranger, "RS256", "made-up-"+string(rune('a'+i)), claims(iss.URL, now, nil)))
		wantKind(t, err, oidc.NoKey)
	}
	if n := iss.JWKSRequests.Load(); n != 1 {
		t.Fatalf("%d key set fetches, want 1", n)
	}
}

func TestCacheIsBounded(t *testing.T) {
	a, b := oidctest.New(t, "a"), oidctest.New(t, "b")
	now := time.Now()
	v := oidc.NewVerifier(a.Client, nil)
	v.MaxIssuers = 1
	if _, _, err := verify(t, v, a, a.Sign(t, "rsa-1", claims(a.URL, now, nil))); err != nil {
		t.Fatal(err)
	}
	// b is another server: a's client cannot reach it, but the attempt evicts a.
	_, _, err := verify(t, v, b, b.Sign(t, "rsa-1", claims(b.URL, now, nil)))
	if err == nil {
		t.Fatal("b verified through a's server")
	}
	if _, _, err := verify(t, v, a, a.Sign(t, "rsa-1", claims(a.URL, now, nil))); err != nil {
		t.Fatal(err)
	}
	if n := a.JWKSRequests.Load(); n != 2 {
		t.Fatalf("a's key set was fetched %d times, want 2 (evicted once)", n)
	}
}

func TestUnreachableIssuer(t *testing.T) {
	iss := oidctest.New(t, "down")
	now := time.Now()
	token := iss.Sign(t, "rsa-1", claims(iss.URL, now, nil))
	client := iss.Client
	iss.Server.Close()
	v := oidc.NewVerifier(client, nil)
	_, _, err := verify(t, v, iss, token)
	wantKind(t, err, oidc.Communication)
}

func TestUntrustedIssuerCertificate(t *testing.T) {
	iss := oidctest.New(t, "untrusted")
	now := time.Now()
	// A client that reaches the test server (and nothing else) but does not trust its
	// certificate.
	addr := iss.Server.Listener.Addr().String()
	client := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}}}
	v := oidc.NewVerifier(client, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	tok, err := oidc.Parse(iss.Sign(t, "rsa-1", claims(iss.URL, now, nil)))
	if err != nil {
		t.Fatal(err)
	}
	_, err = v.Verify(ctx, tok, oidc.Expected{Issuer: iss.URL, Audiences: []string{"sts.amazonaws.com"}})
	wantKind(t, err, oidc.KeysUnavailable)
}

func TestClaims(t *testing.T) {
	iss := oidctest.New(t, "")
	now := time.Now()
	v := oidc.NewVerifier(iss.Client, nil)
	_, tok, err := verify(t, v, iss, iss.Sign(t, "ec-1", claims(iss.URL, now, map[string]any{
		"amr": []string{"pwd", "mfa"}, "azp": "client-1", "email": "dev@example.com", "custom": map[string]any{"a": 1},
	})))
	if err != nil {
		t.Fatal(err)
	}
	c := tok.Claims
	if strings.Join(c.AMR, ",") != "pwd,mfa" || c.AZP != "client-1" || c.Email != "dev@example.com" || c.Issuer != iss.URL ||
		c.Expiry.Unix() != now.Add(5*time.Minute).Unix() || c.Raw["custom"] == nil {
		t.Fatalf("claims %+v", c)
	}
}
