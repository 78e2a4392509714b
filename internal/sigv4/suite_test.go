package sigv4

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The AWS SigV4 test suite (from awslabs/aws-c-auth), shared with the
// project but not part of it: the tests skip when it is absent.
const suiteDir = "../../../shared/conformance/sigv4"

type suiteContext struct {
	Credentials struct {
		AccessKeyID     string `json:"access_key_id"`
		SecretAccessKey string `json:"secret_access_key"`
		Token           string `json:"token"`
	} `json:"credentials"`
	ExpirationInSeconds int    `json:"expiration_in_seconds"`
	Normalize           bool   `json:"normalize"`
	Region              string `json:"region"`
	Service             string `json:"service"`
	SignBody            bool   `json:"sign_body"`
	Timestamp           string `json:"timestamp"`
	OmitSessionToken    bool   `json:"omit_session_token"`
}

type suiteCase struct {
	name string
	dir  string
	ctx  suiteContext
	ts   time.Time
}

func (c suiteCase) file(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(c.dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (c suiteCase) options(string) Options {
	return Options{DisableURIPathNormalization: !c.ctx.Normalize}
}

func (c suiteCase) creds() Credentials {
	return Credentials{c.ctx.Credentials.AccessKeyID, c.ctx.Credentials.SecretAccessKey, c.ctx.Credentials.Token}
}

func (c suiteCase) verifier() *Verifier {
	return &Verifier{
		Lookup: func(_ context.Context, id string) (string, error) {
			if id == c.ctx.Credentials.AccessKeyID {
				return c.ctx.Credentials.SecretAccessKey, nil
			}
			return "", ErrUnknownAccessKey
		},
		Now:     func() time.Time { return c.ts },
		Options: c.options,
	}
}

func loadSuite(t *testing.T) []suiteCase {
	t.Helper()
	entries, err := os.ReadDir(suiteDir)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("SigV4 test suite not found at %s", suiteDir)
	}
	if err != nil {
		t.Fatal(err)
	}
	var cases []suiteCase
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		dir := filepath.Join(suiteDir, e.Name())
		raw, err := os.ReadFile(filepath.Join(dir, "context.json"))
		if err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		c := suiteCase{name: e.Name(), dir: dir}
		if err := json.Unmarshal(raw, &c.ctx); err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		if c.ts, err = time.Parse(time.RFC3339, c.ctx.Timestamp); err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		cases = append(cases, c)
	}
	if len(cases) == 0 {
		t.Fatalf("no cases in %s", suiteDir)
	}
	return cases
}

// parseRawRequest reads a request as the suite writes it, keeping what
// net/http's reader would normalise away: the request target byte for byte
// (spaces, raw UTF-8, dot segments), repeated header lines in order, and
// folded (multi-line) header values, which are unfolded with one space.
// The result looks like a server-side request: RequestURI set, Host moved
// out of Header.
func parseRawRequest(t *testing.T, data []byte) (*http.Request, []byte) {
	t.Helper()
	head, body := data, []byte(nil)
	if i := bytes.Index(data, []byte("\n\n")); i >= 0 {
		head, body = data[:i], data[i+2:]
	}
	lines := strings.Split(strings.TrimRight(string(head), "\n"), "\n")
	reqLine := strings.TrimSuffix(lines[0], "\r")
	sp1, sp2 := strings.IndexByte(reqLine, ' '), strings.LastIndexByte(reqLine, ' ')
	if sp1 < 0 || sp2 <= sp1 {
		t.Fatalf("bad request line %q", reqLine)
	}
	method, target, proto := reqLine[:sp1], reqLine[sp1+1:sp2], reqLine[sp2+1:]
	path, query, _ := strings.Cut(target, "?")

	type field struct{ name, value string }
	var fields []field
	for _, l := range lines[1:] {
		l = strings.TrimSuffix(l, "\r")
		if l != "" && (l[0] == ' ' || l[0] == '\t') {
			if len(fields) == 0 {
				t.Fatalf("continuation line before any header: %q", l)
			}
			fields[len(fields)-1].value += " " + strings.Trim(l, " \t")
			continue
		}
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			t.Fatalf("bad header line %q", l)
		}
		fields = append(fields, field{name, strings.Trim(value, " \t")})
	}

	r := &http.Request{
		Method:     method,
		RequestURI: target,
		URL:        &url.URL{Path: path, RawQuery: query},
		Proto:      proto,
		Header:     http.Header{},
	}
	for _, f := range fields {
		if strings.EqualFold(f.name, "Host") {
			if r.Host == "" {
				r.Host = f.value
			}
			continue
		}
		r.Header.Add(f.name, f.value)
	}
	r.ContentLength = int64(len(body))
	return r, body
}

func trimFile(b []byte) string { return strings.TrimRight(string(b), "\n") }

// setQueryValue replaces the raw value of the first parameter named key.
func setQueryValue(raw, key, value string) string {
	parts := strings.Split(raw, "&")
	for i, p := range parts {
		if k, _, _ := strings.Cut(p, "="); queryUnescape(k) == key {
			parts[i] = k + "=" + value
			break
		}
	}
	return strings.Join(parts, "&")
}

func removeQueryParam(raw, key string) string {
	var kept []string
	for _, p := range strings.Split(raw, "&") {
		if k, _, _ := strings.Cut(p, "="); queryUnescape(k) != key {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, "&")
}

func TestSuite(t *testing.T) {
	cases := loadSuite(t)
	passed := map[string]int{}
	for _, c := range cases {
		for _, form := range []string{"header", "query"} {
			t.Run(c.name+"/"+form, func(t *testing.T) {
				t.Run("builders", func(t *testing.T) { testSuiteBuilders(t, c, form) })
				t.Run("sign", func(t *testing.T) { testSuiteSign(t, c, form) })
				t.Run("accept", func(t *testing.T) { testSuiteAccept(t, c, form) })
				t.Run("tamper", func(t *testing.T) { testSuiteTamper(t, c, form) })
				if !t.Failed() {
					passed[form]++
				}
			})
		}
	}
	t.Logf("sigv4 suite: header form %d/%d cases passed, query form %d/%d cases passed",
		passed["header"], len(cases), passed["query"], len(cases))
}

// (a) the canonical request, string to sign and signature builders
// reproduce the suite's files from the signed request.
func testSuiteBuilders(t *testing.T, c suiteCase, form string) {
	r, body := parseRawRequest(t, c.file(t, form+"-signed-request.txt"))
	var (
		a       Authorization
		amzDate string
		payload = HashPayload(body)
	)
	if form == "header" {
		var err error
		if a, err = ParseAuthorization(r.Header.Get("Authorization")); err != nil {
			t.Fatal(err)
		}
		amzDate = r.Header.Get("X-Amz-Date")
		if h := r.Header.Get("X-Amz-Content-Sha256"); h != "" {
			payload = h
		}
	} else {
		params := parseQuery(r.URL.RawQuery)
		cred, _ := firstParam(params, "X-Amz-Credential")
		sh, _ := firstParam(params, "X-Amz-SignedHeaders")
		sig, _ := firstParam(params, "X-Amz-Signature")
		f := authorizationFields{credential: cred, signedHeaders: sh, signature: sig}
		var err *Error
		if a, err = f.authorization(); err != nil {
			t.Fatal(err)
		}
		amzDate, _ = firstParam(params, "X-Amz-Date")
		if c.ctx.OmitSessionToken {
			// The token was added after signing.
			r.URL.RawQuery = removeQueryParam(r.URL.RawQuery, "X-Amz-Security-Token")
		}
	}
	cr := CanonicalRequest(r, a.SignedHeaders, payload, c.options(c.ctx.Service))
	if want := trimFile(c.file(t, form+"-canonical-request.txt")); cr != want {
		t.Fatalf("canonical request:\n%s\nwant:\n%s", cr, want)
	}
	sts := StringToSign(amzDate, Scope(a.Date, a.Region, a.Service), cr)
	if want := trimFile(c.file(t, form+"-string-to-sign.txt")); sts != want {
		t.Fatalf("string to sign:\n%s\nwant:\n%s", sts, want)
	}
	sig := Signature(SigningKey(c.ctx.Credentials.SecretAccessKey, a.Date, a.Region, a.Service), sts)
	if want := trimFile(c.file(t, form+"-signature.txt")); sig != want || a.Signature != want {
		t.Fatalf("signature %s (request carries %s), want %s", sig, a.Signature, want)
	}
}

// Sign and Presign turn request.txt into the suite's signed request.
func testSuiteSign(t *testing.T, c suiteCase, form string) {
	r, body := parseRawRequest(t, c.file(t, "request.txt"))
	want, _ := parseRawRequest(t, c.file(t, form+"-signed-request.txt"))
	s := Signer{Options: c.options, ContentSHA256Header: c.ctx.SignBody, UnsignedSessionToken: c.ctx.OmitSessionToken}
	if form == "header" {
		if err := s.Sign(r, body, c.creds(), c.ctx.Region, c.ctx.Service, c.ts); err != nil {
			t.Fatal(err)
		}
		for _, h := range []string{"Authorization", "X-Amz-Date", "X-Amz-Security-Token", "X-Amz-Content-Sha256"} {
			if got, exp := r.Header.Get(h), want.Header.Get(h); got != exp {
				t.Errorf("%s = %q, want %q", h, got, exp)
			}
		}
		return
	}
	err := s.Presign(r, body, c.creds(), c.ctx.Region, c.ctx.Service, c.ts, time.Duration(c.ctx.ExpirationInSeconds)*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	got, exp := parseQuery(r.URL.RawQuery), parseQuery(want.URL.RawQuery)
	less := func(a, b queryParam) int { return strings.Compare(a.key+"="+a.value, b.key+"="+b.value) }
	slices.SortFunc(got, less)
	slices.SortFunc(exp, less)
	if !slices.Equal(got, exp) {
		t.Errorf("presigned query\n%v\nwant\n%v", got, exp)
	}
}

// (b) the verifier accepts the signed request at the suite's time.
func testSuiteAccept(t *testing.T, c suiteCase, form string) {
	r, body := parseRawRequest(t, c.file(t, form+"-signed-request.txt"))
	res, err := c.verifier().Verify(context.Background(), r, body)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			t.Fatalf("rejected: %v\n%s", err, e.DetailedMessage())
		}
		t.Fatalf("rejected: %v", err)
	}
	if res.AccessKeyID != c.ctx.Credentials.AccessKeyID || res.Region != c.ctx.Region || res.Service != c.ctx.Service ||
		!res.Time.Equal(c.ts) || res.Presigned != (form == "query") || res.SessionToken != c.ctx.Credentials.Token {
		t.Fatalf("result %+v does not match context %+v", res, c.ctx)
	}
	if !slices.Contains(res.SignedHeaders, "host") {
		t.Fatalf("signed headers %v lack host", res.SignedHeaders)
	}
}

type tamper struct {
	name  string
	apply func(r *http.Request, body *[]byte)
}

// (c) changing any signed part of the request makes the verifier answer
// SignatureDoesNotMatch.
func testSuiteTamper(t *testing.T, c suiteCase, form string) {
	raw := c.file(t, form+"-signed-request.txt")
	probe, _ := parseRawRequest(t, raw)

	tampers := []tamper{
		{"method", func(r *http.Request, _ *[]byte) {
			r.Method = map[string]string{"GET": "POST", "POST": "GET"}[r.Method]
		}},
		{"path", func(r *http.Request, _ *[]byte) {
			p, q, hasQ := strings.Cut(r.RequestURI, "?")
			r.RequestURI = p + "x"
			if hasQ {
				r.RequestURI += "?" + q
			}
		}},
		{"path-segment", func(r *http.Request, _ *[]byte) {
			p, q, hasQ := strings.Cut(r.RequestURI, "?")
			r.RequestURI = "/extra" + p
			if hasQ {
				r.RequestURI += "?" + q
			}
		}},
		{"query-added", func(r *http.Request, _ *[]byte) {
			if r.URL.RawQuery != "" {
				r.URL.RawQuery += "&"
			}
			r.URL.RawQuery += "Extra=1"
		}},
		{"body", func(_ *http.Request, body *[]byte) { *body = append(*body, 'x') }},
		{"signature", func(r *http.Request, _ *[]byte) {
			flip := func(s string) string {
				last := s[len(s)-1]
				if last == '0' {
					return s[:len(s)-1] + "1"
				}
				return s[:len(s)-1] + "0"
			}
			if form == "header" {
				r.Header.Set("Authorization", flip(r.Header.Get("Authorization")))
			} else {
				sig, _ := firstParam(parseQuery(r.URL.RawQuery), "X-Amz-Signature")
				r.URL.RawQuery = setQueryValue(r.URL.RawQuery, "X-Amz-Signature", flip(sig))
			}
		}},
	}

	// Every signed query parameter.
	for _, p := range parseQuery(probe.URL.RawQuery) {
		switch p.key {
		case "X-Amz-Signature", "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-SignedHeaders":
			continue // not signed, or changing them is a different error
		case "X-Amz-Security-Token":
			if c.ctx.OmitSessionToken {
				continue // added after signing
			}
		}
		key := p.key
		tampers = append(tampers, tamper{"query-" + key, func(r *http.Request, _ *[]byte) {
			val, _ := firstParam(parseQuery(r.URL.RawQuery), key)
			switch key {
			case "X-Amz-Date":
				val = shiftAmzDate(t, val)
			case "X-Amz-Expires":
				val += "0"
			default:
				val += "x"
			}
			r.URL.RawQuery = setQueryValue(r.URL.RawQuery, key, uriEncode(val, false))
		}})
	}

	// Every signed header.
	var signed []string
	if form == "header" {
		a, err := ParseAuthorization(probe.Header.Get("Authorization"))
		if err != nil {
			t.Fatal(err)
		}
		signed = a.SignedHeaders
	} else {
		sh, _ := firstParam(parseQuery(probe.URL.RawQuery), "X-Amz-SignedHeaders")
		signed = strings.Split(sh, ";")
	}
	for _, h := range signed {
		tampers = append(tampers, tamper{"header-" + h, func(r *http.Request, _ *[]byte) {
			switch h {
			case "host":
				r.Host = "x" + r.Host
			case "x-amz-date":
				r.Header.Set(h, shiftAmzDate(t, r.Header.Get(h)))
			case "x-amz-content-sha256":
				r.Header.Set(h, UnsignedPayload)
			default:
				vs := r.Header.Values(h)
				vs[0] += "x"
			}
		}})
	}

	for _, tc := range tampers {
		t.Run(tc.name, func(t *testing.T) {
			r, body := parseRawRequest(t, raw)
			tc.apply(r, &body)
			_, err := c.verifier().Verify(context.Background(), r, body)
			var e *Error
			if !errors.As(err, &e) || e.Code != CodeSignatureDoesNotMatch {
				t.Fatalf("tampered request: got %v, want %s", err, CodeSignatureDoesNotMatch)
			}
		})
	}
}

func shiftAmzDate(t *testing.T, s string) string {
	ts, err := time.Parse(amzDateLayout, s)
	if err != nil {
		t.Fatal(err)
	}
	return formatAmzDate(ts.Add(time.Second))
}
