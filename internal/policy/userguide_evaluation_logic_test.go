package policy_test

import (
	"testing"

	"github.com/iamd-dev/iamd/internal/policy"
)

// The AllowGetList / DenyReports example of "The difference between explicit and implicit
// denies".
const ugGetListDenyReports = `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "AllowGetList", "Effect": "Allow", "Action": ["iam:Get*", "iam:List*"], "Resource": "*"},
    {"Sid": "DenyReports", "Effect": "Deny", "Action": "iam:*Report", "Resource": "*"}
  ]
}`

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_AccessPolicyLanguage_Interplay.html
func TestUserGuide_reference_policies_evaluation_logic_AccessPolicyLanguage_Interplay(t *testing.T) {
	allowGenerate := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "iam:GenerateCredentialReport", "Resource": "*"}}`
	runUG(t, []ugCase{
		{
			name:      "AllowGetList allows read-only IAM actions that begin with Get",
			identity:  []string{ugGetListDenyReports},
			principal: userBob, action: "iam:GetUser", resourceARN: userBob,
			want: policy.Allowed,
		},
		{
			name:      "AllowGetList allows read-only IAM actions that begin with List",
			identity:  []string{ugGetListDenyReports},
			principal: userBob, action: "iam:ListAccessKeys", resourceARN: userBob,
			want: policy.Allowed,
		},
		{
			name:      "all other IAM actions such as iam:CreatePolicy are implicitly denied",
			identity:  []string{ugGetListDenyReports},
			principal: userBob, action: "iam:CreatePolicy", resourceARN: "arn:aws:iam::123456789012:policy/p",
			want: policy.ImplicitDeny, by: policy.LayerIdentity,
		},
		{
			name:      "DenyReports explicitly denies iam:GetOrganizationsAccessReport although AllowGetList matches it",
			identity:  []string{ugGetListDenyReports},
			principal: userBob, action: "iam:GetOrganizationsAccessReport", resourceARN: "*",
			want: policy.ExplicitDeny, by: policy.LayerIdentity,
		},
		{
			name:      "another policy granting iam:GenerateCredentialReport cannot override the explicit deny",
			identity:  []string{ugGetListDenyReports, allowGenerate},
			principal: userBob, action: "iam:GenerateCredentialReport", resourceARN: "*",
			want: policy.ExplicitDeny, by: policy.LayerIdentity,
		},
		{
			name:      "with no applicable Allow or Deny the principal is implicitly denied by default",
			principal: userBob, action: "iam:GetUser", resourceARN: userBob,
			want: policy.ImplicitDeny,
		},
	})
}

// The carlossalazar example of "Example identity-based and resource-based policy evaluation".
const (
	ugCarlosIdentity = `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "AllowS3ListRead", "Effect": "Allow",
     "Action": ["s3:GetBucketLocation", "s3:GetAccountPublicAccessBlock", "s3:ListAccessPoints", "s3:ListAllMyBuckets"],
     "Resource": "arn:aws:s3:::*"},
    {"Sid": "AllowS3Self", "Effect": "Allow", "Action": "s3:*",
     "Resource": ["arn:aws:s3:::carlossalazar/*", "arn:aws:s3:::carlossalazar"]},
    {"Sid": "DenyS3Logs", "Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::*log*"}
  ]
}`
	ugCarlosBucket = `{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::123456789012:user/carlossalazar"},
    "Action": "s3:*",
    "Resource": ["arn:aws:s3:::carlossalazar/*", "arn:aws:s3:::carlossalazar"]
  }]
}`
	ugCarlos = "arn:aws:iam::123456789012:user/carlossalazar"
)

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
// (including "Evaluating policies within a single account" and "Determining whether a
// request is allowed or denied within an account").
func TestUserGuide_reference_policies_evaluation_logic(t *testing.T) {
	const (
		session     = "arn:aws:sts::111122223333:assumed-role/examplerole/examplerolesessionname"
		role        = "arn:aws:iam::111122223333:role/examplerole"
		fedUser     = "arn:aws:sts::111122223333:federated-user/exampleuser"
		bucketInA   = "arn:aws:s3:::example-bucket/report.csv"
		keyARN      = "arn:aws:kms:us-east-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
		roleToTrust = "arn:aws:iam::123456789012:role/examplerole"
	)
	bucketPolicyFor := func(principal string) string {
		return `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "` + principal +
			`"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}}`
	}
	allowGetObject := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}`
	allowEC2Only := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}}`
	carlosLogsBucket := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow",
	  "Principal": {"AWS": "arn:aws:iam::123456789012:user/carlossalazar"}, "Action": "s3:*",
	  "Resource": ["arn:aws:s3:::carlossalazar-logs", "arn:aws:s3:::carlossalazar-logs/*"]}}`
	carlosBucketDenyDelete := `{"Version": "2012-10-17", "Statement": {"Effect": "Deny",
	  "Principal": {"AWS": "arn:aws:iam::123456789012:user/carlossalazar"}, "Action": "s3:DeleteObject",
	  "Resource": "arn:aws:s3:::carlossalazar/*"}}`
	trustEC2 := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}}`
	trustAccount := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}}`
	allowAssume := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "` + roleToTrust + `"}}`
	keyPolicyOtherUser := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow",
	  "Principal": {"AWS": "arn:aws:iam::123456789012:user/KeyAdmin"}, "Action": "kms:*", "Resource": "*"}}`
	keyPolicyAccount := `{"Version": "2012-10-17", "Statement": {"Sid": "Enable IAM policies", "Effect": "Allow",
	  "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"}}`
	allowDecrypt := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "` + keyARN + `"}}`

	runUG(t, []ugCase{
		// Example identity-based and resource-based policy evaluation.
		{
			name:     "saving to carlossalazar-logs is denied because DenyS3Logs explicitly denies log buckets",
			identity: []string{ugCarlosIdentity}, resource: ugCarlosBucket,
			principal: ugCarlos, action: "s3:PutObject", resourceARN: "arn:aws:s3:::carlossalazar-logs/file.txt", resourceAccount: acct,
			want: policy.ExplicitDeny, by: policy.LayerIdentity,
		},
		{
			name:     "saving to carlossalazar is allowed when both the identity and the bucket policy allow",
			identity: []string{ugCarlosIdentity}, resource: ugCarlosBucket,
			principal: ugCarlos, action: "s3:PutObject", resourceARN: "arn:aws:s3:::carlossalazar/file.txt", resourceAccount: acct,
			want: policy.Allowed,
		},
		{
			name:      "if the identity-based policy allows and the resource-based policy does not the request is still allowed",
			identity:  []string{ugCarlosIdentity},
			principal: ugCarlos, action: "s3:PutObject", resourceARN: "arn:aws:s3:::carlossalazar/file.txt", resourceAccount: acct,
			want: policy.Allowed,
		},
		{
			name:      "if the resource-based policy allows and the identity-based policy does not the request is still allowed",
			resource:  ugCarlosBucket,
			principal: ugCarlos, action: "s3:PutObject", resourceARN: "arn:aws:s3:::carlossalazar/file.txt", resourceAccount: acct,
			want: policy.Allowed,
		},
		{
			name:      "AllowS3ListRead lets Carlos read the location of any bucket in the account",
			identity:  []string{ugCarlosIdentity},
			principal: ugCarlos, action: "s3:GetBucketLocation", resourceARN: "arn:aws:s3:::other-bucket", resourceAccount: acct,
			want: policy.Allowed,
		},
		{
			name:     "an explicit deny in the identity-based policy overrides a bucket policy that allows",
			identity: []string{ugCarlosIdentity}, resource: carlosLogsBucket,
			principal: ugCarlos, action: "s3:GetObject", resourceARN: "arn:aws:s3:::carlossalazar-logs/file.txt", resourceAccount: acct,
			want: policy.ExplicitDeny, by: policy.LayerIdentity,
		},
		{
			name:     "an explicit deny in the resource-based policy overrides the identity-based allow",
			identity: []string{ugCarlosIdentity}, resource: carlosBucketDenyDelete,
			principal: ugCarlos, action: "s3:DeleteObject", resourceARN: "arn:aws:s3:::carlossalazar/file.txt", resourceAccount: acct,
			want: policy.ExplicitDeny, by: policy.LayerResource,
		},
		{
			name:      "by default all requests are implicitly denied except for the account root user, which has full access",
			principal: "arn:aws:iam::123456789012:root", action: "s3:GetObject", resourceARN: "arn:aws:s3:::carlossalazar/file.txt", resourceAccount: acct,
			want: policy.Allowed,
		},
		{
			name:      "an IAM user with no policies is implicitly denied",
			principal: ugCarlos, action: "s3:GetObject", resourceARN: "arn:aws:s3:::carlossalazar/file.txt", resourceAccount: acct,
			want: policy.ImplicitDeny,
		},

		// Resource-based policies and implicit denies in other policy types (same account).
		{
			name:      "a resource-based policy naming the IAM role session ARN grants to the session directly",
			resource:  bucketPolicyFor(session),
			principal: session, action: "s3:GetObject", resourceARN: bucketInA, resourceAccount: acctA,
			want: policy.Allowed,
		},
		{
			name:     "a resource-based policy naming the IAM role session ARN is not limited by the session policy",
			resource: bucketPolicyFor(session), session: []string{allowEC2Only},
			principal: session, action: "s3:GetObject", resourceARN: bucketInA, resourceAccount: acctA,
			want: policy.Allowed,
		},
		{
			name:      "a resource-based policy naming the role ARN grants to the role's sessions",
			resource:  bucketPolicyFor(role),
			principal: session, action: "s3:GetObject", resourceARN: bucketInA, resourceAccount: acctA,
			want: policy.Allowed,
		},
		{
			name:     "a resource-based policy naming the role ARN is limited by an implicit deny in a session policy",
			resource: bucketPolicyFor(role), session: []string{allowEC2Only},
			principal: session, action: "s3:GetObject", resourceARN: bucketInA, resourceAccount: acctA,
			want: policy.ImplicitDeny, by: policy.LayerSession,
		},
		{
			name:     "a resource-based policy naming the role ARN is limited by an implicit deny in a permissions boundary",
			resource: bucketPolicyFor(role), boundary: allowEC2Only,
			principal: session, action: "s3:GetObject", resourceARN: bucketInA, resourceAccount: acctA,
			want: policy.ImplicitDeny, by: policy.LayerBoundary,
		},
		{
			name:     "a resource-based policy naming the federated user session ARN grants to the session directly",
			resource: bucketPolicyFor(fedUser), session: []string{allowEC2Only},
			principal: fedUser, action: "s3:GetObject", resourceARN: bucketInA, resourceAccount: acctA,
			want: policy.Allowed,
		},
		{
			name:     "a resource-based policy naming an IAM user is not limited by an implicit deny in the permissions boundary",
			resource: bucketPolicyFor("arn:aws:iam::111122223333:user/exampleuser"), boundary: allowEC2Only,
			principal: "arn:aws:iam::111122223333:user/exampleuser", action: "s3:GetObject", resourceARN: bucketInA, resourceAccount: acctA,
			want: policy.Allowed,
		},
		{
			name:      "a role session without a session policy has what the role's identity-based policies allow",
			identity:  []string{allowGetObject},
			principal: session, action: "s3:GetObject", resourceARN: bucketInA, resourceAccount: acctA,
			want: policy.Allowed,
		},
		{
			name:     "a session policy present that does not allow the action implicitly denies it",
			identity: []string{allowGetObject}, session: []string{allowEC2Only},
			principal: session, action: "s3:GetObject", resourceARN: bucketInA, resourceAccount: acctA,
			want: policy.ImplicitDeny, by: policy.LayerSession,
		},
		{
			name:      "a federated user session without a session policy is implicitly denied",
			identity:  []string{allowGetObject},
			principal: fedUser, action: "s3:GetObject", resourceARN: bucketInA, resourceAccount: acctA,
			want: policy.ImplicitDeny,
		},
		{
			name:     "a federated user session with a session policy has the intersection with the user's identity-based policies",
			identity: []string{allowGetObject}, session: []string{allowGetObject},
			principal: fedUser, action: "s3:GetObject", resourceARN: bucketInA, resourceAccount: acctA,
			want: policy.Allowed,
		},

		// Role trust policies and KMS key policies must explicitly allow access.
		{
			name:     "a role trust policy must allow: an identity-based allow for sts:AssumeRole alone is not enough",
			identity: []string{allowAssume}, resource: trustEC2, resourceKind: policy.Trust,
			principal: userBob, action: "sts:AssumeRole", resourceARN: roleToTrust,
			want: policy.ImplicitDeny, by: policy.LayerResource,
		},
		{
			name:     "a trust policy naming the account lets users whose identity-based policy allows sts:AssumeRole assume the role",
			identity: []string{allowAssume}, resource: trustAccount, resourceKind: policy.Trust,
			principal: userBob, action: "sts:AssumeRole", resourceARN: roleToTrust,
			want: policy.Allowed,
		},
		{
			name:     "a trust policy naming the account does not let users without an identity-based allow assume the role",
			resource: trustAccount, resourceKind: policy.Trust,
			principal: userBob, action: "sts:AssumeRole", resourceARN: roleToTrust,
			want: policy.ImplicitDeny,
		},
		{
			name:     "a KMS key policy must allow: an identity-based allow alone is not enough",
			identity: []string{allowDecrypt}, resource: keyPolicyOtherUser,
			principal: userBob, action: "kms:Decrypt", resourceARN: keyARN,
			want: policy.ImplicitDeny, by: policy.LayerResource,
		},
		{
			name:     "a KMS key policy that allows the account enables the identity-based policies",
			identity: []string{allowDecrypt}, resource: keyPolicyAccount,
			principal: userBob, action: "kms:Decrypt", resourceARN: keyARN,
			want: policy.Allowed,
		},
	})
}

// The cross-account example: carlossalazar in 111111111111, the Production bucket in
// 222222222222.
const (
	ugCrossCarlosIdentity = `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "AllowS3ListRead", "Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"},
    {"Sid": "AllowS3ProductionObjectActions", "Effect": "Allow", "Action": "s3:*Object*", "Resource": "arn:aws:s3:::Production/*"},
    {"Sid": "DenyS3Logs", "Effect": "Deny", "Action": "s3:*", "Resource": ["arn:aws:s3:::*log*", "arn:aws:s3:::*log*/*"]}
  ]
}`
	ugCrossProductionBucket = `{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": ["s3:GetObject*", "s3:PutObject*", "s3:ReplicateObject", "s3:RestoreObject"],
    "Principal": {"AWS": "arn:aws:iam::111111111111:user/carlossalazar"},
    "Resource": "arn:aws:s3:::Production/*"
  }]
}`
	ugCrossCarlos = "arn:aws:iam::111111111111:user/carlossalazar"
)

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
func TestUserGuide_reference_policies_evaluation_logic_cross_account(t *testing.T) {
	const (
		trusting = "222222222222"
		role     = "arn:aws:iam::222222222222:role/CrossAccountRole"
		session  = "arn:aws:sts::111111111111:assumed-role/Auditor/carlos"
	)
	bucketForAccount := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "111111111111"},
	  "Action": "s3:*", "Resource": "arn:aws:s3:::Production/*"}}`
	bucketForSession := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "` + session + `"},
	  "Action": "s3:GetObject", "Resource": "arn:aws:s3:::Production/*"}}`
	bucketDenyCarlos := `{"Version": "2012-10-17", "Statement": [
	  {"Effect": "Allow", "Principal": {"AWS": "111111111111"}, "Action": "s3:*", "Resource": "arn:aws:s3:::Production/*"},
	  {"Effect": "Deny", "Principal": {"AWS": "` + ugCrossCarlos + `"}, "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::Production/*"}]}`
	trustAccountA := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "sts:AssumeRole"}}`
	allowAssume := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "` + role + `"}}`
	allowS3 := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}`

	runUG(t, []ugCase{
		{
			name:      "saving to Production-logs is denied because the trusted account's evaluation finds DenyS3Logs",
			identity:  []string{ugCrossCarlosIdentity},
			principal: ugCrossCarlos, action: "s3:PutObject", resourceARN: "arn:aws:s3:::Production-logs/file.txt", resourceAccount: trusting,
			want: policy.ExplicitDeny, by: policy.LayerIdentity,
		},
		{
			name:     "saving to Production is allowed because both account evaluations allow",
			identity: []string{ugCrossCarlosIdentity}, resource: ugCrossProductionBucket,
			principal: ugCrossCarlos, action: "s3:PutObject", resourceARN: "arn:aws:s3:::Production/file.txt", resourceAccount: trusting,
			want: policy.Allowed,
		},
		{
			name:      "the bucket policy alone does not allow a cross-account request",
			resource:  ugCrossProductionBucket,
			principal: ugCrossCarlos, action: "s3:PutObject", resourceARN: "arn:aws:s3:::Production/file.txt", resourceAccount: trusting,
			want: policy.ImplicitDeny,
		},
		{
			name:      "the identity-based policy alone does not allow a cross-account request",
			identity:  []string{ugCrossCarlosIdentity},
			principal: ugCrossCarlos, action: "s3:PutObject", resourceARN: "arn:aws:s3:::Production/file.txt", resourceAccount: trusting,
			want: policy.ImplicitDeny, by: policy.LayerResource,
		},
		{
			name:     "Carlos can create and edit but not delete objects because the bucket policy does not allow deleting",
			identity: []string{ugCrossCarlosIdentity}, resource: ugCrossProductionBucket,
			principal: ugCrossCarlos, action: "s3:DeleteObject", resourceARN: "arn:aws:s3:::Production/file.txt", resourceAccount: trusting,
			want: policy.ImplicitDeny, by: policy.LayerResource,
		},
		{
			name:     "a bucket policy may specify the entire trusted account, whose identity-based policy must then allow",
			identity: []string{ugCrossCarlosIdentity}, resource: bucketForAccount,
			principal: ugCrossCarlos, action: "s3:GetObject", resourceARN: "arn:aws:s3:::Production/file.txt", resourceAccount: trusting,
			want: policy.Allowed,
		},
		{
			name:      "a bucket policy naming the entire trusted account does not grant without an identity-based allow",
			resource:  bucketForAccount,
			principal: ugCrossCarlos, action: "s3:GetObject", resourceARN: "arn:aws:s3:::Production/file.txt", resourceAccount: trusting,
			want: policy.ImplicitDeny,
		},
		{
			name:     "a bucket policy may specify an assumed-role session of the trusted account",
			identity: []string{allowS3}, resource: bucketForSession,
			principal: session, action: "s3:GetObject", resourceARN: "arn:aws:s3:::Production/file.txt", resourceAccount: trusting,
			want: policy.Allowed,
		},
		{
			name:     "an explicit deny in the trusting account's bucket policy denies the request",
			identity: []string{allowS3}, resource: bucketDenyCarlos,
			principal: ugCrossCarlos, action: "s3:DeleteObject", resourceARN: "arn:aws:s3:::Production/file.txt", resourceAccount: trusting,
			want: policy.ExplicitDeny, by: policy.LayerResource,
		},
		{
			name:     "a role trust policy trusting the other account lets its users assume the role when their identity policy allows",
			identity: []string{allowAssume}, resource: trustAccountA, resourceKind: policy.Trust,
			principal: ugCrossCarlos, action: "sts:AssumeRole", resourceARN: role,
			want: policy.Allowed,
		},
		{
			name:     "a role trust policy trusting the other account is only half: the user also needs an identity-based allow",
			resource: trustAccountA, resourceKind: policy.Trust,
			principal: ugCrossCarlos, action: "sts:AssumeRole", resourceARN: role,
			want: policy.ImplicitDeny,
		},
		{
			name:     "a user of an account the trust policy does not name cannot assume the role",
			identity: []string{allowAssume}, resource: trustAccountA, resourceKind: policy.Trust,
			principal: "arn:aws:iam::333333333333:user/mallory", action: "sts:AssumeRole", resourceARN: role,
			want: policy.ImplicitDeny, by: policy.LayerResource,
		},
	})
}
