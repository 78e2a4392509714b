package server

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/iamd-dev/iamd/internal/console"
)

// The API listener serves the console's pages at /console/, unsigned, with its CSP; an
// unsigned GET of any other path is still an AWS call (refused as one), and signed calls
// work as before.
func TestServerServesTheConsole(t *testing.T) {
	ts := startServer(t, "")
	get := func(path string) (*http.Response, string) {
		t.Helper()
		res, err := http.Get(ts.endpoint + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res, string(body)
	}
	res, body := get(console.Path + "/")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "iamd console") || res.Header.Get("Content-Security-Policy") != console.CSP {
		t.Fatalf("/console/: %d %q CSP %q", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Content-Security-Policy"))
	}
	if res, _ := get(console.Path + "/app.js"); res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/javascript; charset=utf-8" {
		t.Errorf("app.js: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if res, _ := get("/favicon.ico"); res.StatusCode != http.StatusForbidden || res.Header.Get("Content-Security-Policy") != "" {
		t.Errorf("an unsigned GET elsewhere: %d, CSP %q; want AWS's 403 without the console's headers", res.StatusCode, res.Header.Get("Content-Security-Policy"))
	}
	if _, err := ts.iam(ts.root).ListRoles(context.Background(), &awsiam.ListRolesInput{}); err != nil {
		t.Fatalf("a signed call: %v", err)
	}
}
