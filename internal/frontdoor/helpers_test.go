package frontdoor

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/iamd-dev/iamd/internal/catalog"
	"github.com/iamd-dev/iamd/internal/opmodel"
)

const testAccount = "111122223333"

// signedRequest is a request signed (in form: only the credential scope is read) for the
// service in us-west-2; headers are "Name: value" lines.
func signedRequest(service, method, target, body string, headers ...string) *http.Request {
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/us-west-2/"+service+
		"/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000")
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		r.Header.Add(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	return r
}

// decode decodes a request to the service signing as signingName with the real models.
func decode(t *testing.T, signingName string, r *http.Request, body string) *Call {
	t.Helper()
	m := opmodel.Default()
	svc := m.BySigningName(signingName)
	if svc == nil {
		t.Fatalf("no service signs as %q", signingName)
	}
	c, err := Decode(m, svc, r, []byte(body))
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	return c
}

// plan authorizes a call with the real catalog for testAccount.
func plan(t *testing.T, c *Call) Plan {
	t.Helper()
	p, err := Authorize(c, testAccount, catalog.Default())
	if err != nil {
		t.Fatalf("Authorize: %v", err)
	}
	return p
}

// lines are a plan's requests as "action resource", in order.
func lines(p Plan) []string {
	out := make([]string, len(p.Requests))
	for i, r := range p.Requests {
		out[i] = r.Action + " " + r.Resource
	}
	return out
}

// keysOf is a request's condition keys as "key=v1,v2", sorted.
func keysOf(p Plan, i int) []string {
	ctx := p.Requests[i].Context
	var out []string
	for _, k := range ctx.Keys() {
		v, _ := ctx.Get(k)
		out = append(out, fmt.Sprintf("%s=%s", k, strings.Join(v, ",")))
	}
	sort.Strings(out)
	return out
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
