package accessanalyzer

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func checkNoNew(t *testing.T, newDoc, oldDoc, typ string) *CheckOutput {
	t.Helper()
	out, err := CheckNoNewAccess(CheckNoNewAccessInput{NewPolicyDocument: newDoc, ExistingPolicyDocument: oldDoc, PolicyType: typ})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestCheckNoNewAccessCases(t *testing.T) {
	for _, tc := range []struct {
		name, newDoc, oldDoc, typ string
		want                      string
		example                   string // a part of the first reason
	}{
		{"same policy", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`,
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`, IdentityPolicy, Pass, ""},
		{"narrower resource", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/logs/*"}}`,
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`, IdentityPolicy, Pass, ""},
		{"wider resource", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b*"}}`,
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`, IdentityPolicy, Fail, "s3:GetObject on arn:aws:s3:::b"},
		{"new action", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::b/*"}}`,
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`, IdentityPolicy, Fail, "s3:PutObject on arn:aws:s3:::b/"},
		{"pass role on star", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}}`,
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::123456789012:role/Tower-*"}}`, IdentityPolicy, Fail, "iam:PassRole on arn:aws:iam::123456789012:role/qqq"},
		{"existing deny carves out", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},{"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/secret*"}]}`, IdentityPolicy, Fail, "arn:aws:s3:::b/secret"},
		{"existing deny inside the new pattern only", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/x*"}}`,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},{"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::*/x*y"}]}`, IdentityPolicy, Fail, "arn:aws:s3:::b/x"},
		{"same deny kept", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},{"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/secret*"}]}`,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},{"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/secret*"}]}`, IdentityPolicy, Pass, ""},
		{"condition dropped", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`,
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpc":"vpc-1"}}}}`, IdentityPolicy, Fail, "s3:GetObject"},
		{"condition narrowed", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpc":"vpc-1"}}}}`,
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpc":["vpc-1","vpc-2"]}}}}`, IdentityPolicy, Pass, ""},
		{"condition widened", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpc":["vpc-1","vpc-3"]}}}}`,
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpc":["vpc-1","vpc-2"]}}}}`, IdentityPolicy, Fail, "s3:GetObject"},
		{"trust principal added", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:root","arn:aws:iam::444455556666:root"]},"Action":"sts:AssumeRole"}}`,
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"}}`, ResourcePolicy, Fail, "by account 444455556666"},
		{"trust same principal", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}}`,
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"}}`, ResourcePolicy, Pass, ""},
		{"bucket policy opened", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`,
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`, ResourcePolicy, Fail, "by any principal"},
		{"everyone beyond AWS principals", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`,
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`, ResourcePolicy, Fail, "by any principal"},
		{"AWS principals within everyone", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`,
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`, ResourcePolicy, Pass, ""},
		{"an account within AWS principals", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`,
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`, ResourcePolicy, Pass, ""},
		{"not action", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}}`,
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`, IdentityPolicy, Fail, "on"},
		{"admin covers all", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}}`,
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`, IdentityPolicy, Pass, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := checkNoNew(t, tc.newDoc, tc.oldDoc, tc.typ)
			if out.Result != tc.want {
				t.Fatalf("result %s (%+v), want %s", out.Result, out.Reasons, tc.want)
			}
			if tc.want == Fail {
				if len(out.Reasons) == 0 || !strings.Contains(out.Reasons[0].Description, tc.example) || out.Reasons[0].StatementIndex == nil ||
					!strings.HasPrefix(out.Reasons[0].Description, "New access in the statement with index: 0. For example: ") {
					t.Fatalf("reasons %+v, want one naming %q", out.Reasons, tc.example)
				}
				if out.Message != noNewAccessFail {
					t.Fatalf("message %q", out.Message)
				}
			} else if len(out.Reasons) != 0 || out.Message != noNewAccessPass {
				t.Fatalf("PASS with %q %+v", out.Message, out.Reasons)
			}
		})
	}
}

// A policy variable is never taken for the literal that spells its sample value.
func TestPolicyVariablesAreNotOneValue(t *testing.T) {
	vars := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}}`
	literal := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/` + variableValue + `/*"}}`
	if out := checkNoNew(t, vars, literal, IdentityPolicy); out.Result != Fail {
		t.Fatalf("a variable within one literal: %s", out.Result)
	}
	if out := checkNoNew(t, vars, vars, IdentityPolicy); out.Result != Pass {
		t.Fatalf("the same variable: %s %+v", out.Result, out.Reasons)
	}
	if out := checkNoNew(t, literal, vars, IdentityPolicy); out.Result != Fail {
		t.Fatalf("a literal within a variable: %s", out.Result)
	}
	for _, res := range []string{"arn:aws:s3:::b/alice/*", "arn:aws:s3:::b/alice/report"} {
		out, err := CheckAccessNotGranted(CheckAccessNotGrantedInput{PolicyDocument: vars, PolicyType: IdentityPolicy,
			Access: []Access{{Actions: []string{"s3:GetObject"}, Resources: []string{res}}}})
		if err != nil || out.Result != Fail {
			t.Fatalf("%s: %v %+v (alice's own objects are granted to alice)", res, err, out)
		}
	}
}

// An action of a service the catalog does not know is still asked about.
func TestActionsTheCatalogLacks(t *testing.T) {
	newDoc := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["s3:GetObject","newservice:Get*"],"Resource":"*"}}`
	oldDoc := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`
	out := checkNoNew(t, newDoc, oldDoc, IdentityPolicy)
	if out.Result != Fail || !strings.Contains(out.Reasons[0].Description, "newservice:Get") {
		t.Fatalf("%s %+v", out.Result, out.Reasons)
	}
	if out := checkNoNew(t, oldDoc, newDoc, IdentityPolicy); out.Result != Pass {
		t.Fatalf("reverse: %s %+v", out.Result, out.Reasons)
	}
}

// A check that would ask more than its budget is refused, never answered PASS.
func TestBudget(t *testing.T) {
	saved := Budget
	defer func() { Budget = saved }()
	Budget = 1000
	admin := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`
	_, err := CheckNoNewAccess(CheckNoNewAccessInput{NewPolicyDocument: admin, ExistingPolicyDocument: admin, PolicyType: IdentityPolicy})
	var ue *UnprocessableEntityError
	if !errors.As(err, &ue) {
		t.Fatalf("%v, want an UnprocessableEntityError", err)
	}
	_, err = CheckAccessNotGranted(CheckAccessNotGrantedInput{PolicyDocument: admin, PolicyType: IdentityPolicy, Access: []Access{{Resources: []string{"arn:aws:s3:::b"}}}})
	if err != nil {
		t.Fatalf("a FAIL found early needs no more budget: %v", err)
	}
	Budget = saved
	var many []string
	for i := 0; i < 205; i++ {
		many = append(many, fmt.Sprintf(`"arn:aws:s3:::b%d/*"`, i))
	}
	wide := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":[` + strings.Join(many, ",") + `]}}`
	_, err = CheckNoNewAccess(CheckNoNewAccessInput{NewPolicyDocument: wide, ExistingPolicyDocument: wide, PolicyType: IdentityPolicy})
	if !errors.As(err, &ue) {
		t.Fatalf("more pairs of patterns than sampled: %v", err)
	}
	Budget = 1000
	narrow := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::other/*"}}`
	_, err = CheckAccessNotGranted(CheckAccessNotGrantedInput{PolicyDocument: narrow, PolicyType: IdentityPolicy, Access: []Access{{Resources: []string{"arn:aws:s3:::b"}}}})
	if !errors.As(err, &ue) {
		t.Fatalf("every action on the resource, over the budget: %v", err)
	}
}

// A fill is made of a byte no pattern spells, so that an existing pattern that happens to
// spell one fill does not hide new access.
func TestFreshFillIsNoPatternsWord(t *testing.T) {
	newDoc := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`
	for _, f := range []string{"qqq", "zzz", "iamdx"} {
		oldDoc := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::b/` + f + `*","arn:aws:s3:::b/"]}}`
		if out := checkNoNew(t, newDoc, oldDoc, IdentityPolicy); out.Result != Fail {
			t.Errorf("existing b/%s* and b/: %s, want FAIL", f, out.Result)
		}
	}
}

// Patterns of ? do not hide a short resource between them: b/ and b/???* leave b/q out.
func TestShortFills(t *testing.T) {
	newDoc := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`
	oldDoc := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::b/???*","arn:aws:s3:::b/"]}}`
	if out := checkNoNew(t, newDoc, oldDoc, IdentityPolicy); out.Result != Fail {
		t.Fatalf("%s, want FAIL", out.Result)
	}
}
