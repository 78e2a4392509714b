package sigv4

import (
	"net/http"
	"net/url"
	"strings"
)

// uriEncode percent-encodes every byte of s except the RFC 3986 unreserved
// characters (A-Z a-z 0-9 - . _ ~), and '/' when keepSlash is set. Hex digits
// are uppercase and a space becomes %20, as SigV4 requires.
func uriEncode(s string, keepSlash bool) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isUnreserved(c) || (keepSlash && c == '/') {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&0x0f])
	}
	return b.String()
}

func isUnreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

// normalizePath removes empty, "." and ".." segments from an absolute path
// (RFC 3986 dot-segment removal plus collapsing repeated slashes). A path
// that ended in a slash, "." or ".." keeps a trailing slash.
func normalizePath(p string) string {
	segs := strings.Split(p, "/")
	out := make([]string, 0, len(segs))
	for _, s := range segs {
		switch s {
		case "", ".":
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		default:
			out = append(out, s)
		}
	}
	res := "/" + strings.Join(out, "/")
	if last := segs[len(segs)-1]; res != "/" && (last == "" || last == "." || last == "..") {
		res += "/"
	}
	return res
}

// canonicalURI turns the path as sent on the wire into the canonical URI.
func canonicalURI(wirePath string, o Options) string {
	p := wirePath
	if p == "" {
		p = "/"
	}
	if !o.DisableURIPathNormalization {
		p = normalizePath(p)
	}
	if o.DisableDoubleURIEncoding {
		// S3: the path is already encoded once, as the client signed it.
		return escapeInvalidPathBytes(p)
	}
	return uriEncode(p, true)
}

// escapeInvalidPathBytes percent-encodes the bytes that may not appear
// unencoded in a URI path (blanks, controls, non-ASCII, '%' not starting an
// escape, ...), leaving the path otherwise as it is.
func escapeInvalidPathBytes(p string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(p))
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case isUnreserved(c) || strings.IndexByte("/!$&'()*+,;=:@", c) >= 0:
		case c == '%' && i+2 < len(p) && isHex(p[i+1]) && isHex(p[i+2]):
		default:
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&0x0f])
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// wirePath returns the request path exactly as it was sent: from the raw
// request target for server requests, so that bytes the client did or did
// not escape are seen as they were signed.
func wirePath(r *http.Request) string {
	if t := r.RequestURI; t != "" && t != "*" {
		if i := strings.Index(t, "://"); i >= 0 && !strings.HasPrefix(t, "/") {
			// absolute-form: scheme://authority/path?query
			rest := t[i+3:]
			if j := strings.IndexAny(rest, "/?"); j >= 0 {
				t = rest[j:]
			} else {
				t = ""
			}
		}
		if i := strings.IndexByte(t, '?'); i >= 0 {
			t = t[:i]
		}
		return t
	}
	if r.URL == nil {
		return ""
	}
	if op := r.URL.Opaque; op != "" {
		if strings.HasPrefix(op, "//") {
			if j := strings.IndexByte(op[2:], '/'); j >= 0 {
				return op[2+j:]
			}
			return ""
		}
		return op
	}
	return r.URL.EscapedPath()
}

func rawQuery(r *http.Request) string {
	if r.URL == nil {
		return ""
	}
	return r.URL.RawQuery
}

type queryParam struct{ key, value string }

// parseQuery splits a raw query string into decoded key/value pairs in order.
// '+' decodes to a space, as in HTML forms; a component that is not valid
// percent-encoding is kept literally.
func parseQuery(raw string) []queryParam {
	var out []queryParam
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		out = append(out, queryParam{queryUnescape(k), queryUnescape(v)})
	}
	return out
}

func queryUnescape(s string) string {
	if d, err := url.QueryUnescape(s); err == nil {
		return d
	}
	return s
}

// firstParam returns the first value of key in ps.
func firstParam(ps []queryParam, key string) (string, bool) {
	for _, p := range ps {
		if p.key == key {
			return p.value, true
		}
	}
	return "", false
}
