package stsapi

import (
	"crypto/ecdsa"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"math/big"
	"net/http"
	"strings"

	"github.com/iamd-dev/iamd/internal/iam"
)

// Issuer serves the outbound federation issuers' OpenID Connect discovery documents and key
// sets, unauthenticated, at iam.OutboundIssuerPath: what a relying party fetches to verify
// GetWebIdentityToken's tokens.
type Issuer struct {
	iam  *iam.Service
	base func() string // the server's URL
	log  *slog.Logger
}

// NewIssuer makes the handler; base is the URL relying parties reach the server at.
func NewIssuer(svc *iam.Service, base func() string, log *slog.Logger) *Issuer {
	return &Issuer{iam: svc, base: base, log: log}
}

// The documents under an issuer's URL.
const (
	discoveryPath = "/.well-known/openid-configuration"
	jwksPath      = "/.well-known/jwks.json"
)

// ServeHTTP answers GET (and HEAD) of an issuer's discovery document or key set; anything
// else under the path is not found.
func (h *Issuer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, iam.OutboundIssuerPath)
	id, doc, found := strings.Cut(rest, "/")
	if !ok || !found || id == "" || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		http.NotFound(w, r)
		return
	}
	keys, err := h.iam.OutboundIssuerKeys(r.Context(), id)
	switch {
	case errors.Is(err, iam.ErrNoSuchIssuer):
		http.NotFound(w, r)
		return
	case err != nil:
		h.log.Error("internal failure", "path", r.URL.Path, "cause", err)
		http.Error(w, "internal failure", http.StatusInternalServerError)
		return
	}
	issuer := iam.OutboundIssuerURL(h.base(), id)
	var body any
	switch "/" + doc {
	case discoveryPath:
		body = discoveryDocument(issuer)
	case jwksPath:
		body = keySet(keys)
	default:
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "max-age=300")
	_ = json.NewEncoder(w).Encode(body)
}

// discoveryDocument is the issuer's OpenID Provider metadata: what a relying party needs to
// find its keys and the tokens' shape.
func discoveryDocument(issuer string) map[string]any {
	return map[string]any{
		"issuer":                                issuer,
		"jwks_uri":                              issuer + jwksPath,
		"response_types_supported":              []string{"id_token"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{iam.SigningRS256, iam.SigningES384},
		"claims_supported":                      []string{"aud", "exp", "iat", "iss", "jti", "nbf", "sub", "https://sts.amazonaws.com/"},
	}
}

// keySet is the issuer's JWKS (RFC 7517): each verification key with its kid and alg.
func keySet(keys []iam.OutboundPublicKey) map[string]any {
	enc := base64.RawURLEncoding
	set := []map[string]string{}
	for _, k := range keys {
		switch pub := k.Key.(type) {
		case *rsa.PublicKey:
			set = append(set, map[string]string{"kty": "RSA", "use": "sig", "alg": k.Alg, "kid": k.KeyID,
				"n": enc.EncodeToString(pub.N.Bytes()), "e": enc.EncodeToString(big.NewInt(int64(pub.E)).Bytes())})
		case *ecdsa.PublicKey:
			point, err := pub.Bytes() // 0x04 || x || y
			if err != nil {
				continue
			}
			size := (len(point) - 1) / 2
			set = append(set, map[string]string{"kty": "EC", "use": "sig", "alg": k.Alg, "kid": k.KeyID,
				"crv": pub.Curve.Params().Name, "x": enc.EncodeToString(point[1 : 1+size]), "y": enc.EncodeToString(point[1+size:])})
		}
	}
	return map[string]any{"keys": set}
}
