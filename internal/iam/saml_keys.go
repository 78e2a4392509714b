package iam

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"regexp"
	"time"

	"github.com/iamd-dev/iamd/internal/awserr"
)

// Limits of a SAML provider's private keys (IAM API Reference, CreateSAMLProvider and
// UpdateSAMLProvider).
const (
	maxSAMLPrivateKeyLen = 16384
	minSAMLKeyID         = 22
	maxSAMLKeyID         = 64
	maxSAMLPrivateKeys   = 2 // a provider holds two keys, for rotation
	samlKeyIDLen         = 26
	samlKeySealContext   = "iamd-saml-private-key:"
)

// The patterns of AddPrivateKey (the text of a PEM key) and RemovePrivateKey (a key's id).
var (
	privateKeyTextPattern = regexp.MustCompile(`^[\t\n\r\x{20}-\x{FF}]*$`)
	keyIDPattern          = regexp.MustCompile(`^[A-Z0-9]+$`)
)

// checkSAMLKeyParams checks the encryption parameters' own constraints. A private key is
// never quoted back in an error.
func checkSAMLKeyParams(in SAMLProviderInput) error {
	switch in.EncryptionMode {
	case "", SAMLEncryptionAllowed, SAMLEncryptionRequired:
	default:
		return constraint(in.EncryptionMode, "assertionEncryptionMode", "Member must satisfy enum value set: [Required, Allowed]")
	}
	if len(in.AddPrivateKey) > maxSAMLPrivateKeyLen {
		return constraint("", "addPrivateKey", "Member must have length less than or equal to 16384")
	}
	if !privateKeyTextPattern.MatchString(in.AddPrivateKey) {
		return constraint("", "addPrivateKey", `Member must satisfy regular expression pattern: [\u0009\u000A\u000D\u0020-\u00FF]+`)
	}
	if in.RemovePrivateKey != "" {
		switch n := len(in.RemovePrivateKey); {
		case n < minSAMLKeyID:
			return constraint(in.RemovePrivateKey, "removePrivateKey", "Member must have length greater than or equal to 22")
		case n > maxSAMLKeyID:
			return constraint(in.RemovePrivateKey, "removePrivateKey", "Member must have length less than or equal to 64")
		case !keyIDPattern.MatchString(in.RemovePrivateKey):
			return constraint(in.RemovePrivateKey, "removePrivateKey", "Member must satisfy regular expression pattern: [A-Z0-9]+")
		}
	}
	return nil
}

// changeSAMLKeys applies a request's RemovePrivateKey, AddPrivateKey and
// AssertionEncryptionMode to a provider; a Required mode needs a key to decrypt with.
func (s *Service) changeSAMLKeys(p *SAMLProvider, in SAMLProviderInput, now time.Time) error {
	if in.RemovePrivateKey != "" {
		kept := p.PrivateKeys[:0:0]
		for _, k := range p.PrivateKeys {
			if k.ID != in.RemovePrivateKey {
				kept = append(kept, k)
			}
		}
		if len(kept) == len(p.PrivateKeys) {
			return awserr.InvalidInput("The private key %s does not exist for this SAML provider.", in.RemovePrivateKey)
		}
		p.PrivateKeys = kept
	}
	if in.AddPrivateKey != "" {
		if !isPrivateKeyPEM(in.AddPrivateKey) {
			return awserr.InvalidInput("The private key is not a valid PEM-encoded private key.")
		}
		if len(p.PrivateKeys) >= maxSAMLPrivateKeys {
			return awserr.LimitExceeded("Cannot exceed quota for PrivateKeysPerSamlProvider: %d", maxSAMLPrivateKeys)
		}
		id := RandomString(IDAlphabet, samlKeyIDLen)
		sealed, err := s.box.Seal([]byte(in.AddPrivateKey), samlKeySealContext+id)
		if err != nil {
			return err
		}
		p.PrivateKeys = append(p.PrivateKeys, SAMLKey{ID: id, Timestamp: now, Sealed: sealed})
	}
	if in.EncryptionMode != "" {
		p.Encryption = in.EncryptionMode
	}
	if p.Encryption == SAMLEncryptionRequired && len(p.PrivateKeys) == 0 {
		return awserr.InvalidInput("AssertionEncryptionMode Required needs a private key: pass AddPrivateKey.")
	}
	return nil
}

// SAMLDecryptionKeys opens a provider's private keys, the newest first: for STS to decrypt
// the provider's encrypted assertions with.
func (s *Service) SAMLDecryptionKeys(p *SAMLProvider) ([]crypto.PrivateKey, error) {
	var out []crypto.PrivateKey
	for i := len(p.PrivateKeys) - 1; i >= 0; i-- {
		k := p.PrivateKeys[i]
		text, err := s.box.Open(k.Sealed, samlKeySealContext+k.ID)
		if err != nil {
			return nil, err
		}
		key := parsePrivateKeyPEM(string(text))
		if key == nil {
			return nil, errors.New("iam: a SAML provider's private key does not parse")
		}
		out = append(out, key)
	}
	return out, nil
}

// isPrivateKeyPEM reports whether text is one PEM private key (PKCS #1, PKCS #8 or SEC 1).
func isPrivateKeyPEM(text string) bool { return parsePrivateKeyPEM(text) != nil }

// parsePrivateKeyPEM reads a PEM private key (PKCS #8, PKCS #1 or SEC 1), nil when it is not
// one.
func parsePrivateKeyPEM(text string) crypto.PrivateKey {
	b, _ := pem.Decode([]byte(text))
	if b == nil {
		return nil
	}
	if k, err := x509.ParsePKCS8PrivateKey(b.Bytes); err == nil {
		return k
	}
	if k, err := x509.ParsePKCS1PrivateKey(b.Bytes); err == nil {
		return k
	}
	if k, err := x509.ParseECPrivateKey(b.Bytes); err == nil {
		return k
	}
	return nil
}
