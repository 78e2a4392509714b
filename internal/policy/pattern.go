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
	toks   []token
	simple bool // one literal token, or none: plain comparison
	raw    string
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
	p.simple = len(p.toks) == 0 || (len(p.toks) == 1 && p.toks[0].kind == tokLiteral)
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

// literal returns the pattern's text when it is a plain string.
func (p *pattern) literal() string {
	if len(p.toks) == 0 {
		return ""
	}
	return p.toks[0].text
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
	if p.simple {
		return equal(p.literal(), s, fold)
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
			case tokLiteral:
				if hasPrefix(s[si:], t.text, fold) {
					si += len(t.text)
					ti++
					continue
				}
			case tokVariable:
				v, ok := t.resolve(ctx)
				if !ok {
					return false
				}
				if hasPrefix(s[si:], v, fold) {
					si += len(v)
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
