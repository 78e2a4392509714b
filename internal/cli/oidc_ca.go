package cli

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"
	"time"
)

// oidcHTTPClient is the client that fetches OpenID Connect issuers' discovery documents and
// keys: the system's trusted roots, plus the PEM certificates of caFile when given (for
// issuers of a private cloud, whose certificates a private CA signed).
func oidcHTTPClient(caFile string) (*http.Client, error) {
	if caFile == "" {
		return nil, nil // the server's default
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, err
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s holds no PEM certificate", caFile)
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return &http.Client{Transport: transport, Timeout: 10 * time.Second}, nil
}
