package saml

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/beevik/etree"
)

// Namespaces of the SAML 2.0 documents read here.
const (
	nsMetadata  = "urn:oasis:names:tc:SAML:2.0:metadata"
	nsAssertion = "urn:oasis:names:tc:SAML:2.0:assertion"
	nsProtocol  = "urn:oasis:names:tc:SAML:2.0:protocol"
	nsDSig      = "http://www.w3.org/2000/09/xmldsig#"
)

// parseXML reads a document: well-formed, without a DOCTYPE (no entities to expand), with
// one root element.
func parseXML(data []byte) (*etree.Element, error) {
	if strings.Contains(strings.ToUpper(string(data)), "<!DOCTYPE") {
		return nil, errors.New("saml: documents with a DOCTYPE are refused")
	}
	if err := wellFormed(data); err != nil {
		return nil, err
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(data); err != nil {
		return nil, err
	}
	root := doc.Root()
	if root == nil {
		return nil, errors.New("saml: no root element")
	}
	return root, nil
}

// is reports whether an element is the tag of the namespace.
func is(el *etree.Element, ns, tag string) bool {
	return el != nil && el.Tag == tag && el.NamespaceURI() == ns
}

// children are an element's child elements of the namespace and tag.
func children(el *etree.Element, ns, tag string) []*etree.Element {
	if el == nil {
		return nil
	}
	var out []*etree.Element
	for _, c := range el.ChildElements() {
		if is(c, ns, tag) {
			out = append(out, c)
		}
	}
	return out
}

// child is an element's first child of the namespace and tag, or nil.
func child(el *etree.Element, ns, tag string) *etree.Element {
	if el == nil {
		return nil
	}
	if list := children(el, ns, tag); len(list) > 0 {
		return list[0]
	}
	return nil
}

// text is an element's character data, trimmed ("" for nil).
func text(el *etree.Element) string {
	if el == nil {
		return ""
	}
	return strings.TrimSpace(el.Text())
}

// attr is an attribute's value without a namespace prefix ("" for nil or absent).
func attr(el *etree.Element, name string) string {
	if el == nil {
		return ""
	}
	for _, a := range el.Attr {
		if a.Space == "" && a.Key == name {
			return a.Value
		}
	}
	return ""
}

// instant reads an xs:dateTime attribute; ok is false when it is absent, err set when it
// does not parse.
func instant(el *etree.Element, name string) (t time.Time, ok bool, err error) {
	v := attr(el, name)
	if v == "" {
		return time.Time{}, false, nil
	}
	t, err = time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, true, err
	}
	return t.UTC(), true, nil
}

// wellFormed checks that a document is well-formed XML with one root element and nothing
// but white space, comments and processing instructions around it.
func wellFormed(data []byte) error {
	dec := xml.NewDecoder(bytes.NewReader(data))
	depth, roots := 0, 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
			}
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth == 0 && len(bytes.TrimSpace(t)) > 0 {
				return errors.New("saml: text outside the root element")
			}
		}
	}
	if depth != 0 || roots != 1 {
		return errors.New("saml: not one root element")
	}
	return nil
}

// xmlEscape writes s escaped for an attribute value.
func xmlEscape(w *bytes.Buffer, s string) error { return xml.EscapeText(w, []byte(s)) }
