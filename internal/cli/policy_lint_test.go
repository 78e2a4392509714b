package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestPolicyLint(t *testing.T) {
	const seeds = "../../examples/seeds/"
	// Seed 002's target role trusts the platform's instance role in another account with no
	// external id: a security warning, exit 1.
	r := run(t, "", "policy", "lint", "--type", "trust", "--account", "111111111111", seeds+"002-target-role-trust-policy.json").want(t, 1)
	if !strings.Contains(r.stdout, "002-target-role-trust-policy.json:7:24: SECURITY_WARNING CROSS_ACCOUNT_TRUST_WITHOUT_EXTERNAL_ID:") || !strings.Contains(r.stdout, "fix: add \"Condition\"") {
		t.Errorf("stdout:\n%s", r.stdout)
	}
	// The hardened variant is clean.
	if r := run(t, "", "policy", "lint", "--type", "trust", "--account", "111111111111", seeds+"002-target-role-external-id-trust-policy.json").want(t, 0); r.stdout != seeds+"002-target-role-external-id-trust-policy.json: ok\n" {
		t.Errorf("stdout:\n%s", r.stdout)
	}
	// Warnings and suggestions alone exit 0.
	r = run(t, `{"Statement":{"Effect":"Allow","Action":["s3:GetObject","s3:Get*"],"Resource":"*"}}`, "policy", "lint", "-").want(t, 0)
	if !strings.Contains(r.stdout, "WARNING MISSING_VERSION") || !strings.Contains(r.stdout, "SUGGESTION REDUNDANT_ACTION") {
		t.Errorf("stdout:\n%s", r.stdout)
	}
	// JSON output, keyed by file.
	r = run(t, "", "policy", "lint", "--json", seeds+"000-tower-role-policy.json").want(t, 1)
	var out map[string][]struct {
		FindingType, IssueCode string
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if fs := out[seeds+"000-tower-role-policy.json"]; len(fs) != 1 || fs[0].IssueCode != "PASS_ROLE_WITH_STAR_IN_RESOURCE" {
		t.Errorf("findings %+v", fs)
	}
	// A document IAM refuses is an error.
	run(t, `{"Version":"2012-10-17"}`, "policy", "lint", "-").want(t, 1)
}

func TestPolicyLintUsage(t *testing.T) {
	run(t, "", "policy", "lint").want(t, 2)
	run(t, "", "policy", "lint", "--type", "nope", "x.json").want(t, 2)
	run(t, "", "policy", "lint", "/nonexistent/x.json").want(t, 2)
}
