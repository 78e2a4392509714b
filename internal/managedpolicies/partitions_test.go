package managedpolicies

import (
	"strings"
	"testing"
)

// Each partition has AWS's managed policies under its own ARNs, naming its own resources.
func TestPoliciesOfEveryPartition(t *testing.T) {
	for _, a := range []string{"arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws-cn:iam::aws:policy/ReadOnlyAccess", "arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess"} {
		p, ok := Lookup(a)
		if !ok || p.Name != "ReadOnlyAccess" || p.Path != "/" || !IsAWSManaged(a) {
			t.Fatalf("Lookup(%s) = %+v, %v", a, p, ok)
		}
	}
	for _, a := range []string{"arn:aws-moon:iam::aws:policy/ReadOnlyAccess", "arn:aws-cn:iam::123456789012:policy/ReadOnlyAccess", "arn:aws-cn:iam::aws:policy/NoSuchPolicyAtAll"} {
		if _, ok := Lookup(a); ok {
			t.Fatalf("Lookup(%s) found a policy", a)
		}
	}
	if IsAWSManaged("arn:aws-moon:iam::aws:policy/x") {
		t.Fatal("a made-up partition's ARN is AWS managed")
	}
	var withARNs *Policy
	for _, p := range Default().Policies {
		if strings.Contains(p.Document(), `"arn:aws:`) {
			withARNs = p
			break
		}
	}
	if withARNs == nil {
		t.Fatal("no AWS managed policy names an ARN")
	}
	if got, want := withARNs.ARNIn("aws-cn"), "arn:aws-cn:iam::aws:policy"+withARNs.Path+withARNs.Name; got != want {
		t.Fatalf("ARNIn = %s, want %s", got, want)
	}
	cn := withARNs.DocumentIn("aws-cn")
	if strings.Contains(cn, `"arn:aws:`) || !strings.Contains(cn, `"arn:aws-cn:`) {
		t.Fatalf("%s in aws-cn still names the aws partition:\n%s", withARNs.Name, cn)
	}
	if withARNs.DocumentIn("aws") != withARNs.Document() || withARNs.DocumentIn("") != withARNs.Document() {
		t.Fatal("the aws partition's document differs from the data's")
	}
}
