package policy

import (
	"strings"
	"unicode/utf8"
)

type tokKind uint8

const (
	tokLiteral  tokKind = iota
	tokStar             // * : any run of characters
	tokQuestion         // ? : exactly one character
	tokVariable         // ${key} or ${key, 'default'}
)

type token struct {
	kind   tokKind
	text   string // literal text, or the lower-cased context key of a variable
	def    string // a variable's default
	hasDef bool
}

// pattern is a compiled value of a policy: literal text, wildcards (when the element allows
// them) and policy variables, resolved against the request context while matching, so that
// matching allocates nothing.
type pattern struct {
	toks  []token
	shape shape  // a fast path for common shapes
	lit   string // the literal of an exact, prefix or suffix shape
	raw   string
}

// shape names the patterns that match without the general algorithm.
type shape uint8

const (
	shapeGeneral shape = iota
	shapeExact         // literal
	shapePrefix        // literal*
	shapeSuffix        // *literal
	shapeAny           // *
)

// classify sets the pattern's shape from its tokens.
func (p *pattern) classify() {
	t := p.toks
	switch {
	case len(t) == 0:
		p.shape, p.lit = shapeExact, ""
	case len(t) == 1 && t[0].kind == tokLiteral:
		p.shape, p.lit = shapeExact, t[0].text
	case len(t) == 1 && t[0].kind == tokStar:
		p.shape = shapeAny
	case len(t) == 2 && t[0].kind == tokLiteral && t[1].kind == tokStar:
		p.shape, p.lit = shapePrefix, t[0].text
	case len(t) == 2 && t[0].kind == tokStar && t[1].kind == tokLiteral:
		p.shape, p.lit = shapeSuffix, t[1].text
	default:
		p.shape = shapeGeneral
	}
}

// patternOptions says how a policy value is read.
type patternOptions struct {
	wildcards bool // * and ? are wildcards
	variables bool // ${...} are policy variables (Version 2012-10-17 only)
}

// compilePattern splits s into tokens.
func compilePattern(s string, o patternOptions) pattern {
	p := pattern{raw: s}
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			p.toks = append(p.toks, token{kind: tokLiteral, text: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case o.variables && c == '$' && i+1 < len(s) && s[i+1] == '{':
			end := strings.IndexByte(s[i+2:], '}')
			if end < 0 {
				lit.WriteByte(c)
				i++
				continue
			}
			body := s[i+2 : i+2+end]
			i += end + 3
			switch body {
			case "*", "?", "$":
				lit.WriteString(body) // escapes: a literal *, ? or $
				continue
			}
			flush()
			p.toks = append(p.toks, parseVariable(body))
		case o.wildcards && c == '*':
			flush()
			if n := len(p.toks); n == 0 || p.toks[n-1].kind != tokStar {
				p.toks = append(p.toks, token{kind: tokStar})
			}
			i++
		case o.wildcards && c == '?':
			flush()
			p.toks = append(p.toks, token{kind: tokQuestion})
			i++
		default:
			lit.WriteByte(c)
			i++
		}
	}
	flush()
	p.classify()
	return p
}

// parseVariable reads the inside of ${...}: a key and an optional quoted default.
func parseVariable(body string) token {
	key, def, hasDef := body, "", false
	if comma := strings.IndexByte(body, ','); comma >= 0 {
		key = body[:comma]
		rest := strings.TrimSpace(body[comma+1:])
		if len(rest) >= 2 && rest[0] == '\'' && rest[len(rest)-1] == '\'' {
			def, hasDef = rest[1:len(rest)-1], true
		}
	}
	return token{kind: tokVariable, text: strings.ToLower(strings.TrimSpace(key)), def: def, hasDef: hasDef}
}

func (p *pattern) hasVariables() bool {
	for _, t := range p.toks {
		if t.kind == tokVariable {
			return true
		}
	}
	return false
}

// resolve gives a variable's value: the context's single value, else its default.
func (t *token) resolve(ctx *Context) (string, bool) {
	if v, ok := ctx.lookup(t.text); ok && len(v) == 1 {
		return v[0], true
	}
	return t.def, t.hasDef
}

// match reports whether s matches the pattern. fold compares case-insensitively.
// It returns false when a variable has no value and no default.
func (p *pattern) match(s string, ctx *Context, fold bool) bool {
	switch p.shape {
	case shapeExact:
		return equal(p.lit, s, fold)
	case shapePrefix:
		return hasPrefix(s, p.lit, fold)
	case shapeSuffix:
		return len(s) >= len(p.lit) && equal(s[len(s)-len(p.lit):], p.lit, fold)
	case shapeAny:
		return true
	}
	return matchTokens(p.toks, s, ctx, fold)
}

func equal(a, b string, fold bool) bool {
	if fold {
		return strings.EqualFold(a, b)
	}
	return a == b
}

func hasPrefix(s, prefix string, fold bool) bool {
	if len(s) < len(prefix) {
		return false
	}
	return equal(s[:len(prefix)], prefix, fold)
}

// matchTokens is a glob match with backtracking to the last star, over tokens whose literal
// parts may be variables resolved from the context.
func matchTokens(toks []token, s string, ctx *Context, fold bool) bool {
	ti, si := 0, 0
	starTi, starSi := -1, 0
	for {
		if ti < len(toks) {
			t := &toks[ti]
			switch t.kind {
			case tokStar:
				starTi, starSi = ti, si
				ti++
				continue
			case tokQuestion:
				if si < len(s) {
					_, size := utf8.DecodeRuneInString(s[si:])
					si += size
					ti++
					continue
				}
			case tokLiteral, tokVariable:
				lit := t.text
				if t.kind == tokVariable {
					v, ok := t.resolve(ctx)
					if !ok {
						return false
					}
					lit = v
				}
				if starTi >= 0 && starTi == ti-1 && !fold {
					// Just after a star: jump to the literal's next occurrence. If it
					// does not occur, no later start can match either.
					k := strings.Index(s[si:], lit)
					if k < 0 {
						return false
					}
					starSi = si + k
					si += k + len(lit)
					ti++
					continue
				}
				if hasPrefix(s[si:], lit, fold) {
					si += len(lit)
					ti++
					continue
				}
			}
		} else if si == len(s) {
			return true
		}
		// Mismatch: let the last star take one more character, or fail.
		if starTi < 0 || starSi >= len(s) {
			return false
		}
		_, size := utf8.DecodeRuneInString(s[starSi:])
		starSi += size
		ti, si = starTi+1, starSi
	}
}
