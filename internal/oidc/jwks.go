package oidc

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"time"
)

// maxDocument bounds a discovery document or key set.
const maxDocument = 1 << 20

// keySet is the cached keys of one issuer.
type keySet struct {
	added time.Time // when the issuer entered the cache, for eviction

	mu      sync.Mutex // held while fetching, so that one fetch serves concurrent callers
	keys    []*jwk
	fetched time.Time // of the keys
	tried   time.Time // the last fetch, successful or not
	err     error     // of the last fetch, when it failed
}

// jwk is a usable verification key of a key set.
type jwk struct {
	kid, kty, alg string
	key           crypto.PublicKey
}

// keys returns the issuer's keys that may have signed a token with the kid (every key when
// the token names none). The key set is fetched when it is not cached or is older than
// KeyTTL, and again when the kid is unknown, at most once per MinRefresh; a failed fetch
// keeps the keys already known. The cache runs on the wall clock.
func (v *Verifier) keys(ctx context.Context, issuer, kid string) ([]*jwk, error) {
	ks := v.entry(issuer)
	ks.mu.Lock()
	defer ks.mu.Unlock()
	now := time.Now()
	stale := ks.keys == nil || now.Sub(ks.fetched) >= v.KeyTTL
	unknown := kid != "" && len(matching(ks.keys, kid)) == 0
	if (stale || unknown) && (ks.tried.IsZero() || now.Sub(ks.tried) >= v.MinRefresh) {
		ks.tried = now
		keys, err := v.fetch(ctx, issuer)
		if err == nil {
			ks.keys, ks.fetched, ks.err = keys, now, nil
		} else {
			ks.err = err
		}
	}
	if ks.keys == nil {
		if ks.err != nil {
			return nil, ks.err
		}
		return nil, errorf(KeysUnavailable, "the issuer's keys could not be retrieved")
	}
	return matching(ks.keys, kid), nil
}

func matching(keys []*jwk, kid string) []*jwk {
	if kid == "" {
		return keys
	}
	var out []*jwk
	for _, k := range keys {
		if k.kid == kid {
			out = append(out, k)
		}
	}
	return out
}

// entry returns the issuer's cache entry, making room for it when the cache is full.
func (v *Verifier) entry(issuer string) *keySet {
	v.mu.Lock()
	defer v.mu.Unlock()
	if ks, ok := v.cache[issuer]; ok {
		return ks
	}
	for len(v.cache) >= max(v.MaxIssuers, 1) {
		oldest := ""
		for iss, ks := range v.cache {
			if oldest == "" || ks.added.Before(v.cache[oldest].added) {
				oldest = iss
			}
		}
		delete(v.cache, oldest)
	}
	ks := &keySet{added: time.Now()}
	v.cache[issuer] = ks
	return ks
}

// fetch reads the issuer's discovery document, then the key set it names.
func (v *Verifier) fetch(ctx context.Context, issuer string) ([]*jwk, error) {
	var discovery struct {
		JWKSURI string `json:"jwks_uri"`
	}
	if err := v.getJSON(ctx, strings.TrimSuffix(issuer, "/")+"/.well-known/openid-configuration", &discovery); err != nil {
		return nil, err
	}
	if !strings.HasPrefix(discovery.JWKSURI, "https://") {
		return nil, errorf(KeysUnavailable, "the issuer's discovery document names no https jwks_uri")
	}
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := v.getJSON(ctx, discovery.JWKSURI, &set); err != nil {
		return nil, err
	}
	var keys []*jwk
	for _, raw := range set.Keys {
		if k, err := parseJWK(raw); err == nil {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil, errorf(KeysUnavailable, "the issuer's key set has no usable signature key")
	}
	return keys, nil
}

func (v *Verifier) getJSON(ctx context.Context, url string, dst any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return errorf(KeysUnavailable, "%s is not a valid URL", url)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := v.client.Do(req)
	if err != nil {
		if untrusted(err) {
			// The issuer was reached but cannot be trusted.
			return errorf(KeysUnavailable, "fetching %s: %v", url, err)
		}
		return errorf(Communication, "fetching %s: %v", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxDocument))
		return errorf(KeysUnavailable, "fetching %s: HTTP %d", url, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxDocument+1))
	if err != nil {
		return errorf(Communication, "reading %s: %v", url, err)
	}
	if len(body) > maxDocument {
		return errorf(KeysUnavailable, "%s is larger than %d bytes", url, maxDocument)
	}
	if err := json.Unmarshal(body, dst); err != nil {
		return errorf(KeysUnavailable, "%s is not the JSON expected: %v", url, err)
	}
	return nil
}

// untrusted says whether err is a failure to verify the issuer's certificate.
func untrusted(err error) bool {
	var verr *tls.CertificateVerificationError
	var unknown x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	return errors.As(err, &verr) || errors.As(err, &unknown) || errors.As(err, &hostname) || errors.As(err, &invalid)
}

// parseJWK reads an RSA or EC signature key of a JSON Web Key Set (RFC 7517, RFC 7518).
func parseJWK(raw json.RawMessage) (*jwk, error) {
	var k struct {
		Kty, Kid, Use, Alg string
		N, E, Crv, X, Y    string
	}
	if err := json.Unmarshal(raw, &k); err != nil {
		return nil, err
	}
	if k.Use != "" && k.Use != "sig" {
		return nil, fmt.Errorf("key %q is not for signatures", k.Kid)
	}
	out := &jwk{kid: k.Kid, kty: k.Kty, alg: k.Alg}
	switch k.Kty {
	case "RSA":
		n, err1 := decodeSegment(k.N)
		e, err2 := decodeSegment(k.E)
		if err1 != nil || err2 != nil || len(e) == 0 || len(e) > 4 {
			return nil, fmt.Errorf("RSA key %q has an invalid n or e", k.Kid)
		}
		pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
		if bits := pub.N.BitLen(); bits < 2048 || bits > 8192 || pub.E < 3 || pub.E%2 == 0 {
			return nil, fmt.Errorf("RSA key %q is too weak or invalid", k.Kid)
		}
		out.key = pub
	case "EC":
		var curve elliptic.Curve
		switch k.Crv {
		case "P-256":
			curve = elliptic.P256()
		case "P-384":
			curve = elliptic.P384()
		default:
			return nil, fmt.Errorf("EC key %q has an unsupported curve %q", k.Kid, k.Crv)
		}
		size := (curve.Params().BitSize + 7) / 8
		x, err1 := decodeSegment(k.X)
		y, err2 := decodeSegment(k.Y)
		if err1 != nil || err2 != nil || len(x) != size || len(y) != size {
			return nil, fmt.Errorf("EC key %q has an invalid x or y", k.Kid)
		}
		pub, err := ecdsa.ParseUncompressedPublicKey(curve, append(append([]byte{4}, x...), y...))
		if err != nil {
			return nil, fmt.Errorf("EC key %q: %v", k.Kid, err)
		}
		out.key = pub
	default:
		return nil, fmt.Errorf("key %q has an unsupported type %q", k.Kid, k.Kty)
	}
	return out, nil
}
