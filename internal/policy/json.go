package policy

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Pos is a position in a policy document: 1-based line and column, 0-based byte offset.
type Pos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
	Offset int `json:"offset"`
}

func (p Pos) String() string { return fmt.Sprintf("line %d, column %d", p.Line, p.Column) }

type nodeKind uint8

const (
	nodeNull nodeKind = iota
	nodeBool
	nodeNumber
	nodeString
	nodeArray
	nodeObject
)

func (k nodeKind) String() string {
	return [...]string{"null", "boolean", "number", "string", "array", "object"}[k]
}

// node is one JSON value with the position where it starts. Objects keep their members in
// document order so that errors and statement positions can point at the source.
type node struct {
	kind   nodeKind
	pos    Pos
	end    Pos    // position just past the value
	text   string // string value, number literal, or "true"/"false"
	items  []*node
	fields []field
}

type field struct {
	key    string
	keyPos Pos
	value  *node
}

// syntaxError is a JSON-level error with the position where it was found.
type syntaxError struct {
	pos    Pos
	detail string
}

func (e *syntaxError) Error() string { return e.detail + " at " + e.pos.String() }

// maxDepth bounds nesting so that a hostile document cannot exhaust the stack.
const maxDepth = 64

// parseJSON parses one JSON document strictly: no trailing data, no duplicate object keys,
// valid UTF-8 and escapes. It is small on purpose: policies need positions and duplicate-key
// detection, which encoding/json does not give.
func parseJSON(data []byte) (*node, error) {
	p := &jsonParser{data: data, line: 1, lineStart: 0}
	if len(data) >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF {
		p.off = 3 // byte-order mark
	}
	p.skipSpace()
	n, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.off != len(p.data) {
		return nil, p.errorf("unexpected data after the document")
	}
	return n, nil
}

type jsonParser struct {
	data      []byte
	off       int
	line      int
	lineStart int
	// col is the number of runes from lineStart to colOff: pos counts on from there, so
	// that positions cost time in proportion to the document, not to the square of its
	// longest line. The parser only moves forward, and every position it takes is at an
	// ASCII byte or the end (never inside a UTF-8 sequence), so counting in pieces gives
	// the count of the whole.
	col    int
	colOff int
}

func (p *jsonParser) pos() Pos {
	if p.colOff < p.lineStart {
		p.col, p.colOff = 0, p.lineStart
	}
	p.col += utf8.RuneCount(p.data[p.colOff:p.off])
	p.colOff = p.off
	return Pos{Line: p.line, Column: p.col + 1, Offset: p.off}
}

func (p *jsonParser) errorf(format string, args ...any) error {
	return &syntaxError{pos: p.pos(), detail: fmt.Sprintf(format, args...)}
}

func (p *jsonParser) skipSpace() {
	for p.off < len(p.data) {
		switch p.data[p.off] {
		case '\n':
			p.line++
			p.off++
			p.lineStart = p.off
		case ' ', '\t', '\r':
			p.off++
		default:
			return
		}
	}
}

func (p *jsonParser) value(depth int) (*node, error) {
	if depth > maxDepth {
		return nil, p.errorf("document nested too deeply")
	}
	if p.off >= len(p.data) {
		return nil, p.errorf("unexpected end of document")
	}
	start := p.pos()
	var n *node
	var err error
	switch c := p.data[p.off]; {
	case c == '{':
		n, err = p.object(depth)
	case c == '[':
		n, err = p.array(depth)
	case c == '"':
		var s string
		s, err = p.str()
		n = &node{kind: nodeString, text: s}
	case c == 't' || c == 'f' || c == 'n':
		n, err = p.literal()
	case c == '-' || (c >= '0' && c <= '9'):
		n, err = p.number()
	default:
		return nil, p.errorf("unexpected character %q", rune(c))
	}
	if err != nil {
		return nil, err
	}
	n.pos = start
	n.end = p.pos()
	return n, nil
}

func (p *jsonParser) object(depth int) (*node, error) {
	p.off++ // {
	n := &node{kind: nodeObject}
	p.skipSpace()
	if p.off < len(p.data) && p.data[p.off] == '}' {
		p.off++
		return n, nil
	}
	seen := map[string]bool{}
	for {
		p.skipSpace()
		if p.off >= len(p.data) || p.data[p.off] != '"' {
			return nil, p.errorf("expected a string key")
		}
		keyPos := p.pos()
		key, err := p.str()
		if err != nil {
			return nil, err
		}
		if seen[key] {
			return nil, &syntaxError{pos: keyPos, detail: fmt.Sprintf("duplicate key %q", key)}
		}
		seen[key] = true
		p.skipSpace()
		if p.off >= len(p.data) || p.data[p.off] != ':' {
			return nil, p.errorf("expected ':' after key %q", key)
		}
		p.off++
		p.skipSpace()
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		n.fields = append(n.fields, field{key: key, keyPos: keyPos, value: v})
		p.skipSpace()
		if p.off >= len(p.data) {
			return nil, p.errorf("unexpected end of document in object")
		}
		switch p.data[p.off] {
		case ',':
			p.off++
		case '}':
			p.off++
			return n, nil
		default:
			return nil, p.errorf("expected ',' or '}' in object")
		}
	}
}

func (p *jsonParser) array(depth int) (*node, error) {
	p.off++ // [
	n := &node{kind: nodeArray}
	p.skipSpace()
	if p.off < len(p.data) && p.data[p.off] == ']' {
		p.off++
		return n, nil
	}
	for {
		p.skipSpace()
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		n.items = append(n.items, v)
		p.skipSpace()
		if p.off >= len(p.data) {
			return nil, p.errorf("unexpected end of document in array")
		}
		switch p.data[p.off] {
		case ',':
			p.off++
		case ']':
			p.off++
			return n, nil
		default:
			return nil, p.errorf("expected ',' or ']' in array")
		}
	}
}

func (p *jsonParser) literal() (*node, error) {
	for _, lit := range [...]string{"true", "false", "null"} {
		if strings.HasPrefix(string(p.data[p.off:min(len(p.data), p.off+len(lit))]), lit) {
			p.off += len(lit)
			if lit == "null" {
				return &node{kind: nodeNull}, nil
			}
			return &node{kind: nodeBool, text: lit}, nil
		}
	}
	return nil, p.errorf("invalid literal")
}

func (p *jsonParser) number() (*node, error) {
	start := p.off
	if p.data[p.off] == '-' {
		p.off++
	}
	digits := func() int {
		s := p.off
		for p.off < len(p.data) && p.data[p.off] >= '0' && p.data[p.off] <= '9' {
			p.off++
		}
		return p.off - s
	}
	intStart := p.off
	if n := digits(); n == 0 {
		return nil, p.errorf("invalid number")
	} else if n > 1 && p.data[intStart] == '0' {
		return nil, p.errorf("invalid number: leading zero")
	}
	if p.off < len(p.data) && p.data[p.off] == '.' {
		p.off++
		if digits() == 0 {
			return nil, p.errorf("invalid number")
		}
	}
	if p.off < len(p.data) && (p.data[p.off] == 'e' || p.data[p.off] == 'E') {
		p.off++
		if p.off < len(p.data) && (p.data[p.off] == '+' || p.data[p.off] == '-') {
			p.off++
		}
		if digits() == 0 {
			return nil, p.errorf("invalid number")
		}
	}
	return &node{kind: nodeNumber, text: string(p.data[start:p.off])}, nil
}

// str reads a JSON string starting at the opening quote.
func (p *jsonParser) str() (string, error) {
	p.off++ // opening quote
	start := p.off
	// Fast path: no escapes.
	for p.off < len(p.data) {
		c := p.data[p.off]
		if c == '"' {
			s := p.data[start:p.off]
			if !utf8.Valid(s) {
				return "", p.errorf("invalid UTF-8 in string")
			}
			p.off++
			return string(s), nil
		}
		if c == '\\' {
			break
		}
		if c < 0x20 {
			return "", p.errorf("control character in string")
		}
		p.off++
	}
	var b strings.Builder
	b.Write(p.data[start:p.off])
	for p.off < len(p.data) {
		c := p.data[p.off]
		switch {
		case c == '"':
			p.off++
			s := b.String()
			if !utf8.ValidString(s) {
				return "", p.errorf("invalid UTF-8 in string")
			}
			return s, nil
		case c < 0x20:
			return "", p.errorf("control character in string")
		case c != '\\':
			b.WriteByte(c)
			p.off++
			continue
		}
		p.off++
		if p.off >= len(p.data) {
			break
		}
		esc := p.data[p.off]
		p.off++
		switch esc {
		case '"', '\\', '/':
			b.WriteByte(esc)
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r, err := p.hex4()
			if err != nil {
				return "", err
			}
			if utf16.IsSurrogate(r) {
				if p.off+1 < len(p.data) && p.data[p.off] == '\\' && p.data[p.off+1] == 'u' {
					p.off += 2
					r2, err := p.hex4()
					if err != nil {
						return "", err
					}
					r = utf16.DecodeRune(r, r2)
				} else {
					r = utf8.RuneError
				}
			}
			b.WriteRune(r)
		default:
			return "", p.errorf("invalid escape '\\%c'", esc)
		}
	}
	return "", p.errorf("unterminated string")
}

func (p *jsonParser) hex4() (rune, error) {
	if p.off+4 > len(p.data) {
		return 0, p.errorf("invalid \\u escape")
	}
	v, err := strconv.ParseUint(string(p.data[p.off:p.off+4]), 16, 32)
	if err != nil {
		return 0, p.errorf("invalid \\u escape")
	}
	p.off += 4
	return rune(v), nil
}
