package iam

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/docstore"
)

// Collections of outbound web identity federation: each account's configuration (account,
// id "config") and the index of issuers (account "", id the issuer id) to their account.
const (
	colOutboundFederation = "iam.outbound-federation"
	colOutboundIssuer     = "iam.outbound-issuer"
)

// The JWS algorithms of GetWebIdentityToken's tokens: each account has one key of each.
const (
	SigningRS256 = "RS256" // RSASSA-PKCS1-v1_5 with SHA-256, a 2048-bit RSA key
	SigningES384 = "ES384" // ECDSA on P-384 with SHA-384
)

// outboundFederationDoc is an account's outbound federation: its issuer (kept when the
// feature is disabled, so that a relying party can verify the tokens issued before and the
// issuer is the same when it is enabled again) and its signing keys.
type outboundFederationDoc struct {
	IssuerID string           `json:"issuerId"`
	Enabled  bool             `json:"enabled"`
	Keys     []outboundKeyDoc `json:"keys"`
}

// outboundKeyDoc is one signing key: the private key sealed under the master key, the
// public key in the clear (PKIX DER).
type outboundKeyDoc struct {
	ID     string `json:"id"`
	Alg    string `json:"alg"`
	Sealed []byte `json:"sealed"`
	Public []byte `json:"public"`
}

type outboundIssuerDoc struct {
	Account string `json:"account"`
}

func outboundFederationKey(account string) docstore.Key {
	return docstore.Key{Collection: colOutboundFederation, Account: account, ID: "config"}
}

func outboundKeySealContext(account, kid string) string {
	return "outbound-federation:" + account + ":" + kid
}

// The API reference's texts of the feature's errors.
func featureEnabledError() error {
	return awserr.New("FeatureEnabled", "The request failed because outbound identity federation is already enabled for your AWS account. You cannot enable the feature multiple times. To fetch the current configuration (including the unique issuer URL), use the GetOutboundWebIdentityFederationInfo operation.")
}

func featureDisabledError() error {
	return awserr.New("FeatureDisabled", "The request failed because outbound identity federation is already disabled for your AWS account. You cannot disable the feature multiple times")
}

func loadOutboundFederation(tx docstore.Tx, account string) (*outboundFederationDoc, error) {
	var d outboundFederationDoc
	err := tx.Get(outboundFederationKey(account), &d)
	if errors.Is(err, docstore.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// EnableOutboundWebIdentityFederation turns the account's outbound federation on and
// returns its issuer id. The first time, it makes the issuer and its signing keys.
func (s *Service) EnableOutboundWebIdentityFederation(ctx context.Context, account string) (string, error) {
	var issuer string
	err := s.update(ctx, func(tx docstore.Tx) error {
		var a Account
		if err := loadAccountDoc(tx, account, &a); err != nil {
			return err
		}
		d, err := loadOutboundFederation(tx, account)
		if err != nil {
			return err
		}
		switch {
		case d != nil && d.Enabled:
			return featureEnabledError()
		case d == nil:
			if d, err = s.newOutboundFederation(account); err != nil {
				return err
			}
			if err := tx.Insert(docstore.Key{Collection: colOutboundIssuer, ID: d.IssuerID}, &outboundIssuerDoc{Account: account}); err != nil {
				return err
			}
		}
		d.Enabled = true
		issuer = d.IssuerID
		return tx.Put(outboundFederationKey(account), d)
	})
	return issuer, err
}

// newOutboundFederation makes an issuer id and one signing key of each algorithm.
func (s *Service) newOutboundFederation(account string) (*outboundFederationDoc, error) {
	d := &outboundFederationDoc{IssuerID: newUUID()}
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		return nil, err
	}
	for _, k := range []struct {
		alg string
		key crypto.Signer
	}{{SigningRS256, rsaKey}, {SigningES384, ecKey}} {
		private, err := x509.MarshalPKCS8PrivateKey(k.key)
		if err != nil {
			return nil, err
		}
		public, err := x509.MarshalPKIXPublicKey(k.key.Public())
		if err != nil {
			return nil, err
		}
		kid := newUUID()
		sealed, err := s.box.Seal(private, outboundKeySealContext(account, kid))
		if err != nil {
			return nil, err
		}
		d.Keys = append(d.Keys, outboundKeyDoc{ID: kid, Alg: k.alg, Sealed: sealed, Public: public})
	}
	return d, nil
}

// DisableOutboundWebIdentityFederation turns the account's outbound federation off. The
// issuer and its keys stay, so that tokens issued before can still be verified.
func (s *Service) DisableOutboundWebIdentityFederation(ctx context.Context, account string) error {
	return s.update(ctx, func(tx docstore.Tx) error {
		var a Account
		if err := loadAccountDoc(tx, account, &a); err != nil {
			return err
		}
		d, err := loadOutboundFederation(tx, account)
		if err != nil {
			return err
		}
		if d == nil || !d.Enabled {
			return featureDisabledError()
		}
		d.Enabled = false
		return tx.Put(outboundFederationKey(account), d)
	})
}

// OutboundFederationInfo is GetOutboundWebIdentityFederationInfo's answer.
type OutboundFederationInfo struct {
	IssuerID string
	Enabled  bool
}

// OutboundWebIdentityFederationInfo returns the account's issuer id and whether the feature
// is on; an account that never enabled it has no issuer (FeatureDisabled).
func (s *Service) OutboundWebIdentityFederationInfo(ctx context.Context, account string) (*OutboundFederationInfo, error) {
	var d *outboundFederationDoc
	err := s.view(ctx, func(tx docstore.Tx) error {
		var err error
		d, err = loadOutboundFederation(tx, account)
		return err
	})
	if err != nil {
		return nil, err
	}
	if d == nil {
		return nil, featureDisabledError()
	}
	return &OutboundFederationInfo{IssuerID: d.IssuerID, Enabled: d.Enabled}, nil
}

// OutboundSigner is the key an account signs GetWebIdentityToken's tokens with.
type OutboundSigner struct {
	IssuerID string
	KeyID    string
	Key      crypto.Signer
}

// OutboundSigningKey returns the account's signing key for the algorithm, or nil when the
// account's outbound federation is not enabled.
func (s *Service) OutboundSigningKey(ctx context.Context, account, alg string) (*OutboundSigner, error) {
	var d *outboundFederationDoc
	err := s.view(ctx, func(tx docstore.Tx) error {
		var err error
		d, err = loadOutboundFederation(tx, account)
		return err
	})
	if err != nil || d == nil || !d.Enabled {
		return nil, err
	}
	for _, k := range d.Keys {
		if k.Alg != alg {
			continue
		}
		private, err := s.box.Open(k.Sealed, outboundKeySealContext(account, k.ID))
		if err != nil {
			return nil, fmt.Errorf("opening the outbound federation key %s: %w", k.ID, err)
		}
		parsed, err := x509.ParsePKCS8PrivateKey(private)
		if err != nil {
			return nil, fmt.Errorf("parsing the outbound federation key %s: %w", k.ID, err)
		}
		signer, ok := parsed.(crypto.Signer)
		if !ok {
			return nil, fmt.Errorf("the outbound federation key %s does not sign", k.ID)
		}
		return &OutboundSigner{IssuerID: d.IssuerID, KeyID: k.ID, Key: signer}, nil
	}
	return nil, fmt.Errorf("the account %s has no %s outbound federation key", account, alg)
}

// OutboundPublicKey is a verification key an issuer publishes.
type OutboundPublicKey struct {
	KeyID string
	Alg   string
	Key   crypto.PublicKey
}

// ErrNoSuchIssuer is OutboundIssuerKeys' answer for an issuer id no account has.
var ErrNoSuchIssuer = errors.New("iam: no such outbound federation issuer")

// OutboundIssuerKeys returns the verification keys of the issuer id, for its JWKS (served
// whether or not the feature is on: tokens issued before it was disabled stay verifiable).
func (s *Service) OutboundIssuerKeys(ctx context.Context, issuerID string) ([]OutboundPublicKey, error) {
	issuerID = strings.ToLower(issuerID)
	var d *outboundFederationDoc
	err := s.view(ctx, func(tx docstore.Tx) error {
		var idx outboundIssuerDoc
		if err := tx.Get(docstore.Key{Collection: colOutboundIssuer, ID: issuerID}, &idx); err != nil {
			return err
		}
		var err error
		d, err = loadOutboundFederation(tx, idx.Account)
		return err
	})
	if errors.Is(err, docstore.ErrNotFound) || (err == nil && d == nil) {
		return nil, ErrNoSuchIssuer
	}
	if err != nil {
		return nil, err
	}
	var out []OutboundPublicKey
	for _, k := range d.Keys {
		public, err := x509.ParsePKIXPublicKey(k.Public)
		if err != nil {
			return nil, fmt.Errorf("parsing the outbound federation key %s: %w", k.ID, err)
		}
		out = append(out, OutboundPublicKey{KeyID: k.ID, Alg: k.Alg, Key: public})
	}
	return out, nil
}

// OutboundIssuerPath is where iamd serves outbound federation issuers: an issuer's URL is
// the server's URL, this path and the issuer id; its discovery document and key set are
// under it, at /.well-known/openid-configuration and /.well-known/jwks.json.
const OutboundIssuerPath = "/iamd/issuer/"

// OutboundIssuerURL is the URL of the issuer id on the server reached at base.
func OutboundIssuerURL(base, issuerID string) string {
	return strings.TrimSuffix(base, "/") + OutboundIssuerPath + issuerID
}

// newUUID is a random (version 4) UUID in lower case.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
