package cli

import (
	"encoding/json"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamd-dev/iamd/internal/catalog"
	"github.com/iamd-dev/iamd/internal/policy"
)

// TestPolicyExpandSeeds expands every seed policy and checks, against an oracle of its own
// (path.Match over every action of the catalog), that each statement's expanded actions
// are exactly the catalog actions its original values match, that the result is still a
// valid policy, and that expanding it again changes nothing.
func TestPolicyExpandSeeds(t *testing.T) {
	files, _ := filepath.Glob("../../examples/seeds/*.json")
	cat := catalog.Default()
	var all []string
	byPrefix := map[string][]string{} // the oracle's own index: by the text before the colon
	for _, s := range cat.Services {
		for _, a := range s.Actions {
			all = append(all, a.String())
			p, _, _ := strings.Cut(strings.ToLower(a.String()), ":")
			byPrefix[p] = append(byPrefix[p], a.String())
		}
	}
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, ".test.json") {
			continue
		}
		kind := policy.Identity
		if strings.HasSuffix(f, "-trust-policy.json") {
			kind = policy.Trust
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			out := run(t, "", "policy", "expand", f).want(t, 0).stdout
			if _, err := policy.Parse([]byte(out), kind); err != nil {
				t.Fatalf("expanded policy does not parse: %v\n%s", err, out)
			}
			orig, exp := statementActions(t, data), statementActions(t, []byte(out))
			if len(orig) != len(exp) {
				t.Fatalf("%d statements became %d", len(orig), len(exp))
			}
			for i := range orig {
				want := map[string]bool{}
				for _, v := range orig[i] {
					matched := false
					candidates := all
					if prefix, _, _ := strings.Cut(strings.ToLower(v), ":"); !strings.ContainsAny(prefix, "*?[") {
						candidates = byPrefix[prefix]
					}
					for _, a := range candidates {
						if ok, _ := path.Match(strings.ToLower(v), strings.ToLower(a)); ok {
							want[a] = true
							matched = true
						}
					}
					if !matched {
						want[v] = true // kept as written
					}
				}
				got := map[string]bool{}
				for j, v := range exp[i] {
					got[v] = true
					if j > 0 && strings.ToLower(exp[i][j-1]) >= strings.ToLower(v) {
						t.Errorf("statement %d: %q before %q", i, exp[i][j-1], v)
					}
				}
				if len(got) != len(want) {
					t.Errorf("statement %d: %d actions, want %d", i, len(got), len(want))
				}
				for a := range want {
					if !got[a] {
						t.Errorf("statement %d lacks %s", i, a)
					}
				}
			}
			again := run(t, out, "policy", "expand", "-").want(t, 0).stdout
			if again != out {
				t.Errorf("expanding twice changed the output")
			}
		})
		n++
	}
	if n < 10 {
		t.Fatalf("only %d seed policies", n)
	}
}

// statementActions returns each statement's Action or NotAction values.
func statementActions(t *testing.T, data []byte) [][]string {
	t.Helper()
	var doc struct {
		Statement json.RawMessage
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var sts []map[string]any
	if err := json.Unmarshal(doc.Statement, &sts); err != nil {
		var one map[string]any
		if err := json.Unmarshal(doc.Statement, &one); err != nil {
			t.Fatal(err)
		}
		sts = []map[string]any{one}
	}
	var out [][]string
	for _, st := range sts {
		v := st["Action"]
		if v == nil {
			v = st["NotAction"]
		}
		var list []string
		switch x := v.(type) {
		case string:
			list = []string{x}
		case []any:
			for _, it := range x {
				list = append(list, it.(string))
			}
		}
		out = append(out, list)
	}
	return out
}

func TestPolicyExpandKeepsEverythingElse(t *testing.T) {
	in := `{"Version":"2012-10-17","Id":"x","Statement":{"Effect":"Deny","NotAction":["iam:Pass?ole","nosuch:*"],"Resource":["*"],"Condition":{"NumericLessThan":{"s3:max-keys":10.50},"Bool":{"aws:SecureTransport":false}}}}`
	r := run(t, in, "policy", "expand", "-").want(t, 0)
	want := `{
  "Version": "2012-10-17",
  "Id": "x",
  "Statement": {
    "Effect": "Deny",
    "NotAction": [
      "iam:PassRole",
      "nosuch:*"
    ],
    "Resource": [
      "*"
    ],
    "Condition": {
      "NumericLessThan": {
        "s3:max-keys": 10.50
      },
      "Bool": {
        "aws:SecureTransport": false
      }
    }
  }
}
`
	if r.stdout != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", r.stdout, want)
	}
	if !strings.Contains(r.stderr, `"nosuch:*" matches no action`) {
		t.Errorf("stderr = %q", r.stderr)
	}
}

func TestPolicyExpandUsage(t *testing.T) {
	run(t, "", "policy", "expand").want(t, 2)
	run(t, "", "policy", "expand", "a", "b").want(t, 2)
	run(t, "", "policy", "expand", filepath.Join(t.TempDir(), "missing.json")).want(t, 2)
	run(t, "{", "policy", "expand", "-").want(t, 1)
	run(t, "[]", "policy", "expand", "-").want(t, 1)
}
