package archtest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// An ARN names its account's partition (aws, aws-cn, aws-us-gov, ...), so code builds ARNs
// through internal/arn (arn.IAM, arn.STS, arn.InRegion, ...) with the partition of the
// account or region at hand, never from a literal "arn:aws:..." that would be wrong in every
// other partition. Only internal/arn spells partitions, and the generators (gen/), which read
// AWS's published data as it is (the aws partition's).
var arnLiteralAllowed = []string{"internal/arn", "internal/managedpolicies/gen"}

func TestNoAWSPartitionLiterals(t *testing.T) {
	root := filepath.Join("..", "..")
	for _, top := range []string{"cmd", "internal"} {
		err := filepath.WalkDir(filepath.Join(root, top), func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			rel, _ := filepath.Rel(root, path)
			for _, ok := range arnLiteralAllowed {
				if strings.HasPrefix(filepath.ToSlash(rel), ok+"/") {
					return nil
				}
			}
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			ast.Inspect(f, func(n ast.Node) bool {
				lit, ok := n.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				if s, err := strconv.Unquote(lit.Value); err == nil && strings.Contains(s, "arn:aws:") && startsARN(s) {
					t.Errorf("%s: the literal %s names the aws partition: build the ARN with internal/arn in the account's or region's partition", fset.Position(lit.Pos()), lit.Value)
				}
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// startsARN reports whether an ARN of the aws partition starts the literal or one of its
// JSON strings (a policy document's "Resource":"arn:aws:..."). Prose that mentions an ARN's
// shape (a lint finding's advice) is not code that builds one.
func startsARN(s string) bool {
	return strings.HasPrefix(s, "arn:aws:") || strings.Contains(s, `"arn:aws:`)
}
