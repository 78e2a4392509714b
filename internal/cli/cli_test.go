package cli

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// result is what one in-process run of iamd printed and returned.
type result struct {
	code           int
	stdout, stderr string
}

// run runs iamd in-process with args, stdin as its standard input.
func run(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), args, Env{Stdin: strings.NewReader(stdin), Stdout: &stdout, Stderr: &stderr})
	return result{code, stdout.String(), stderr.String()}
}

// want fails the test unless the run exited with code.
func (r result) want(t *testing.T, code int) result {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, code, r.stdout, r.stderr)
	}
	return r
}

// golden compares got with testdata/NAME, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (go test -update rewrites it)\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

func TestMainUsage(t *testing.T) {
	run(t, "").want(t, 2)
	if r := run(t, "", "bogus").want(t, 2); !strings.Contains(r.stderr, `unknown command "bogus"`) {
		t.Errorf("stderr = %q", r.stderr)
	}
	run(t, "", "policy").want(t, 2)
	if r := run(t, "", "policy", "frobnicate").want(t, 2); !strings.Contains(r.stderr, `unknown command "frobnicate"`) {
		t.Errorf("stderr = %q", r.stderr)
	}
	if r := run(t, "", "policy", "help").want(t, 0); !strings.Contains(r.stdout, "iamd policy test") {
		t.Errorf("policy help does not describe policy test:\n%s", r.stdout)
	}
}
