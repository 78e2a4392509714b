package policygen

import (
	"errors"
	"strings"
	"testing"

	"github.com/iamd-dev/iamd/internal/authz/denial"
)

func TestExplain(t *testing.T) {
	denied := func(d *denial.Reason) *Record {
		return &Record{RequestID: "r-1", Caller: alice, Action: "iam:DeleteRole", Resource: roleA, Decision: Denied, ErrorCode: "AccessDenied", Denial: d}
	}
	tests := []struct {
		name string
		rec  *Record
		want []string
	}{
		{
			name: "explicit deny", rec: denied(&denial.Reason{Action: "iam:DeleteRole", Resource: roleA, Result: "explicitDeny", Layer: "identity",
				Statements: []denial.Statement{{Layer: "identity", Policy: "arn:aws:iam::" + acct + ":policy/guard", Index: 1, Sid: "NoDeletes", Effect: "Deny"}}}),
			want: []string{
				"  call:     iam:DeleteRole on " + roleA + "\n",
				"  decision: denied (AccessDenied)\n",
				"Explicit deny in an identity-based policy: a Deny statement applies to iam:DeleteRole on " + roleA + ".\n",
				`  - Statement[1] (Sid "NoDeletes") of the identity-based policy "arn:aws:iam::` + acct + `:policy/guard"` + "\n",
			},
		},
		{
			name: "implicit deny by a boundary, with the statements that allowed and a missing key",
			rec: denied(&denial.Reason{Action: "iam:DeleteRole", Resource: roleA, Result: "implicitDeny", Layer: "boundary",
				Statements:  []denial.Statement{{Layer: "identity", Policy: "admin", Index: 0, Effect: "Allow"}},
				MissingKeys: []string{"aws:MultiFactorAuthPresent"}}),
			want: []string{
				"Implicit deny: no permissions boundary statement allows iam:DeleteRole on " + roleA + ".\n",
				`  - Statement[0] of the identity-based policy "admin"` + "\n",
				"  - aws:MultiFactorAuthPresent\n",
			},
		},
		{
			name: "the request the call needed",
			rec: &Record{RequestID: "r-2", Caller: alice, Action: "ec2:RunInstances", Resource: "*", Decision: Denied, ErrorCode: "UnauthorizedOperation",
				Denial: &denial.Reason{Action: "iam:PassRole", Resource: roleA, Result: "implicitDeny", Layer: "identity"}},
			want: []string{
				"The call needed iam:PassRole on " + roleA + ", which was denied.\n",
				"Implicit deny: no identity-based policy statement allows iam:PassRole on " + roleA + ".\n",
			},
		},
		{
			name: "an entity gone", rec: denied(&denial.Reason{Action: "iam:DeleteRole", Resource: roleA, Result: "implicitDeny", Layer: "identity", EntityGone: true}),
			want: []string{"no longer\nexists as that entity"},
		},
		{name: "no reason recorded", rec: denied(nil), want: []string{"The audit line does not say why"}},
		{name: "allowed", rec: &Record{RequestID: "r-3", Decision: Allowed}, want: []string{"The call was allowed"}},
		{name: "failed", rec: &Record{RequestID: "r-4", Decision: Failed, ErrorCode: "NoSuchEntity"}, want: []string{"decision: failed (NoSuchEntity)", "no policy denied it"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Explain(tt.rec)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("explanation lacks %q:\n%s", w, got)
				}
			}
		})
	}
}

func TestFind(t *testing.T) {
	rec, err := Find(strings.NewReader(workload), "r-iam:DeleteRole-2025-01-01T10:00:07Z")
	if err != nil {
		t.Fatal(err)
	}
	if rec.Decision != Denied || rec.Resource != roleA || rec.ErrorCode != "AccessDenied" {
		t.Errorf("record %+v", rec)
	}
	if _, err := Find(strings.NewReader(workload), "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("err = %v, want ErrNotFound", err)
	}
}
