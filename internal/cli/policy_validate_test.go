package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPolicyValidate(t *testing.T) {
	const dir = "testdata/validate/"
	tests := []struct {
		name  string
		args  []string
		code  int
		lines []string // each must appear in stdout
	}{
		{
			name:  "identity ok",
			args:  []string{"../../examples/seeds/000-tower-role-policy.json"},
			lines: []string{"../../examples/seeds/000-tower-role-policy.json: ok"},
		},
		{
			name:  "trust ok",
			args:  []string{"--type", "trust", "../../examples/seeds/000-tower-role-trust-policy.json"},
			lines: []string{"000-tower-role-trust-policy.json: ok"},
		},
		{
			name:  "trailing comma as in seed 002",
			args:  []string{"--type", "trust", dir + "seed-002-trust-trailing-comma.json"},
			code:  1,
			lines: []string{dir + "seed-002-trust-trailing-comma.json: 10:9: MalformedPolicyDocument: This policy contains invalid Json"},
		},
		{
			name:  "invalid principal as in seed 002",
			args:  []string{"--type", "trust", dir + "seed-002-trust-bad-principal.json"},
			code:  1,
			lines: []string{`4:9: MalformedPolicyDocument: Invalid principal in policy: "AWS":"arn:aws:iam::::############::role/AWS_EC2_Instance_Role"`},
		},
		{
			name:  "missing Effect",
			args:  []string{dir + "missing-effect.json"},
			code:  1,
			lines: []string{"missing-effect.json: 4:9: MalformedPolicyDocument: Syntax errors in policy. (a statement needs Effect)"},
		},
		{
			name:  "Sid must be alphanumeric",
			args:  []string{dir + "bad-sid.json"},
			code:  1,
			lines: []string{"bad-sid.json: 5:20: MalformedPolicyDocument: Statement IDs (SID) must be alpha-numeric."},
		},
		{
			name:  "identity policy with a Principal",
			args:  []string{dir + "identity-with-principal.json"},
			code:  1,
			lines: []string{"identity-with-principal.json: 4:9: MalformedPolicyDocument: Policy document should not specify a principal."},
		},
		{
			name:  "the same document is a fine resource policy",
			args:  []string{"--type", "resource", dir + "identity-with-principal.json"},
			lines: []string{"identity-with-principal.json: ok"},
		},
		{
			name:  "trust policy with a Resource",
			args:  []string{"--type", "trust", dir + "trust-with-resource.json"},
			code:  1,
			lines: []string{"trust-with-resource.json: 4:9: MalformedPolicyDocument: Has prohibited field Resource"},
		},
		{
			name:  "trust policy without a Principal",
			args:  []string{"--type", "trust", dir + "trust-without-principal.json"},
			code:  1,
			lines: []string{"trust-without-principal.json: 4:9: MalformedPolicyDocument: Missing required field Principal"},
		},
		{
			name: "one bad file among good ones fails the run, every file is reported",
			args: []string{"--type", "trust", "../../examples/seeds/001-ecs-execution-trust-policy.json", dir + "trust-with-resource.json", "../../examples/seeds/002-target-role-trust-policy.json"},
			code: 1,
			lines: []string{
				"001-ecs-execution-trust-policy.json: ok",
				"trust-with-resource.json: 4:9: MalformedPolicyDocument: Has prohibited field Resource",
				"002-target-role-trust-policy.json: ok",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, "", append([]string{"policy", "validate"}, tt.args...)...).want(t, tt.code)
			for _, line := range tt.lines {
				if !strings.Contains(r.stdout, line) {
					t.Errorf("stdout lacks %q:\n%s", line, r.stdout)
				}
			}
		})
	}
}

func TestPolicyValidateStdin(t *testing.T) {
	data, err := os.ReadFile("../../examples/seeds/001-ecs-execution-trust-policy.json")
	if err != nil {
		t.Fatal(err)
	}
	if r := run(t, string(data), "policy", "validate", "--type", "trust", "-").want(t, 0); r.stdout != "-: ok\n" {
		t.Errorf("stdout = %q", r.stdout)
	}
	// A trust policy is not an identity policy.
	if r := run(t, string(data), "policy", "validate", "-").want(t, 1); !strings.Contains(r.stdout, "Policy document should not specify a principal.") {
		t.Errorf("stdout = %q", r.stdout)
	}
}

func TestPolicyValidateUsage(t *testing.T) {
	if r := run(t, "", "policy", "validate", "--type", "bogus", "x.json").want(t, 2); !strings.Contains(r.stderr, `unknown policy type "bogus"`) {
		t.Errorf("stderr = %q", r.stderr)
	}
	run(t, "", "policy", "validate").want(t, 2)
	run(t, "", "policy", "validate", "--frobnicate", "x.json").want(t, 2)
	run(t, "", "policy", "validate", filepath.Join(t.TempDir(), "missing.json")).want(t, 2)
}

// TestExampleSeedPoliciesValidate checks every policy under examples/seeds as AWS would
// store it: *-trust-policy.json as a role trust policy, the others as identity policies.
func TestExampleSeedPoliciesValidate(t *testing.T) {
	files, err := filepath.Glob("../../examples/seeds/*.json")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, ".test.json") {
			continue
		}
		n++
		kind := "identity"
		if strings.HasSuffix(f, "-trust-policy.json") {
			kind = "trust"
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			r := run(t, "", "policy", "validate", "--type", kind, f).want(t, 0)
			if r.stdout != f+": ok\n" {
				t.Errorf("stdout = %q", r.stdout)
			}
		})
	}
	if n < 15 {
		t.Errorf("found %d example policies, want the seeds' (at least 15)", n)
	}
}
