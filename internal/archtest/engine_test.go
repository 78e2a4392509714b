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

// protocolMayUse is what the protocol packages (internal/api/...) may name of the policy
// engine: condition keys, the kinds of policies and principals, and whether a decision
// allowed. Parsing, compiling and evaluating policies are the domain's (authz, simulate,
// secrets, ...), so a protocol package never decides anything itself.
var protocolMayUse = map[string]bool{
	"Context": true, "Kind": true, "ParseKind": true,
	"Identity": true, "Resource": true, "Trust": true, "Boundary": true, "SCP": true, "RCP": true, "Session": true,
	"User": true, "Allowed": true,
}

func TestProtocolEvaluatesNothing(t *testing.T) {
	for _, msg := range engineUses(t, filepath.Join("..", "..", "internal", "api")) {
		t.Error(msg)
	}
}

// engineUses lists the names of the policy engine that non-test files under dir use beyond
// protocolMayUse.
func engineUses(t *testing.T, dir string) []string {
	t.Helper()
	var found []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return err
		}
		name := importName(f, module+"internal/policy")
		if name == "" {
			return nil
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if x, ok := sel.X.(*ast.Ident); ok && x.Name == name && !protocolMayUse[sel.Sel.Name] {
				found = append(found, path+" uses policy."+sel.Sel.Name+": the protocol layer does not parse or evaluate policies")
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// importName is the name a file uses for an imported package ("" when it does not import it).
func importName(f *ast.File, path string) string {
	for _, imp := range f.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p == path {
			if imp.Name != nil {
				return imp.Name.Name
			}
			return path[strings.LastIndex(path, "/")+1:]
		}
	}
	return ""
}

func TestEngineRuleCatchesEvaluation(t *testing.T) {
	dir := t.TempDir()
	src := `package p

import engine "github.com/iamd-dev/iamd/internal/policy"

var ctx engine.Context

func decide(doc []byte) { p, _ := engine.Parse(doc, engine.Identity); _ = p }
`
	if err := os.WriteFile(filepath.Join(dir, "p.go"), []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	found := engineUses(t, dir)
	if len(found) != 1 || !strings.Contains(found[0], "policy.Parse:") {
		t.Fatalf("found %q, want one use of policy.Parse", found)
	}
}
