package tlsutil

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// Files of the local certificate authority and of the server certificate it signs, in the
// directory LocalCA is given.
const (
	CAFile        = "ca.pem"         // the authority's certificate: what clients trust (AWS_CA_BUNDLE)
	caKeyFile     = "ca-key.pem"     // its private key, 0600
	CertFile      = "server.pem"     // the server's certificate
	KeyFile       = "server-key.pem" // its private key, 0600
	caLifetime    = 10 * 365 * 24 * time.Hour
	certLifetime  = 397 * 24 * time.Hour // the longest lifetime browsers accept of a server certificate
	renewBeforeAt = 30 * 24 * time.Hour  // a certificate this close to its end is made anew
)

// Local is a local authority's files: the CA certificate clients trust and the server's
// certificate and key.
type Local struct {
	CA, Cert, Key string
}

// LocalCA makes sure dir holds a certificate authority and a server certificate it signs
// for every one of hosts (names or IP addresses): the authority is made once and kept; the
// server certificate is made anew when it is missing, does not name every host, or is
// near its end.
func LocalCA(dir string, hosts []string, now time.Time) (Local, error) {
	l := Local{CA: filepath.Join(dir, CAFile), Cert: filepath.Join(dir, CertFile), Key: filepath.Join(dir, KeyFile)}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return l, err
	}
	ca, caKey, err := loadOrCreateCA(dir, now)
	if err != nil {
		return l, err
	}
	if current(l.Cert, l.Key, ca, hosts, now) {
		return l, nil
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return l, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: "iamd"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(certLifetime),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else if h != "" {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return l, err
	}
	if err := writeKey(l.Key, key); err != nil {
		return l, err
	}
	return l, writePEM(l.Cert, "CERTIFICATE", der, 0o644)
}

// loadOrCreateCA reads the authority kept in dir, or makes it.
func loadOrCreateCA(dir string, now time.Time) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	certPath, keyPath := filepath.Join(dir, CAFile), filepath.Join(dir, caKeyFile)
	if pair, err := tls.LoadX509KeyPair(certPath, keyPath); err == nil {
		key, ok := pair.PrivateKey.(*ecdsa.PrivateKey)
		if !ok {
			return nil, nil, fmt.Errorf("%s: not an ECDSA key", keyPath)
		}
		return pair.Leaf, key, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, nil, fmt.Errorf("the local certificate authority in %s: %w", dir, err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "iamd local CA", Organization: []string{"iamd"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(caLifetime),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	if err := writeKey(keyPath, key); err != nil {
		return nil, nil, err
	}
	if err := writePEM(certPath, "CERTIFICATE", der, 0o644); err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	return cert, key, err
}

// current reports whether the server certificate on disk is the authority's, names every
// host and is not near its end.
func current(certPath, keyPath string, ca *x509.Certificate, hosts []string, now time.Time) bool {
	pair, err := tls.LoadX509KeyPair(certPath, keyPath)
	if err != nil || pair.Leaf == nil || now.Add(renewBeforeAt).After(pair.Leaf.NotAfter) {
		return false
	}
	if pair.Leaf.CheckSignatureFrom(ca) != nil {
		return false
	}
	return !slices.ContainsFunc(hosts, func(h string) bool { return h != "" && pair.Leaf.VerifyHostname(h) != nil })
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	return n
}

func writeKey(path string, key *ecdsa.PrivateKey) error {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	return writePEM(path, "PRIVATE KEY", der, 0o600)
}

// writePEM writes the block to a temporary file beside path, then renames it over path, so
// that a reader never sees half a file.
func writePEM(path, kind string, der []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := pem.Encode(tmp, &pem.Block{Type: kind, Bytes: der}); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
