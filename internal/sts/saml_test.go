package sts

import (
	"crypto/sha1"
	"encoding/base64"
	"testing"
)

// The STS API reference's formula: BASE64(SHA1("https://example.com/saml" + "123456789012" + "/MySAMLIdP")).
func TestNameQualifierIsTheDocumentedHash(t *testing.T) {
	sum := sha1.Sum([]byte("https://example.com/saml123456789012/MySAMLIdP"))
	if got, want := nameQualifier("https://example.com/saml", "123456789012", "MySAMLIdP"), base64.StdEncoding.EncodeToString(sum[:]); got != want {
		t.Fatalf("nameQualifier %s, want %s", got, want)
	}
}

func TestSubjectTypeDropsOnlyTheSAML2Prefix(t *testing.T) {
	for format, want := range map[string]string{
		"urn:oasis:names:tc:SAML:2.0:nameid-format:transient":    "transient",
		"urn:oasis:names:tc:SAML:2.0:nameid-format:persistent":   "persistent",
		"urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress": "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
		"": "",
	} {
		if got := subjectType(format); got != want {
			t.Errorf("subjectType(%q) = %q, want %q", format, got, want)
		}
	}
}

func TestSAMLRoleAttributePairs(t *testing.T) {
	role, provider := "arn:aws:iam::123456789012:role/r", "arn:aws:iam::123456789012:saml-provider/p"
	for _, c := range []struct {
		values []string
		want   bool
	}{
		{[]string{role + "," + provider}, true},
		{[]string{provider + "," + role}, true},
		{[]string{"arn:aws:iam::123456789012:role/other," + provider, role + ", " + provider}, true},
		{[]string{"arn:aws:iam::123456789012:role/other," + provider}, false},
		{[]string{role + ",arn:aws:iam::123456789012:saml-provider/other"}, false},
		{[]string{role}, false},
		{[]string{role + "," + provider + "," + role}, false},
		{nil, false},
	} {
		if got := samlRolePaired(c.values, role, provider); got != c.want {
			t.Errorf("%q: %v, want %v", c.values, got, c.want)
		}
	}
}

func TestSAMLRecipients(t *testing.T) {
	for v, want := range map[string]bool{
		"https://signin.aws.amazon.com/saml":                     true,
		"https://eu-west-1.signin.aws.amazon.com/saml":           true,
		"https://us-gov-west-1.signin.aws.amazon.com/saml":       true,
		"https://signin.aws.amazon.com/saml/acs/uuid-of-the-idp": true,
		"https://signin.aws.amazon.com/saml/acs/another-idp":     false,
		"https://signin.aws.amazon.com.evil.example/saml":        false,
		"http://signin.aws.amazon.com/saml":                      false,
	} {
		if got := samlRecipient(v, "uuid-of-the-idp"); got != want {
			t.Errorf("samlRecipient(%q) = %v, want %v", v, got, want)
		}
	}
}
