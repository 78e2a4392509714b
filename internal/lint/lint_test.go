package lint

import (
	"testing"

	"github.com/iamd-dev/iamd/internal/policy"
)

func codes(fs []Finding) map[string]string {
	out := map[string]string{}
	for _, f := range fs {
		out[f.IssueCode] = f.FindingType
	}
	return out
}

// TestFixesClearFindings checks each risky statement against its fixed form: the finding
// is there before the fix and gone after it.
func TestFixesClearFindings(t *testing.T) {
	for _, tc := range []struct {
		code, kind, account, bad, fixed string
	}{
		{"PASS_ROLE_WITH_STAR_IN_RESOURCE", "identity", "",
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}}`,
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::123456789012:role/batch"}}`},
		{"CROSS_ACCOUNT_TRUST_WITHOUT_EXTERNAL_ID", "trust", "111111111111",
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:role/p"},"Action":"sts:AssumeRole"}}`,
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:role/p"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"t-1"}}}}`},
		{"CROSS_ACCOUNT_TRUST_WITHOUT_EXTERNAL_ID", "trust", "111111111111",
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"999999999999"},"Action":"sts:AssumeRole"}}`,
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"}}`},
		{"TRUST_POLICY_OPEN_TO_ANY_PRINCIPAL", "trust", "",
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}}`,
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-a/r-b/ou-c/*"}}}}`},
		{"ALLOW_WITH_NOT_ACTION", "identity", "",
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}}`,
			`{"Version":"2012-10-17","Statement":{"Effect":"Deny","NotAction":"iam:*","Resource":"*"}}`},
		{"RESOURCE_TYPE_MISMATCH", "identity", "",
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b/*"}}`,
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"}}`},
		{"INVALID_ACTION", "identity", "",
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"secretsmanager:GetSecretValues","Resource":"*"}}`,
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"*"}}`},
		{"TYPE_MISMATCH", "identity", "",
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:SourceIp":"203.0.113.1"}}}}`,
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.1"}}}}`},
		{"ASSUME_ROLE_WITH_STAR_IN_RESOURCE", "identity", "",
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}}`,
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::222222222222:role/target"}}`},
		{"OIDC_TRUST_MISSING_SUB_CONDITION", "trust", "",
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}}}}`,
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com","token.actions.githubusercontent.com:sub":"repo:octo-org/app:ref:refs/heads/main"}}}}`},
		{"OIDC_TRUST_OVERLY_PERMISSIVE_SUB", "trust", "",
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},"StringLike":{"token.actions.githubusercontent.com:sub":"repo:*"}}}}`,
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},"StringLike":{"token.actions.githubusercontent.com:sub":"repo:octo-org/app:*"}}}}`},
		{"OIDC_TRUST_MISSING_SUB_CONDITION", "trust", "",
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"oidc.eks.eu-west-1.amazonaws.com/id/ABC:aud":"sts.amazonaws.com"}}}}`,
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"oidc.eks.eu-west-1.amazonaws.com/id/ABC:aud":"sts.amazonaws.com","oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub":"system:serviceaccount:default:app"}}}}`},
		{"OIDC_TRUST_MISSING_AUD_CONDITION", "trust", "",
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity"}}`,
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"cognito-identity.amazonaws.com:aud":"us-east-1:12345678-abcd-abcd-abcd-123456789012"},"ForAnyValue:StringLike":{"cognito-identity.amazonaws.com:amr":"authenticated"}}}}`},
		{"SERVICE_PRINCIPAL_WITHOUT_SOURCE_CONDITION", "resource", "",
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"sns:Publish","Resource":"arn:aws:sns:us-east-1:123456789012:uploads"}}`,
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"sns:Publish","Resource":"arn:aws:sns:us-east-1:123456789012:uploads","Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}}}}`},
		{"SERVICE_PRINCIPAL_WITHOUT_SOURCE_CONDITION", "trust", "",
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}}`,
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:ecs:us-east-1:123456789012:*"}}}}`},
		{"MISSING_QUALIFIER", "identity", "",
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:TagRole","Resource":"*","Condition":{"StringEquals":{"aws:TagKeys":"team"}}}}`,
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:TagRole","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":"team"},"Null":{"aws:TagKeys":"false"}}}}`},
		{"FORANYVALUE_WITH_SINGLE_VALUED_KEY", "identity", "",
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws:PrincipalTag/team":"a"}}}}`,
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"a"}}}}`},
	} {
		kind, _ := policy.ParseKind(tc.kind)
		bad := Lint([]byte(tc.bad), Options{Kind: kind, Account: tc.account})
		if _, ok := codes(bad)[tc.code]; !ok {
			t.Errorf("%s: not found in %s: %+v", tc.code, tc.bad, bad)
		}
		if fixed := Lint([]byte(tc.fixed), Options{Kind: kind, Account: tc.account}); len(fixed) != 0 {
			t.Errorf("%s: the fixed policy still has findings: %+v", tc.code, fixed)
		}
	}
}

func TestBlocking(t *testing.T) {
	if Blocking([]Finding{{FindingType: Warning}, {FindingType: Suggestion}}) {
		t.Error("warnings block")
	}
	if !Blocking([]Finding{{FindingType: Warning}, {FindingType: SecurityWarning}}) || !Blocking([]Finding{{FindingType: Error}}) {
		t.Error("errors do not block")
	}
}

func TestPositions(t *testing.T) {
	doc := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": {\n    \"Effect\": \"Allow\",\n    \"Action\": \"s3:GetObjectz\",\n    \"Resource\": \"*\"\n  }\n}\n"
	fs := Lint([]byte(doc), Options{})
	if len(fs) != 2 || fs[1].IssueCode != "INVALID_ACTION" || fs[0].IssueCode != "EMPTY_STATEMENT" {
		t.Fatalf("%+v", fs)
	}
	loc := fs[1].Locations[0]
	if loc.Span.Start.Line != 5 || loc.Span.Start.Column != 15 || loc.Span.End.Column != 30 {
		t.Fatalf("span %+v", loc.Span)
	}
	if len(loc.Path) != 4 || loc.Path[0].Value != "Statement" || *loc.Path[1].Index != 0 || loc.Path[2].Value != "Action" {
		t.Fatalf("path %+v", loc.Path)
	}
}
