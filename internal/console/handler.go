package console

import (
	"bytes"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

// Path is where the console is served: Path itself redirects to Path + "/".
const Path = "/console"

// CSP is the Content-Security-Policy of every file the console serves: scripts and styles
// from the console's own files only (no inline script, no eval), requests to the same
// origin only (the AWS APIs iamd serves there), never framed, no form posts anywhere.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// contentTypes are the types of the files the console has, by extension.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".mjs":  "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".svg":  "image/svg+xml",
	".png":  "image/png",
	".txt":  "text/plain; charset=utf-8",
}

// ContentType is the Content-Type the console serves a file name with ("" for a kind of
// file it does not serve).
func ContentType(name string) string { return contentTypes[path.Ext(name)] }

// Handler serves the console's files at Path. A request that is signed (SigV4 in its
// Authorization header or its query) is an AWS call, not the console's, whatever its path
// (an S3 bucket may be named "console"): aws serves it, as it does every call that is not
// a GET or HEAD.
func Handler(files fs.FS, aws http.Handler) http.Handler {
	start := time.Now()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if signed(r) || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
			aws.ServeHTTP(w, r)
			return
		}
		setHeaders(w.Header())
		if r.URL.Path == Path {
			http.Redirect(w, r, Path+"/", http.StatusFound)
			return
		}
		name := strings.TrimPrefix(r.URL.Path, Path+"/")
		if name == "" {
			name = "index.html"
		}
		ctype := ContentType(name)
		if ctype == "" || !fs.ValidPath(name) {
			http.NotFound(w, r)
			return
		}
		body, err := fs.ReadFile(files, name)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", ctype)
		http.ServeContent(w, r, name, start, bytes.NewReader(body))
	})
}

// setHeaders sets the security headers of every answer of the console.
func setHeaders(h http.Header) {
	h.Set("Content-Security-Policy", CSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cache-Control", "no-cache")
}

// signed says whether a request carries a SigV4 signature (or another AWS authorization):
// then it is an AWS call.
func signed(r *http.Request) bool {
	if r.Header.Get("Authorization") != "" {
		return true
	}
	q := r.URL.Query()
	return q.Has("X-Amz-Signature") || q.Has("X-Amz-Credential") || q.Has("Signature") || q.Has("AWSAccessKeyId")
}
