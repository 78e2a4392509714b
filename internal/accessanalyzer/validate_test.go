package accessanalyzer

import (
	"errors"
	"strings"
	"testing"
)

const passRoleDoc = `{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": ["iam:PassRole", "s3:GetObject", "s3:Get*"], "Resource": "*"}
  ]
}`

func TestValidatePolicyShape(t *testing.T) {
	out, err := ValidatePolicy(ValidateInput{PolicyDocument: passRoleDoc, PolicyType: IdentityPolicy})
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]Finding{}
	for _, f := range out.Findings {
		codes[f.IssueCode] = f
	}
	f, ok := codes["PASS_ROLE_WITH_STAR_IN_RESOURCE"]
	if !ok {
		t.Fatalf("findings %+v", out.Findings)
	}
	span := f.Locations[0].Span
	if passRoleDoc[span.Start.Offset:span.End.Offset] != `"*"` {
		t.Fatalf("span %+v", span)
	}
	line := strings.Split(passRoleDoc, "\n")[span.Start.Line-1]
	if !strings.HasPrefix(line[span.Start.Column:], `"*"`) {
		t.Fatalf("column %d of %q (columns count from 0)", span.Start.Column, line)
	}
	if f.FindingDetails != awsDetails["PASS_ROLE_WITH_STAR_IN_RESOURCE"] {
		t.Fatalf("details %q, want Access Analyzer's", f.FindingDetails)
	}
	if f.LearnMoreLink != referencePage+"#access-analyzer-reference-policy-checks-security-warning-pass-role-with-star-in-resource" {
		t.Fatalf("link %s", f.LearnMoreLink)
	}
	if r, ok := codes["REDUNDANT_ACTION"]; !ok || !strings.HasSuffix(r.LearnMoreLink, "-suggestion-redundant-action") {
		t.Fatalf("redundant action: %+v", r)
	}
	if LearnMoreLink("SECURITY_WARNING", "FULL_ACCESS_WITH_STAR_IN_RESOURCE") != referencePage {
		t.Fatal("an iamd-only code links to an anchor Access Analyzer does not have")
	}
}

func TestValidatePolicyPages(t *testing.T) {
	all, err := ValidatePolicy(ValidateInput{PolicyDocument: passRoleDoc, PolicyType: IdentityPolicy})
	if err != nil || len(all.Findings) < 2 || all.NextToken != "" {
		t.Fatalf("%v %+v", err, all)
	}
	one := 1
	var got []Finding
	token := ""
	for i := 0; i < 10; i++ {
		p, err := ValidatePolicy(ValidateInput{PolicyDocument: passRoleDoc, PolicyType: IdentityPolicy, MaxResults: &one, NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, p.Findings...)
		if token = p.NextToken; token == "" {
			break
		}
	}
	if len(got) != len(all.Findings) || got[0].IssueCode != all.Findings[0].IssueCode {
		t.Fatalf("paged %d findings of %d", len(got), len(all.Findings))
	}
	first, _ := ValidatePolicy(ValidateInput{PolicyDocument: passRoleDoc, PolicyType: IdentityPolicy, MaxResults: &one})
	var ve *ValidationError
	other := strings.Replace(passRoleDoc, "s3:GetObject", "s3:PutObject", 1)
	for _, bad := range []ValidateInput{
		{PolicyDocument: other, PolicyType: IdentityPolicy, NextToken: first.NextToken}, // another document's token
		{PolicyDocument: passRoleDoc, PolicyType: IdentityPolicy, NextToken: "not-a-token"},
		{PolicyDocument: passRoleDoc, PolicyType: "TRUST_POLICY"},
		{PolicyDocument: passRoleDoc},
		{PolicyDocument: passRoleDoc, PolicyType: IdentityPolicy, ResourceType: "AWS::S3::Bucket"},
		{PolicyDocument: passRoleDoc, PolicyType: IdentityPolicy, Locale: "XX"},
	} {
		if _, err := ValidatePolicy(bad); !errors.As(err, &ve) {
			t.Errorf("%+v: %v, want a ValidationError", bad, err)
		}
	}
}

// A trust policy is read as one when the resource type says so: a trust policy's own
// checks find what they look for.
func TestValidatePolicyTrust(t *testing.T) {
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}`
	out, err := ValidatePolicy(ValidateInput{PolicyDocument: doc, PolicyType: ResourcePolicy, ResourceType: "AWS::IAM::AssumeRolePolicyDocument"})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range out.Findings {
		found = found || f.IssueCode == "TRUST_POLICY_OPEN_TO_ANY_PRINCIPAL"
	}
	if !found {
		t.Fatalf("%+v", out.Findings)
	}
}
