package policy

import (
	"errors"
	"testing"
)

// The MalformedPolicyDocument texts IAM answers for each kind of fault in a customer managed
// policy (CreatePolicy), as real responses quoted by public sources show them (issue reports
// of the aws CLI, Terraform and CloudFormation, and moto's table of documents checked
// against AWS); docs/CONFORMANCE.md lists them. Each document is wrapped as
// {"Version":"2012-10-17","Statement":STATEMENT} unless it is a whole document (starts
// with "{\"Version\"" or has no Version on purpose).

const (
	okAction   = `"Action":"s3:ListBucket"`
	okResource = `"Resource":"arn:aws:s3:::example_bucket"`
)

func stmt(parts ...string) string {
	s := "{"
	for i, p := range parts {
		if i > 0 {
			s += ","
		}
		s += p
	}
	return s + "}"
}

func doc(statement string) string { return `{"Version":"2012-10-17","Statement":` + statement + `}` }

var managedMalformed = []struct{ name, doc, message string }{
	{"not JSON", `This is not a json document`, msgSyntax},
	{"trailing comma", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",` + okAction + `,` + okResource + `,}]}`, msgSyntax},
	{"no Version", `{"Statement":` + stmt(`"Effect":"Allow"`, okAction, okResource) + `}`, msgVersionRequired},
	{"Version 2008", `{"Version":"2008-10-17","Statement":` + stmt(`"Effect":"Allow"`, okAction, okResource) + `}`, msgVersionRequired},
	{"no Version before other faults", `{"Statement":[` + stmt(`"Sid":"a"`, `"Effect":"denY"`, okAction, okResource) + `,` + stmt(`"Sid":"a"`, `"Effect":"Allow"`) + `]}`, msgVersionRequired},
	{"unknown Version", `{"Version":"2013-10-17","Statement":` + stmt(`"Effect":"Allow"`, okAction, okResource) + `}`, msgSyntax},
	{"no Statement", `{"Version":"2012-10-17"}`, msgSyntax},
	{"empty Statement", doc(`[]`), msgSyntax},
	{"statement not an object", doc(`["afd"]`), msgSyntax},
	{"unknown policy element", `{"Version":"2012-10-17","Statement":` + stmt(`"Effect":"Allow"`, okAction, okResource) + `,"Extra field":"value"}`, msgSyntax},
	{"unknown statement element", doc(stmt(`"Effect":"Allow"`, okAction, okResource, `"Extra field":"value"`)), msgSyntax},
	{"Id not a string", `{"Version":"2012-10-17","Id":{},"Statement":` + stmt(`"Effect":"Allow"`, okAction, okResource) + `}`, msgSyntax},
	{"Effect unknown", doc(stmt(`"Effect":"invalid"`, okAction, okResource)), msgSyntax},
	{"no Effect", doc(stmt(okAction, okResource)), msgSyntax},
	{"Sid not a string", doc(stmt(`"Sid":[]`, `"Effect":"Allow"`, okAction, okResource)), msgSyntax},
	{"Action and NotAction", doc(stmt(`"Effect":"Allow"`, `"NotAction":"s3:ListBucket"`, `"Action":"iam:dsf"`, okResource)), msgSyntax},
	{"Resource and empty NotResource", doc(stmt(`"Effect":"Allow"`, okAction, okResource, `"NotResource":[]`)), msgSyntax},
	{"Resource an object", doc(stmt(`"Effect":"Allow"`, okAction, `"Resource":{"a":"arn:aws:s3:::example_bucket"}`)), msgSyntax},
	{"Action of arrays", doc(stmt(`"Effect":"Deny"`, `"Action":[[]]`, okResource)), msgSyntax},
	{"Condition an array", doc(stmt(`"Effect":"Allow"`, okAction, okResource, `"Condition":[]`)), msgSyntax},
	{"Condition operator a string", doc(stmt(`"Effect":"Allow"`, okAction, okResource, `"Condition":{"DateGreaterThan":"b"}`)), msgSyntax},
	{"Condition unknown operator with keys", doc(stmt(`"Effect":"Allow"`, okAction, okResource, `"Condition":{"x":{"a":"1"}}`)), msgSyntax},
	{"Condition value an object", doc(stmt(`"Effect":"Allow"`, okAction, okResource, `"Condition":{"DateGreaterThan":{"a":{}}}`)), msgSyntax},
	{"Condition double colon qualifier", doc(stmt(`"Effect":"Allow"`, okAction, okResource, `"Condition":{"ForAnyValue::StringEqualsIfExists":{"a":"asf"}}`)), msgSyntax},
	{"duplicate Sid", doc(`[` + stmt(`"Sid":"sdf"`, `"Effect":"Allow"`, okAction, okResource) + `,` + stmt(`"Sid":"sdf"`, `"Effect":"Allow"`) + `]`), msgDuplicateSid},
	{"Effect in lower case", doc(stmt(`"Effect":"allow"`, `"Action":"es:ESHttp*"`, `"Resource":"*"`)), msgLegacyParsing},
	{"Effect in mixed case", doc(stmt(`"Effect":"denY"`, okAction, okResource)), msgLegacyParsing},
	{"Effect case before missing actions", doc(stmt(`"Effect":"allow"`, `"Resource":"arn:aws:s3:us-east-1::example_bucket"`)), msgLegacyParsing},
	{"date that is not a date", doc(stmt(`"Effect":"Allow"`, okAction, okResource, `"Condition":{"DateGreaterThan":{"a":"sdfdsf"}}`)), msgLegacyParsing},
	{"date month 13", doc(stmt(`"Effect":"Allow"`, okAction, okResource, `"Condition":{"DateLessThanEquals":{"a":"234-13"}}`)), msgLegacyParsing},
	{"date offset of one digit", doc(stmt(`"Effect":"Allow"`, okAction, okResource, `"Condition":{"DateLessThanEquals":{"a":"2016-12-13t2:00:00.593194+1"}}`)), msgLegacyParsing},
	{"date fraction of ten digits", doc(stmt(`"Effect":"Allow"`, okAction, okResource, `"Condition":{"DateLessThanEquals":{"a":"2016-12-13t2:00:00.1999999999+10:59"}}`)), msgLegacyParsing},
	{"epoch beyond 64 bits", doc(stmt(`"Effect":"Allow"`, okAction, okResource, `"Condition":{"DateLessThan":{"a":"9223372036854775808"}}`)), msgLegacyParsing},
	{"bad date before missing actions", doc(stmt(`"Effect":"Allow"`, `"Condition":{"DateGreaterThan":{"a":"sdfdsf"}}`)), msgLegacyParsing},
	{"bad date before bad partition", doc(stmt(`"Effect":"Allow"`, okAction, `"Resource":"arn:error:s3:::example_bucket"`, `"Condition":{"DateGreaterThan":{"a":"sdfdsf"}}`)), msgLegacyParsing},
	{"ARN of five parts", doc(stmt(`"Effect":"Allow"`, okAction, `"Resource":"arn:aws:s3::example_bucket"`)), msgLegacyParsing},
	{"ARN of five parts before missing actions", doc(stmt(`"Effect":"Allow"`, `"Resource":"arn:aws:s3::example_bucket"`)), msgLegacyParsing},
	{"NotResource ARN of five parts", doc(stmt(`"Effect":"Allow"`, okAction, `"NotResource":"arn:aws:s3::example_bucket"`)), msgLegacyParsing},
	{"ARN of four parts without service", doc(stmt(`"Effect":"Allow"`, okAction, `"Resource":"arn:aws::fdsasf"`)), msgLegacyParsing},
	{"ARN without service", doc(stmt(`"Effect":"Allow"`, `"NotAction":"s3:ListBucket"`, `"Resource":"arn:aws::::example_bucket"`)), msgLegacyParsing},
	{"no actions", doc(stmt(`"Effect":"Allow"`, okResource)), msgMissingActions},
	{"only Effect", doc(stmt(`"Effect":"Allow"`)), msgMissingActions},
	{"empty Action", doc(stmt(`"Effect":"Allow"`, `"Action":[]`, okResource)), msgMissingActions},
	{"second statement without actions", doc(`[` + stmt(`"Effect":"Deny"`) + `,` + stmt(`"Effect":"Allow"`, okAction, okResource) + `]`), msgMissingActions},
	{"action without vendor", doc(stmt(`"Effect":"Allow"`, `"Action":"invalid"`, okResource)), msgVendorPrefix},
	{"action without vendor before missing resources", doc(stmt(`"Effect":"Allow"`, `"Action":"invalid"`)), msgVendorPrefix},
	{"empty NotAction", doc(stmt(`"Effect":"Allow"`, `"NotAction":""`, okResource)), msgVendorPrefix},
	{"vendor with a space", doc(stmt(`"Effect":"Allow"`, `"Action":"a a:ListBucket"`, okResource)), "Vendor a a is not valid"},
	{"two colons", doc(stmt(`"Effect":"Allow"`, `"Action":"s3:List:Bucket"`, okResource)), msgOneColon},
	{"two colons in a second statement", doc(`[` + stmt(`"Effect":"Allow"`, `"Action":"s3s:ListBucket"`, okResource) + `,` + stmt(`"Effect":"Allow"`, `"Action":"s:3s:ListBucket"`, okResource) + `]`), msgOneColon},
	{"resource not an ARN", doc(stmt(`"Effect":"Allow"`, okAction, `"Resource":"invalid resource"`)), `Resource invalid resource must be in ARN format or "*".`},
	{"resource not an ARN before the action's form", doc(stmt(`"Effect":"Allow"`, `"Action":"s:3:ListBucket"`, `"Resource":"sdfsadf"`)), `Resource sdfsadf must be in ARN format or "*".`},
	{"resource empty", doc(stmt(`"Effect":"Allow"`, okAction, `"Resource":""`)), `Resource  must be in ARN format or "*".`},
	{"no resources", doc(stmt(`"Effect":"Allow"`, okAction)), msgMissingResources},
	{"empty Resource", doc(stmt(`"Effect":"Allow"`, okAction, `"Resource":[]`)), msgMissingResources},
	{"colons without arn", doc(stmt(`"Effect":"Allow"`, `"NotAction":"s3s:ListBucket"`, `"Resource":"a:bsdfdsafsad"`)), `Partition "bsdfdsafsad" is not valid for resource "arn:bsdfdsafsad:*:*:*:*".`},
	{"many parts without arn", doc(stmt(`"Effect":"Allow"`, `"NotAction":"s3s:ListBucket"`, `"Resource":"a:b:c:d:e:f:g:h"`)), `Partition "b" is not valid for resource "arn:b:c:d:e:f:g:h".`},
	{"arn left out", doc(stmt(`"Effect":"Allow"`, okAction, `"Resource":"aws:s3:::example_bucket"`)), `Partition "s3" is not valid for resource "arn:s3:::example_bucket:*".`},
	{"unknown partition", doc(stmt(`"Effect":"Allow"`, okAction, `"Resource":["arn:error:s3:::example_bucket","arn:error:s3::example_bucket"]`)), `Partition "error" is not valid for resource "arn:error:s3:::example_bucket".`},
	{"ARN without vendor part", doc(stmt(`"Effect":"Allow"`, okAction, `"Resource":"arn:aws"`)), msgResourceVendor},
	{"IAM resource with a region", doc(stmt(`"Effect":"Allow"`, okAction, `"Resource":"arn:aws:iam:us-east-1::example_bucket"`)), "IAM resource arn:aws:iam:us-east-1::example_bucket cannot contain region information."},
	{"S3 resource with a region", doc(stmt(`"Effect":"Allow"`, okAction, `"Resource":"arn:aws:s3:us-east-1::example_bucket"`)), "Resource arn:aws:s3:us-east-1::example_bucket can not contain region information."},
	{"IAM resource of no type", doc(stmt(`"Effect":"Allow"`, okAction, `"Resource":"arn:aws:iam:::example_bucket"`)), msgIAMPath},
	{"IAM resource of a wildcard type", doc(stmt(`"Effect":"Allow"`, `"Action":"iam:ListRoleTags"`, `"Resource":"arn:aws:iam::123456789012:*/*"`)), msgIAMPath},
}

var managedValid = []string{
	doc(stmt(`"Effect":"Allow"`, okAction, `"Resource":["arn:aws:s3:::example_bucket"]`)),
	doc(stmt(`"Effect":"Allow"`, `"Action":"iam: asdf safdsf af "`, okResource)),
	doc(stmt(`"Effect":"Allow"`, okAction, `"Resource":["arn:aws:s3:::example_bucket","*"]`)),
	doc(stmt(`"Effect":"Allow"`, `"Action":"s3-s:ListBucket"`, okResource)),
	doc(stmt(`"Effect":"Allow"`, `"Action":"s3.s:ListBucket"`, okResource)),
	doc(stmt(`"Effect":"Allow"`, okAction, `"Resource":"arn:aws:iam:::user/example_bucket"`)),
	doc(stmt(`"Effect":"Allow"`, okAction, `"Resource":"arn:aws:s33:::example_bucket"`)),
	doc(stmt(`"Effect":"Allow"`, okAction, `"Resource":"arn:aws:fdsasf"`)),
	doc(stmt(`"Effect":"Allow"`, okAction, `"Resource":"arn:aws:cloudwatch:us-east-1::example_bucket"`)),
	doc(stmt(`"Effect":"Allow"`, okAction, `"Resource":"arn:aws:invalid-service:us-east-1::example_bucket"`)),
	doc(stmt(`"Effect":"Allow"`, okAction, okResource, `"Condition":{}`)),
	doc(stmt(`"Effect":"Allow"`, okAction, okResource, `"Condition":{"a":{}}`)),
	doc(stmt(`"Effect":"Allow"`, okAction, okResource, `"Condition":{"x":{},"y":{}}`)),
	doc(stmt(`"Effect":"Allow"`, okAction, okResource, `"Condition":{"DateGreaterThan":{}}`)),
	doc(stmt(`"Effect":"Allow"`, okAction, okResource, `"Condition":{"StringEqualsIfExists":{"a":"asf"}}`)),
	doc(stmt(`"Effect":"Allow"`, okAction, okResource, `"Condition":{"DateGreaterThan":{"a":"01T"}}`)),
	doc(stmt(`"Effect":"Allow"`, okAction, okResource, `"Condition":{"DateLessThanEquals":{"a":"2016-12-13T21:20:37.593194+00:00"}}`)),
	doc(stmt(`"Effect":"Allow"`, okAction, okResource, `"Condition":{"DateLessThanEquals":{"a":"2016-12-13t2:00:00.593194+23"}}`)),
	doc(stmt(`"Effect":"Allow"`, okAction, okResource, `"Condition":{"DateLessThan":{"a":"-292275054"}}`)),
	doc(stmt(`"Effect":"Allow"`, okAction, okResource, `"Condition":{"DateLessThan":{"aws:CurrentTime":"${aws:TokenIssueTime}"}}`)),
	doc(stmt(`"Effect":"Allow"`, `"NotAction":"s3:ListBucket"`, `"NotResource":"*"`)),
	doc(stmt(`"Effect":"Allow"`, `"Action":"iam:GetUser"`, `"Resource":"arn:aws:iam::*:user/${aws:username}"`)),
	doc(stmt(`"Effect":"Allow"`, `"Action":"iam:GetUser"`, `"Resource":"arn:aws-cn:iam::123456789012:role/x"`)),
	doc(stmt(`"Effect":"Allow"`, `"Action":"iam:GetRole"`, `"Resource":"arn:aws:iam::123456789012:assumed-role/r/s"`)),
}

func TestManagedPolicyMalformedMessagesAreAWSs(t *testing.T) {
	for _, c := range managedMalformed {
		_, err := ParseManaged([]byte(c.doc))
		var pe *Error
		if !errors.As(err, &pe) {
			t.Errorf("%s: accepted (want %q)", c.name, c.message)
			continue
		}
		if pe.Code != CodeMalformedPolicyDocument || pe.Message != c.message {
			t.Errorf("%s: %s: %q, want %q (%v)", c.name, pe.Code, pe.Message, c.message, err)
		}
	}
	for _, d := range managedValid {
		if _, err := ParseManaged([]byte(d)); err != nil {
			t.Errorf("%s: refused: %v", d, err)
		}
	}
}

// An inline policy (PutUserPolicy, ...) may be of Version 2008-10-17 or have none; a managed
// policy may not.
func TestOnlyManagedPoliciesNeedVersion2012(t *testing.T) {
	for _, d := range []string{
		`{"Statement":` + stmt(`"Effect":"Allow"`, okAction, okResource) + `}`,
		`{"Version":"2008-10-17","Statement":` + stmt(`"Effect":"Allow"`, okAction, okResource) + `}`,
	} {
		if _, err := Parse([]byte(d), Identity); err != nil {
			t.Errorf("inline %s: %v", d, err)
		}
		var pe *Error
		if _, err := ParseManaged([]byte(d)); !errors.As(err, &pe) || pe.Message != msgVersionRequired {
			t.Errorf("managed %s: %v, want %q", d, err, msgVersionRequired)
		}
	}
}

// A trust policy that is not JSON gets the text CreateRole answers ("This policy contains
// invalid Json"); the permissions policies get "Syntax errors in policy.".
func TestInvalidJSONTextsByKind(t *testing.T) {
	for _, c := range []struct {
		kind    Kind
		message string
	}{{Trust, msgInvalidJSON}, {Identity, msgSyntax}, {Boundary, msgSyntax}, {Session, msgSyntax}} {
		for _, d := range []string{`assume-role-policy.json`, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",}]}`} {
			var pe *Error
			if _, err := Parse([]byte(d), c.kind); !errors.As(err, &pe) || pe.Message != c.message {
				t.Errorf("%s %s: %v, want %q", c.kind, d, err, c.message)
			}
		}
	}
}
