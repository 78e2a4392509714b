package sigv4

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"
)

func sessVerify(t *testing.T, v *Verifier, r *http.Request) (*Result, *Error) {
	t.Helper()
	if v.Lookup == nil {
		v.Lookup = testLookup
	}
	v.Now = func() time.Time { return t0 }
	res, err := v.Verify(context.Background(), r, []byte(testBody))
	if err == nil {
		return res, nil
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("not an *Error: %v", err)
	}
	return nil, e
}

func sessSigned(t *testing.T, region, service string) *http.Request {
	t.Helper()
	r := newTestRequest(t, "POST", "https://iam.amazonaws.com/", testBody)
	if err := Sign(r, []byte(testBody), Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}, region, service, t0); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestSessRegionForService(t *testing.T) {
	global := func(service, _ string) string {
		if service == "iam" {
			return "us-east-1"
		}
		return ""
	}
	for _, tc := range []struct {
		region, service string
		regionField     string // Verifier.Region
		wantMsg         string // "" when accepted
	}{
		{"us-east-1", "iam", "", ""},
		{"eu-west-1", "iam", "", "Credential should be scoped to a valid region, not 'eu-west-1'. "},
		{"eu-west-1", "sts", "", ""},
		{"ap-south-1", "secretsmanager", "", ""},
		// RegionFor overrides Region for its service only.
		{"us-east-1", "iam", "eu-west-1", ""},
		{"us-east-1", "sts", "eu-west-1", "Credential should be scoped to a valid region, not 'us-east-1'. "},
	} {
		v := &Verifier{RegionFor: global, Region: tc.regionField}
		res, e := sessVerify(t, v, sessSigned(t, tc.region, tc.service))
		switch {
		case tc.wantMsg == "" && e != nil:
			t.Errorf("%s/%s: refused: %v", tc.region, tc.service, e)
		case tc.wantMsg == "" && res.Region != tc.region:
			t.Errorf("%s/%s: region %s", tc.region, tc.service, res.Region)
		case tc.wantMsg != "" && e == nil:
			t.Errorf("%s/%s: accepted", tc.region, tc.service)
		case tc.wantMsg != "" && (e.Code != CodeSignatureDoesNotMatch || e.HTTPStatus != 403 || e.Message != tc.wantMsg):
			t.Errorf("%s/%s: %s %d %q", tc.region, tc.service, e.Code, e.HTTPStatus, e.Message)
		}
	}
}

func TestSessRepeatedAuthorization(t *testing.T) {
	first := sessSigned(t, "us-east-1", "iam")
	if _, e := sessVerify(t, &Verifier{}, first); e != nil {
		t.Fatalf("one header: %v", e)
	}
	second := sessSigned(t, "us-east-1", "iam").Header.Get("Authorization")
	for _, tc := range []struct {
		name, extra string
		code, msg   string
	}{
		// A second signature: AWS joins the fields and trips on the second scheme name.
		{"second signature", second, CodeIncompleteSignature,
			"'AWS4-HMAC-SHA256' not a valid key=value pair (missing equal-sign) in Authorization header: '" + first.Header.Get("Authorization") + "," + second + "'."},
		{"bare components", "Signature=0000", CodeIncompleteSignature,
			"The request must have exactly one Authorization header. Authorization=" + first.Header.Get("Authorization") + ",Signature=0000"},
		{"empty", "", CodeIncompleteSignature,
			"The request must have exactly one Authorization header. Authorization=" + first.Header.Get("Authorization") + ","},
	} {
		r := sessSigned(t, "us-east-1", "iam")
		r.Header.Set("Authorization", first.Header.Get("Authorization"))
		r.Header.Set("X-Amz-Date", first.Header.Get("X-Amz-Date"))
		r.Header.Add("Authorization", tc.extra)
		_, e := sessVerify(t, &Verifier{}, r)
		if e == nil {
			t.Errorf("%s: accepted", tc.name)
			continue
		}
		if e.Code != tc.code || e.HTTPStatus != 403 || e.Message != tc.msg {
			t.Errorf("%s: %s %d\n %q\nwant\n %q", tc.name, e.Code, e.HTTPStatus, e.Message, tc.msg)
		}
	}
}
