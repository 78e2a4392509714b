package saml_test

import (
	"encoding/base64"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/saml"
	"github.com/iamd-dev/iamd/internal/saml/samltest"
)

// FuzzVerify: whatever a caller sends as a SAML response, Verify answers (an assertion or
// an error), never panics, and accepts nothing the provider did not sign.
func FuzzVerify(f *testing.F) {
	p, err := samltest.New("https://idp.example.com/saml")
	if err != nil {
		f.Fatal(err)
	}
	m, err := saml.ParseMetadata(p.Metadata(""))
	if err != nil {
		f.Fatal(err)
	}
	good, _ := p.Response(samltest.Assertion{})
	raw, _ := base64.StdEncoding.DecodeString(good)
	f.Add(raw)
	f.Add([]byte(`<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" Version="2.0"/>`))
	f.Add([]byte("<a><b></a>"))
	now := time.Now()
	f.Fuzz(func(t *testing.T, doc []byte) {
		a, err := saml.Verify(base64.StdEncoding.EncodeToString(doc), saml.Expected{
			Issuer: m.EntityID, Certificates: m.Certificates, Now: now, Skew: 5 * time.Minute})
		if err == nil && string(doc) != string(raw) && a.Issuer != m.EntityID {
			t.Fatalf("accepted an assertion of issuer %q", a.Issuer)
		}
	})
}

// FuzzParseMetadata: any document is metadata or ErrMetadata, without a panic.
func FuzzParseMetadata(f *testing.F) {
	p, err := samltest.New("https://idp.example.com/saml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(p.Metadata("2030-01-01T00:00:00Z"))
	f.Add(`<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"><md:IDPSSODescriptor><md:KeyDescriptor/></md:IDPSSODescriptor></md:EntityDescriptor>`)
	f.Fuzz(func(t *testing.T, doc string) {
		if m, err := saml.ParseMetadata(doc); err == nil && (m.EntityID == "" || len(m.Certificates) == 0) {
			t.Fatalf("metadata without an entityID or a certificate: %+v", m)
		}
	})
}
