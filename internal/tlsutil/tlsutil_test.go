package tlsutil

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestLocalCAServesItsHostsAndKeepsKeysPrivate(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	l, err := LocalCA(dir, []string{"127.0.0.1", "localhost", "iamd.example"}, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{l.Key, filepath.Join(dir, caKeyFile)} {
		st, err := os.Stat(key)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", key, st.Mode().Perm())
		}
	}
	cert, err := Load(l.Cert, l.Key)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pem, _ := os.ReadFile(l.CA)
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatal("ca.pem holds no certificate")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}), ErrorLog: log.New(io.Discard, "", 0)}
	go srv.Serve(tls.NewListener(ln, cert.ServerConfig()))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	for _, host := range []string{"127.0.0.1", "localhost"} {
		c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
		resp, err := c.Get("https://" + net.JoinHostPort(host, port) + "/")
		if err != nil {
			t.Fatalf("%s: %v", host, err)
		}
		resp.Body.Close()
	}
	// A client that does not trust the authority is refused.
	if _, err := http.Get("https://" + ln.Addr().String()); err == nil {
		t.Error("a client without the local CA connected")
	}

	// A second start keeps the authority and the certificate; another host makes a new
	// certificate from the same authority.
	before, _ := os.ReadFile(l.Cert)
	if _, err := LocalCA(dir, []string{"127.0.0.1", "localhost"}, now); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadFile(l.Cert); string(after) != string(before) {
		t.Error("the server certificate was made anew though it names every host")
	}
	if _, err := LocalCA(dir, []string{"127.0.0.1", "other.example"}, now); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadFile(l.Cert); string(after) == string(before) {
		t.Error("the server certificate was kept though it does not name other.example")
	}
	if again, _ := os.ReadFile(l.CA); string(again) != string(pem) {
		t.Error("the authority was made anew")
	}
}

func TestReloadSwapsTheCertificate(t *testing.T) {
	a, err := LocalCA(filepath.Join(t.TempDir(), "a"), []string{"127.0.0.1"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	b, err := LocalCA(filepath.Join(t.TempDir(), "b"), []string{"127.0.0.1"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certPath, keyPath := filepath.Join(dir, "c.pem"), filepath.Join(dir, "k.pem")
	use := func(l Local) {
		for src, dst := range map[string]string{l.Cert: certPath, l.Key: keyPath} {
			data, _ := os.ReadFile(src)
			if err := os.WriteFile(dst, data, 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	use(a)
	cert, err := Load(certPath, keyPath)
	if err != nil {
		t.Fatal(err)
	}
	first, _ := cert.GetCertificate(nil)
	use(b)
	if got, _ := cert.GetCertificate(nil); got != first {
		t.Fatal("the certificate changed before Reload")
	}
	if err := cert.Reload(); err != nil {
		t.Fatal(err)
	}
	second, _ := cert.GetCertificate(nil)
	if string(second.Certificate[0]) == string(first.Certificate[0]) {
		t.Fatal("Reload kept the old certificate")
	}
	// A broken file is refused and the certificate in use stays.
	if err := os.WriteFile(keyPath, []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := cert.Reload(); err == nil {
		t.Fatal("Reload took a broken key")
	}
	if got, _ := cert.GetCertificate(nil); got != second {
		t.Error("a failed Reload replaced the certificate")
	}
}
