package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// summary returns the passed and failed counts of the last line, which must be exactly
// "N passed, M failed".
func summary(t *testing.T, stdout string) (passed, failed int) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(stdout, "\n"), "\n")
	m := regexp.MustCompile(`^(\d+) passed, (\d+) failed$`).FindStringSubmatch(lines[len(lines)-1])
	if m == nil {
		t.Fatalf("last line %q is not \"N passed, M failed\"", lines[len(lines)-1])
	}
	passed, _ = strconv.Atoi(m[1])
	failed, _ = strconv.Atoi(m[2])
	return passed, failed
}

// writeFiles writes name → contents under a new temporary directory and returns it.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestPolicyTestExamples(t *testing.T) {
	r := run(t, "", "policy", "test", "../../examples/seeds").want(t, 0)
	passed, failed := summary(t, r.stdout)
	if failed != 0 || passed < 90 {
		t.Errorf("%d passed, %d failed; want every example case (at least 90) to pass", passed, failed)
	}
	if strings.Contains(r.stdout, "--- PASS") {
		t.Errorf("passing cases printed without -v:\n%s", r.stdout)
	}
	// Each file on its own, verbosely: every case is listed.
	tests, _ := filepath.Glob("../../examples/seeds/*.test.json")
	if len(tests) < 5 {
		t.Fatalf("found %d example test files, want one per seed", len(tests))
	}
	total := 0
	for _, f := range tests {
		r := run(t, "", "policy", "test", "-v", f).want(t, 0)
		p, _ := summary(t, r.stdout)
		total += p
		if got := strings.Count(r.stdout, "--- PASS: "+f+":"); got != p {
			t.Errorf("%s: %d PASS lines for %d passing cases", f, got, p)
		}
	}
	if total != passed {
		t.Errorf("file by file %d cases passed, %d for the directory", total, passed)
	}
}

// TestExampleSeedPoliciesAreTested checks that each example policy is used by a test file.
func TestExampleSeedPoliciesAreTested(t *testing.T) {
	tests, _ := filepath.Glob("../../examples/seeds/*.test.json")
	var all strings.Builder
	for _, f := range tests {
		all.WriteString(readFile(t, f))
	}
	policies, _ := filepath.Glob("../../examples/seeds/*.json")
	for _, p := range policies {
		if strings.HasSuffix(p, ".test.json") {
			continue
		}
		if !strings.Contains(all.String(), `"file:`+filepath.Base(p)+`"`) {
			t.Errorf("no example test uses %s", filepath.Base(p))
		}
	}
}

func TestPolicyTestFailing(t *testing.T) {
	const file = "testdata/policytest/failing.test.json"
	r := run(t, "", "policy", "test", file).want(t, 1)
	golden(t, "policytest/failing.golden", r.stdout)
	if passed, failed := summary(t, r.stdout); passed != 1 || failed != 7 {
		t.Errorf("%d passed, %d failed; want 1 passed, 7 failed", passed, failed)
	}
	// The report names the file, the case's line and name, what was wanted and what came.
	for _, want := range []string{
		"--- FAIL: " + file + ":15: alice deletes reports (wrong on purpose): want allowed, got implicitDeny (denied by identity)",
		`want implicitDeny, got explicitDeny (denied by identity) by Deny Sid "NeverDeleteReports" (identity, testdata/policytest/policies/reports-read.json:10:9)`,
		"want implicitDeny (denied by boundary), got implicitDeny (denied by identity)",
		`want a statement with Sid "ListEverything" to apply, got allowed by Allow Sid "ReadReports"`,
		// Malformed policies: AWS's message, at the position in the user's own file.
		file + ":46:15: MalformedPolicyDocument: Syntax errors in policy. (a statement needs Effect) [identityPolicies[0]]",
		"testdata/policytest/policies/trailing-comma.json:8:9: MalformedPolicyDocument: Syntax errors in policy.",
		"a request without an action: error: request has no action",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("report lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "alice reads reports") {
		t.Errorf("a passing case was printed without -v:\n%s", r.stdout)
	}
	// -v also lists the passing case; -run picks cases by name; flags may follow files.
	r = run(t, "", "policy", "test", file, "-v").want(t, 1)
	if !strings.Contains(r.stdout, "--- PASS: "+file+":9: alice reads reports: allowed by Allow Sid \"ReadReports\"") {
		t.Errorf("-v does not list the passing case:\n%s", r.stdout)
	}
	r = run(t, "", "policy", "test", "-run", "^alice reads", file).want(t, 0)
	if passed, failed := summary(t, r.stdout); passed != 1 || failed != 0 {
		t.Errorf("-run: %d passed, %d failed; want 1 passed", passed, failed)
	}
	// A failing file among passing ones fails the run; the summary counts them all.
	r = run(t, "", "policy", "test", "../../examples/seeds/003-bosh.test.json", file).want(t, 1)
	if passed, failed := summary(t, r.stdout); passed != 10 || failed != 7 {
		t.Errorf("%d passed, %d failed; want 10 passed, 7 failed", passed, failed)
	}
}

func TestPolicyTestUnknownField(t *testing.T) {
	r := run(t, "", "policy", "test", "testdata/policytest/unknown-field.test.json").want(t, 2)
	if !strings.Contains(r.stderr, `unknown-field.test.json: cases[1] (line 13): json: unknown field "expcet"`) {
		t.Errorf("stderr = %q", r.stderr)
	}
	// File errors stop the run with 2 even when other files pass or fail.
	run(t, "", "policy", "test", "testdata/policytest/failing.test.json", "testdata/policytest/unknown-field.test.json").want(t, 2)
}

func TestPolicyTestFileErrors(t *testing.T) {
	const policy = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}`
	okCase := `{"name": "reads", "request": {"action": "s3:GetObject", "resource": "arn:aws:s3:::b/k"}, "expect": "allowed"}`
	defaults := `"defaults": {"principal": "arn:aws:iam::123456789012:user/alice", "identityPolicies": ["file:p.json"]}`
	tests := []struct {
		name, file, stderr string
	}{
		{"not JSON", `{"cases": [`, "unexpected EOF"},
		{"trailing data", `{` + defaults + `, "cases": [` + okCase + `]} {}`, "unexpected data after the JSON value"},
		{"unknown top-level field", `{"decription": "x", ` + defaults + `, "cases": [` + okCase + `]}`, `unknown field "decription"`},
		{"unknown field in defaults", `{"defaults": {"principle": "arn:aws:iam::123456789012:user/alice"}, "cases": [` + okCase + `]}`, `defaults: json: unknown field "principle"`},
		{"unknown field in a request", `{` + defaults + `, "cases": [{"name": "n", "request": {"actions": "s3:GetObject"}, "expect": "allowed"}]}`, `cases[0] (line 1): json: unknown field "actions"`},
		{"no cases", `{` + defaults + `}`, `no "cases"`},
		{"empty cases", `{` + defaults + `, "cases": []}`, `no "cases"`},
		{"case without a name", `{` + defaults + `, "cases": [{"request": {}, "expect": "allowed"}]}`, `a case needs a "name"`},
		{"case without expect", `{` + defaults + `, "cases": [{"name": "n", "request": {}}]}`, `case "n" needs "expect"`},
		{"AWS's other words are not expectations", `{` + defaults + `, "cases": [{"name": "n", "request": {}, "expect": "denied"}]}`, `"expect" is "denied", want one of allowed, explicitDeny, implicitDeny`},
		{"bad deniedBy", `{` + defaults + `, "cases": [{"name": "n", "request": {}, "expect": "implicitDeny", "deniedBy": "permissionsBoundary"}]}`, `"deniedBy" is "permissionsBoundary"`},
		{"deniedBy with allowed", `{` + defaults + `, "cases": [{"name": "n", "request": {}, "expect": "allowed", "deniedBy": "boundary"}]}`, `"deniedBy" goes with an expected denial`},
		{"duplicate names", `{` + defaults + `, "cases": [` + okCase + `, ` + okCase + `]}`, `the name "reads" is already used by cases[0]`},
		{"missing policy file", `{"defaults": {"identityPolicies": ["file:nope.json"]}, "cases": [` + okCase + `]}`, "defaults: identityPolicies[0]: open "},
		{"policy string that is not a file reference", `{"cases": [{"name": "n", "request": {"resourcePolicy": "p.json"}, "expect": "allowed"}]}`, `resourcePolicy: "p.json": a policy is a JSON object or "file:PATH"`},
		{"policy that is neither", `{"cases": [{"name": "n", "request": {"scps": [[42]]}, "expect": "allowed"}]}`, `scps[0][0]: a policy is a JSON object or "file:PATH", not 42`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFiles(t, map[string]string{"x.test.json": tt.file, "p.json": policy})
			r := run(t, "", "policy", "test", filepath.Join(dir, "x.test.json")).want(t, 2)
			if !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderr, r.stderr)
			}
		})
	}
}

func TestPolicyTestUsage(t *testing.T) {
	run(t, "", "policy", "test").want(t, 2)
	run(t, "", "policy", "test", "-run", "(", "testdata/policytest/failing.test.json").want(t, 2)
	run(t, "", "policy", "test", "--frobnicate", "testdata/policytest/failing.test.json").want(t, 2)
	run(t, "", "policy", "test", "testdata/policytest/does-not-exist.test.json").want(t, 2)
	run(t, "", "policy", "test", t.TempDir()).want(t, 2) // a directory without test files
	if r := run(t, "", "policy", "test", "-h").want(t, 0); !strings.Contains(r.stderr, "POLICY-TEST.md") {
		t.Errorf("-h: %q", r.stderr)
	}
}

// TestPolicyTestMerge checks how a case's request is laid over the defaults.
func TestPolicyTestMerge(t *testing.T) {
	files := map[string]string{
		"policies/read.json": `{"Version": "2012-10-17", "Statement": [{"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
			"Condition": {"StringEquals": {"aws:RequestedRegion": "us-east-1"}, "Bool": {"aws:SecureTransport": "true"}}}]}`,
		"policies/trust.json": `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"}, "Action": "sts:AssumeRole"}]}`,
		"merge.test.json": `{
  "defaults": {
    "principal": "arn:aws:iam::123456789012:user/alice",
    "action": "s3:GetObject",
    "resource": "arn:aws:s3:::b/k",
    "context": {"aws:RequestedRegion": "us-east-1", "aws:SecureTransport": true},
    "identityPolicies": ["file:policies/read.json"],
    "resourcePolicy": {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/secret/*"}]}
  },
  "cases": [
    {"name": "the defaults alone", "request": {}, "expect": "allowed", "matchedSid": "Read"},
    {"name": "case fields win", "request": {"resource": "arn:aws:s3:::b/secret/k"}, "expect": "explicitDeny", "deniedBy": "resource"},
    {"name": "context is merged key by key", "request": {"context": {"aws:RequestedRegion": "eu-west-1"}}, "expect": "implicitDeny"},
    {"name": "a null context value removes the key", "request": {"context": {"aws:SecureTransport": null}}, "expect": "implicitDeny"},
    {"name": "null drops a default policy", "request": {"resource": "arn:aws:s3:::b/secret/k", "resourcePolicy": null}, "expect": "allowed"},
    {"name": "an empty list drops default policies", "request": {"identityPolicies": []}, "expect": "implicitDeny", "deniedBy": "identity"},
    {"name": "policies may be files anywhere", "request": {
      "principal": "arn:aws:iam::999999999999:user/bob", "action": "sts:AssumeRole", "resource": "arn:aws:iam::123456789012:role/R",
      "identityPolicies": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}],
      "resourcePolicy": "file:policies/trust.json"}, "expect": "allowed"},
    {"name": "principals may be anonymous", "request": {"principal": {"type": "Anonymous"}}, "expect": "implicitDeny"}
  ]
}`,
	}
	dir := writeFiles(t, files)
	r := run(t, "", "policy", "test", "-v", dir).want(t, 0)
	if passed, failed := summary(t, r.stdout); passed != 8 || failed != 0 {
		t.Errorf("%d passed, %d failed; want 8 passed:\n%s", passed, failed, r.stdout)
	}
	// Statements of policies in files point into those files.
	want := `allowed by Allow Sid "Read" (identity, ` + filepath.Join(dir, "policies/read.json") + `:1:41)`
	if !strings.Contains(r.stdout, want) {
		t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
	}
	// Inline ones point into the test file.
	want = `explicitDeny (denied by resource) by Deny Statement[0] (resource, ` + filepath.Join(dir, "merge.test.json") + `:8:63)`
	if !strings.Contains(r.stdout, want) {
		t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
	}
}

// TestPolicyTestDocExample runs the complete example of docs/POLICY-TEST.md against the
// seed 000 policies it describes, so that the documentation stays true.
func TestPolicyTestDocExample(t *testing.T) {
	doc := readFile(t, "../../docs/POLICY-TEST.md")
	m := regexp.MustCompile("(?s)```json\n(.*?)```").FindStringSubmatch(doc)
	if m == nil {
		t.Fatal("docs/POLICY-TEST.md has no JSON example")
	}
	dir := writeFiles(t, map[string]string{
		"tower-role.test.json":                  m[1],
		"policies/tower-role-policy.json":       readFile(t, "../../examples/seeds/000-tower-role-policy.json"),
		"policies/tower-role-trust-policy.json": readFile(t, "../../examples/seeds/000-tower-role-trust-policy.json"),
	})
	r := run(t, "", "policy", "test", filepath.Join(dir, "tower-role.test.json")).want(t, 0)
	if r.stdout != "7 passed, 0 failed\n" {
		t.Errorf("stdout = %q, want the documented \"7 passed, 0 failed\"", r.stdout)
	}
}

func TestPolicyTestMalformedTrustPolicy(t *testing.T) {
	dir := writeFiles(t, map[string]string{"trust.test.json": `{
  "cases": [{
    "name": "a trust policy without a Principal",
    "request": {
      "principal": "ec2.amazonaws.com", "action": "sts:AssumeRole", "resource": "arn:aws:iam::123456789012:role/R",
      "resourcePolicy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]}
    },
    "expect": "allowed"
  }]
}`})
	file := filepath.Join(dir, "trust.test.json")
	r := run(t, "", "policy", "test", file).want(t, 1)
	want := "--- FAIL: " + file + ":2: a trust policy without a Principal: " + file + ":6:65: MalformedPolicyDocument: Missing required field Principal"
	if !strings.Contains(r.stdout, want) {
		t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
	}
}
