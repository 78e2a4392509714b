package saml_test

import (
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/saml"
	"github.com/iamd-dev/iamd/internal/saml/samltest"
)

func newIdP(t *testing.T) *samltest.IdP {
	t.Helper()
	p, err := samltest.New("https://idp.example.com/saml")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func expected(t *testing.T, p *samltest.IdP, now time.Time) saml.Expected {
	t.Helper()
	m, err := saml.ParseMetadata(p.Metadata(""))
	if err != nil {
		t.Fatal(err)
	}
	aws := func(s string) bool { return s == samltest.SignInURL }
	return saml.Expected{Issuer: m.EntityID, Certificates: m.Certificates, Audience: aws, Recipient: aws,
		Now: now, Skew: 5 * time.Minute, MaxAge: 5 * time.Minute}
}

func kindOf(err error) (saml.Kind, bool) {
	var e *saml.Error
	if errors.As(err, &e) {
		return e.Kind, true
	}
	return 0, false
}

func TestParseMetadata(t *testing.T) {
	p := newIdP(t)
	m, err := saml.ParseMetadata(p.Metadata("2031-02-03T04:05:06Z"))
	if err != nil {
		t.Fatal(err)
	}
	if m.EntityID != p.EntityID || len(m.Certificates) != 1 || string(m.Certificates[0]) != string(p.Cert) ||
		!m.ValidUntil.Equal(time.Date(2031, 2, 3, 4, 5, 6, 0, time.UTC)) {
		t.Fatalf("metadata: %+v", m)
	}
	for name, doc := range map[string]string{
		"not xml":       "not xml at all",
		"no idp":        `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"/>`,
		"no entity id":  strings.Replace(p.Metadata(""), `entityID="`+p.EntityID+`"`, "", 1),
		"no cert":       strings.Replace(p.Metadata(""), p.CertBase64(), "", 1),
		"bad cert":      strings.Replace(p.Metadata(""), p.CertBase64(), "TUlJQ", 1),
		"bad date":      p.Metadata("tomorrow"),
		"doctype":       `<!DOCTYPE x [<!ENTITY e "v">]>` + p.Metadata(""),
		"other element": `<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"/>`,
	} {
		if _, err := saml.ParseMetadata(doc); !errors.Is(err, saml.ErrMetadata) {
			t.Errorf("%s: %v, want ErrMetadata", name, err)
		}
	}
}

func TestVerifyAcceptsSignedAssertionOrResponse(t *testing.T) {
	p := newIdP(t)
	now := time.Now()
	for _, signResponse := range []bool{false, true} {
		resp, err := p.Response(samltest.Assertion{SignResponse: signResponse, Subject: "bob",
			Attributes: []samltest.Attribute{{Name: samltest.RoleAttr, Values: []string{"a,b", "c,d"}}}})
		if err != nil {
			t.Fatal(err)
		}
		a, err := saml.Verify(resp, expected(t, p, now))
		if err != nil {
			t.Fatalf("signResponse=%v: %v", signResponse, err)
		}
		if a.Issuer != p.EntityID || a.Subject != "bob" || a.SubjectFormat != samltest.Persistent || a.Recipient != samltest.SignInURL ||
			strings.Join(a.Attributes[samltest.RoleAttr], ";") != "a,b;c,d" {
			t.Errorf("assertion: %+v", a)
		}
	}
}

func TestVerifyRefuses(t *testing.T) {
	p := newIdP(t)
	other := newIdP(t)
	now := time.Now()
	good := samltest.Assertion{Subject: "alice"}
	tamper := func(b64, old, new string) string {
		raw, _ := base64.StdEncoding.DecodeString(b64)
		if !strings.Contains(string(raw), old) {
			t.Fatalf("no %q to tamper with", old)
		}
		return base64.StdEncoding.EncodeToString([]byte(strings.Replace(string(raw), old, new, 1)))
	}
	sign := func(a samltest.Assertion) string {
		r, err := p.Response(a)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	signedResponse := good
	signedResponse.SignResponse = true
	cases := map[string]struct {
		resp string
		kind saml.Kind
	}{
		"not base64":               {"%%%", saml.Malformed},
		"not xml":                  {base64.StdEncoding.EncodeToString([]byte("hello")), saml.Malformed},
		"unsigned":                 {sign(samltest.Assertion{Unsigned: true}), saml.BadSignature},
		"other key":                {sign(samltest.Assertion{SignWith: other}), saml.BadSignature},
		"assertion tampered":       {tamper(sign(good), ">alice<", ">mallory<"), saml.BadSignature},
		"response tampered":        {tamper(sign(signedResponse), ">alice<", ">mallory<"), saml.BadSignature},
		"wrong issuer":             {sign(samltest.Assertion{Issuer: "https://evil.example.com"}), saml.BadIssuer},
		"wrong audience":           {sign(samltest.Assertion{Audience: "https://elsewhere.example.com"}), saml.BadAudience},
		"wrong recipient":          {sign(samltest.Assertion{Recipient: "https://elsewhere.example.com"}), saml.BadRecipient},
		"expired":                  {sign(samltest.Assertion{IssueInstant: now.Add(-4 * time.Minute), NotOnOrAfter: now.Add(-6 * time.Minute)}), saml.Expired},
		"issued too long ago":      {sign(samltest.Assertion{IssueInstant: now.Add(-10 * time.Minute), NotOnOrAfter: now.Add(time.Hour)}), saml.TooOld},
		"not yet valid":            {sign(samltest.Assertion{NotBefore: now.Add(10 * time.Minute)}), saml.NotYetValid},
		"failed status":            {tamper(sign(good), "status:Success", "status:Requester"), saml.Failed},
		"two assertions (wrapped)": {wrap(t, sign(good), sign(samltest.Assertion{Subject: "mallory", Unsigned: true})), saml.Malformed},
	}
	for name, c := range cases {
		_, err := saml.Verify(c.resp, expected(t, p, now))
		if k, ok := kindOf(err); !ok || k != c.kind {
			t.Errorf("%s: %v, want kind %d", name, err, c.kind)
		}
	}
}

// wrap puts a second (unsigned) assertion beside the signed one of a response.
func wrap(t *testing.T, signed, unsigned string) string {
	t.Helper()
	a, _ := base64.StdEncoding.DecodeString(signed)
	b, _ := base64.StdEncoding.DecodeString(unsigned)
	start := strings.Index(string(b), "<saml:Assertion")
	end := strings.Index(string(b), "</saml:Assertion>") + len("</saml:Assertion>")
	out := strings.Replace(string(a), "<saml:Assertion", string(b)[start:end]+"<saml:Assertion", 1)
	return base64.StdEncoding.EncodeToString([]byte(out))
}

func TestVerifyDecryptsEncryptedAssertions(t *testing.T) {
	p := newIdP(t)
	keyPEM, cert, err := samltest.NewDecryptionKey()
	if err != nil {
		t.Fatal(err)
	}
	otherPEM, _, err := samltest.NewDecryptionKey()
	if err != nil {
		t.Fatal(err)
	}
	key, other := parseKey(t, keyPEM), parseKey(t, otherPEM)
	now := time.Now()
	for _, c := range []samltest.Assertion{
		{EncryptTo: cert, Subject: "enc-gcm"},
		{EncryptTo: cert, EncryptCBC: true, Subject: "enc-cbc"},
		{EncryptTo: cert, SignResponse: true, Subject: "enc-signed-response"},
	} {
		resp, err := p.Response(c)
		if err != nil {
			t.Fatal(err)
		}
		want := expected(t, p, now)
		want.DecryptionKeys, want.RequireEncryption = []crypto.PrivateKey{other, key}, true
		a, err := saml.Verify(resp, want)
		if err != nil || a.Subject != c.Subject {
			t.Fatalf("%s: %+v %v", c.Subject, a, err)
		}
		// Without the key it cannot be read.
		want.DecryptionKeys = []crypto.PrivateKey{other}
		if _, err := saml.Verify(resp, want); !isKind(err, saml.Undecryptable) {
			t.Errorf("%s with another key: %v", c.Subject, err)
		}
	}
	// Encrypted but not signed, or signed by another IdP: refused after decryption.
	resp, _ := p.Response(samltest.Assertion{EncryptTo: cert, Unsigned: true})
	want := expected(t, p, now)
	want.DecryptionKeys = []crypto.PrivateKey{key}
	if _, err := saml.Verify(resp, want); !isKind(err, saml.BadSignature) {
		t.Errorf("unsigned encrypted assertion: %v", err)
	}
	// A plain assertion where encryption is required.
	resp, _ = p.Response(samltest.Assertion{})
	want.RequireEncryption = true
	if _, err := saml.Verify(resp, want); !isKind(err, saml.NotEncrypted) {
		t.Errorf("plain assertion, encryption required: %v", err)
	}
}

func isKind(err error, k saml.Kind) bool {
	got, ok := kindOf(err)
	return ok && got == k
}

func parseKey(t *testing.T, keyPEM string) crypto.PrivateKey {
	t.Helper()
	b, _ := pem.Decode([]byte(keyPEM))
	k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return k
}
