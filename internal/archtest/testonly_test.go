package archtest

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// testOnly are packages only tests (and their own tools) may import: they open stores in
// temporary directories, or sign with test keys held in the clear (samltest).
var testOnly = []string{"internal/testutil", "internal/saml/samltest"}

func TestTestOnlyPackagesStayInTests(t *testing.T) {
	root := filepath.Join("..", "..")
	for _, top := range []string{"cmd", "internal"} {
		err := filepath.WalkDir(filepath.Join(root, top), func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
			if err != nil {
				return err
			}
			for _, imp := range f.Imports {
				p, _ := strconv.Unquote(imp.Path.Value)
				for _, only := range testOnly {
					if p == module+only && !strings.HasPrefix(filepath.ToSlash(path), filepath.ToSlash(filepath.Join(root, only))) {
						t.Errorf("%s imports %s, which only tests may", path, p)
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
