package samltest

import (
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"time"

	"github.com/beevik/etree"
	"github.com/crewjam/saml/xmlenc"
	dsig "github.com/russellhaering/goxmldsig"
)

// Attribute is one attribute of an assertion.
type Attribute struct {
	Name   string
	Values []string
}

// Role is the Role attribute value naming a role and the IAM SAML provider, "roleArn,providerArn".
func Role(roleARN, providerARN string) string { return roleARN + "," + providerARN }

// Assertion is what a response asserts; zero fields take the defaults of a good response.
type Assertion struct {
	Issuer        string // the provider's entityID
	Subject       string // "alice"
	SubjectFormat string // persistent
	Recipient     string // https://signin.aws.amazon.com/saml
	Audience      string // https://signin.aws.amazon.com/saml
	IssueInstant  time.Time
	NotBefore     time.Time // IssueInstant less a minute
	NotOnOrAfter  time.Time // IssueInstant plus five minutes, for the conditions and the subject confirmation
	// SessionNotOnOrAfter of the AuthnStatement, omitted when zero.
	SessionNotOnOrAfter time.Time
	Attributes          []Attribute
	// SignResponse signs the Response instead of the Assertion; Unsigned signs neither.
	SignResponse, Unsigned bool
	// SignWith signs with another provider's key (a signature the provider's metadata does
	// not vouch for).
	SignWith *IdP
	// EncryptTo encrypts the (signed) assertion to the service provider's certificate
	// (RSA-OAEP and AES-256-GCM; AES-128-CBC with EncryptCBC), in an EncryptedAssertion.
	EncryptTo  *x509.Certificate
	EncryptCBC bool
}

// Response is a base64 SAML 2.0 Response with the assertion, signed as asked.
func (p *IdP) Response(a Assertion) (string, error) {
	a = p.defaults(a)
	signer := p
	if a.SignWith != nil {
		signer = a.SignWith
	}
	assertion := p.assertion(a)
	if !a.Unsigned && !a.SignResponse {
		signed, err := signer.sign(assertion)
		if err != nil {
			return "", err
		}
		assertion = signed
	}
	resp := etree.NewElement("samlp:Response")
	resp.CreateAttr("xmlns:samlp", "urn:oasis:names:tc:SAML:2.0:protocol")
	resp.CreateAttr("xmlns:saml", "urn:oasis:names:tc:SAML:2.0:assertion")
	resp.CreateAttr("ID", newID())
	resp.CreateAttr("Version", "2.0")
	resp.CreateAttr("IssueInstant", stamp(a.IssueInstant))
	resp.CreateAttr("Destination", a.Recipient)
	resp.CreateElement("saml:Issuer").SetText(a.Issuer)
	resp.CreateElement("samlp:Status").CreateElement("samlp:StatusCode").CreateAttr("Value", "urn:oasis:names:tc:SAML:2.0:status:Success")
	if a.EncryptTo != nil {
		enc, err := encrypt(assertion, a.EncryptTo, a.EncryptCBC)
		if err != nil {
			return "", err
		}
		assertion = enc
	}
	resp.AddChild(assertion)
	if a.SignResponse && !a.Unsigned {
		signed, err := signer.sign(resp)
		if err != nil {
			return "", err
		}
		resp = signed
	}
	doc := etree.NewDocument()
	doc.SetRoot(resp)
	out, err := doc.WriteToBytes()
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(out), nil
}

func (p *IdP) defaults(a Assertion) Assertion {
	if a.Issuer == "" {
		a.Issuer = p.EntityID
	}
	if a.Subject == "" {
		a.Subject = "alice"
	}
	if a.SubjectFormat == "" {
		a.SubjectFormat = Persistent
	}
	if a.Recipient == "" {
		a.Recipient = SignInURL
	}
	if a.Audience == "" {
		a.Audience = SignInURL
	}
	if a.IssueInstant.IsZero() {
		a.IssueInstant = p.now()
	}
	if a.NotBefore.IsZero() {
		a.NotBefore = a.IssueInstant.Add(-time.Minute)
	}
	if a.NotOnOrAfter.IsZero() {
		a.NotOnOrAfter = a.IssueInstant.Add(5 * time.Minute)
	}
	return a
}

// assertion builds the saml:Assertion element, its namespace declared on it.
func (p *IdP) assertion(a Assertion) *etree.Element {
	as := etree.NewElement("saml:Assertion")
	as.CreateAttr("xmlns:saml", "urn:oasis:names:tc:SAML:2.0:assertion")
	as.CreateAttr("ID", newID())
	as.CreateAttr("Version", "2.0")
	as.CreateAttr("IssueInstant", stamp(a.IssueInstant))
	as.CreateElement("saml:Issuer").SetText(a.Issuer)
	subject := as.CreateElement("saml:Subject")
	nameID := subject.CreateElement("saml:NameID")
	nameID.CreateAttr("Format", a.SubjectFormat)
	nameID.SetText(a.Subject)
	sc := subject.CreateElement("saml:SubjectConfirmation")
	sc.CreateAttr("Method", "urn:oasis:names:tc:SAML:2.0:cm:bearer")
	scd := sc.CreateElement("saml:SubjectConfirmationData")
	scd.CreateAttr("NotOnOrAfter", stamp(a.NotOnOrAfter))
	scd.CreateAttr("Recipient", a.Recipient)
	cond := as.CreateElement("saml:Conditions")
	cond.CreateAttr("NotBefore", stamp(a.NotBefore))
	cond.CreateAttr("NotOnOrAfter", stamp(a.NotOnOrAfter))
	cond.CreateElement("saml:AudienceRestriction").CreateElement("saml:Audience").SetText(a.Audience)
	authn := as.CreateElement("saml:AuthnStatement")
	authn.CreateAttr("AuthnInstant", stamp(a.IssueInstant))
	if !a.SessionNotOnOrAfter.IsZero() {
		authn.CreateAttr("SessionNotOnOrAfter", stamp(a.SessionNotOnOrAfter))
	}
	authn.CreateElement("saml:AuthnContext").CreateElement("saml:AuthnContextClassRef").
		SetText("urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport")
	if len(a.Attributes) > 0 {
		st := as.CreateElement("saml:AttributeStatement")
		for _, at := range a.Attributes {
			el := st.CreateElement("saml:Attribute")
			el.CreateAttr("Name", at.Name)
			for _, v := range at.Values {
				el.CreateElement("saml:AttributeValue").SetText(v)
			}
		}
	}
	return as
}

// sign signs an element (enveloped, exclusive canonicalization, RSA-SHA256) and puts the
// Signature after its Issuer, where the SAML schema has it.
func (p *IdP) sign(el *etree.Element) (*etree.Element, error) {
	ctx, err := dsig.NewSigningContext(p.Key, [][]byte{p.Cert})
	if err != nil {
		return nil, err
	}
	ctx.Canonicalizer = dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("")
	sig, err := ctx.ConstructSignature(el, true)
	if err != nil {
		return nil, err
	}
	signed := el.Copy()
	signed.InsertChildAt(1, sig) // after the Issuer
	return signed, nil
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// newID is an xs:ID: a letter, then hex.
func newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return "_" + hex.EncodeToString(b)
}

// encrypt makes the saml:EncryptedAssertion of an assertion for the certificate's key.
func encrypt(assertion *etree.Element, cert *x509.Certificate, cbc bool) (*etree.Element, error) {
	doc := etree.NewDocument()
	doc.SetRoot(assertion.Copy())
	plain, err := doc.WriteToBytes()
	if err != nil {
		return nil, err
	}
	e := xmlenc.OAEP()
	e.BlockCipher = xmlenc.AES256GCM
	if cbc {
		e.BlockCipher = xmlenc.AES128CBC
	}
	data, err := e.Encrypt(cert, plain, nil)
	if err != nil {
		return nil, err
	}
	data.CreateAttr("Type", "http://www.w3.org/2001/04/xmlenc#Element")
	enc := etree.NewElement("saml:EncryptedAssertion")
	enc.AddChild(data)
	return enc, nil
}
