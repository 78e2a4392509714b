package oidc

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	_ "crypto/sha256" // SHA-256 for RS256 and ES256
	_ "crypto/sha512" // SHA-384 and SHA-512
	"math/big"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Defaults of a Verifier.
const (
	DefaultTimeout    = 10 * time.Second
	DefaultKeyTTL     = time.Hour
	DefaultMinRefresh = 30 * time.Second
	DefaultMaxIssuers = 256
	DefaultLeeway     = time.Minute
)

// Verifier verifies tokens against their issuers' keys, which it fetches and caches. It is
// safe for concurrent use.
type Verifier struct {
	client *http.Client
	now    func() time.Time

	// KeyTTL is how long an issuer's key set is used before it is fetched again.
	KeyTTL time.Duration
	// MinRefresh is how soon after a fetch a token with an unknown kid may cause another
	// (bounds the fetches an attacker can cause with made-up kids).
	MinRefresh time.Duration
	// MaxIssuers bounds the cache: beyond it, the issuer cached longest ago is dropped.
	MaxIssuers int
	// Leeway is the clock skew allowed for exp, nbf and iat.
	Leeway time.Duration

	mu    sync.Mutex
	cache map[string]*keySet // by issuer
}

// NewVerifier makes a Verifier that fetches with client (nil: a client with a 10s timeout)
// and reads the time from now (nil: time.Now).
func NewVerifier(client *http.Client, now func() time.Time) *Verifier {
	if client == nil {
		client = &http.Client{Timeout: DefaultTimeout}
	}
	if now == nil {
		now = time.Now
	}
	return &Verifier{client: client, now: now, KeyTTL: DefaultKeyTTL, MinRefresh: DefaultMinRefresh,
		MaxIssuers: DefaultMaxIssuers, Leeway: DefaultLeeway, cache: map[string]*keySet{}}
}

// Expected is what a token must carry to be accepted.
type Expected struct {
	Issuer    string   // the exact iss, e.g. https://token.actions.githubusercontent.com
	Audiences []string // the accepted client ids; one of the token's aud must be among them
}

// Verify checks the token's signature against its issuer's keys, then its claims. It
// returns the audience that matched. Errors are *Error.
func (v *Verifier) Verify(ctx context.Context, t *Token, want Expected) (string, error) {
	c := &t.Claims
	if c.Issuer != want.Issuer {
		return "", errorf(BadIssuer, "iss %q is not %q", c.Issuer, want.Issuer)
	}
	if err := v.verifySignature(ctx, t, want.Issuer); err != nil {
		return "", err
	}
	aud := ""
	for _, a := range c.Audience {
		if slices.Contains(want.Audiences, a) {
			aud = a
			break
		}
	}
	if aud == "" {
		return "", errorf(BadAudience, "no audience of the token is an accepted client id")
	}
	now := v.now()
	switch {
	case c.Expiry.IsZero():
		return "", errorf(Malformed, "token has no exp")
	case !now.Before(c.Expiry.Add(v.Leeway)):
		return "", &Error{Kind: Expired, Message: "token expired", Expiry: c.Expiry, Now: now}
	case !c.NotBefore.IsZero() && now.Add(v.Leeway).Before(c.NotBefore):
		return "", errorf(NotYetValid, "token is not valid before %s", c.NotBefore.Format(time.RFC3339))
	case !c.IssuedAt.IsZero() && now.Add(v.Leeway).Before(c.IssuedAt):
		return "", errorf(NotYetValid, "token was issued in the future")
	}
	return aud, nil
}

// algorithms are the signature algorithms verified, with their hash and key type.
var algorithms = map[string]struct {
	hash crypto.Hash
	kty  string
	size int // ECDSA: the curve's byte size
}{
	"RS256": {crypto.SHA256, "RSA", 0},
	"RS384": {crypto.SHA384, "RSA", 0},
	"RS512": {crypto.SHA512, "RSA", 0},
	"ES256": {crypto.SHA256, "EC", 32},
	"ES384": {crypto.SHA384, "EC", 48},
}

func (v *Verifier) verifySignature(ctx context.Context, t *Token, issuer string) error {
	alg, ok := algorithms[t.Header.Alg]
	if !ok {
		return errorf(Unsupported, "signature algorithm %q is not supported", t.Header.Alg)
	}
	keys, err := v.keys(ctx, issuer, t.Header.Kid)
	if err != nil {
		return err
	}
	var candidates []*jwk
	for _, k := range keys {
		if k.kty == alg.kty && (k.alg == "" || k.alg == t.Header.Alg) {
			candidates = append(candidates, k)
		}
	}
	if len(candidates) == 0 {
		return errorf(NoKey, "no key of the issuer matches the token's kid %q and alg %s", t.Header.Kid, t.Header.Alg)
	}
	h := alg.hash.New()
	h.Write([]byte(t.signingInput))
	digest := h.Sum(nil)
	for _, k := range candidates {
		switch pub := k.key.(type) {
		case *rsa.PublicKey:
			if rsa.VerifyPKCS1v15(pub, alg.hash, digest, t.signature) == nil {
				return nil
			}
		case *ecdsa.PublicKey:
			if pub.Curve.Params().BitSize != alg.size*8 || len(t.signature) != 2*alg.size {
				continue
			}
			r := new(big.Int).SetBytes(t.signature[:alg.size])
			s := new(big.Int).SetBytes(t.signature[alg.size:])
			if ecdsa.Verify(pub, digest, r, s) {
				return nil
			}
		}
	}
	return errorf(BadSignature, "the token's signature does not verify")
}
