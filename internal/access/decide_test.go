package access

import (
	"slices"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/policy"
)

func parse(t *testing.T, name, doc string, kind policy.Kind) *policy.Policy {
	t.Helper()
	p, err := policy.Parse([]byte(doc), kind)
	if err != nil {
		t.Fatal(err)
	}
	p.Name = name
	return p
}

// TestDecideLeavesRequestKeysOpen: a trust policy's condition on a key the caller supplies
// (sts:ExternalId, aws:SourceIp, MFA, a date) makes an edge that carries it, reduced to the
// keys that matter; one on a key the stored state fixes (a principal tag the caller lacks)
// makes none; a Deny the caller can avoid (no MFA) is avoided, one it cannot is not.
func TestDecideLeavesRequestKeysOpen(t *testing.T) {
	const caller = "arn:aws:iam::111111111111:user/alice"
	p, err := policy.ParsePrincipal(caller)
	if err != nil {
		t.Fatal(err)
	}
	identity := parse(t, "id", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`, policy.Identity)
	a := &actor{id: caller, kind: KindUser, account: "111111111111", principal: p, set: &policy.Set{Identity: []*policy.Policy{identity}}, acts: true}
	(&builder{at: time.Now()}).stamp(a)
	trust := func(cond string) *policy.Policy {
		return parse(t, "trust", `{"Version":"2012-10-17","Statement":[{"Sid":"T","Effect":"Allow","Principal":{"AWS":"`+caller+`"},"Action":"sts:AssumeRole","Condition":`+cond+`}]}`, policy.Trust)
	}
	for _, c := range []struct {
		name, cond string
		want       map[string][]string // nil: no edge
	}{
		{"external id", `{"StringEquals":{"sts:ExternalId":"x-1"}}`, map[string][]string{"sts:ExternalId": {"x-1"}}},
		{"external id pattern", `{"StringLike":{"sts:ExternalId":"team-*"}}`, map[string][]string{"sts:ExternalId": {"team-"}}},
		{"source ip and mfa", `{"IpAddress":{"aws:SourceIp":"10.1.0.0/16"},"Bool":{"aws:MultiFactorAuthPresent":"true"}}`,
			map[string][]string{"aws:SourceIp": {"10.1.0.0"}, "aws:MultiFactorAuthPresent": {"true"}}},
		{"before a date", `{"DateLessThan":{"aws:TokenIssueTime":"2030-01-01T00:00:00Z"}}`, map[string][]string{"aws:TokenIssueTime": {"2029-12-31T23:59:59Z"}}},
		{"a time that has passed", `{"DateLessThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}`, nil},
		{"a time still to come", `{"DateLessThan":{"aws:CurrentTime":"2200-01-01T00:00:00Z"}}`, map[string][]string{}},
		{"an optional key", `{"StringEqualsIfExists":{"sts:ExternalId":"x"}}`, map[string][]string{}},
		{"a negated key", `{"StringNotEquals":{"sts:ExternalId":"x"}}`, map[string][]string{}},
		{"a principal tag the caller lacks", `{"StringEquals":{"aws:PrincipalTag/team":"a"}}`, nil},
		{"an organization it is not in", `{"StringEquals":{"aws:PrincipalOrgID":"o-1234567890"}}`, nil},
		{"a key only a policy variable names", `{"StringEquals":{"sts:ExternalId":"${aws:username}-x"}}`, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			count := 0
			v := decide(a, request{action: "sts:AssumeRole", resource: "arn:aws:iam::111111111111:role/r", account: "111111111111", resourcePolicy: trust(c.cond)}, &count)
			if c.want == nil {
				if v.allowed {
					t.Fatalf("allowed with %+v", v.conditions)
				}
				return
			}
			if !v.allowed {
				t.Fatal("refused")
			}
			got := map[string][]string{}
			for _, cd := range v.conditions {
				got[cd.Key] = cd.Values
				if cd.Statement != "trust/T" {
					t.Errorf("condition %s from %s", cd.Key, cd.Statement)
				}
			}
			if len(got) != len(c.want) {
				t.Fatalf("conditions %v, want %v", got, c.want)
			}
			for k, w := range c.want {
				if !slices.Equal(got[k], w) {
					t.Errorf("%s = %v, want %v", k, got[k], w)
				}
			}
			if count > maxWitnesses*4 {
				t.Errorf("%d decisions", count)
			}
		})
	}
	// A user without an MFA device cannot supply MFA.
	a.absent = []string{"aws:multifactorauthpresent", "aws:multifactorauthage"}
	count := 0
	if v := decide(a, request{action: "sts:AssumeRole", resource: "arn:aws:iam::111111111111:role/r", account: "111111111111",
		resourcePolicy: trust(`{"Bool":{"aws:MultiFactorAuthPresent":"true"}}`)}, &count); v.allowed {
		t.Errorf("MFA without a device: %+v", v)
	}
	a.absent = nil
	// A Deny of requests without MFA is avoided by MFA; a Deny of the action is not.
	denyNoMFA := parse(t, "guard", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]}`, policy.Identity)
	a.set = &policy.Set{Identity: []*policy.Policy{identity, denyNoMFA}}
	plain := parse(t, "trust", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"`+caller+`"},"Action":"sts:AssumeRole"}]}`, policy.Trust)
	v := decide(a, request{action: "sts:AssumeRole", resource: "arn:aws:iam::111111111111:role/r", account: "111111111111", resourcePolicy: plain}, &count)
	if !v.allowed || len(v.conditions) != 1 || v.conditions[0].Key != "aws:MultiFactorAuthPresent" || v.conditions[0].Values[0] != "true" {
		t.Errorf("with MFA: %+v", v)
	}
	deny := parse(t, "no", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"*"}]}`, policy.Identity)
	a.set = &policy.Set{Identity: []*policy.Policy{identity, deny}}
	if v := decide(a, request{action: "sts:AssumeRole", resource: "arn:aws:iam::111111111111:role/r", account: "111111111111", resourcePolicy: plain}, &count); v.allowed {
		t.Errorf("an unconditional Deny: %+v", v)
	}
}
