package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/iamd-dev/iamd/internal/catalog"
)

// policyExpand prints a policy with the wildcards of its Action and NotAction elements
// replaced by the actions of the catalog they match, every list sorted and without
// duplicates; everything else is printed as it was, in its order.
func policyExpand(args []string, env Env) int {
	if len(args) != 1 || strings.HasPrefix(args[0], "-") && args[0] != "-" {
		fmt.Fprintln(env.Stderr, "usage: iamd policy expand FILE|-")
		return 2
	}
	data, err := readInput(args[0], env.Stdin)
	if err != nil {
		fmt.Fprintln(env.Stderr, "iamd policy expand:", err)
		return 2
	}
	doc, err := decodeOrdered(data)
	if err != nil {
		fmt.Fprintln(env.Stderr, "iamd policy expand: the input is not JSON:", err)
		return 1
	}
	root, ok := doc.(*orderedObject)
	if !ok {
		fmt.Fprintln(env.Stderr, "iamd policy expand: a policy is a JSON object")
		return 1
	}
	cat := catalog.Default()
	var statements []*orderedObject
	switch st := root.get("Statement").(type) {
	case *orderedObject:
		statements = []*orderedObject{st}
	case []any:
		for _, s := range st {
			if o, ok := s.(*orderedObject); ok {
				statements = append(statements, o)
			}
		}
	}
	for _, st := range statements {
		for i := range st.keys {
			if st.keys[i] != "Action" && st.keys[i] != "NotAction" {
				continue
			}
			expanded, unmatched := expandActions(cat, st.values[i])
			for _, u := range unmatched {
				fmt.Fprintf(env.Stderr, "iamd policy expand: %q matches no action of the catalog (%s %s); kept as written\n", u, cat.Source, cat.Version)
			}
			if expanded != nil {
				st.values[i] = expanded
			}
		}
	}
	var out bytes.Buffer
	writeOrdered(&out, root, "")
	out.WriteByte('\n')
	env.Stdout.Write(out.Bytes())
	return 0
}

// expandActions expands an Action element's value (a string or an array of strings) to
// the sorted list of the actions it names. Values that match nothing are kept as written
// and returned as unmatched. A value of another shape returns nil (left alone).
func expandActions(cat *catalog.Catalog, v any) (expanded []any, unmatched []string) {
	var items []string
	switch x := v.(type) {
	case string:
		items = []string{x}
	case []any:
		for _, it := range x {
			s, ok := it.(string)
			if !ok {
				return nil, nil
			}
			items = append(items, s)
		}
	default:
		return nil, nil
	}
	seen := map[string]bool{}
	var names []string
	add := func(s string) {
		if k := strings.ToLower(s); !seen[k] {
			seen[k] = true
			names = append(names, s)
		}
	}
	for _, it := range items {
		if !strings.ContainsAny(it, "*?") {
			if a := cat.Action(it); a != nil {
				add(a.String())
			} else {
				add(it)
			}
			continue
		}
		actions := cat.Expand(it)
		if len(actions) == 0 {
			unmatched = append(unmatched, it)
			add(it)
		}
		for _, a := range actions {
			add(a.String())
		}
	}
	sort.Slice(names, func(i, j int) bool { return strings.ToLower(names[i]) < strings.ToLower(names[j]) })
	expanded = make([]any, len(names))
	for i, n := range names {
		expanded[i] = n
	}
	return expanded, unmatched
}

// orderedObject is a JSON object that keeps its members in document order.
type orderedObject struct {
	keys   []string
	values []any
}

func (o *orderedObject) get(key string) any {
	for i, k := range o.keys {
		if k == key {
			return o.values[i]
		}
	}
	return nil
}

// decodeOrdered reads one JSON value: objects as *orderedObject, arrays as []any, numbers
// as json.Number, so that printing it back changes nothing but white space.
func decodeOrdered(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the value")
	}
	return v, nil
}

func decodeValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := &orderedObject{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				o.keys = append(o.keys, kt.(string))
				o.values = append(o.values, v)
			}
			_, err := dec.Token()
			return o, err
		case '[':
			a := []any{}
			for dec.More() {
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				a = append(a, v)
			}
			_, err := dec.Token()
			return a, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	}
	return tok, nil
}

// writeOrdered prints a decoded value with two-space indentation.
func writeOrdered(b *bytes.Buffer, v any, indent string) {
	switch x := v.(type) {
	case *orderedObject:
		if len(x.keys) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteString("{\n")
		for i, k := range x.keys {
			b.WriteString(indent + "  ")
			writeString(b, k)
			b.WriteString(": ")
			writeOrdered(b, x.values[i], indent+"  ")
			if i < len(x.keys)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(indent + "}")
	case []any:
		if len(x) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteString("[\n")
		for i, it := range x {
			b.WriteString(indent + "  ")
			writeOrdered(b, it, indent+"  ")
			if i < len(x)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(indent + "]")
	case string:
		writeString(b, x)
	case json.Number:
		b.WriteString(x.String())
	case bool:
		fmt.Fprint(b, x)
	case nil:
		b.WriteString("null")
	}
}

func writeString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	b.Truncate(b.Len() - 1) // Encode's newline
}
