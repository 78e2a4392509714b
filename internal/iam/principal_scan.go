package iam

import (
	"encoding/json"
	"errors"
	"strings"
)

// The "AWS" values of a policy's Principal and NotPrincipal elements, found where they
// stand in the document's text, so that a bound principal can be replaced without
// touching anything else the document says or how it says it.

// awsElement is one "AWS" value of a Principal or NotPrincipal element: a string or an
// array of strings, at doc[start:end].
type awsElement struct {
	start, end int
	array      bool
	items      []awsItem
}

// awsItem is one principal of an element, the string token at doc[start:end].
type awsItem struct {
	start, end int
	value      string
}

var errScan = errors.New("iam: policy document is not the JSON it was validated as")

// findAWSPrincipals returns the "AWS" elements of every statement's Principal and
// NotPrincipal, in document order. The document has passed the policy parser; anything
// else is errScan.
func findAWSPrincipals(doc string) ([]awsElement, error) {
	sc := &scanner{s: doc}
	if strings.HasPrefix(doc, "\xEF\xBB\xBF") {
		sc.i = 3
	}
	var out []awsElement
	err := sc.object(func(key string) error {
		if key != "Statement" {
			return sc.skip()
		}
		statement := func() error {
			return sc.object(func(key string) error {
				if key != "Principal" && key != "NotPrincipal" {
					return sc.skip()
				}
				if sc.peek() != '{' {
					return sc.skip() // "*"
				}
				return sc.object(func(key string) error {
					if key != "AWS" {
						return sc.skip()
					}
					e, err := sc.awsValue()
					out = append(out, e)
					return err
				})
			})
		}
		if sc.peek() == '[' {
			return sc.array(statement)
		}
		return statement()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

type scanner struct {
	s string
	i int
}

func (sc *scanner) space() {
	for sc.i < len(sc.s) && strings.IndexByte(" \t\r\n", sc.s[sc.i]) >= 0 {
		sc.i++
	}
}

// peek is the next significant byte, or 0 at the end.
func (sc *scanner) peek() byte {
	sc.space()
	if sc.i >= len(sc.s) {
		return 0
	}
	return sc.s[sc.i]
}

func (sc *scanner) expect(c byte) error {
	if sc.peek() != c {
		return errScan
	}
	sc.i++
	return nil
}

// str reads a string token, returning its value and where it stands.
func (sc *scanner) str() (string, int, int, error) {
	if sc.peek() != '"' {
		return "", 0, 0, errScan
	}
	start := sc.i
	for sc.i++; sc.i < len(sc.s); sc.i++ {
		switch sc.s[sc.i] {
		case '\\':
			sc.i++
		case '"':
			sc.i++
			var v string
			if err := json.Unmarshal([]byte(sc.s[start:sc.i]), &v); err != nil {
				return "", 0, 0, errScan
			}
			return v, start, sc.i, nil
		}
	}
	return "", 0, 0, errScan
}

// object reads an object, calling field for each key with the scanner at its value, which
// field must consume.
func (sc *scanner) object(field func(key string) error) error {
	if err := sc.expect('{'); err != nil {
		return err
	}
	if sc.peek() == '}' {
		sc.i++
		return nil
	}
	for {
		key, _, _, err := sc.str()
		if err != nil {
			return err
		}
		if err := sc.expect(':'); err != nil {
			return err
		}
		if err := field(key); err != nil {
			return err
		}
		switch sc.peek() {
		case ',':
			sc.i++
		case '}':
			sc.i++
			return nil
		default:
			return errScan
		}
	}
}

// array reads an array, calling item with the scanner at each element.
func (sc *scanner) array(item func() error) error {
	if err := sc.expect('['); err != nil {
		return err
	}
	if sc.peek() == ']' {
		sc.i++
		return nil
	}
	for {
		if err := item(); err != nil {
			return err
		}
		switch sc.peek() {
		case ',':
			sc.i++
		case ']':
			sc.i++
			return nil
		default:
			return errScan
		}
	}
}

// skip reads past any value.
func (sc *scanner) skip() error {
	switch sc.peek() {
	case '{':
		return sc.object(func(string) error { return sc.skip() })
	case '[':
		return sc.array(sc.skip)
	case '"':
		_, _, _, err := sc.str()
		return err
	case 0:
		return errScan
	}
	start := sc.i
	for sc.i < len(sc.s) && strings.IndexByte(" \t\r\n,]}", sc.s[sc.i]) < 0 {
		sc.i++
	}
	if sc.i == start {
		return errScan
	}
	return nil
}

// awsValue reads an "AWS" value: a string or an array of strings.
func (sc *scanner) awsValue() (awsElement, error) {
	if sc.peek() != '[' {
		v, start, end, err := sc.str()
		return awsElement{start: start, end: end, items: []awsItem{{start, end, v}}}, err
	}
	e := awsElement{start: sc.i, array: true}
	err := sc.array(func() error {
		v, start, end, err := sc.str()
		e.items = append(e.items, awsItem{start, end, v})
		return err
	})
	e.end = sc.i
	return e, err
}
