// Package oidc verifies OpenID Connect ID tokens: compact JWS tokens signed with RS256,
// RS384, RS512, ES256 or ES384 by a key of the issuer's JSON Web Key Set, which it finds
// through the issuer's discovery document and keeps cached. It checks the iss, aud, exp, nbf
// and iat claims as AWS STS does for AssumeRoleWithWebIdentity and returns the claims.
package oidc

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"
)

// MaxTokenLen bounds the tokens Parse reads (AWS's WebIdentityToken is 20,000 characters at
// most).
const MaxTokenLen = 20000

// Kind says why a token was refused.
type Kind int

const (
	Malformed       Kind = iota // not a compact JWS with JSON header and claims
	BadIssuer                   // iss is not the expected issuer
	BadAudience                 // no aud is an accepted client id
	Expired                     // exp has passed
	NotYetValid                 // nbf or iat lie in the future
	NoKey                       // no key of the issuer's key set matches the token
	KeysUnavailable             // the issuer answered, but without a usable key set (or over an untrusted certificate)
	BadSignature                // the signature does not verify
	Unsupported                 // an algorithm or key type this package does not verify
	Communication               // the issuer could not be reached
)

// Error is a refused token.
type Error struct {
	Kind    Kind
	Message string
	// For Expired: the token's exp and the time of the check.
	Expiry, Now time.Time
}

func (e *Error) Error() string { return "oidc: " + e.Message }

func errorf(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Token is a parsed, not yet verified, token.
type Token struct {
	Header Header
	Claims Claims

	signingInput string
	signature    []byte
}

// Header is the JOSE header of a token.
type Header struct {
	Alg string `json:"alg"`
	Kid string `json:"kid"`
	Typ string `json:"typ"`
}

// Claims are a token's claims; Raw holds every claim as decoded JSON.
type Claims struct {
	Issuer    string
	Subject   string
	Audience  []string
	Expiry    time.Time // zero when absent
	NotBefore time.Time
	IssuedAt  time.Time
	AMR       []string
	AZP       string
	Email     string
	Raw       map[string]any
}

// Parse decodes a compact JWS (header.payload.signature, base64url without padding)
// without verifying it. Its errors are of Kind Malformed.
func Parse(raw string) (*Token, error) {
	if len(raw) > MaxTokenLen {
		return nil, errorf(Malformed, "token is longer than %d characters", MaxTokenLen)
	}
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return nil, errorf(Malformed, "token is not a compact JWS of three parts")
	}
	headerJSON, err := decodeSegment(parts[0])
	if err != nil {
		return nil, errorf(Malformed, "token header is not base64url")
	}
	payload, err := decodeSegment(parts[1])
	if err != nil {
		return nil, errorf(Malformed, "token payload is not base64url")
	}
	sig, err := decodeSegment(parts[2])
	if err != nil || len(sig) == 0 {
		return nil, errorf(Malformed, "token signature is not base64url")
	}
	t := &Token{signingInput: parts[0] + "." + parts[1], signature: sig}
	if err := json.Unmarshal(headerJSON, &t.Header); err != nil {
		return nil, errorf(Malformed, "token header is not a JSON object")
	}
	if t.Header.Alg == "" {
		return nil, errorf(Malformed, "token header has no alg")
	}
	if err := t.Claims.decode(payload); err != nil {
		return nil, err
	}
	return t, nil
}

func decodeSegment(s string) ([]byte, error) {
	return base64.RawURLEncoding.Strict().DecodeString(strings.TrimRight(s, "="))
}

func (c *Claims) decode(payload []byte) error {
	d := json.NewDecoder(bytes.NewReader(payload))
	d.UseNumber()
	if err := d.Decode(&c.Raw); err != nil || c.Raw == nil {
		return errorf(Malformed, "token claims are not a JSON object")
	}
	var ok bool
	str := func(name string) (string, bool) {
		v, present := c.Raw[name]
		if !present {
			return "", true
		}
		s, isStr := v.(string)
		return s, isStr
	}
	if c.Issuer, ok = str("iss"); !ok {
		return errorf(Malformed, "iss is not a string")
	}
	if c.Subject, ok = str("sub"); !ok {
		return errorf(Malformed, "sub is not a string")
	}
	if c.AZP, ok = str("azp"); !ok {
		return errorf(Malformed, "azp is not a string")
	}
	if c.Email, ok = str("email"); !ok {
		c.Email = "" // not ours to refuse
	}
	if c.Audience, ok = strings1(c.Raw["aud"]); !ok {
		return errorf(Malformed, "aud is neither a string nor a list of strings")
	}
	if c.AMR, ok = strings1(c.Raw["amr"]); !ok {
		return errorf(Malformed, "amr is neither a string nor a list of strings")
	}
	for name, dst := range map[string]*time.Time{"exp": &c.Expiry, "nbf": &c.NotBefore, "iat": &c.IssuedAt} {
		v, present := c.Raw[name]
		if !present {
			continue
		}
		n, isNum := v.(json.Number)
		if !isNum {
			return errorf(Malformed, "%s is not a number", name)
		}
		f, err := n.Float64()
		if err != nil || f < 0 || f > math.MaxInt32*100 {
			return errorf(Malformed, "%s is not a valid time", name)
		}
		sec, frac := math.Modf(f)
		*dst = time.Unix(int64(sec), int64(frac*1e9)).UTC()
	}
	return nil
}

// strings1 reads a claim that is a string or a list of strings (nil when absent).
func strings1(v any) ([]string, bool) {
	switch v := v.(type) {
	case nil:
		return nil, true
	case string:
		return []string{v}, true
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	}
	return nil, false
}
