// Package samltest is a SAML 2.0 identity provider for tests and scripts: it makes a key
// pair and a self-signed certificate, the metadata document to create an IAM SAML provider
// with, and signed authentication responses (the Response or its Assertion signed with
// goxmldsig) carrying the attributes AWS reads.
package samltest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"math/big"
	"time"
)

// AWS's attribute names and endpoints, as an identity provider configured for AWS uses them.
const (
	RoleAttr              = "https://aws.amazon.com/SAML/Attributes/Role"
	RoleSessionNameAttr   = "https://aws.amazon.com/SAML/Attributes/RoleSessionName"
	SessionDurationAttr   = "https://aws.amazon.com/SAML/Attributes/SessionDuration"
	SourceIdentityAttr    = "https://aws.amazon.com/SAML/Attributes/SourceIdentity"
	PrincipalTagAttr      = "https://aws.amazon.com/SAML/Attributes/PrincipalTag:"
	TransitiveTagKeysAttr = "https://aws.amazon.com/SAML/Attributes/TransitiveTagKeys"
	SignInURL             = "https://signin.aws.amazon.com/saml"
	Persistent            = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
)

// IdP is an identity provider: its entityID, signing key and certificate.
type IdP struct {
	EntityID string
	Key      *rsa.PrivateKey
	Cert     []byte // DER
	// Now is the provider's clock (time.Now when nil).
	Now func() time.Time
}

// New makes an identity provider with a new 2048-bit RSA key and a self-signed certificate
// valid from a day ago for ten years.
func New(entityID string) (*IdP, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(now.UnixNano()),
		Subject:      pkix.Name{CommonName: "iamd test IdP"},
		NotBefore:    now.Add(-24 * time.Hour),
		NotAfter:     now.AddDate(10, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	return &IdP{EntityID: entityID, Key: key, Cert: der}, nil
}

func (p *IdP) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

// CertBase64 is the certificate as metadata carries it.
func (p *IdP) CertBase64() string { return base64.StdEncoding.EncodeToString(p.Cert) }

// MarshalPEM writes the provider (entityID, key and certificate) as PEM blocks, for
// LoadPEM.
func (p *IdP) MarshalPEM() []byte {
	key := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Headers: map[string]string{"Entity-ID": p.EntityID},
		Bytes: x509.MarshalPKCS1PrivateKey(p.Key)})
	return append(key, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: p.Cert})...)
}

// LoadPEM reads a provider MarshalPEM wrote.
func LoadPEM(data []byte) (*IdP, error) {
	p := &IdP{}
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			break
		}
		switch b.Type {
		case "RSA PRIVATE KEY":
			k, err := x509.ParsePKCS1PrivateKey(b.Bytes)
			if err != nil {
				return nil, err
			}
			p.Key, p.EntityID = k, b.Headers["Entity-ID"]
		case "CERTIFICATE":
			p.Cert = b.Bytes
		}
	}
	if p.Key == nil || p.Cert == nil || p.EntityID == "" {
		return nil, errors.New("samltest: not an identity provider's PEM")
	}
	return p, nil
}

// NewDecryptionKey makes what a service provider gives an identity provider to encrypt
// assertions to: a 2048-bit RSA key (PKCS #8 PEM, as AddPrivateKey takes it) and a
// self-signed certificate of it.
func NewDecryptionKey() (keyPEM string, cert *x509.Certificate, err error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(now.UnixNano()), Subject: pkix.Name{CommonName: "iamd test SP"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(1, 0, 0), KeyUsage: x509.KeyUsageKeyEncipherment}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return "", nil, err
	}
	cert, err = x509.ParseCertificate(der)
	if err != nil {
		return "", nil, err
	}
	p8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return "", nil, err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: p8})), cert, nil
}
