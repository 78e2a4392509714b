package denial

import (
	"context"
	"reflect"
	"testing"

	"github.com/iamd-dev/iamd/internal/policy"
)

func mustParse(t *testing.T, name, doc string, kind policy.Kind) *policy.Policy {
	t.Helper()
	p, err := policy.Parse([]byte(doc), kind)
	if err != nil {
		t.Fatal(err)
	}
	p.Name = name
	return p
}

// A reason names the deciding statements of an explicit deny, the Allow statements that
// were not enough for an implicit one, and the keys the request lacked.
func TestOf(t *testing.T) {
	const role = "arn:aws:iam::123456789012:role/app"
	admin := mustParse(t, "admin", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"}]}`, policy.Identity)
	guard := mustParse(t, "arn:aws:iam::123456789012:policy/guard", `{"Version":"2012-10-17","Statement":[
		{"Sid":"Reads","Effect":"Allow","Action":"iam:Get*","Resource":"*"},
		{"Sid":"NoDeletes","Effect":"Deny","Action":"iam:Delete*","Resource":"*"}]}`, policy.Identity)
	boundary := mustParse(t, "arn:aws:iam::123456789012:policy/mfa", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`, policy.Boundary)
	caller, _ := policy.ParsePrincipal("arn:aws:iam::123456789012:user/alice")
	decide := func(set *policy.Set, action string) *Reason {
		d := policy.Evaluate(set, policy.NewRequest(caller, action, role, "123456789012", policy.Context{}))
		return Of(&d, action, role)
	}

	got := decide(&policy.Set{Identity: []*policy.Policy{admin, guard}}, "iam:DeleteRole")
	want := &Reason{Action: "iam:DeleteRole", Resource: role, Result: "explicitDeny", Layer: "identity",
		Statements: []Statement{{Layer: "identity", Policy: "arn:aws:iam::123456789012:policy/guard", Index: 1, Sid: "NoDeletes", Effect: "Deny"}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("explicit deny: %+v\nwant %+v", got, want)
	}

	got = decide(&policy.Set{Identity: []*policy.Policy{admin}, Boundary: boundary}, "iam:GetRole")
	want = &Reason{Action: "iam:GetRole", Resource: role, Result: "implicitDeny", Layer: "boundary",
		Statements:  []Statement{{Layer: "identity", Policy: "admin", Index: 0, Effect: "Allow"}},
		MissingKeys: []string{"aws:MultiFactorAuthPresent"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("implicit deny: %+v\nwant %+v", got, want)
	}
}

func TestRecorderKeepsTheLastDenial(t *testing.T) {
	if RecorderFrom(context.Background()) != nil {
		t.Fatal("a plain context carries a recorder")
	}
	ctx, rec := WithRecorder(context.Background())
	if RecorderFrom(ctx) != rec || rec.Last() != nil {
		t.Fatal("a new recorder is not the context's, or not empty")
	}
	first, last := &Reason{Action: "iam:GetRole"}, &Reason{Action: "iam:PassRole"}
	rec.Keep(first)
	rec.Keep(last)
	if rec.Last() != last {
		t.Errorf("kept %+v, want the last", rec.Last())
	}
}
