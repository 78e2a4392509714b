package evalreq

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// casesDir holds the public policy cases (../shared/conformance in the workspace); a user's
// clone does not have it, and the test skips.
const casesDir = "../../../shared/conformance/policy-cases"

// documentedDisagreements are the public cases whose expected answer contradicts the AWS
// documentation; iamd follows the documentation. docs/CONFORMANCE.md explains each group.
var documentedDisagreements = map[string]string{
	"sessionPolicies.json :: Implicit deny in session policy denies even if session ARN in resource policy":    "a resource policy naming the session ARN is not limited by session policies",
	"boundaryNotPrincipalDenyResource.json :: Same Account: NotPrincipal/Deny in Resource Policy should allow": "a Deny with NotPrincipal spares a caller only when its account is listed too",
}

// rejectedAsMalformed are cases whose policies AWS refuses to store, so iamd answers with
// MalformedPolicyDocument rather than a decision. The value is the message iamd must give.
var rejectedAsMalformed = map[string]string{
	"blog.json":               "Policy document should not specify a principal.",
	"sessions.json":           "Policy document should not specify a principal.",
	"noPrincipalElement.json": "Missing required field Principal",
	"permissionBoundaries-":   "Invalid principal in policy",
}

type publicCase struct {
	Name    string `json:"name"`
	Request struct {
		Action   string `json:"action"`
		Resource struct {
			Resource  string `json:"resource"`
			AccountID string `json:"accountId"`
		} `json:"resource"`
		Principal          json.RawMessage            `json:"principal"`
		Context            map[string]json.RawMessage `json:"context"`
		WildcardOnlyAction json.RawMessage            `json:"wildcardOnlyAction"`
	} `json:"request"`
	IdentityPolicies        []json.RawMessage `json:"identityPolicies"`
	ResourcePolicy          json.RawMessage   `json:"resourcePolicy"`
	ResourcePolicies        json.RawMessage   `json:"resourcePolicies"`
	PermissionBoundaries    []json.RawMessage `json:"permissionBoundaries"`
	SessionPolicy           json.RawMessage   `json:"sessionPolicy"`
	ServiceControlPolicies  []orgLevel        `json:"serviceControlPolicies"`
	ResourceControlPolicies []orgLevel        `json:"resourceControlPolicies"`
	Simulation              json.RawMessage   `json:"simulation"`
	EndpointPolicies        json.RawMessage   `json:"endpointPolicies"`
	Expected                struct {
		Response string `json:"response"`
	} `json:"expected"`
}

type orgLevel struct {
	Policies []json.RawMessage `json:"policies"`
}

var expectedWords = map[string]string{"Allowed": "allowed", "ImplicitlyDenied": "implicitDeny", "ExplicitlyDenied": "explicitDeny"}

// toRequest converts a case as ../shared/conformance/run-policy-cases does; false for the
// cases that use features of the other implementation's own.
func (c *publicCase) toRequest() (Request, bool) {
	if c.Simulation != nil || c.EndpointPolicies != nil || c.ResourcePolicies != nil || c.Request.WildcardOnlyAction != nil || len(c.PermissionBoundaries) > 1 {
		return Request{}, false
	}
	r := Request{
		Principal: c.Request.Principal, Action: c.Request.Action, Resource: c.Request.Resource.Resource,
		ResourceAccount: c.Request.Resource.AccountID, Context: c.Request.Context,
		IdentityPolicies: c.IdentityPolicies, ResourcePolicy: c.ResourcePolicy, SessionPolicy: c.SessionPolicy,
	}
	if len(c.PermissionBoundaries) == 1 {
		r.PermissionsBoundary = c.PermissionBoundaries[0]
	}
	for _, l := range c.ServiceControlPolicies {
		r.SCPs = append(r.SCPs, l.Policies)
	}
	for _, l := range c.ResourceControlPolicies {
		r.RCPs = append(r.RCPs, l.Policies)
	}
	return r, true
}

func TestPublicPolicyCases(t *testing.T) {
	if _, err := os.Stat(casesDir); err != nil {
		t.Skip("public policy cases not present:", err)
	}
	var files []string
	err := filepath.WalkDir(casesDir, func(path string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(path, ".json") {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	ran, agreed := 0, 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var cases []publicCase
		if err := json.Unmarshal(data, &cases); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		rel, _ := filepath.Rel(casesDir, f)
		for i := range cases {
			c := &cases[i]
			req, ok := c.toRequest()
			if !ok {
				continue
			}
			ran++
			name := rel + " :: " + c.Name
			got := Evaluate(&req)
			want := expectedWords[c.Expected.Response]
			if msg, ok := malformedFor(rel); ok && got.Error != "" {
				if !strings.Contains(got.Error, msg) {
					t.Errorf("%s: error %q, want one with %q", name, got.Error, msg)
				}
				continue
			}
			if why, ok := documentedDisagreements[name]; ok {
				if got.Decision == want {
					t.Errorf("%s: now agrees with the case (%s); drop it from documentedDisagreements", name, want)
				}
				t.Logf("%s: iamd says %s, the case %s (%s)", name, got.Decision, want, why)
				continue
			}
			if got.Decision != want {
				t.Errorf("%s: got %s (error %q), want %s", name, got.Decision, got.Error, want)
				continue
			}
			agreed++
		}
	}
	t.Logf("public policy cases: %d run, %d agree, the rest documented", ran, agreed)
}

func malformedFor(file string) (string, bool) {
	for prefix, msg := range rejectedAsMalformed {
		if strings.HasPrefix(file, prefix) {
			return msg, true
		}
	}
	return "", false
}
