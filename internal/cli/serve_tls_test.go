package cli

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuilder is a strings.Builder a running command writes while the test reads it.
type lockedBuilder struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuilder) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuilder) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// `iamd serve --tls` makes a local CA in DATA/tls, prints its path, and serves over TLS
// with a certificate it signs; the keys are its owner's only and never printed.
func TestServeTLSMakesALocalCA(t *testing.T) {
	clearServeEnv(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var stderr lockedBuilder
	go func() {
		done <- Main(ctx, []string{"serve", "--addr", addr, "--data", dir, "--audit", "", "--tls"}, Env{Stdout: &strings.Builder{}, Stderr: &stderr})
	}()
	defer func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("iamd serve exited %d: %s", code, stderr.String())
			}
		case <-time.After(15 * time.Second):
			t.Error("iamd serve did not stop")
		}
	}()
	caPath := filepath.Join(dir, "tls", "ca.pem")
	var client *http.Client
	for i := 0; ; i++ {
		if pem, err := os.ReadFile(caPath); err == nil && client == nil {
			pool := x509.NewCertPool()
			pool.AppendCertsFromPEM(pem)
			client = &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
		}
		if client != nil {
			if resp, err := client.Get("https://" + addr + "/healthz"); err == nil {
				resp.Body.Close()
				break
			}
		}
		if i > 200 {
			t.Fatalf("iamd serve --tls did not serve over TLS: %s", stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	// localhost is in the certificate too.
	_, port, _ := net.SplitHostPort(addr)
	resp, err := client.Get("https://localhost:" + port + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	out := stderr.String()
	if !strings.Contains(out, "AWS_CA_BUNDLE="+caPath) || !strings.Contains(out, "iamd listening on https://"+addr) {
		t.Errorf("the CA's path is not printed:\n%s", out)
	}
	for _, key := range []string{"server-key.pem", "ca-key.pem"} {
		path := filepath.Join(dir, "tls", key)
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", key, st.Mode().Perm())
		}
		pem, _ := os.ReadFile(path)
		body := strings.Split(string(pem), "\n")[1]
		if strings.Contains(out, body) {
			t.Errorf("%s is printed", key)
		}
	}
	// The task credentials endpoint is announced in plain HTTP on loopback.
	if !strings.Contains(out, "task credentials served in plain HTTP on http://127.0.0.1:") {
		t.Errorf("no plain task credentials endpoint announced:\n%s", out)
	}
}

func TestServeTLSFlagErrors(t *testing.T) {
	clearServeEnv(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--tls-cert", "c.pem"}, "give both --tls-cert and --tls-key, or neither"},
		{[]string{"--tls-cert", "/nonexistent/c.pem", "--tls-key", "/nonexistent/k.pem"}, "loading the TLS certificate /nonexistent/c.pem and key /nonexistent/k.pem"},
		{[]string{"--trusted-proxy", "10.0.0.0/33"}, `--trusted-proxy "10.0.0.0/33": want a CIDR`},
	} {
		var stderr strings.Builder
		code := Main(context.Background(), append([]string{"serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0"}, c.args...), Env{Stdout: &strings.Builder{}, Stderr: &stderr})
		if code != 2 || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("%q: exit %d, %q; want 2 and %q", c.args, code, stderr.String(), c.want)
		}
	}
}
