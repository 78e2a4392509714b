package saml

import (
	"crypto/x509"
	"encoding/base64"
	"errors"
	"strings"
	"time"
)

// Metadata is what an identity provider's SAML metadata document tells a service provider:
// the provider's entityID (the Issuer of its responses), until when the document is valid,
// and the certificates of the keys it signs with.
type Metadata struct {
	EntityID   string
	ValidUntil time.Time // zero when the document does not say
	// Certificates are the DER certificates of the IDPSSODescriptor's signing keys (a
	// KeyDescriptor with use="signing" or with no use).
	Certificates [][]byte
}

// ErrMetadata is returned for a document that is not the metadata of a SAML 2.0 identity
// provider: not XML, no EntityDescriptor with an entityID, no IDPSSODescriptor, no signing
// certificate, or a certificate or date that does not parse.
var ErrMetadata = errors.New("saml: not the metadata of a SAML 2.0 identity provider")

// ParseMetadata reads an identity provider's metadata document.
func ParseMetadata(doc string) (*Metadata, error) {
	root, err := parseXML([]byte(doc))
	if err != nil || !is(root, nsMetadata, "EntityDescriptor") {
		return nil, ErrMetadata
	}
	m := &Metadata{EntityID: strings.TrimSpace(attr(root, "entityID"))}
	if m.EntityID == "" {
		return nil, ErrMetadata
	}
	if t, ok, err := instant(root, "validUntil"); err != nil {
		return nil, ErrMetadata
	} else if ok {
		m.ValidUntil = t
	}
	idps := children(root, nsMetadata, "IDPSSODescriptor")
	if len(idps) == 0 {
		return nil, ErrMetadata
	}
	for _, idp := range idps {
		for _, kd := range children(idp, nsMetadata, "KeyDescriptor") {
			if use := attr(kd, "use"); use != "" && use != "signing" {
				continue
			}
			for _, data := range children(child(kd, nsDSig, "KeyInfo"), nsDSig, "X509Data") {
				for _, c := range children(data, nsDSig, "X509Certificate") {
					der, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(c.Text()), ""))
					if err != nil {
						return nil, ErrMetadata
					}
					if _, err := x509.ParseCertificate(der); err != nil {
						return nil, ErrMetadata
					}
					m.Certificates = append(m.Certificates, der)
				}
			}
		}
	}
	if len(m.Certificates) == 0 {
		return nil, ErrMetadata
	}
	return m, nil
}
