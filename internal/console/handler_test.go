package console

import (
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// fallbackStatus marks an answer of the AWS handler the console hands signed calls to.
const fallbackStatus = http.StatusTeapot

func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	aws := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(fallbackStatus) })
	mux := http.NewServeMux()
	h := Handler(Assets(), aws)
	mux.Handle(Path, h)
	mux.Handle(Path+"/", h)
	mux.Handle("/", aws)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

func get(t *testing.T, srv *httptest.Server, path string, header http.Header) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	client := &http.Client{CheckRedirect: noRedirect}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, body
}

func assetNames(t *testing.T) []string {
	t.Helper()
	var names []string
	err := fs.WalkDir(Assets(), ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(names) < 5 {
		t.Fatalf("only %d assets embedded: %v", len(names), names)
	}
	return names
}

// Every embedded file is served at its path under /console/ with its content type, the
// CSP and the other security headers; the index at /console/, and /console redirects there.
func TestConsoleServesEveryAsset(t *testing.T) {
	srv := newServer(t)
	for _, name := range assetNames(t) {
		res, body := get(t, srv, Path+"/"+name, nil)
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d", name, res.StatusCode)
			continue
		}
		want, _ := fs.ReadFile(Assets(), name)
		if string(body) != string(want) {
			t.Errorf("%s: body differs from the embedded file", name)
		}
		if got := res.Header.Get("Content-Type"); got == "" || got != ContentType(name) {
			t.Errorf("%s: Content-Type %q, want %q", name, got, ContentType(name))
		}
		checkSecurityHeaders(t, name, res.Header)
	}
	res, body := get(t, srv, Path+"/", nil)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/html; charset=utf-8" || !strings.Contains(string(body), "<title>iamd console</title>") {
		t.Errorf("index: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	checkSecurityHeaders(t, "index", res.Header)
	res, _ = get(t, srv, Path, nil)
	if res.StatusCode != http.StatusFound || res.Header.Get("Location") != Path+"/" {
		t.Errorf("%s: %d to %q, want a redirect to %s/", Path, res.StatusCode, res.Header.Get("Location"), Path)
	}
}

func checkSecurityHeaders(t *testing.T, name string, h http.Header) {
	t.Helper()
	csp := h.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("%s: CSP %q lacks %q", name, csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("%s: CSP allows inline or eval: %q", name, csp)
	}
	if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" || h.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("%s: security headers %v", name, h)
	}
}

// A signed request, or one that is not a GET, is an AWS call whatever its path (an S3 bucket
// may be named "console"): the AWS handler serves it.
func TestConsoleLeavesSignedCallsToAWS(t *testing.T) {
	srv := newServer(t)
	auth := http.Header{"Authorization": {"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261203/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00"}}
	for _, path := range []string{Path, Path + "/", Path + "/index.html", Path + "/key"} {
		if res, _ := get(t, srv, path, auth); res.StatusCode != fallbackStatus {
			t.Errorf("signed GET %s: status %d, want the AWS handler's", path, res.StatusCode)
		}
	}
	if res, _ := get(t, srv, Path+"/index.html?X-Amz-Signature=00&X-Amz-Credential=x", nil); res.StatusCode != fallbackStatus {
		t.Errorf("presigned GET: status %d, want the AWS handler's", res.StatusCode)
	}
	res, err := http.Post(srv.URL+Path+"/", "application/x-www-form-urlencoded", strings.NewReader("Action=ListUsers"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != fallbackStatus {
		t.Errorf("POST: status %d, want the AWS handler's", res.StatusCode)
	}
}

// What is not an embedded file of a served kind is not found, with the headers still set.
func TestConsoleNotFound(t *testing.T) {
	srv := newServer(t)
	for _, path := range []string{Path + "/nope.js", Path + "/vendor", Path + "/assets.go", Path + "/..%2fassets.go", Path + "/vendor/cytoscape.LICENSE"} {
		res, _ := get(t, srv, path, nil)
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", path, res.StatusCode)
		}
		if res.Header.Get("Content-Security-Policy") != CSP {
			t.Errorf("%s: no CSP on the 404", path)
		}
	}
}

var (
	accessKeyID = regexp.MustCompile(`\b(AKIA|ASIA)[A-Z0-9]{16}\b`)
	// secretLike is a string literal shaped like a secret access key (40 base64 characters).
	secretLike = regexp.MustCompile(`["'][A-Za-z0-9/+]{40}["']`)
	storage    = regexp.MustCompile(`localStorage|sessionStorage|document\.cookie|indexedDB`)
	scriptTag  = regexp.MustCompile(`(?is)<script([^>]*)>(.*?)</script>`)
	inlineAttr = regexp.MustCompile(`(?i)\son[a-z]+\s*=|\sstyle\s*=|javascript:|<style`)
)

// No served file holds a key (an access key id or a secret-shaped literal); none of the
// console's own files touches browser storage or cookies; the page has no inline script,
// no inline handler and no inline style (the CSP would refuse them).
func TestConsoleHoldsNoKey(t *testing.T) {
	for _, name := range assetNames(t) {
		body, err := fs.ReadFile(Assets(), name)
		if err != nil {
			t.Fatal(err)
		}
		if m := accessKeyID.Find(body); m != nil {
			t.Errorf("%s holds an access key id: %s", name, m)
		}
		if m := secretLike.Find(body); m != nil {
			t.Errorf("%s holds a secret-shaped literal: %s", name, m)
		}
		if strings.HasPrefix(name, "vendor/") {
			continue
		}
		if m := storage.Find(body); m != nil {
			t.Errorf("%s uses browser storage: %s", name, m)
		}
		if strings.HasSuffix(name, ".html") {
			for _, m := range scriptTag.FindAllSubmatch(body, -1) {
				if !strings.Contains(string(m[1]), "src=") || strings.TrimSpace(string(m[2])) != "" {
					t.Errorf("%s has an inline script: %q", name, m[0])
				}
			}
			if m := inlineAttr.Find(body); m != nil {
				t.Errorf("%s has an inline handler or style: %q", name, m)
			}
		}
	}
}
