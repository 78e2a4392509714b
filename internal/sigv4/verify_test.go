package sigv4

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

const (
	testAKID   = "AKIDEXAMPLE"
	testSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
	testBody   = "Action=ListUsers&Version=2010-05-08"
)

var t0 = time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)

func testLookup(_ context.Context, id string) (string, error) {
	if id == testAKID {
		return testSecret, nil
	}
	return "", ErrUnknownAccessKey
}

func newTestRequest(t *testing.T, method, target, body string) *http.Request {
	t.Helper()
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	if body != "" {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	}
	return r
}

// signedRequest returns an IAM-style request signed at t0.
func signedTestRequest(t *testing.T, edit func(*http.Request)) *http.Request {
	t.Helper()
	r := newTestRequest(t, "POST", "https://iam.amazonaws.com/", testBody)
	if edit != nil {
		edit(r)
	}
	if err := Sign(r, []byte(testBody), Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}, "us-east-1", "iam", t0); err != nil {
		t.Fatal(err)
	}
	return r
}

func presignedTestRequest(t *testing.T, service string, expires time.Duration) *http.Request {
	t.Helper()
	r := newTestRequest(t, "GET", "https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15", "")
	if err := Presign(r, nil, Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}, "us-east-1", service, t0, expires); err != nil {
		t.Fatal(err)
	}
	return r
}

func setQuery(r *http.Request, key, value string) {
	q := r.URL.Query()
	q.Set(key, value)
	r.URL.RawQuery = q.Encode()
}

func delQuery(r *http.Request, key string) {
	q := r.URL.Query()
	q.Del(key)
	r.URL.RawQuery = q.Encode()
}

func TestVerifyErrors(t *testing.T) {
	authzBadDate := "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc"
	tests := []struct {
		name     string
		req      func(t *testing.T) *http.Request
		body     string // defaults to testBody
		verifier func(v *Verifier)
		code     string
		status   int
		msg      string // exact message, if set
	}{
		{
			name: "missing authentication",
			req: func(t *testing.T) *http.Request {
				return newTestRequest(t, "POST", "https://iam.amazonaws.com/", testBody)
			},
			code: CodeMissingAuthenticationToken, status: 403,
			msg: "Request is missing Authentication Token",
		},
		{
			name: "not an AWS4 authorization header",
			req: func(t *testing.T) *http.Request {
				r := newTestRequest(t, "POST", "https://iam.amazonaws.com/", testBody)
				r.Header.Set("Authorization", "Basic dXNlcjpwYXNz")
				r.Header.Set("X-Amz-Date", "20150830T123600Z")
				return r
			},
			code: CodeIncompleteSignature, status: 403,
			msg: "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
				"Authorization header requires 'SignedHeaders' parameter. Authorization=Basic dXNlcjpwYXNz",
		},
		{
			name: "not an AWS4 authorization header, no date",
			req: func(t *testing.T) *http.Request {
				r := newTestRequest(t, "POST", "https://iam.amazonaws.com/", testBody)
				r.Header.Set("Authorization", "Bearer abc")
				return r
			},
			code: CodeIncompleteSignature, status: 403,
			msg: "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
				"Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a " +
				"'X-Amz-Date' or a 'Date' header. Authorization=Bearer abc",
		},
		{
			name: "missing signature",
			req: func(t *testing.T) *http.Request {
				r := signedTestRequest(t, nil)
				r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date")
				return r
			},
			code: CodeIncompleteSignature, status: 403,
			msg: "Authorization header requires 'Signature' parameter. Authorization=AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date",
		},
		{
			name: "missing equal sign",
			req: func(t *testing.T) *http.Request {
				r := signedTestRequest(t, nil)
				r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential= AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=abc")
				return r
			},
			code: CodeIncompleteSignature, status: 403,
			msg: "'AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request' not a valid key=value pair (missing equal-sign) in Authorization header: " +
				"'AWS4-HMAC-SHA256 Credential= AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=abc'.",
		},
		{
			name: "credential with four elements",
			req: func(t *testing.T) *http.Request {
				r := signedTestRequest(t, nil)
				r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam, SignedHeaders=host, Signature=abc")
				return r
			},
			code: CodeIncompleteSignature, status: 403,
			msg: "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKIDEXAMPLE/20150830/us-east-1/iam'",
		},
		{
			name: "date not in basic format",
			req: func(t *testing.T) *http.Request {
				r := newTestRequest(t, "POST", "https://iam.amazonaws.com/", testBody)
				r.Header.Set("Authorization", authzBadDate)
				r.Header.Set("X-Amz-Date", "2015-08-30T12:36:00Z")
				return r
			},
			code: CodeIncompleteSignature, status: 403,
			msg: "Date must be in ISO-8601 'basic format'. Got '2015-08-30T12:36:00Z'. See http://en.wikipedia.org/wiki/ISO_8601",
		},
		{
			name: "host not signed",
			req: func(t *testing.T) *http.Request {
				r := signedTestRequest(t, nil)
				r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=x-amz-date, Signature=abc")
				return r
			},
			code: CodeIncompleteSignature, status: 403,
			msg: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
		},
		{
			name: "unknown access key",
			req: func(t *testing.T) *http.Request {
				r := newTestRequest(t, "POST", "https://iam.amazonaws.com/", testBody)
				if err := Sign(r, []byte(testBody), Credentials{AccessKeyID: "AKIDUNKNOWN", SecretAccessKey: testSecret}, "us-east-1", "iam", t0); err != nil {
					t.Fatal(err)
				}
				return r
			},
			code: CodeInvalidClientTokenID, status: 403,
			msg: "The security token included in the request is invalid.",
		},
		{
			name: "wrong secret",
			req: func(t *testing.T) *http.Request {
				r := newTestRequest(t, "POST", "https://iam.amazonaws.com/", testBody)
				if err := Sign(r, []byte(testBody), Credentials{AccessKeyID: testAKID, SecretAccessKey: "not-the-secret"}, "us-east-1", "iam", t0); err != nil {
					t.Fatal(err)
				}
				return r
			},
			code: CodeSignatureDoesNotMatch, status: 403,
			msg: "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and " +
				"signing method. Consult the service documentation for details.",
		},
		{
			name: "body changed",
			req:  func(t *testing.T) *http.Request { return signedTestRequest(t, nil) },
			body: testBody + "&Extra=1",
			code: CodeSignatureDoesNotMatch, status: 403,
		},
		{
			name:     "signed too long ago",
			req:      func(t *testing.T) *http.Request { return signedTestRequest(t, nil) },
			verifier: func(v *Verifier) { v.Now = func() time.Time { return t0.Add(15*time.Minute + time.Second) } },
			code:     CodeSignatureDoesNotMatch, status: 403,
			msg: "Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z (20150830T125101Z - 15 min.)",
		},
		{
			name:     "signed in the future",
			req:      func(t *testing.T) *http.Request { return signedTestRequest(t, nil) },
			verifier: func(v *Verifier) { v.Now = func() time.Time { return t0.Add(-15*time.Minute - time.Second) } },
			code:     CodeSignatureDoesNotMatch, status: 403,
			msg: "Signature not yet current: 20150830T123600Z is still later than 20150830T123559Z (20150830T122059Z + 15 min.)",
		},
		{
			name: "custom skew",
			req:  func(t *testing.T) *http.Request { return signedTestRequest(t, nil) },
			verifier: func(v *Verifier) {
				v.MaxSkew = 5 * time.Minute
				v.Now = func() time.Time { return t0.Add(5*time.Minute + time.Second) }
			},
			code: CodeSignatureDoesNotMatch, status: 403,
			msg: "Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z (20150830T124101Z - 5 min.)",
		},
		{
			name: "credential scope date is not the request's day",
			req: func(t *testing.T) *http.Request {
				r := signedTestRequest(t, nil)
				r.Header.Set("X-Amz-Date", "20150831T123600Z")
				return r
			},
			verifier: func(v *Verifier) { v.Now = func() time.Time { return t0.Add(24 * time.Hour) } },
			code:     CodeSignatureDoesNotMatch, status: 403,
			msg: "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20150830' != '20150831', from '20150831T123600Z'. ",
		},
		{
			name: "wrong region, service and terminator",
			req: func(t *testing.T) *http.Request {
				r := signedTestRequest(t, nil)
				r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-west-2/sts/aws5_request, SignedHeaders=host;x-amz-date, Signature=abc")
				return r
			},
			verifier: func(v *Verifier) { v.Region, v.Service = "us-east-1", "iam" },
			code:     CodeSignatureDoesNotMatch, status: 403,
			msg: "Credential should be scoped to a valid region, not 'us-west-2'. Credential should be scoped to correct service: 'iam'. " +
				"Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. ",
		},
		{
			name: "bad payload hash, S3 rules",
			req: func(t *testing.T) *http.Request {
				r := newTestRequest(t, "PUT", "https://bucket.s3.amazonaws.com/key", testBody)
				if err := Sign(r, []byte(testBody), Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}, "us-east-1", "s3", t0); err != nil {
					t.Fatal(err)
				}
				return r
			},
			body: "something else",
			code: CodeXAmzContentSHA256Mismatch, status: 400,
			msg: "The provided 'x-amz-content-sha256' header does not match what was computed.",
		},
		{
			name: "bad payload hash, other services",
			req: func(t *testing.T) *http.Request {
				r := newTestRequest(t, "POST", "https://iam.amazonaws.com/", testBody)
				s := Signer{ContentSHA256Header: true}
				if err := s.Sign(r, []byte(testBody), Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}, "us-east-1", "iam", t0); err != nil {
					t.Fatal(err)
				}
				return r
			},
			body: "something else",
			code: CodeSignatureDoesNotMatch, status: 403,
		},
		{
			name: "both authentication forms",
			req: func(t *testing.T) *http.Request {
				r := presignedTestRequest(t, "sts", time.Minute)
				r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=x")
				return r
			},
			body: "-",
			code: CodeInvalidArgument, status: 400,
		},
		{
			name:     "presigned and expired",
			req:      func(t *testing.T) *http.Request { return presignedTestRequest(t, "sts", time.Minute) },
			body:     "-",
			verifier: func(v *Verifier) { v.Now = func() time.Time { return t0.Add(time.Minute + time.Second) } },
			code:     CodeRequestExpired, status: 400,
			msg: "Request has expired.",
		},
		{
			name:     "presigned in the future",
			req:      func(t *testing.T) *http.Request { return presignedTestRequest(t, "sts", time.Minute) },
			body:     "-",
			verifier: func(v *Verifier) { v.Now = func() time.Time { return t0.Add(-16 * time.Minute) } },
			code:     CodeSignatureDoesNotMatch, status: 403,
			msg: "Signature not yet current: 20150830T123600Z is still later than 20150830T123500Z (20150830T122000Z + 15 min.)",
		},
		{
			name: "presigned without X-Amz-Expires past the skew",
			req: func(t *testing.T) *http.Request {
				r := presignedTestRequest(t, "sts", time.Minute)
				delQuery(r, "X-Amz-Expires")
				return r
			},
			body:     "-",
			verifier: func(v *Verifier) { v.Now = func() time.Time { return t0.Add(16 * time.Minute) } },
			code:     CodeSignatureDoesNotMatch, status: 403,
			msg: "Signature expired: 20150830T123600Z is now earlier than 20150830T123700Z (20150830T125200Z - 15 min.)",
		},
		{
			name: "presigned for more than a week",
			req: func(t *testing.T) *http.Request {
				r := presignedTestRequest(t, "sts", time.Minute)
				setQuery(r, "X-Amz-Expires", "604801")
				return r
			},
			body: "-",
			code: CodeAuthorizationQueryParametersError, status: 400,
			msg: "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds",
		},
		{
			name: "presigned with negative expiry",
			req: func(t *testing.T) *http.Request {
				r := presignedTestRequest(t, "sts", time.Minute)
				setQuery(r, "X-Amz-Expires", "-1")
				return r
			},
			body: "-",
			code: CodeAuthorizationQueryParametersError, status: 400,
			msg: "X-Amz-Expires must be non-negative",
		},
		{
			name: "presigned with non-numeric expiry",
			req: func(t *testing.T) *http.Request {
				r := presignedTestRequest(t, "sts", time.Minute)
				setQuery(r, "X-Amz-Expires", "1e3")
				return r
			},
			body: "-",
			code: CodeAuthorizationQueryParametersError, status: 400,
			msg: "X-Amz-Expires should be a number",
		},
		{
			name: "presigned with another algorithm",
			req: func(t *testing.T) *http.Request {
				r := presignedTestRequest(t, "sts", time.Minute)
				setQuery(r, "X-Amz-Algorithm", "AWS4-HMAC-SHA1")
				return r
			},
			body: "-",
			code: CodeAuthorizationQueryParametersError, status: 400,
			msg: `X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"`,
		},
		{
			name: "presigned without signature and date",
			req: func(t *testing.T) *http.Request {
				r := presignedTestRequest(t, "sts", time.Minute)
				delQuery(r, "X-Amz-Signature")
				delQuery(r, "X-Amz-Date")
				return r
			},
			body: "-",
			code: CodeIncompleteSignature, status: 403,
			msg: "AWS query-string parameters must include 'X-Amz-Signature'. AWS query-string parameters must include 'X-Amz-Date'. " +
				"Re-examine the query-string parameters.",
		},
		{
			name: "presigned with a tampered parameter",
			req: func(t *testing.T) *http.Request {
				r := presignedTestRequest(t, "sts", time.Minute)
				setQuery(r, "Action", "AssumeRole")
				return r
			},
			body: "-",
			code: CodeSignatureDoesNotMatch, status: 403,
		},
		{
			name: "lookup answers with its own error",
			req:  func(t *testing.T) *http.Request { return signedTestRequest(t, nil) },
			verifier: func(v *Verifier) {
				v.Lookup = func(context.Context, string) (string, error) {
					return "", &Error{Code: "InvalidClientTokenId", Message: "The key is disabled.", HTTPStatus: 403}
				}
			},
			code: CodeInvalidClientTokenID, status: 403,
			msg: "The key is disabled.",
		},
		{
			name: "lookup wraps the unknown-key sentinel",
			req:  func(t *testing.T) *http.Request { return signedTestRequest(t, nil) },
			verifier: func(v *Verifier) {
				v.Lookup = func(_ context.Context, id string) (string, error) {
					return "", errors.Join(errors.New("no row for "+id), ErrUnknownAccessKey)
				}
			},
			code: CodeInvalidClientTokenID, status: 403,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := &Verifier{Lookup: testLookup, Now: func() time.Time { return t0 }}
			if tc.verifier != nil {
				tc.verifier(v)
			}
			body := tc.body
			switch body {
			case "":
				body = testBody
			case "-":
				body = ""
			}
			res, err := v.Verify(context.Background(), tc.req(t), []byte(body))
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Verify = %+v, %v; want %s", res, err, tc.code)
			}
			if e.Code != tc.code || e.HTTPStatus != tc.status {
				t.Fatalf("got %s (%d): %s; want %s (%d)", e.Code, e.HTTPStatus, e.Message, tc.code, tc.status)
			}
			if tc.msg != "" && e.Message != tc.msg {
				t.Fatalf("message\n%q\nwant\n%q", e.Message, tc.msg)
			}
			if strings.Contains(e.DetailedMessage(), testSecret) || strings.Contains(err.Error(), testSecret) {
				t.Fatal("error reveals the secret")
			}
		})
	}
}

func TestVerifyAccepts(t *testing.T) {
	tests := []struct {
		name  string
		req   func(t *testing.T) *http.Request
		body  string
		now   time.Time
		check func(t *testing.T, res *Result)
	}{
		{
			name: "header form at the edge of the skew",
			req:  func(t *testing.T) *http.Request { return signedTestRequest(t, nil) },
			body: testBody,
			now:  t0.Add(15 * time.Minute),
			check: func(t *testing.T, res *Result) {
				if res.Presigned || res.AccessKeyID != testAKID || res.Region != "us-east-1" || res.Service != "iam" || !res.Time.Equal(t0) {
					t.Fatalf("result %+v", res)
				}
				if strings.Join(res.SignedHeaders, ";") != "content-type;host;x-amz-date" {
					t.Fatalf("signed headers %v", res.SignedHeaders)
				}
			},
		},
		{
			name: "session token",
			req: func(t *testing.T) *http.Request {
				r := newTestRequest(t, "POST", "https://sts.amazonaws.com/", testBody)
				creds := Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret, SessionToken: "tok/en+=="}
				if err := Sign(r, []byte(testBody), creds, "us-east-1", "sts", t0); err != nil {
					t.Fatal(err)
				}
				return r
			},
			body: testBody,
			now:  t0,
			check: func(t *testing.T, res *Result) {
				if res.SessionToken != "tok/en+==" {
					t.Fatalf("session token %q", res.SessionToken)
				}
			},
		},
		{
			name: "unsigned payload",
			req: func(t *testing.T) *http.Request {
				return signedTestRequest(t, func(r *http.Request) { r.Header.Set("X-Amz-Content-Sha256", UnsignedPayload) })
			},
			body: "anything at all",
			now:  t0,
		},
		{
			name: "Date header instead of X-Amz-Date",
			req: func(t *testing.T) *http.Request {
				r := newTestRequest(t, "GET", "https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08", "")
				r.Header.Set("Date", t0.Format(http.TimeFormat))
				signed := []string{"date", "host"}
				cr := CanonicalRequest(r, signed, HashPayload(nil), Options{})
				sts := StringToSign("20150830T123600Z", Scope("20150830", "us-east-1", "iam"), cr)
				a := Authorization{AccessKeyID: testAKID, Date: "20150830", Region: "us-east-1", Service: "iam", Terminator: Terminator,
					SignedHeaders: signed, Signature: Signature(SigningKey(testSecret, "20150830", "us-east-1", "iam"), sts)}
				r.Header.Set("Authorization", a.String())
				return r
			},
			now: t0.Add(time.Minute),
		},
		{
			name: "presigned at its expiry",
			req:  func(t *testing.T) *http.Request { return presignedTestRequest(t, "sts", time.Minute) },
			now:  t0.Add(time.Minute),
			check: func(t *testing.T, res *Result) {
				if !res.Presigned || res.Expires != time.Minute || res.Service != "sts" {
					t.Fatalf("result %+v", res)
				}
			},
		},
		{
			name: "presigned for a week, used after six days",
			req:  func(t *testing.T) *http.Request { return presignedTestRequest(t, "sts", MaxPresignExpires) },
			now:  t0.Add(6 * 24 * time.Hour),
		},
		{
			name: "S3 presigned: unsigned payload",
			req: func(t *testing.T) *http.Request {
				r := newTestRequest(t, "PUT", "https://bucket.s3.amazonaws.com/a//b/../key%20name", "")
				if err := Presign(r, nil, Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}, "us-east-1", "s3", t0, time.Hour); err != nil {
					t.Fatal(err)
				}
				return r
			},
			body: "any body",
			now:  t0,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := &Verifier{Lookup: testLookup, Now: func() time.Time { return tc.now }}
			res, err := v.Verify(context.Background(), tc.req(t), []byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if tc.check != nil {
				tc.check(t, res)
			}
		})
	}
}

func TestUnsignedSessionToken(t *testing.T) {
	r := newTestRequest(t, "GET", "https://iot.amazonaws.com/mqtt", "")
	creds := Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret, SessionToken: "session"}
	if err := (Signer{UnsignedSessionToken: true}).Presign(r, nil, creds, "us-east-1", "iotdevicegateway", t0, time.Hour); err != nil {
		t.Fatal(err)
	}
	v := &Verifier{Lookup: testLookup, Now: func() time.Time { return t0 }}
	res, err := v.Verify(context.Background(), r, nil)
	if err != nil || res.SessionToken != "session" {
		t.Fatalf("Verify = %+v, %v", res, err)
	}
	v.RequireSignedSessionToken = true
	var e *Error
	if _, err := v.Verify(context.Background(), r, nil); !errors.As(err, &e) || e.Code != CodeSignatureDoesNotMatch {
		t.Fatalf("with RequireSignedSessionToken: %v", err)
	}
}

func TestSignatureMismatchDetails(t *testing.T) {
	r := signedTestRequest(t, nil)
	v := &Verifier{Lookup: func(context.Context, string) (string, error) { return "other-secret", nil }, Now: func() time.Time { return t0 }}
	_, err := v.Verify(context.Background(), r, []byte(testBody))
	var e *Error
	if !errors.As(err, &e) {
		t.Fatal(err)
	}
	wantCR := "POST\n/\n\ncontent-type:application/x-www-form-urlencoded; charset=utf-8\nhost:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\n" +
		"content-type;host;x-amz-date\n" + HashPayload([]byte(testBody))
	if e.CanonicalRequest != wantCR {
		t.Fatalf("canonical request\n%s\nwant\n%s", e.CanonicalRequest, wantCR)
	}
	if !strings.HasPrefix(e.StringToSign, "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\n") {
		t.Fatalf("string to sign %q", e.StringToSign)
	}
	d := e.DetailedMessage()
	if !strings.Contains(d, "\n\nThe Canonical String for this request should have been\n'"+wantCR+"'\n\nThe String-to-Sign should have been\n'") {
		t.Fatalf("detailed message %q", d)
	}
	if strings.Contains(d, "other-secret") {
		t.Fatal("detailed message reveals the secret")
	}
}

func TestVerifyLookupFailure(t *testing.T) {
	boom := errors.New("database down")
	v := &Verifier{Lookup: func(context.Context, string) (string, error) { return "", boom }, Now: func() time.Time { return t0 }}
	_, err := v.Verify(context.Background(), signedTestRequest(t, nil), []byte(testBody))
	var e *Error
	if !errors.Is(err, boom) || errors.As(err, &e) {
		t.Fatalf("got %v, want the lookup failure wrapped", err)
	}
	if _, err := (&Verifier{}).Verify(context.Background(), signedTestRequest(t, nil), nil); err == nil {
		t.Fatal("a Verifier without Lookup accepted a request")
	}
}

func TestCredentialsRedacted(t *testing.T) {
	c := Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret, SessionToken: "tok"}
	for _, s := range []string{c.String(), c.GoString()} {
		if strings.Contains(s, testSecret) || !strings.Contains(s, testAKID) {
			t.Fatalf("%q", s)
		}
	}
}

// A real client and server: what net/http does to the request on both
// sides must not break the signature.
func TestOverHTTP(t *testing.T) {
	v := &Verifier{Lookup: testLookup}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		res, err := v.Verify(r.Context(), r, body)
		if err != nil {
			var e *Error
			if errors.As(err, &e) {
				http.Error(w, e.Code+": "+e.DetailedMessage(), e.HTTPStatus)
				return
			}
			http.Error(w, err.Error(), 500)
			return
		}
		io.WriteString(w, res.AccessKeyID)
	}))
	defer srv.Close()
	creds := Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}

	for _, target := range []string{
		"/",
		"/a%20b/%E1%88%B4/./c//d/../e?x=1&y=a+b&z=%2F&empty=&flag",
		"/path?Action=ListUsers&Marker=a%2Bb%3D%3D",
	} {
		t.Run("header"+target, func(t *testing.T) {
			r, _ := http.NewRequest("POST", srv.URL+target, strings.NewReader(testBody))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r.Header.Add("X-Custom", "a   b")
			r.Header.Add("X-Custom", " c ")
			r.Header.Set("Content-Length", strconv.Itoa(len(testBody))) // signed; net/http rewrites it
			if err := Sign(r, []byte(testBody), creds, "us-east-1", "iam", time.Now()); err != nil {
				t.Fatal(err)
			}
			expectOK(t, r)
		})
		t.Run("presigned"+target, func(t *testing.T) {
			r, _ := http.NewRequest("GET", srv.URL+target, nil)
			if err := Presign(r, nil, creds, "us-east-1", "sts", time.Now(), time.Minute); err != nil {
				t.Fatal(err)
			}
			expectOK(t, r)
		})
	}
}

func expectOK(t *testing.T, r *http.Request) {
	t.Helper()
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || string(b) != testAKID {
		t.Fatalf("%s: %s", resp.Status, b)
	}
}
