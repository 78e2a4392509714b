package saml

import (
	"bytes"
	"crypto"
	"sort"

	"github.com/beevik/etree"
	"github.com/crewjam/saml/xmlenc"
	"github.com/russellhaering/goxmldsig/etreeutils"
)

const nsXMLEnc = "http://www.w3.org/2001/04/xmlenc#"

// decryptAssertion decrypts an EncryptedAssertion (XML Encryption with crewjam/saml's
// xmlenc: an RSA-OAEP key transport, AES-CBC or AES-GCM data) with the first of keys that
// can, and returns the Assertion, the namespaces it inherits declared on it.
func decryptAssertion(enc *etree.Element, keys []crypto.PrivateKey) (*etree.Element, error) {
	data := child(enc, nsXMLEnc, "EncryptedData")
	if data == nil {
		return nil, refuse(Malformed, "the EncryptedAssertion has no EncryptedData")
	}
	if len(keys) == 0 {
		return nil, refuse(Undecryptable, "the assertion is encrypted and the provider has no private key")
	}
	var plain []byte
	for _, k := range keys {
		if p, err := xmlenc.Decrypt(k, data); err == nil {
			plain = p
			break
		}
	}
	if plain == nil {
		return nil, refuse(Undecryptable, "no private key of the provider decrypts the assertion")
	}
	// The plaintext is read in the namespaces in scope at the EncryptedAssertion.
	ns, err := etreeutils.NSBuildParentContext(enc)
	if err != nil {
		return nil, refuse(Malformed, "the EncryptedAssertion's namespaces: %v", err)
	}
	var wrapper bytes.Buffer
	wrapper.WriteString("<w")
	prefixes := ns.Prefixes()
	names := make([]string, 0, len(prefixes))
	for p := range prefixes {
		names = append(names, p)
	}
	sort.Strings(names)
	for _, p := range names {
		if p == "xml" || p == "xmlns" {
			continue
		}
		attr := "xmlns:" + p
		if p == "" {
			attr = "xmlns"
		}
		wrapper.WriteString(" " + attr + `="`)
		_ = xmlEscape(&wrapper, prefixes[p])
		wrapper.WriteString(`"`)
	}
	wrapper.WriteString(">")
	wrapper.Write(plain)
	wrapper.WriteString("</w>")
	root, err := parseXML(wrapper.Bytes())
	if err != nil {
		return nil, refuse(Malformed, "the decrypted assertion is not XML")
	}
	list := children(root, nsAssertion, "Assertion")
	if len(list) != 1 || len(root.ChildElements()) != 1 {
		return nil, refuse(Malformed, "the encrypted data is not one Assertion")
	}
	inner, err := etreeutils.NSBuildParentContext(list[0])
	if err != nil {
		return nil, refuse(Malformed, "the Assertion's namespaces: %v", err)
	}
	detached, err := etreeutils.NSDetatch(inner, list[0])
	if err != nil {
		return nil, refuse(Malformed, "the Assertion's namespaces: %v", err)
	}
	return detached, nil
}
