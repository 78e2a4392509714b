package tlsutil

import (
	"crypto/tls"
	"fmt"
	"sync/atomic"
)

// Certificate is a server certificate read from a certificate file and a key file, which
// Reload reads again: the new pair replaces the old one whole, for the handshakes after it.
type Certificate struct {
	certFile, keyFile string
	pair              atomic.Pointer[tls.Certificate]
}

// Load reads the certificate (PEM, the chain after the leaf) and its private key (PEM).
func Load(certFile, keyFile string) (*Certificate, error) {
	c := &Certificate{certFile: certFile, keyFile: keyFile}
	return c, c.Reload()
}

// Reload reads the files again; on an error the certificate in use stays. The error names
// the files (crypto/tls's errors never quote a key).
func (c *Certificate) Reload() error {
	pair, err := tls.LoadX509KeyPair(c.certFile, c.keyFile)
	if err != nil {
		return fmt.Errorf("loading the TLS certificate %s and key %s: %w", c.certFile, c.keyFile, err)
	}
	c.pair.Store(&pair)
	return nil
}

// GetCertificate is tls.Config.GetCertificate: the pair loaded last.
func (c *Certificate) GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	return c.pair.Load(), nil
}

// ServerConfig is the listener's TLS configuration: TLS 1.2 or later, HTTP/1.1, the
// certificate read by GetCertificate at each handshake.
func (c *Certificate) ServerConfig() *tls.Config {
	return &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: c.GetCertificate, NextProtos: []string{"http/1.1"}}
}
