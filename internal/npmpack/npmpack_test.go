package npmpack

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

func TestFilesPacksALocalPackage(t *testing.T) {
	if _, err := exec.LookPath("npm"); err != nil {
		t.Skip("npm not installed")
	}
	src := t.TempDir()
	for name, body := range map[string]string{
		"package.json":   `{"name":"iamd-npmpack-test","version":"1.2.3"}`,
		"data/keep.json": `{"a":1}`,
		"data/drop.json": `{"b":2}`,
	} {
		os.MkdirAll(filepath.Join(src, filepath.Dir(name)), 0o755)
		if err := os.WriteFile(filepath.Join(src, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	files, err := Files(src, func(p string) bool { return p != "data/drop.json" })
	if err != nil {
		t.Fatal(err)
	}
	if got := string(files["data/keep.json"]); got != `{"a":1}` {
		t.Errorf("data/keep.json = %q", got)
	}
	if _, ok := files["data/drop.json"]; ok {
		t.Error("data/drop.json kept though keep refused it")
	}
	if _, ok := files["package.json"]; !ok {
		t.Errorf("package.json missing; got %d files", len(files))
	}
}

func TestWriteGzipRoundTrips(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.gz")
	data := bytes.Repeat([]byte("line\tof\tdata\n"), 100)
	size, err := WriteGzip(path, data)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if size != len(raw) || size >= len(data) {
		t.Errorf("size %d, file %d bytes, data %d bytes", size, len(raw), len(data))
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	back, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(back, data) {
		t.Errorf("read back %d bytes, err %v", len(back), err)
	}
}
