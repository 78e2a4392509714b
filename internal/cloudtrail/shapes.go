package cloudtrail

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// Camel is a parameter's name as CloudTrail writes it: its first letter in lower case
// (RoleName: roleName, SAMLMetadataDocument: sAMLMetadataDocument, as IAM's records spell
// it), and a name all in capitals in lower case (ARN: arn).
func Camel(name string) string {
	if name == "" {
		return name
	}
	if strings.ToUpper(name) == name {
		return strings.ToLower(name)
	}
	r := []rune(name)
	r[0] = unicode.ToLower(r[0])
	return string(r)
}

// Params are a Query protocol call's parameters (the form, Action and Version left out)
// in CloudTrail's shape: names in camelCase, Tags.member.1.Key as tags[0].key, EC2's
// TagSpecification.1.Tag.1.Key as tagSpecification[0].tag[0].key. A call without any is nil.
func Params(form url.Values) map[string]any {
	keys := make([]string, 0, len(form))
	for k := range form {
		if k == "Action" || k == "Version" || strings.HasPrefix(k, "X-Amz-") {
			continue
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil
	}
	sort.Strings(keys)
	root := map[string]any{}
	for _, k := range keys {
		setPath(root, strings.Split(k, "."), form.Get(k))
	}
	return listify(root).(map[string]any)
}

// setPath stores value at the dotted path; numeric parts and "member" become list indexes
// later (listify).
func setPath(m map[string]any, path []string, value string) {
	for i, part := range path {
		if part == "member" || part == "item" {
			continue
		}
		name := part
		if _, err := strconv.Atoi(part); err != nil {
			name = Camel(part)
		}
		if i == len(path)-1 {
			m[name] = value
			return
		}
		next, ok := m[name].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[name] = next
		}
		m = next
	}
}

// listify turns maps whose keys are all numbers into lists, in their numbers' order.
func listify(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	numeric := len(m) > 0
	for k, child := range m {
		m[k] = listify(child)
		if _, err := strconv.Atoi(k); err != nil {
			numeric = false
		}
	}
	if !numeric {
		return m
	}
	idx := make([]int, 0, len(m))
	for k := range m {
		n, _ := strconv.Atoi(k)
		idx = append(idx, n)
	}
	sort.Ints(idx)
	list := make([]any, 0, len(idx))
	for _, n := range idx {
		list = append(list, m[strconv.Itoa(n)])
	}
	return list
}

// JSONElements is a JSON call's input or answer with its names in camelCase (nil for an
// empty object, or a body that is not JSON).
func JSONElements(body []byte) any {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil
	}
	var v any
	if json.Unmarshal(body, &v) != nil {
		return nil
	}
	v = camelKeys(v)
	if m, ok := v.(map[string]any); ok && len(m) == 0 {
		return nil
	}
	return v
}

func camelKeys(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, child := range t {
			out[Camel(k)] = camelKeys(child)
		}
		return out
	case []any:
		for i := range t {
			t[i] = camelKeys(t[i])
		}
	}
	return v
}

// XMLElements is a Query protocol answer's result (the children of <XResult>, or for EC2
// the response's own children but its requestId) in CloudTrail's shape: names in camelCase,
// <member> and <item> lists as lists. An answer without a result is nil.
func XMLElements(body []byte) any {
	dec := xml.NewDecoder(bytes.NewReader(body))
	root, err := parseElement(dec, nil)
	if err != nil || root == nil {
		return nil
	}
	m, ok := root.(map[string]any)
	if !ok {
		return nil
	}
	for k, v := range m {
		if strings.HasSuffix(k, "Result") {
			if r, ok := v.(map[string]any); ok && len(r) > 0 {
				return r
			}
			return nil
		}
	}
	delete(m, "responseMetadata")
	delete(m, "requestId")
	if len(m) == 0 {
		return nil
	}
	return m
}

// parseElement reads the next element (start given, or the first one found) to its end.
func parseElement(dec *xml.Decoder, start *xml.StartElement) (any, error) {
	for start == nil {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		if se, ok := tok.(xml.StartElement); ok {
			start = &se
		}
	}
	var (
		text     strings.Builder
		children = map[string]any{}
		list     []any
		isList   bool
	)
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.CharData:
			text.Write(t)
		case xml.StartElement:
			child, err := parseElement(dec, &t)
			if err != nil {
				return nil, err
			}
			if t.Name.Local == "member" || t.Name.Local == "item" {
				isList = true
				list = append(list, child)
				continue
			}
			children[Camel(t.Name.Local)] = child
		case xml.EndElement:
			switch {
			case isList:
				return list, nil
			case len(children) > 0:
				return children, nil
			}
			return strings.TrimSpace(text.String()), nil
		}
	}
}
