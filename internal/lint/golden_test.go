package lint

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamd-dev/iamd/internal/policy"
)

var update = flag.Bool("update", false, "rewrite the golden files with the findings of this run")

// golden is one policy and where its expected findings are kept.
type golden struct {
	input, output string
	opts          Options
}

// goldenCases are the seed policies (examples/seeds, in the repository's account
// 123456789012, and the policies of the seed documents as they are written, placeholders
// and all, in testdata/shared-seeds) and the hand-written cases of testdata/cases.
func goldenCases(t *testing.T) []golden {
	var out []golden
	kindOf := func(name string) policy.Kind {
		switch {
		case strings.Contains(name, "trust"):
			return policy.Trust
		case strings.Contains(name, "-resource"):
			return policy.Resource
		}
		return policy.Identity
	}
	add := func(pattern, outDir, account string) {
		files, err := filepath.Glob(pattern)
		if err != nil || len(files) == 0 {
			t.Fatalf("%s: %v (%d files)", pattern, err, len(files))
		}
		for _, f := range files {
			if strings.HasSuffix(f, ".test.json") || strings.HasSuffix(f, ".golden.json") {
				continue
			}
			base := strings.TrimSuffix(filepath.Base(f), ".json")
			out = append(out, golden{input: f, output: filepath.Join(outDir, base+".golden.json"), opts: Options{Kind: kindOf(base), Account: account}})
		}
	}
	add("../../examples/seeds/*.json", "testdata/examples", "123456789012")
	add("testdata/shared-seeds/*.json", "testdata/shared-seeds", "")
	add("testdata/cases/*.json", "testdata/cases", "")
	return out
}

func TestGolden(t *testing.T) {
	cases := goldenCases(t)
	if len(cases) < 40 {
		t.Fatalf("only %d golden cases", len(cases))
	}
	if *update {
		os.MkdirAll("testdata/examples", 0o755)
	}
	for _, c := range cases {
		t.Run(c.input, func(t *testing.T) {
			data, err := os.ReadFile(c.input)
			if err != nil {
				t.Fatal(err)
			}
			findings := Lint(data, c.opts)
			if findings == nil {
				findings = []Finding{}
			}
			got, err := json.MarshalIndent(findings, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			if *update {
				if err := os.WriteFile(c.output, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(c.output)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/lint -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("findings differ from %s (run with -update after checking them):\n%s", c.output, got)
			}
		})
	}
}
