package samltest

import (
	"github.com/beevik/etree"
)

// Metadata is the provider's SAML metadata document: an EntityDescriptor with an
// IDPSSODescriptor whose signing KeyDescriptor holds the certificate. validUntil is set
// when not zero-length ("2030-01-01T00:00:00Z").
func (p *IdP) Metadata(validUntil string) string {
	doc := etree.NewDocument()
	ed := doc.CreateElement("md:EntityDescriptor")
	ed.CreateAttr("xmlns:md", "urn:oasis:names:tc:SAML:2.0:metadata")
	ed.CreateAttr("xmlns:ds", "http://www.w3.org/2000/09/xmldsig#")
	ed.CreateAttr("entityID", p.EntityID)
	if validUntil != "" {
		ed.CreateAttr("validUntil", validUntil)
	}
	idp := ed.CreateElement("md:IDPSSODescriptor")
	idp.CreateAttr("WantAuthnRequestsSigned", "false")
	idp.CreateAttr("protocolSupportEnumeration", "urn:oasis:names:tc:SAML:2.0:protocol")
	kd := idp.CreateElement("md:KeyDescriptor")
	kd.CreateAttr("use", "signing")
	kd.CreateElement("ds:KeyInfo").CreateElement("ds:X509Data").CreateElement("ds:X509Certificate").SetText(p.CertBase64())
	idp.CreateElement("md:NameIDFormat").SetText(Persistent)
	sso := idp.CreateElement("md:SingleSignOnService")
	sso.CreateAttr("Binding", "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect")
	sso.CreateAttr("Location", p.EntityID+"/sso")
	doc.Indent(2)
	s, _ := doc.WriteToString()
	return s
}
