package iam

import (
	"context"
	"testing"

	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/policy"
)

// A document with every shape an "AWS" principal takes, laid out by hand.
const boundDoc = `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "one", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:user/gone"}, "Action": "s3:GetObject", "Resource": "*"},
    {"Effect": "Allow",
     "Principal": {"Service": "ec2.amazonaws.com", "AWS": [ "arn:aws:iam::123456789012:user\/kept",
        "arn:aws:iam::123456789012:user/gone", "arn:aws:iam::123456789012:user/renamed" ]},
     "Action": "s3:GetObject", "Resource": "*"},
    {"Effect": "Deny", "NotPrincipal": {"AWS": ["arn:aws:iam::123456789012:root", "arn:aws:iam::123456789012:user/gone"]}, "Action": "s3:*", "Resource": "*"},
    {"Effect": "Allow", "Principal": "*", "Action": "s3:ListBucket", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalArn": "arn:aws:iam::123456789012:user/gone"}}}
  ]
}`

var boundIDs = map[string]string{
	"arn:aws:iam::123456789012:user/gone":    "AIDAGONE",
	"arn:aws:iam::123456789012:user/kept":    "AIDAKEPT",
	"arn:aws:iam::123456789012:user/renamed": "AIDARENAMED",
}

// fakeCurrent resolves the bindings above: gone is gone, renamed is now ops/new.
func fakeCurrent(bound, id string) (string, error) {
	switch id {
	case "AIDAGONE":
		return "", nil
	case "AIDARENAMED":
		return "arn:aws:iam::123456789012:user/ops/new", nil
	}
	return bound, nil
}

func TestRewriteBoundShown(t *testing.T) {
	got, err := rewriteBound(boundDoc, boundIDs, true, fakeCurrent)
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "one", "Effect": "Allow", "Principal": {"AWS": "AIDAGONE"}, "Action": "s3:GetObject", "Resource": "*"},
    {"Effect": "Allow",
     "Principal": {"Service": "ec2.amazonaws.com", "AWS": [ "arn:aws:iam::123456789012:user\/kept",
        "AIDAGONE", "arn:aws:iam::123456789012:user/ops/new" ]},
     "Action": "s3:GetObject", "Resource": "*"},
    {"Effect": "Deny", "NotPrincipal": {"AWS": ["arn:aws:iam::123456789012:root", "AIDAGONE"]}, "Action": "s3:*", "Resource": "*"},
    {"Effect": "Allow", "Principal": "*", "Action": "s3:ListBucket", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalArn": "arn:aws:iam::123456789012:user/gone"}}}
  ]
}`
	if got != want {
		t.Fatalf("shown:\n%s\nwant:\n%s", got, want)
	}
	// Nothing bound, or nothing changed: the document itself.
	for _, b := range []map[string]string{nil, {"arn:aws:iam::123456789012:user/kept": "AIDAKEPT"}} {
		if got, err := rewriteBound(boundDoc, b, true, fakeCurrent); err != nil || got != boundDoc {
			t.Fatalf("bindings %v changed the document: %v\n%s", b, err, got)
		}
	}
}

// Evaluated, a gone principal matches nobody: an Allow no longer names it, a Deny's
// NotPrincipal no longer spares it.
func TestRewriteBoundEffective(t *testing.T) {
	got, err := rewriteBound(boundDoc, boundIDs, false, fakeCurrent)
	if err != nil {
		t.Fatal(err)
	}
	p, err := policy.Parse([]byte(got), policy.Resource)
	if err != nil {
		t.Fatalf("%v\n%s", err, got)
	}
	aws := func(i int) []string {
		if st := p.Statements[i]; st.Principal != nil {
			return st.Principal.AWS
		}
		return p.Statements[i].NotPrincipal.AWS
	}
	if len(aws(0)) != 0 {
		t.Fatalf("statement 0 names %v", aws(0))
	}
	if a := aws(1); len(a) != 2 || a[0] != "arn:aws:iam::123456789012:user/kept" || a[1] != "arn:aws:iam::123456789012:user/ops/new" {
		t.Fatalf("statement 1 names %v", a)
	}
	if a := aws(2); len(a) != 1 || a[0] != "arn:aws:iam::123456789012:root" {
		t.Fatalf("statement 2 spares %v", a)
	}
	if c := p.Statements[3].Conditions[0].Values; len(c) != 1 || c[0] != "arn:aws:iam::123456789012:user/gone" {
		t.Fatalf("a condition was rewritten: %v", c)
	}
}

// A role stored before principals were bound has no bindings: its trust policy is shown
// and evaluated as written, naming whoever holds the ARN, until it is next saved.
func TestRoleWithoutBindingsKeepsWorking(t *testing.T) {
	s := openInfoTestService(t)
	ctx := context.Background()
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/nobody"},"Action":"sts:AssumeRole"}]}`
	putDocs(t, s, map[docstore.Key]any{
		key(colRole, infoAccount, "old"): &Role{Account: infoAccount, Name: "old", ID: "AROAOLD", Path: "/", AssumeRolePolicy: trust, MaxSessionDuration: 3600},
	})
	r, err := s.GetRole(ctx, infoAccount, "old")
	if err != nil || r.AssumeRolePolicy != trust {
		t.Fatalf("GetRole %v %+v", err, r)
	}
	_, p, err := s.RoleTrust(ctx, infoAccount, "old")
	if err != nil || p.Statements[0].Principal.AWS[0] != "arn:aws:iam::123456789012:user/nobody" {
		t.Fatalf("RoleTrust %v %+v", err, p)
	}
	if err := s.UpdateAssumeRolePolicy(ctx, infoAccount, "old", trust); err == nil {
		t.Fatal("saving it again did not check the principal")
	}
}

// Whatever document the policy parser accepts, the scanner reads, and the document with
// every principal gone still parses, naming none of them.
func FuzzRewriteBound(f *testing.F) {
	f.Add(boundDoc)
	f.Add("\xEF\xBB\xBF" + `{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/r"},"Action":"sts:AssumeRole"}}`)
	f.Add(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["123456789012","arn:aws:iam::1:user/\u0061"]},"Action":"s3:*","Resource":"*"}]}`)
	f.Fuzz(func(t *testing.T, doc string) {
		if _, err := policy.Parse([]byte(doc), policy.Resource); err != nil {
			return
		}
		elems, err := findAWSPrincipals(doc)
		if err != nil {
			t.Fatalf("scan: %v", err)
		}
		all := map[string]string{}
		for _, e := range elems {
			for _, it := range e.items {
				all[it.value] = "AIDA" + it.value
			}
		}
		out, err := rewriteBound(doc, all, false, func(string, string) (string, error) { return "", nil })
		if err != nil {
			t.Fatal(err)
		}
		p, err := policy.Parse([]byte(out), policy.Resource)
		if err != nil {
			t.Fatalf("rewritten %q: %v", out, err)
		}
		for _, st := range p.Statements {
			for _, ps := range []*policy.Principals{st.Principal, st.NotPrincipal} {
				if ps != nil && len(ps.AWS) != 0 {
					t.Fatalf("rewritten %q still names %v", out, ps.AWS)
				}
			}
		}
	})
}
