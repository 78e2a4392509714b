package cli

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// evalOutput is the part of `policy eval`'s output the tests look at.
type evalOutput struct {
	Decision           string `json:"decision"`
	DeniedBy           string `json:"deniedBy"`
	DecidingStatements []struct {
		Layer  string `json:"layer"`
		Sid    string `json:"sid"`
		Effect string `json:"effect"`
		Line   int    `json:"line"`
		Column int    `json:"column"`
	} `json:"decidingStatements"`
	MissingContextKeys []string `json:"missingContextKeys"`
	Error              string   `json:"error"`
}

func TestPolicyEvalObject(t *testing.T) {
	req := `{
		"principal": "ec2.amazonaws.com",
		"action": "sts:AssumeRole",
		"resource": "arn:aws:iam::123456789012:role/Tower-Role",
		"resourcePolicy": ` + readFile(t, "../../examples/seeds/000-tower-role-trust-policy.json") + `
	}`
	r := run(t, req, "policy", "eval", "-").want(t, 0)
	if !strings.HasPrefix(strings.TrimSpace(r.stdout), "{") {
		t.Fatalf("one request should give one object, got:\n%s", r.stdout)
	}
	var out evalOutput
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatal(err)
	}
	if out.Decision != "allowed" || len(out.DecidingStatements) != 1 || out.DecidingStatements[0].Layer != "resource" {
		t.Errorf("got %+v, want allowed by the trust policy's first statement", out)
	}
	if st := out.DecidingStatements[0]; st.Line != 4 || st.Column != 9 {
		t.Errorf("deciding statement at %d:%d, want 4:9 (in the policy's own text)", st.Line, st.Column)
	}
}

func TestPolicyEvalArray(t *testing.T) {
	r := run(t, "", "policy", "eval", "testdata/eval/three.json").want(t, 0)
	if !strings.HasPrefix(strings.TrimSpace(r.stdout), "[") {
		t.Fatalf("an array of requests should give an array, got:\n%s", r.stdout)
	}
	var out []evalOutput
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatal(err)
	}
	want := []struct{ decision, deniedBy, sid string }{
		{"allowed", "", "Launch"},
		{"implicitDeny", "identity", ""},
		{"explicitDeny", "resource", "NoPublicReads"}, // an anonymous caller, {"type": "Anonymous"}
	}
	if len(out) != len(want) {
		t.Fatalf("got %d results, want %d", len(out), len(want))
	}
	for i, w := range want {
		got := out[i]
		sid := ""
		if len(got.DecidingStatements) > 0 {
			sid = got.DecidingStatements[0].Sid
		}
		if got.Decision != w.decision || got.DeniedBy != w.deniedBy || sid != w.sid {
			t.Errorf("result %d = %s denied by %q, Sid %q; want %s denied by %q, Sid %q", i, got.Decision, got.DeniedBy, sid, w.decision, w.deniedBy, w.sid)
		}
	}
	// An empty array is an empty answer.
	if r := run(t, "[]", "policy", "eval", "-").want(t, 0); strings.TrimSpace(r.stdout) != "[]" {
		t.Errorf("stdout = %q, want []", r.stdout)
	}
}

func TestPolicyEvalMalformedPolicy(t *testing.T) {
	// A malformed policy is an answer, not a failure of the command: the result carries an
	// "error" with AWS's message and the position within the policy.
	r := run(t, "", "policy", "eval", "testdata/eval/malformed.json").want(t, 0)
	var out evalOutput
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"identityPolicies[0]", "MalformedPolicyDocument", "Syntax errors in policy. (a statement needs Effect)", "line 3, column 21"} {
		if !strings.Contains(out.Error, s) {
			t.Errorf("error %q lacks %q", out.Error, s)
		}
	}
	if out.Decision != "" {
		t.Errorf("decision = %q alongside an error", out.Decision)
	}
}

func TestPolicyEvalContext(t *testing.T) {
	req := `{
		"principal": "arn:aws:sts::999999999999:assumed-role/SeqeraPlatform-EC2-InstanceRole/i-0123456789abcdef0",
		"action": "sts:AssumeRole",
		"resource": "arn:aws:iam::111111111111:role/SeqeraPlatformRole-AccountA",
		"identityPolicies": [` + readFile(t, "../../examples/seeds/002-instance-role-policy.json") + `],
		"resourcePolicy": ` + readFile(t, "../../examples/seeds/002-target-role-external-id-trust-policy.json") + `
	}`
	var out evalOutput
	r := run(t, req, "policy", "eval", "-").want(t, 0)
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatal(err)
	}
	if out.Decision != "implicitDeny" || len(out.MissingContextKeys) != 1 || out.MissingContextKeys[0] != "sts:ExternalId" {
		t.Errorf("without sts:ExternalId: got %+v, want implicitDeny missing sts:ExternalId", out)
	}
	withID := strings.Replace(req, `"action"`, `"context": {"sts:ExternalId": "workspace-a-7f3c9d"}, "action"`, 1)
	r = run(t, withID, "policy", "eval", "-").want(t, 0)
	out = evalOutput{}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatal(err)
	}
	if out.Decision != "allowed" {
		t.Errorf("with the external id: got %+v, want allowed", out)
	}
}

func TestPolicyEvalUsage(t *testing.T) {
	run(t, "", "policy", "eval").want(t, 2)
	run(t, "", "policy", "eval", "a.json", "b.json").want(t, 2)
	run(t, "", "policy", "eval", "testdata/eval/does-not-exist.json").want(t, 2)
	if r := run(t, "not json", "policy", "eval", "-").want(t, 2); !strings.Contains(r.stderr, "not an evaluation request") {
		t.Errorf("stderr = %q", r.stderr)
	}
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
