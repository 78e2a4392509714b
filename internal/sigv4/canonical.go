package sigv4

import (
	"net/http"
	"net/textproto"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Options are the per-service canonicalisation rules. The zero value is
// AWS's rule for every service except S3.
type Options struct {
	// DisableURIPathNormalization keeps dot segments and repeated slashes in
	// the canonical URI (S3's rule).
	DisableURIPathNormalization bool
	// DisableDoubleURIEncoding uses the path as sent, which the client has
	// already URI-encoded, instead of encoding it once more (S3's rule).
	// Only bytes that may not appear unencoded in a URI are escaped.
	DisableDoubleURIEncoding bool
	// S3Payload applies S3's payload rules: a presigned request without
	// X-Amz-Content-Sha256 is signed with UNSIGNED-PAYLOAD rather than the
	// body's hash, and a wrong X-Amz-Content-Sha256 is reported as
	// XAmzContentSHA256Mismatch rather than SignatureDoesNotMatch.
	S3Payload bool
}

// DefaultOptions returns AWS's rules for service: S3's for "s3", the
// common rules for every other service.
func DefaultOptions(service string) Options {
	if service == "s3" {
		return Options{DisableURIPathNormalization: true, DisableDoubleURIEncoding: true, S3Payload: true}
	}
	return Options{}
}

// signatureParam is the query parameter that carries a presigned request's
// signature; it is never part of the canonical query string.
const signatureParam = "X-Amz-Signature"

// CanonicalRequest returns the SigV4 canonical request for r:
//
//	METHOD \n CanonicalURI \n CanonicalQueryString \n CanonicalHeaders \n SignedHeaders \n PayloadHash
//
// signedHeaders are the header names to sign (matched case-insensitively,
// written in lowercase, in the order given, which for a well-formed request
// is sorted). The path is taken as sent (r.RequestURI for server requests,
// r.URL's escaped path otherwise) and the query from r.URL.RawQuery; the
// X-Amz-Signature query parameter is always left out. payloadHash is the
// lowercase hex SHA-256 of the body or UNSIGNED-PAYLOAD.
func CanonicalRequest(r *http.Request, signedHeaders []string, payloadHash string, opts Options) string {
	return canonicalRequest(r, signedHeaders, payloadHash, opts, nil)
}

// canonicalRequest is CanonicalRequest leaving out, besides X-Amz-Signature,
// every query parameter for which skip returns true.
func canonicalRequest(r *http.Request, signedHeaders []string, payloadHash string, opts Options, skip func(string) bool) string {
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteByte('\n')
	b.WriteString(canonicalURI(wirePath(r), opts))
	b.WriteByte('\n')
	b.WriteString(canonicalQuery(rawQuery(r), skip))
	b.WriteByte('\n')
	names := make([]string, len(signedHeaders))
	for i, h := range signedHeaders {
		names[i] = strings.ToLower(h)
	}
	for _, name := range names {
		b.WriteString(name)
		b.WriteByte(':')
		for i, v := range headerValues(r, name) {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(trimAll(v))
		}
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(strings.Join(names, ";"))
	b.WriteByte('\n')
	b.WriteString(payloadHash)
	return b.String()
}

// canonicalQuery sorts the decoded parameters by encoded name, then value,
// and re-encodes them with SigV4's encoding.
func canonicalQuery(raw string, skip func(string) bool) string {
	params := parseQuery(raw)
	enc := make([]queryParam, 0, len(params))
	for _, p := range params {
		if p.key == signatureParam || (skip != nil && skip(p.key)) {
			continue
		}
		enc = append(enc, queryParam{uriEncode(p.key, false), uriEncode(p.value, false)})
	}
	sort.Slice(enc, func(i, j int) bool {
		if enc[i].key != enc[j].key {
			return enc[i].key < enc[j].key
		}
		return enc[i].value < enc[j].value
	})
	var b strings.Builder
	for i, p := range enc {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.key)
		b.WriteByte('=')
		b.WriteString(p.value)
	}
	return b.String()
}

// headerValues returns the values of the lowercase header name in the order
// they were sent. Host comes from r.Host (net/http moves it out of r.Header).
func headerValues(r *http.Request, name string) []string {
	if name == "host" {
		h := r.Host
		if h == "" && r.URL != nil {
			h = r.URL.Host
		}
		return []string{h}
	}
	vals := slices.Clone(r.Header[textproto.CanonicalMIMEHeaderKey(name)])
	// Keys set directly in the map in another spelling, in a stable order.
	var other []string
	for k := range r.Header {
		if k != textproto.CanonicalMIMEHeaderKey(name) && strings.EqualFold(k, name) {
			other = append(other, k)
		}
	}
	sort.Strings(other)
	for _, k := range other {
		vals = append(vals, r.Header[k]...)
	}
	if len(vals) == 0 && name == "content-length" && r.ContentLength > 0 {
		vals = []string{strconv.FormatInt(r.ContentLength, 10)}
	}
	return vals
}

// trimAll trims a header value and collapses runs of spaces into one.
func trimAll(v string) string {
	v = strings.Trim(v, " \t")
	if !strings.Contains(v, "  ") {
		return v
	}
	var b strings.Builder
	b.Grow(len(v))
	space := false
	for i := 0; i < len(v); i++ {
		if v[i] == ' ' {
			if space {
				continue
			}
			space = true
		} else {
			space = false
		}
		b.WriteByte(v[i])
	}
	return b.String()
}
