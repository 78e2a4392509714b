package accessanalyzer

import (
	"errors"
	"testing"
)

func TestCheckNoPublicAccess(t *testing.T) {
	stmt := func(principal, action, cond string) string {
		s := `{"Version":"2012-10-17","Statement":[{"Sid":"S","Effect":"Allow","Principal":` + principal + `,"Action":"` + action + `","Resource":"*"`
		if cond != "" {
			s += `,"Condition":` + cond
		}
		return s + `}]}`
	}
	for _, tc := range []struct {
		name, doc, resourceType, want string
	}{
		{"star", stmt(`"*"`, "s3:GetObject", ""), "AWS::S3::Bucket", Fail},
		{"AWS star", stmt(`{"AWS":"*"}`, "s3:GetObject", ""), "AWS::S3::Bucket", Fail},
		{"an account", stmt(`{"AWS":"111122223333"}`, "s3:GetObject", ""), "AWS::S3::Bucket", Pass},
		{"organization", stmt(`"*"`, "s3:GetObject", `{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}`), "AWS::S3::Bucket", Pass},
		{"source VPC endpoint", stmt(`"*"`, "s3:*", `{"StringEquals":{"aws:SourceVpce":"vpce-1"}}`), "AWS::S3::Bucket", Pass},
		{"a VPC pattern", stmt(`"*"`, "s3:GetObject", `{"StringLike":{"aws:SourceVpc":"vpc-*"}}`), "AWS::S3::Bucket", Fail},
		{"a narrow range", stmt(`"*"`, "s3:GetObject", `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`), "AWS::S3::Bucket", Pass},
		{"every address", stmt(`"*"`, "s3:GetObject", `{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}`), "AWS::S3::Bucket", Fail},
		{"a negated account", stmt(`"*"`, "s3:GetObject", `{"StringNotEquals":{"aws:PrincipalAccount":"111122223333"}}`), "AWS::S3::Bucket", Fail},
		{"if exists", stmt(`"*"`, "s3:GetObject", `{"StringEqualsIfExists":{"aws:SourceAccount":"111122223333"}}`), "AWS::S3::Bucket", Fail},
		{"a key that restricts nothing", stmt(`"*"`, "s3:GetObject", `{"Bool":{"aws:SecureTransport":"true"}}`), "AWS::S3::Bucket", Fail},
		{"another service's actions", stmt(`"*"`, "sqs:SendMessage", ""), "AWS::S3::Bucket", Pass},
		{"a queue", stmt(`"*"`, "sqs:SendMessage", ""), "AWS::SQS::Queue", Fail},
		{"a key with the caller's account", stmt(`"*"`, "kms:Decrypt", `{"StringEquals":{"kms:CallerAccount":"111122223333"}}`), "AWS::KMS::Key", Pass},
		{"a secret", stmt(`{"AWS":"*"}`, "secretsmanager:GetSecretValue", ""), "AWS::SecretsManager::Secret", Fail},
		{"not principal", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"*"}]}`, "AWS::S3::Bucket", Fail},
		{"deny", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}]}`, "AWS::S3::Bucket", Pass},
		{"trust policy open to all", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}`, "AWS::IAM::AssumeRolePolicyDocument", Fail},
		{"trust policy with an external id", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"x"}}}]}`, "AWS::IAM::AssumeRolePolicyDocument", Fail},
		{"trust policy of an account", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"}]}`, "AWS::IAM::AssumeRolePolicyDocument", Pass},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := CheckNoPublicAccess(CheckNoPublicAccessInput{PolicyDocument: tc.doc, ResourceType: tc.resourceType})
			if err != nil {
				t.Fatal(err)
			}
			if out.Result != tc.want {
				t.Fatalf("%s %+v, want %s", out.Result, out.Reasons, tc.want)
			}
			if tc.want == Fail && (len(out.Reasons) != 1 || *out.Reasons[0].StatementIndex != 0 || out.Message != noPublicFail) {
				t.Fatalf("%q %+v", out.Message, out.Reasons)
			}
			if tc.want == Pass && (len(out.Reasons) != 0 || out.Message != noPublicPass) {
				t.Fatalf("%q %+v", out.Message, out.Reasons)
			}
		})
	}
}

func TestCheckRefusals(t *testing.T) {
	var ve *ValidationError
	var pe *InvalidParameterError
	_, err := CheckNoPublicAccess(CheckNoPublicAccessInput{PolicyDocument: "{}", ResourceType: "AWS::Nope::Thing"})
	if !errors.As(err, &ve) || ve.Fields[0].Name != "resourceType" {
		t.Fatalf("%v", err)
	}
	_, err = CheckNoPublicAccess(CheckNoPublicAccessInput{PolicyDocument: `{"Statement":"x"}`, ResourceType: "AWS::S3::Bucket"})
	if !errors.As(err, &pe) {
		t.Fatalf("%v", err)
	}
	_, err = CheckNoNewAccess(CheckNoNewAccessInput{NewPolicyDocument: "{}"})
	if !errors.As(err, &ve) || len(ve.Fields) != 2 || ve.Reason != ReasonFieldValidationFailed {
		t.Fatalf("%v %+v", err, ve)
	}
	_, err = CheckAccessNotGranted(CheckAccessNotGrantedInput{PolicyDocument: "{}", PolicyType: IdentityPolicy, Access: []Access{{}, {}}})
	if !errors.As(err, &ve) || ve.Fields[0].Name != "access" {
		t.Fatalf("%v", err)
	}
	_, err = CheckAccessNotGranted(CheckAccessNotGrantedInput{PolicyDocument: `{"Version":"2012-10-17","Statement":[]}`, PolicyType: IdentityPolicy, Access: []Access{{Actions: []string{"nocolon"}}}})
	if !errors.As(err, &pe) {
		t.Fatalf("%v", err)
	}
}
