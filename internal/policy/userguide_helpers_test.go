package policy_test

// Shared machinery for the tests taken from the AWS IAM User Guide's own examples
// (userguide_*_test.go). Each test there is named after the page it comes from, carries
// the page's address in a comment, and names each case after what the page says happens.

import (
	"errors"
	"strings"
	"testing"

	"github.com/iamd-dev/iamd/internal/policy"
)

// ugCase is one request from a User Guide example and the decision the guide gives.
type ugCase struct {
	name string

	// Policies, as JSON documents.
	identity     []string    // the caller's identity-based policies
	resource     string      // the resource's policy ("" for none)
	resourceKind policy.Kind // Resource unless set to Trust
	boundary     string      // the caller's permissions boundary ("" for none)
	session      []string    // session policies
	scps         [][]string  // SCPs by level, organization root first

	// The request.
	principal       string
	action          string
	resourceARN     string
	resourceAccount string              // for ARNs without an account (S3)
	ctx             map[string][]string // condition keys; a key with no values is present but empty

	want policy.Result
	by   policy.Layer // checked when not LayerNone
}

func mustParse(t *testing.T, doc string, kind policy.Kind) *policy.Policy {
	t.Helper()
	p, err := policy.Parse([]byte(doc), kind)
	if err != nil {
		t.Fatalf("parse %s policy: %v\n%s", kind, err, doc)
	}
	return p
}

func mustPrincipal(t *testing.T, s string) policy.Principal {
	t.Helper()
	p, err := policy.ParsePrincipal(s)
	if err != nil {
		t.Fatalf("ParsePrincipal(%q): %v", s, err)
	}
	return p
}

func (c *ugCase) set(t *testing.T) *policy.Set {
	t.Helper()
	set := &policy.Set{}
	for _, d := range c.identity {
		set.Identity = append(set.Identity, mustParse(t, d, policy.Identity))
	}
	if c.resource != "" {
		kind := c.resourceKind
		if kind != policy.Trust {
			kind = policy.Resource
		}
		set.Resource = mustParse(t, c.resource, kind)
	}
	if c.boundary != "" {
		set.Boundary = mustParse(t, c.boundary, policy.Boundary)
	}
	for _, d := range c.session {
		set.Session = append(set.Session, mustParse(t, d, policy.Session))
	}
	for _, level := range c.scps {
		var ps []*policy.Policy
		for _, d := range level {
			ps = append(ps, mustParse(t, d, policy.SCP))
		}
		set.SCPs = append(set.SCPs, ps)
	}
	return set
}

func (c *ugCase) request(t *testing.T) *policy.Request {
	t.Helper()
	var ctx policy.Context
	for k, v := range c.ctx {
		ctx.Set(k, v...)
	}
	return policy.NewRequest(mustPrincipal(t, c.principal), c.action, c.resourceARN, c.resourceAccount, ctx)
}

// runUG evaluates each case and compares the result (and the denying layer, when the case
// names one) with what the guide says.
func runUG(t *testing.T, cases []ugCase) {
	t.Helper()
	seen := map[string]bool{}
	for _, c := range cases {
		if seen[c.name] {
			t.Fatalf("duplicate case name %q", c.name)
		}
		seen[c.name] = true
		t.Run(c.name, func(t *testing.T) {
			d := policy.Evaluate(c.set(t), c.request(t))
			var problems []string
			if d.Result != c.want {
				problems = append(problems, "result "+d.Result.String()+", want "+c.want.String())
			}
			if c.by != policy.LayerNone && d.Result == c.want && d.DeniedBy != c.by {
				problems = append(problems, "denied by "+layerName(d.DeniedBy)+", want "+layerName(c.by))
			}
			if len(problems) == 0 {
				return
			}
			msg := strings.Join(problems, "; ") + " (matched " + describeMatches(d) + ")"
			t.Error(msg)
		})
	}
}

func layerName(l policy.Layer) string {
	if l == policy.LayerNone {
		return "none"
	}
	return l.String()
}

func describeMatches(d policy.Decision) string {
	if len(d.Matched) == 0 {
		return "nothing"
	}
	var parts []string
	for _, m := range d.Matched {
		s := m.Layer.String() + " " + m.Statement.Effect.String()
		if m.Statement.Sid != "" {
			s += " " + m.Statement.Sid
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

// parseCase is a document from the guide and whether IAM stores it.
type parseCase struct {
	name string
	doc  string
	kind policy.Kind

	// wantMsg is the MalformedPolicyDocument message; "" means the document is valid and
	// anyMessage that it is refused with a message the guide does not give.
	wantMsg string
	// line and column of the fault, checked when line > 0.
	line, col int
}

func runParse(t *testing.T, cases []parseCase) {
	t.Helper()
	seen := map[string]bool{}
	for _, c := range cases {
		if seen[c.name] {
			t.Fatalf("duplicate case name %q", c.name)
		}
		seen[c.name] = true
		t.Run(c.name, func(t *testing.T) {
			_, err := policy.Parse([]byte(c.doc), c.kind)
			var problem string
			switch {
			case c.wantMsg == "" && err != nil:
				problem = "rejected a valid document: " + err.Error()
			case c.wantMsg != "" && err == nil:
				problem = "accepted a document the guide says is invalid (want " + c.wantMsg + ")"
			case c.wantMsg != "":
				var pe *policy.Error
				if !errors.As(err, &pe) {
					problem = "error is not a *policy.Error: " + err.Error()
					break
				}
				if pe.Code != policy.CodeMalformedPolicyDocument {
					problem = "code " + pe.Code + ", want " + policy.CodeMalformedPolicyDocument
				} else if c.wantMsg != anyMessage && pe.Message != c.wantMsg {
					problem = "message " + pe.Message + ", want " + c.wantMsg
				} else if c.line > 0 && (pe.Pos.Line != c.line || pe.Pos.Column != c.col) {
					problem = "fault at " + pe.Pos.String() + ", want " +
						policy.Pos{Line: c.line, Column: c.col}.String() + " (" + err.Error() + ")"
				}
			}
			if problem == "" {
				return
			}
			t.Error(problem)
		})
	}
}

// anyMessage marks a document the guide says IAM refuses without giving the message.
const anyMessage = "(any message)"

// Frequently used principals from the guide's examples.
const (
	acct    = "123456789012"
	acctA   = "111122223333"
	acctB   = "444455556666"
	userBob = "arn:aws:iam::123456789012:user/Bob"
)
