package cli

import (
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
)

// The warning is given for the key in DATA (DATA/master.key, or a --master-key-file inside
// DATA) on a non-loopback address, and not for a key file outside DATA, a key in the
// environment, or loopback.
func TestWarnKeyInDataKeyFile(t *testing.T) {
	data := t.TempDir()
	cases := []struct {
		name, key, file, addr string
		warn                  bool
	}{
		{"DATA/master.key", "", "", "0.0.0.0:4599", true},
		{"a key file inside DATA", "", filepath.Join(data, "sub", "k"), "0.0.0.0:4599", true},
		{"a key file outside DATA", "", filepath.Join(t.TempDir(), "k"), "0.0.0.0:4599", false},
		{"a key file beside DATA with a common prefix", "", data + "-keys/k", "0.0.0.0:4599", false},
		{"the environment", "a2V5", "", "0.0.0.0:4599", false},
		{"loopback", "", "", "127.0.0.1:4599", false},
	}
	for _, tc := range cases {
		var out strings.Builder
		warnKeyInData(slog.New(slog.NewTextHandler(&out, nil)), tc.key, tc.file, data, tc.addr)
		if got := strings.Contains(out.String(), "the master key is in the data directory"); got != tc.warn {
			t.Errorf("%s: warned %v, want %v", tc.name, got, tc.warn)
		}
	}
}
