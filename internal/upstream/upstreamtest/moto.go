package upstreamtest

import (
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/sigv4"
)

// MotoKeys are keys moto accepts (it checks no signature) and keeps its resources under
// its default account, 123456789012.
var MotoKeys = sigv4.Credentials{AccessKeyID: "test", SecretAccessKey: "test"}

// Moto starts moto_server on a free port of 127.0.0.1 for the test, stopped when it ends,
// and returns its URL, or skips the test, saying why, when moto_server is not on PATH.
func Moto(t testing.TB) *url.URL {
	t.Helper()
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		t.Skip("moto_server is not on PATH (pip install 'moto[server]'): the test against moto is skipped")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	logFile, err := os.Create(filepath.Join(t.TempDir(), "moto.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		logFile.Close()
	})
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(logFile.Name())
			t.Fatalf("moto_server did not listen on %s within 30s: %s", addr, log)
		}
	}
	return &url.URL{Scheme: "http", Host: addr}
}
