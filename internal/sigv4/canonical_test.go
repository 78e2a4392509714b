package sigv4

import (
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
)

func TestCanonicalURI(t *testing.T) {
	s3 := DefaultOptions("s3")
	tests := []struct {
		path string
		opts Options
		want string
	}{
		{"", Options{}, "/"},
		{"/", Options{}, "/"},
		{"//", Options{}, "/"},
		{"/./", Options{}, "/"},
		{"/example/..", Options{}, "/"},
		{"/a/b/../c", Options{}, "/a/c"},
		{"/a/b/..", Options{}, "/a/"},
		{"/a/./b/.", Options{}, "/a/b/"},
		{"/../../a", Options{}, "/a"},
		{"//example//", Options{}, "/example/"},
		{"/example space/", Options{}, "/example%20space/"},
		{"/\xe1\x88\xb4", Options{}, "/%E1%88%B4"},
		// Every service but S3 encodes the path as sent once more.
		{"/%E1%88%B4", Options{}, "/%25E1%2588%25B4"},
		{"/a%2Fb", Options{}, "/a%252Fb"},
		{"/-._~azAZ09!*'()", Options{}, "/-._~azAZ09%21%2A%27%28%29"},
		// S3: no normalisation; the path as sent (encoded once by the client).
		{"//a/./b/../c", s3, "//a/./b/../c"},
		{"/%E1%88%B4", s3, "/%E1%88%B4"},
		{"/key%20name+x%2B(1)", s3, "/key%20name+x%2B(1)"},
		{"/example space/\xe1\x88\xb4", s3, "/example%20space/%E1%88%B4"},
		{"/100%/a%2", s3, "/100%25/a%252"},
		// The suite's "normalize": false with the common encoding.
		{"/./example", Options{DisableURIPathNormalization: true}, "/./example"},
	}
	for _, tc := range tests {
		if got := canonicalURI(tc.path, tc.opts); got != tc.want {
			t.Errorf("canonicalURI(%q, %+v) = %q, want %q", tc.path, tc.opts, got, tc.want)
		}
	}
}

func TestCanonicalQuery(t *testing.T) {
	tests := []struct{ raw, want string }{
		{"", ""},
		{"Param2=value2&Param1=value1", "Param1=value1&Param2=value2"},
		{"Param-3=Value3&Param=Value2&%E1%88%B4=Value1", "%E1%88%B4=Value1&Param=Value2&Param-3=Value3"},
		{"b=2&a=2&a=1", "a=1&a=2&b=2"},
		{"flag&x=", "flag=&x="},
		{"a=b+c&d=e%20f", "a=b%20c&d=e%20f"},
		{"k=%2F%3D%2B~", "k=%2F%3D%2B~"},
		{"k=*!", "k=%2A%21"},
		{"bad=%zz", "bad=%25zz"},
		{"&&a=1&", "a=1"},
		{"X-Amz-Signature=abc&a=1", "a=1"},
		{"\xe1\x88\xb4=bar", "%E1%88%B4=bar"},
	}
	for _, tc := range tests {
		if got := canonicalQuery(tc.raw, nil); got != tc.want {
			t.Errorf("canonicalQuery(%q) = %q, want %q", tc.raw, got, tc.want)
		}
	}
}

func TestCanonicalHeaders(t *testing.T) {
	r := httptest.NewRequest("GET", "http://example.amazonaws.com/", nil)
	r.Header.Add("My-Header1", "  a   b   c  ")
	r.Header.Add("My-Header1", "\"d  e\"")
	r.Header["my-header1"] = []string{"lower"} // set around the canonical key
	r.Header.Set("Empty", "")
	got := CanonicalRequest(r, []string{"empty", "Host", "my-header1", "absent"}, "UNSIGNED-PAYLOAD", Options{})
	want := "GET\n/\n\nempty:\nhost:example.amazonaws.com\nmy-header1:a b c,\"d e\",lower\nabsent:\n\nempty;host;my-header1;absent\nUNSIGNED-PAYLOAD"
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

func TestWirePath(t *testing.T) {
	tests := []struct {
		name string
		r    *http.Request
		want string
	}{
		{"server origin-form", &http.Request{RequestURI: "/a%20b/./c?x=1"}, "/a%20b/./c"},
		{"server absolute-form", &http.Request{RequestURI: "http://h.example/p/q?x"}, "/p/q"},
		{"server absolute-form, no path", &http.Request{RequestURI: "http://h.example"}, ""},
		{"client", httptest.NewRequest("GET", "http://h/a%2Fb", nil), "/a%2Fb"},
	}
	tests[3].r.RequestURI = ""
	for _, tc := range tests {
		if got := wirePath(tc.r); got != tc.want {
			t.Errorf("%s: wirePath = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestSigningKeyAndSignature(t *testing.T) {
	// The example from the AWS General Reference ("Examples of how to derive
	// a signing key for Signature Version 4").
	key := SigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam")
	const want = "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"
	if got := hex.EncodeToString(key); got != want {
		t.Fatalf("signing key %s, want %s", got, want)
	}
}

func TestParseAuthorization(t *testing.T) {
	full := Authorization{AccessKeyID: "AKID", Date: "20150830", Region: "us-east-1", Service: "iam", Terminator: Terminator,
		SignedHeaders: []string{"host", "x-amz-date"}, Signature: "abcd"}
	tests := []struct {
		in   string
		want Authorization
		code string
	}{
		{"AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=abcd", full, ""},
		{"AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request,SignedHeaders=host;x-amz-date,Signature=abcd", full, ""},
		{"AWS4-HMAC-SHA256   Signature=abcd ,\tSignedHeaders=host;x-amz-date, Credential=AKID/20150830/us-east-1/iam/aws4_request, Extra=1", full, ""},
		{"AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=abcd, Signature=ffff", full, ""},
		{"AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date", Authorization{}, CodeIncompleteSignature},
		{"AWS4-HMAC-SHA256Credential=AKID/20150830/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=abcd", Authorization{}, CodeIncompleteSignature},
		{"AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request, SignedHeaders, Signature=abcd", Authorization{}, CodeIncompleteSignature},
		{"AWS4-HMAC-SHA256 Credential=AKID/x/us-east-1/iam/aws4_request/extra, SignedHeaders=host, Signature=abcd", Authorization{}, CodeIncompleteSignature},
		{"", Authorization{}, CodeIncompleteSignature},
	}
	for _, tc := range tests {
		got, err := ParseAuthorization(tc.in)
		if tc.code != "" {
			e, ok := err.(*Error)
			if !ok || e.Code != tc.code {
				t.Errorf("ParseAuthorization(%q) error = %v, want %s", tc.in, err, tc.code)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseAuthorization(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
	if s := full.String(); s != tests[0].in {
		t.Errorf("String() = %q", s)
	}
}

func TestTrimAll(t *testing.T) {
	for in, want := range map[string]string{
		"":                "",
		"  a  ":           "a",
		"\ta   b \t":      "a b",
		`"a   b   c"`:     `"a b c"`,
		"value1 value2 x": "value1 value2 x",
	} {
		if got := trimAll(in); got != want {
			t.Errorf("trimAll(%q) = %q, want %q", in, got, want)
		}
	}
}
