package saml_test

import (
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/saml"
	"github.com/iamd-dev/iamd/internal/saml/samltest"
)

// BenchmarkVerify is the cost of AssumeRoleWithSAML's check of one signed response: decode,
// parse, canonicalize and verify the RSA signature, then the assertion's conditions.
func BenchmarkVerify(b *testing.B) {
	p, err := samltest.New("https://idp.example.com/saml")
	if err != nil {
		b.Fatal(err)
	}
	resp, err := p.Response(samltest.Assertion{Subject: "bob",
		Attributes: []samltest.Attribute{{Name: samltest.RoleAttr, Values: []string{"a,b"}}}})
	if err != nil {
		b.Fatal(err)
	}
	m, err := saml.ParseMetadata(p.Metadata(""))
	if err != nil {
		b.Fatal(err)
	}
	aws := func(s string) bool { return s == samltest.SignInURL }
	want := saml.Expected{Issuer: m.EntityID, Certificates: m.Certificates, Audience: aws, Recipient: aws,
		Now: time.Now(), Skew: 5 * time.Minute, MaxAge: 5 * time.Minute}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := saml.Verify(resp, want); err != nil {
			b.Fatal(err)
		}
	}
}
