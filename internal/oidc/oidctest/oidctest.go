// Package oidctest serves an OpenID Connect issuer for tests: a TLS server on 127.0.0.1 with
// a discovery document and a JSON Web Key Set of keys it generates, and a signer of tokens.
// The issuer is named https://oidc.example.com/PATH: the test server's Client sends requests
// for example.com and its subdomains to the server and trusts its certificate, and the name
// carries no port (IAM refuses provider URLs with one).
package oidctest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// Host is the issuers' host name.
const Host = "oidc.example.com"

// Issuer is a test issuer.
type Issuer struct {
	URL    string // https://oidc.example.com/PATH: the iss of its tokens
	Server *httptest.Server
	Client *http.Client // trusts the server and routes the issuer's host to it

	// Requests for the discovery document and the key set.
	DiscoveryRequests, JWKSRequests atomic.Int64

	mu        sync.Mutex
	keys      map[string]crypto.Signer // by kid
	published map[string]bool
}

// New starts an issuer at https://oidc.example.com/path (path without slashes at the
// ends, "" for none) with an RSA key "rsa-1" and a P-256 key "ec-1", stopped when the test
// ends.
func New(t testing.TB, path string) *Issuer {
	t.Helper()
	iss := &Issuer{URL: "https://" + Host, keys: map[string]crypto.Signer{}, published: map[string]bool{}}
	if path != "" {
		iss.URL += "/" + path
	}
	prefix := strings.TrimPrefix(iss.URL, "https://"+Host)
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+prefix+"/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		iss.DiscoveryRequests.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"issuer": iss.URL, "jwks_uri": iss.URL + "/keys",
			"id_token_signing_alg_values_supported": []string{"RS256", "ES256"},
		})
	})
	mux.HandleFunc("GET "+prefix+"/keys", func(w http.ResponseWriter, r *http.Request) {
		iss.JWKSRequests.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"keys": iss.jwks()})
	})
	iss.Server = httptest.NewTLSServer(mux)
	t.Cleanup(iss.Server.Close)
	iss.Client = iss.Server.Client()
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	iss.AddKey("rsa-1", rsaKey, true)
	iss.AddKey("ec-1", ecKey, true)
	return iss
}

// AddKey adds a signing key; published keys are in the key set.
func (iss *Issuer) AddKey(kid string, key crypto.Signer, published bool) {
	iss.mu.Lock()
	defer iss.mu.Unlock()
	iss.keys[kid], iss.published[kid] = key, published
}

// Publish puts a key into the key set or takes it out.
func (iss *Issuer) Publish(kid string, published bool) {
	iss.mu.Lock()
	defer iss.mu.Unlock()
	iss.published[kid] = published
}

func (iss *Issuer) jwks() []map[string]string {
	iss.mu.Lock()
	defer iss.mu.Unlock()
	out := []map[string]string{}
	for kid, key := range iss.keys {
		if !iss.published[kid] {
			continue
		}
		switch pub := key.Public().(type) {
		case *rsa.PublicKey:
			out = append(out, map[string]string{"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256",
				"n": b64(pub.N.Bytes()), "e": b64(big.NewInt(int64(pub.E)).Bytes())})
		case *ecdsa.PublicKey:
			data, _ := pub.Bytes()
			size := (len(data) - 1) / 2
			out = append(out, map[string]string{"kty": "EC", "kid": kid, "use": "sig", "crv": pub.Curve.Params().Name,
				"x": b64(data[1 : 1+size]), "y": b64(data[1+size:])})
		}
	}
	return out
}

// Sign makes a token with the key named kid (RS256 for RSA keys, ES256 or ES384 for EC
// keys) and the claims.
func (iss *Issuer) Sign(t testing.TB, kid string, claims map[string]any) string {
	t.Helper()
	iss.mu.Lock()
	key := iss.keys[kid]
	iss.mu.Unlock()
	if key == nil {
		t.Fatalf("no key %q", kid)
	}
	alg := "RS256"
	if k, ok := key.(*ecdsa.PrivateKey); ok {
		alg = map[int]string{256: "ES256", 384: "ES384"}[k.Curve.Params().BitSize]
	}
	return SignWith(t, key, alg, kid, claims)
}

// SignWith makes a token with any key and algorithm (RS256, RS384, RS512, ES256, ES384).
func SignWith(t testing.TB, key crypto.Signer, alg, kid string, claims map[string]any) string {
	t.Helper()
	header := map[string]string{"alg": alg, "typ": "JWT"}
	if kid != "" {
		header["kid"] = kid
	}
	h, _ := json.Marshal(header)
	c, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	input := b64(h) + "." + b64(c)
	hash := map[string]crypto.Hash{"RS256": crypto.SHA256, "RS384": crypto.SHA384, "RS512": crypto.SHA512,
		"ES256": crypto.SHA256, "ES384": crypto.SHA384}[alg]
	var digest []byte
	switch hash {
	case crypto.SHA256:
		d := sha256.Sum256([]byte(input))
		digest = d[:]
	case crypto.SHA384:
		d := sha512.Sum384([]byte(input))
		digest = d[:]
	default:
		d := sha512.Sum512([]byte(input))
		digest = d[:]
	}
	var sig []byte
	switch k := key.(type) {
	case *rsa.PrivateKey:
		sig, err = rsa.SignPKCS1v15(rand.Reader, k, hash, digest)
	case *ecdsa.PrivateKey:
		var r, s *big.Int
		r, s, err = ecdsa.Sign(rand.Reader, k, digest)
		size := (k.Curve.Params().BitSize + 7) / 8
		if err == nil {
			sig = make([]byte, 2*size)
			r.FillBytes(sig[:size])
			s.FillBytes(sig[size:])
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + b64(sig)
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
