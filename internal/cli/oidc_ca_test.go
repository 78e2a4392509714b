package cli

import (
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

// A private CA given with --oidc-ca is trusted for issuers; without it, the same issuer's
// certificate is refused.
func TestOIDCCAFile(t *testing.T) {
	issuer := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"jwks_uri":"x"}`))
	}))
	defer issuer.Close()
	dir := t.TempDir()
	caFile := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: issuer.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	client, err := oidcHTTPClient(caFile)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := client.Get(issuer.URL)
	if err != nil {
		t.Fatalf("the issuer signed by the given CA is not trusted: %v", err)
	}
	resp.Body.Close()

	system, _ := oidcHTTPClient("")
	if system == nil {
		system = &http.Client{}
	}
	if resp, err := system.Get(issuer.URL); err == nil {
		resp.Body.Close()
		t.Fatal("without --oidc-ca the private issuer was trusted")
	}

	notPEM := filepath.Join(dir, "nope.pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := oidcHTTPClient(notPEM); err == nil {
		t.Fatal("a file without certificates was accepted")
	}
}
