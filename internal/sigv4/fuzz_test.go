package sigv4

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

var authorizationSeeds = []string{
	"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
	"AWS4-HMAC-SHA256 Credential=a/b/c/d/e,SignedHeaders=,Signature=",
	"AWS4-HMAC-SHA256 Credential= AKID/20150830/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=x",
	"AWS4-HMAC-SHA256 Signature=1 Credential=k/d/r/s/t SignedHeaders=h;;g",
	"AWS4-HMAC-SHA256",
	"AWS4-HMAC-SHA256\t,,,",
	"Basic dXNlcjpwYXNz",
	"",
	"AWS4-HMAC-SHA256 Credential=é/ü/\x00/\xff/==, SignedHeaders=a=b;c, Signature==",
}

// FuzzParseAuthorization checks that the parser never panics, fails only
// with IncompleteSignature, and that whatever it accepts round-trips through
// String.
func FuzzParseAuthorization(f *testing.F) {
	for _, s := range authorizationSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		a, err := ParseAuthorization(header)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Code != CodeIncompleteSignature {
				t.Fatalf("ParseAuthorization(%q) error %v, want IncompleteSignature", header, err)
			}
			return
		}
		s := a.String()
		b, err := ParseAuthorization(s)
		if err != nil {
			t.Fatalf("re-parsing %q (from %q): %v", s, header, err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("round trip of %q: %+v != %+v", header, a, b)
		}
		if b.String() != s {
			t.Fatalf("String not stable: %q != %q", b.String(), s)
		}
	})
}

// FuzzAuthorizationRoundTrip builds a well-formed header from parts and
// checks that parsing gives the parts back.
func FuzzAuthorizationRoundTrip(f *testing.F) {
	f.Add("AKIDEXAMPLE", "20150830", "us-east-1", "iam", "host;x-amz-date", "abcdef")
	f.Add("", "", "", "", "", "")
	f.Add("k=", "d", "r", "s", "a;b=c", "==")
	f.Fuzz(func(t *testing.T, akid, date, region, service, signedHeaders, signature string) {
		for _, p := range []string{akid, date, region, service, signedHeaders, signature} {
			if strings.ContainsAny(p, ", \t") {
				t.Skip("separator inside a component")
			}
		}
		for _, p := range []string{akid, date, region, service} {
			if strings.Contains(p, "/") {
				t.Skip("slash inside a credential element")
			}
		}
		want := Authorization{AccessKeyID: akid, Date: date, Region: region, Service: service, Terminator: Terminator,
			SignedHeaders: splitSignedHeaders(signedHeaders), Signature: signature}
		got, err := ParseAuthorization(want.String())
		if err != nil {
			t.Fatalf("ParseAuthorization(%q): %v", want.String(), err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("got %+v, want %+v", got, want)
		}
	})
}

// FuzzVerify feeds arbitrary authentication material to the verifier: it
// must never panic, and may only accept a request carrying the signature
// the builders compute.
func FuzzVerify(f *testing.F) {
	for _, s := range authorizationSeeds {
		f.Add(s, "20150830T123600Z", "/", "")
	}
	f.Add("", "", "/a/../b", "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fs%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Expires=99999999999999999999&X-Amz-Signature=00")
	f.Add("", "", "/%zz", "X-Amz-Signature=&X-Amz-Expires=-0")
	f.Fuzz(func(t *testing.T, authz, date, path, query string) {
		r := &http.Request{
			Method:     "GET",
			RequestURI: path,
			Host:       "example.amazonaws.com",
			Header:     http.Header{},
			URL:        &url.URL{RawQuery: query},
		}
		if authz != "" {
			r.Header.Set("Authorization", authz)
		}
		if date != "" {
			r.Header.Set("X-Amz-Date", date)
		}
		v := &Verifier{Lookup: testLookup, Now: func() time.Time { return t0 }}
		res, err := v.Verify(context.Background(), r, nil)
		if err != nil {
			return
		}
		// Accepted: the signature must be the one the builders compute
		// (seeds include genuinely signed requests).
		var a Authorization
		amzDate := date
		if res.Presigned {
			ps := parseQuery(query)
			cred, _ := firstParam(ps, "X-Amz-Credential")
			sh, _ := firstParam(ps, "X-Amz-SignedHeaders")
			sig, _ := firstParam(ps, "X-Amz-Signature")
			amzDate, _ = firstParam(ps, "X-Amz-Date")
			a, _ = authorizationFields{credential: cred, signedHeaders: sh, signature: sig}.authorization()
		} else if a, err = ParseAuthorization(authz); err != nil {
			t.Fatalf("accepted an unparsable header %q", authz)
		}
		key := SigningKey(testSecret, a.Date, a.Region, a.Service)
		scope := Scope(a.Date, a.Region, a.Service)
		signed := res.SignedHeaders
		want := Signature(key, StringToSign(amzDate, scope, CanonicalRequest(r, signed, HashPayload(nil), DefaultOptions(a.Service))))
		noToken := Signature(key, StringToSign(amzDate, scope, canonicalRequest(r, signed, HashPayload(nil), DefaultOptions(a.Service),
			func(k string) bool { return k == "X-Amz-Security-Token" })))
		if a.Signature != want && !(res.Presigned && a.Signature == noToken) {
			t.Fatalf("accepted request %+v with signature %q, want %q", r, a.Signature, want)
		}
	})
}
