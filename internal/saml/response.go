package saml

import (
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"strings"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
	"github.com/russellhaering/goxmldsig/etreeutils"
)

// Limits and constants of SAML responses.
const (
	// MaxResponseLen bounds the base64 responses Verify reads (AWS's SAMLAssertion is
	// 100,000 characters at most).
	MaxResponseLen = 100000
	statusSuccess  = "urn:oasis:names:tc:SAML:2.0:status:Success"
	methodBearer   = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
)

// Expected is what a response must satisfy to be accepted.
type Expected struct {
	Issuer       string   // the provider's entityID
	Certificates [][]byte // DER certificates of the provider's signing keys
	Audience     func(string) bool
	Recipient    func(string) bool
	Now          time.Time
	// Skew is the clock difference allowed around NotBefore and NotOnOrAfter.
	Skew time.Duration
	// MaxAge is how long after its IssueInstant an assertion may be redeemed (0: no limit).
	MaxAge time.Duration
	// DecryptionKeys decrypt an EncryptedAssertion; RequireEncryption refuses a plain one.
	DecryptionKeys    []crypto.PrivateKey
	RequireEncryption bool
}

// Assertion is what a verified response asserts, read from the signed element only.
type Assertion struct {
	Issuer        string
	Subject       string // the Subject's NameID
	SubjectFormat string // its Format, as sent
	Recipient     string // the bearer SubjectConfirmationData's Recipient
	Audiences     []string
	IssueInstant  time.Time
	// NotOnOrAfter is the earliest of the Conditions' and the subject confirmation's.
	NotOnOrAfter time.Time
	// SessionNotOnOrAfter is the AuthnStatement's, zero when it has none.
	SessionNotOnOrAfter time.Time
	// Attributes are the AttributeStatements' values by attribute Name, in document order.
	Attributes map[string][]string
}

// Verify decodes a base64 SAML 2.0 Response, verifies its signature (of the Response, or
// of its one Assertion) against the expected certificates, and checks the assertion's
// issuer, status, audience, recipient and validity times. It returns an *Error when the
// response is refused.
func Verify(b64 string, want Expected) (*Assertion, error) {
	raw, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(b64), ""))
	if err != nil {
		return nil, refuse(Malformed, "the SAML response is not base64")
	}
	root, err := parseXML(raw)
	if err != nil || !is(root, nsProtocol, "Response") || attr(root, "Version") != "2.0" {
		return nil, refuse(Malformed, "not a SAML 2.0 Response")
	}
	if code := attr(child(child(root, nsProtocol, "Status"), nsProtocol, "StatusCode"), "Value"); code != statusSuccess {
		return nil, refuse(Failed, "the response's status is %q", code)
	}
	assertion, err := verifiedAssertion(root, want)
	if err != nil {
		return nil, err
	}
	a := &Assertion{Issuer: text(child(assertion, nsAssertion, "Issuer")), Attributes: map[string][]string{}}
	if a.Issuer != want.Issuer {
		return nil, refuse(BadIssuer, "the issuer %q is not the provider's %q", a.Issuer, want.Issuer)
	}
	if err := a.readTimes(assertion, want); err != nil {
		return nil, err
	}
	if err := a.readSubject(assertion, want); err != nil {
		return nil, err
	}
	if err := a.readConditions(assertion, want); err != nil {
		return nil, err
	}
	if t, ok, err := instant(child(assertion, nsAssertion, "AuthnStatement"), "SessionNotOnOrAfter"); err != nil {
		return nil, refuse(Malformed, "SessionNotOnOrAfter does not parse")
	} else if ok {
		a.SessionNotOnOrAfter = t
	}
	for _, st := range children(assertion, nsAssertion, "AttributeStatement") {
		for _, at := range children(st, nsAssertion, "Attribute") {
			name := attr(at, "Name")
			for _, v := range children(at, nsAssertion, "AttributeValue") {
				a.Attributes[name] = append(a.Attributes[name], text(v))
			}
		}
	}
	return a, nil
}

// verifiedAssertion returns the response's one Assertion as its signature covers it: the
// signed Response's, or the signed Assertion itself. Nothing outside the signed element is
// read afterwards.
func verifiedAssertion(root *etree.Element, want Expected) (*etree.Element, error) {
	var certs []*x509.Certificate
	for _, der := range want.Certificates {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, refuse(BadSignature, "a certificate of the provider does not parse")
		}
		certs = append(certs, c)
	}
	vc := dsig.NewDefaultValidationContext(&dsig.MemoryX509CertificateStore{Roots: certs})
	vc.Clock = dsig.NewFakeClockAt(want.Now)
	signed := root
	if child(root, nsDSig, "Signature") != nil {
		v, err := vc.Validate(root)
		if err != nil {
			return nil, refuse(BadSignature, "the Response's signature is not valid: %v", err)
		}
		signed = v
	}
	list := children(signed, nsAssertion, "Assertion")
	encrypted := children(signed, nsAssertion, "EncryptedAssertion")
	if len(list)+len(encrypted) != 1 {
		return nil, refuse(Malformed, "the response has %d assertions, not one", len(list)+len(encrypted))
	}
	if len(list) == 1 && want.RequireEncryption {
		return nil, refuse(NotEncrypted, "the provider requires encrypted assertions")
	}
	var assertion *etree.Element
	if len(encrypted) == 1 {
		a, err := decryptAssertion(encrypted[0], want.DecryptionKeys)
		if err != nil {
			return nil, err
		}
		assertion = a
	} else {
		assertion = list[0]
	}
	if signed == root || child(assertion, nsDSig, "Signature") != nil {
		// The Assertion is verified detached from the Response, with the namespaces it
		// inherits declared on it.
		ns, err := etreeutils.NSBuildParentContext(assertion)
		if err != nil {
			return nil, refuse(Malformed, "the Assertion's namespaces: %v", err)
		}
		detached, err := etreeutils.NSDetatch(ns, assertion)
		if err != nil {
			return nil, refuse(Malformed, "the Assertion's namespaces: %v", err)
		}
		v, err := vc.Validate(detached)
		if err != nil {
			if signed == root {
				return nil, refuse(BadSignature, "neither the Response nor the Assertion is validly signed: %v", err)
			}
			return nil, refuse(BadSignature, "the Assertion's signature is not valid: %v", err)
		}
		assertion = v
	}
	return assertion, nil
}

// readTimes checks the assertion's IssueInstant: not in the future, not older than MaxAge.
func (a *Assertion) readTimes(assertion *etree.Element, want Expected) error {
	t, ok, err := instant(assertion, "IssueInstant")
	if err != nil || !ok {
		return refuse(Malformed, "the assertion has no valid IssueInstant")
	}
	a.IssueInstant = t
	switch {
	case t.After(want.Now.Add(want.Skew)):
		return &Error{Kind: NotYetValid, Detail: "the assertion was issued in the future", When: want.Now}
	case want.MaxAge > 0 && want.Now.Sub(t) > want.MaxAge:
		return &Error{Kind: TooOld, Detail: "the assertion was issued too long ago", When: t}
	}
	return nil
}

// readSubject reads the NameID and the one bearer SubjectConfirmation, whose Recipient
// must be accepted and whose NotOnOrAfter must be to come.
func (a *Assertion) readSubject(assertion *etree.Element, want Expected) error {
	subject := child(assertion, nsAssertion, "Subject")
	if subject == nil {
		return refuse(Malformed, "the assertion has no Subject")
	}
	nameID := child(subject, nsAssertion, "NameID")
	a.Subject, a.SubjectFormat = text(nameID), attr(nameID, "Format")
	confirmations := children(subject, nsAssertion, "SubjectConfirmation")
	if len(confirmations) != 1 || attr(confirmations[0], "Method") != methodBearer {
		return refuse(Malformed, "the Subject needs exactly one bearer SubjectConfirmation")
	}
	data := child(confirmations[0], nsAssertion, "SubjectConfirmationData")
	a.Recipient = attr(data, "Recipient")
	end, ok, err := instant(data, "NotOnOrAfter")
	if err != nil || !ok || a.Recipient == "" {
		return refuse(Malformed, "the SubjectConfirmationData needs a Recipient and a NotOnOrAfter")
	}
	if want.Recipient != nil && !want.Recipient(a.Recipient) {
		return refuse(BadRecipient, "the recipient %q is not accepted", a.Recipient)
	}
	a.NotOnOrAfter = end
	if !want.Now.Before(end.Add(want.Skew)) {
		return &Error{Kind: Expired, Detail: "the subject confirmation has expired", When: end}
	}
	return nil
}

// readConditions checks the Conditions' validity window and audiences.
func (a *Assertion) readConditions(assertion *etree.Element, want Expected) error {
	cond := child(assertion, nsAssertion, "Conditions")
	if cond == nil {
		return refuse(BadAudience, "the assertion has no Conditions")
	}
	if t, ok, err := instant(cond, "NotBefore"); err != nil {
		return refuse(Malformed, "NotBefore does not parse")
	} else if ok && t.After(want.Now.Add(want.Skew)) {
		return &Error{Kind: NotYetValid, Detail: "the assertion is not valid yet", When: t}
	}
	if t, ok, err := instant(cond, "NotOnOrAfter"); err != nil {
		return refuse(Malformed, "NotOnOrAfter does not parse")
	} else if ok {
		if !want.Now.Before(t.Add(want.Skew)) {
			return &Error{Kind: Expired, Detail: "the assertion has expired", When: t}
		}
		if t.Before(a.NotOnOrAfter) {
			a.NotOnOrAfter = t
		}
	}
	accepted := false
	for _, r := range children(cond, nsAssertion, "AudienceRestriction") {
		for _, au := range children(r, nsAssertion, "Audience") {
			a.Audiences = append(a.Audiences, text(au))
			accepted = accepted || want.Audience == nil || want.Audience(text(au))
		}
	}
	if !accepted {
		return refuse(BadAudience, "no audience of the assertion is accepted: %v", a.Audiences)
	}
	return nil
}
