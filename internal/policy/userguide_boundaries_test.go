package policy_test

import (
	"testing"

	"github.com/iamd-dev/iamd/internal/policy"
)

// Policies of "Permissions boundaries for IAM entities".
const (
	ugShirleyBoundary = `{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Action": ["s3:*", "cloudwatch:*", "ec2:*"], "Resource": "*"}]
}`
	ugXCompanyBoundaries = `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "ServiceBoundaries", "Effect": "Allow", "Action": ["s3:*", "cloudwatch:*", "ec2:*", "dynamodb:*"], "Resource": "*"},
    {"Sid": "AllowIAMConsoleForCredentials", "Effect": "Allow", "Action": ["iam:ListUsers", "iam:GetAccountPasswordPolicy"], "Resource": "*"},
    {"Sid": "AllowManageOwnPasswordAndAccessKeys", "Effect": "Allow",
     "Action": ["iam:*AccessKey*", "iam:ChangePassword", "iam:GetUser", "iam:*ServiceSpecificCredential*", "iam:*SigningCertificate*"],
     "Resource": ["arn:aws:iam::*:user/${aws:username}"]},
    {"Sid": "DenyS3Logs", "Effect": "Deny", "Action": "s3:*", "Resource": ["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"]},
    {"Sid": "DenyEC2Production", "Effect": "Deny", "Action": "ec2:*", "Resource": "arn:aws:ec2:*:*:instance/i-1234567890abcdef0"}
  ]
}`
	ugDelegatedUserBoundary = `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "CreateOrChangeOnlyWithBoundary", "Effect": "Allow",
     "Action": ["iam:CreateUser", "iam:DeleteUserPolicy", "iam:AttachUserPolicy", "iam:DetachUserPolicy",
                "iam:PutUserPermissionsBoundary", "iam:PutUserPolicy"],
     "Resource": "*",
     "Condition": {"StringEquals": {"iam:PermissionsBoundary": "arn:aws:iam::123456789012:policy/XCompanyBoundaries"}}},
    {"Sid": "CloudWatchAndOtherIAMTasks", "Effect": "Allow",
     "Action": ["cloudwatch:*", "iam:GetUser", "iam:ListUsers", "iam:DeleteUser", "iam:UpdateUser", "iam:CreateAccessKey",
                "iam:CreateLoginProfile", "iam:GetAccountPasswordPolicy", "iam:GetLoginProfile", "iam:ListGroups",
                "iam:ListGroupsForUser", "iam:CreateGroup", "iam:GetGroup", "iam:DeleteGroup", "iam:UpdateGroup",
                "iam:CreatePolicy", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:GetPolicy", "iam:GetPolicyVersion",
                "iam:GetUserPolicy", "iam:GetRolePolicy", "iam:ListPolicies", "iam:ListPolicyVersions",
                "iam:ListEntitiesForPolicy", "iam:ListUserPolicies", "iam:ListAttachedUserPolicies", "iam:ListRolePolicies",
                "iam:ListAttachedRolePolicies", "iam:SetDefaultPolicyVersion", "iam:SimulatePrincipalPolicy",
                "iam:SimulateCustomPolicy"],
     "NotResource": "arn:aws:iam::123456789012:user/Maria"},
    {"Sid": "NoBoundaryPolicyEdit", "Effect": "Deny",
     "Action": ["iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion"],
     "Resource": ["arn:aws:iam::123456789012:policy/XCompanyBoundaries", "arn:aws:iam::123456789012:policy/DelegatedUserBoundary"]},
    {"Sid": "NoBoundaryUserDelete", "Effect": "Deny", "Action": "iam:DeleteUserPermissionsBoundary", "Resource": "*"}
  ]
}`
	ugDelegatedUserPermissions = `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "IAM", "Effect": "Allow", "Action": "iam:*", "Resource": "*"},
    {"Sid": "CloudWatchLimited", "Effect": "Allow",
     "Action": ["cloudwatch:GetDashboard", "cloudwatch:GetMetricData", "cloudwatch:ListDashboards",
                "cloudwatch:GetMetricStatistics", "cloudwatch:ListMetrics"],
     "Resource": "*"},
    {"Sid": "S3BucketContents", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::ZhangBucket"}
  ]
}`
	// IAMFullAccess and AmazonS3ReadOnlyAccess, which Zhang gives Nikhil.
	ugIAMFullAccess          = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}]}`
	ugAmazonS3ReadOnlyAccess = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"}]}`

	ugShirley = "arn:aws:iam::123456789012:user/ShirleyRodriguez"
	ugZhang   = "arn:aws:iam::123456789012:user/Zhang"
	ugNikhil  = "arn:aws:iam::123456789012:user/Nikhil"
)

// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
func TestUserGuide_access_policies_boundaries(t *testing.T) {
	allowCreateUser := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "iam:CreateUser", "Resource": "*"}}`
	allowS3 := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}`
	admin := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}`
	logsBucketForNikhil := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "` + ugNikhil + `"},
	  "Action": "s3:PutObject", "Resource": "arn:aws:s3:::logs/*"}}`
	secretForNikhil := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "` + ugNikhil + `"},
	  "Action": "secretsmanager:GetSecretValue", "Resource": "*"}}`
	const secret = "arn:aws:secretsmanager:us-east-2:123456789012:secret:prod-db-AbCdEf"
	xcompany := "arn:aws:iam::123456789012:policy/XCompanyBoundaries"

	// NotPrincipal with Deny and a boundary (the page's Important note).
	notPrincipalDeny := `{"Version": "2012-10-17", "Statement": [
	  {"Effect": "Allow", "Principal": {"AWS": "` + ugNikhil + `"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"},
	  {"Effect": "Deny", "NotPrincipal": {"AWS": ["` + ugNikhil + `", "arn:aws:iam::123456789012:root"]},
	   "Action": "s3:*", "Resource": "arn:aws:s3:::reports/*"}]}`
	arnNotEqualsDeny := `{"Version": "2012-10-17", "Statement": [
	  {"Effect": "Allow", "Principal": {"AWS": "` + ugNikhil + `"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"},
	  {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::reports/*",
	   "Condition": {"ArnNotEquals": {"aws:PrincipalArn": "` + ugNikhil + `"}}}]}`

	// A role with a boundary, its session, and resource policies naming either.
	const (
		role    = "arn:aws:iam::123456789012:role/Builder"
		session = "arn:aws:sts::123456789012:assumed-role/Builder/build-42"
	)
	queueFor := func(p string) string {
		return `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "` + p + `"},
		  "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:us-east-2:123456789012:queue1"}}`
	}
	const queue = "arn:aws:sqs:us-east-2:123456789012:queue1"
	fullAccessSCP := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}`
	ec2OnlySCP := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}}`
	crossBucket := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/Shirley"},
	  "Action": "s3:GetObject", "Resource": "arn:aws:s3:::shared/*"}}`

	runUG(t, []ugCase{
		// ShirleyRodriguez.
		{
			name:     "Shirley cannot create a user because her boundary does not allow iam:CreateUser",
			identity: []string{allowCreateUser}, boundary: ugShirleyBoundary,
			principal: ugShirley, action: "iam:CreateUser", resourceARN: "arn:aws:iam::123456789012:user/newuser",
			want: policy.ImplicitDeny, by: policy.LayerBoundary,
		},
		{
			name:      "the boundary limits permissions but does not provide permissions on its own",
			boundary:  ugShirleyBoundary,
			principal: ugShirley, action: "s3:GetObject", resourceARN: "arn:aws:s3:::bucket/key", resourceAccount: acct,
			want: policy.ImplicitDeny, by: policy.LayerIdentity,
		},
		{
			name:     "a permissions policy with S3 actions lets Shirley use S3 within her boundary",
			identity: []string{allowS3}, boundary: ugShirleyBoundary,
			principal: ugShirley, action: "s3:GetObject", resourceARN: "arn:aws:s3:::bucket/key", resourceAccount: acct,
			want: policy.Allowed,
		},
		{
			name:     "Shirley can never perform operations in other services, including IAM, even with an administrator policy",
			identity: []string{admin}, boundary: ugShirleyBoundary,
			principal: ugShirley, action: "iam:ListUsers", resourceARN: "*",
			want: policy.ImplicitDeny, by: policy.LayerBoundary,
		},
		{
			name:     "the effective permissions are the intersection: EC2 inside the boundary but not in the identity policy is denied",
			identity: []string{allowS3}, boundary: ugShirleyBoundary,
			principal: ugShirley, action: "ec2:RunInstances", resourceARN: "*",
			want: policy.ImplicitDeny, by: policy.LayerIdentity,
		},

		// XCompanyBoundaries, for a user with full permissions policies.
		{
			name:     "ServiceBoundaries allows full access to DynamoDB",
			identity: []string{admin}, boundary: ugXCompanyBoundaries,
			principal: ugNikhil, action: "dynamodb:GetItem", resourceARN: "arn:aws:dynamodb:us-east-2:123456789012:table/books_table",
			want: policy.Allowed,
		},
		{
			name:     "AllowManageOwnPasswordAndAccessKeys lets users manage their own access keys",
			identity: []string{admin}, boundary: ugXCompanyBoundaries,
			principal: ugNikhil, action: "iam:CreateAccessKey", resourceARN: ugNikhil,
			want: policy.Allowed,
		},
		{
			name:     "users can manage only their own access keys, not another user's",
			identity: []string{admin}, boundary: ugXCompanyBoundaries,
			principal: ugNikhil, action: "iam:CreateAccessKey", resourceARN: ugZhang,
			want: policy.ImplicitDeny, by: policy.LayerBoundary,
		},
		{
			name:     "DenyS3Logs explicitly denies access to the logs bucket",
			identity: []string{admin}, boundary: ugXCompanyBoundaries,
			principal: ugNikhil, action: "s3:GetObject", resourceARN: "arn:aws:s3:::logs/2019-01-01.log", resourceAccount: acct,
			want: policy.ExplicitDeny, by: policy.LayerBoundary,
		},
		{
			name:     "DenyEC2Production explicitly denies access to the i-1234567890abcdef0 instance",
			identity: []string{admin}, boundary: ugXCompanyBoundaries,
			principal: ugNikhil, action: "ec2:StopInstances", resourceARN: "arn:aws:ec2:us-east-2:123456789012:instance/i-1234567890abcdef0",
			want: policy.ExplicitDeny, by: policy.LayerBoundary,
		},
		{
			name:     "other EC2 instances stay within ServiceBoundaries",
			identity: []string{admin}, boundary: ugXCompanyBoundaries,
			principal: ugNikhil, action: "ec2:StopInstances", resourceARN: "arn:aws:ec2:us-east-2:123456789012:instance/i-0abcdef1234567890",
			want: policy.Allowed,
		},

		// Nikhil: IAMFullAccess and AmazonS3ReadOnlyAccess within XCompanyBoundaries.
		{
			name:     "Nikhil can change his own password",
			identity: []string{ugIAMFullAccess, ugAmazonS3ReadOnlyAccess}, boundary: ugXCompanyBoundaries,
			principal: ugNikhil, action: "iam:ChangePassword", resourceARN: ugNikhil,
			want: policy.Allowed,
		},
		{
			name:     "Nikhil cannot create another user",
			identity: []string{ugIAMFullAccess, ugAmazonS3ReadOnlyAccess}, boundary: ugXCompanyBoundaries,
			principal: ugNikhil, action: "iam:CreateUser", resourceARN: "arn:aws:iam::123456789012:user/another",
			want: policy.ImplicitDeny, by: policy.LayerBoundary,
		},
		{
			name:     "Nikhil cannot edit his policies",
			identity: []string{ugIAMFullAccess, ugAmazonS3ReadOnlyAccess}, boundary: ugXCompanyBoundaries,
			principal: ugNikhil, action: "iam:PutUserPolicy", resourceARN: ugNikhil,
			want: policy.ImplicitDeny, by: policy.LayerBoundary,
		},
		{
			name:     "Nikhil has read-only access to Amazon S3",
			identity: []string{ugIAMFullAccess, ugAmazonS3ReadOnlyAccess}, boundary: ugXCompanyBoundaries,
			principal: ugNikhil, action: "s3:GetObject", resourceARN: "arn:aws:s3:::reports/q1.csv", resourceAccount: acct,
			want: policy.Allowed,
		},
		{
			name:     "Nikhil cannot write to Amazon S3",
			identity: []string{ugIAMFullAccess, ugAmazonS3ReadOnlyAccess}, boundary: ugXCompanyBoundaries,
			principal: ugNikhil, action: "s3:PutObject", resourceARN: "arn:aws:s3:::reports/q1.csv", resourceAccount: acct,
			want: policy.ImplicitDeny, by: policy.LayerIdentity,
		},
		{
			name:     "a bucket policy on logs allowing Nikhil to put objects does not help: the boundary explicitly denies the bucket",
			identity: []string{ugIAMFullAccess, ugAmazonS3ReadOnlyAccess}, boundary: ugXCompanyBoundaries, resource: logsBucketForNikhil,
			principal: ugNikhil, action: "s3:PutObject", resourceARN: "arn:aws:s3:::logs/new.log", resourceAccount: acct,
			want: policy.ExplicitDeny, by: policy.LayerBoundary,
		},
		{
			name:     "a secret's resource-based policy allowing Nikhil lets him read it: implicit denies in boundaries do not limit resource-based policies",
			identity: []string{ugIAMFullAccess, ugAmazonS3ReadOnlyAccess}, boundary: ugXCompanyBoundaries, resource: secretForNikhil,
			principal: ugNikhil, action: "secretsmanager:GetSecretValue", resourceARN: secret,
			want: policy.Allowed,
		},

		// Zhang: DelegatedUserPermissions within DelegatedUserBoundary.
		{
			name:     "Zhang cannot create a user without setting XCompanyBoundaries as its boundary",
			identity: []string{ugDelegatedUserPermissions}, boundary: ugDelegatedUserBoundary,
			principal: ugZhang, action: "iam:CreateUser", resourceARN: "arn:aws:iam::123456789012:user/Nikhil",
			want: policy.ImplicitDeny, by: policy.LayerBoundary,
		},
		{
			name:     "Zhang can create a user with the XCompanyBoundaries boundary",
			identity: []string{ugDelegatedUserPermissions}, boundary: ugDelegatedUserBoundary,
			principal: ugZhang, action: "iam:CreateUser", resourceARN: "arn:aws:iam::123456789012:user/Nikhil",
			ctx:  map[string][]string{"iam:PermissionsBoundary": {xcompany}},
			want: policy.Allowed,
		},
		{
			name:     "Zhang cannot create a user with another boundary",
			identity: []string{ugDelegatedUserPermissions}, boundary: ugDelegatedUserBoundary,
			principal: ugZhang, action: "iam:CreateUser", resourceARN: "arn:aws:iam::123456789012:user/Nikhil",
			ctx:  map[string][]string{"iam:PermissionsBoundary": {"arn:aws:iam::aws:policy/AdministratorAccess"}},
			want: policy.ImplicitDeny, by: policy.LayerBoundary,
		},
		{
			name:     "NoBoundaryPolicyEdit denies Zhang updating the XCompanyBoundaries policy",
			identity: []string{ugDelegatedUserPermissions}, boundary: ugDelegatedUserBoundary,
			principal: ugZhang, action: "iam:CreatePolicyVersion", resourceARN: xcompany,
			want: policy.ExplicitDeny, by: policy.LayerBoundary,
		},
		{
			name:     "NoBoundaryUserDelete denies Zhang deleting his own permissions boundary",
			identity: []string{ugDelegatedUserPermissions}, boundary: ugDelegatedUserBoundary,
			principal: ugZhang, action: "iam:DeleteUserPermissionsBoundary", resourceARN: ugZhang,
			want: policy.ExplicitDeny, by: policy.LayerBoundary,
		},
		{
			name:     "Zhang can create access keys for any IAM user not excluded by NotResource",
			identity: []string{ugDelegatedUserPermissions}, boundary: ugDelegatedUserBoundary,
			principal: ugZhang, action: "iam:CreateAccessKey", resourceARN: ugNikhil,
			want: policy.Allowed,
		},
		{
			name:     "Zhang cannot create access keys for Maria's admin user",
			identity: []string{ugDelegatedUserPermissions}, boundary: ugDelegatedUserBoundary,
			principal: ugZhang, action: "iam:CreateAccessKey", resourceARN: "arn:aws:iam::123456789012:user/Maria",
			want: policy.ImplicitDeny, by: policy.LayerBoundary,
		},
		{
			name:     "CloudWatchLimited: Zhang's CloudWatch permissions are limited only by his permissions policy",
			identity: []string{ugDelegatedUserPermissions}, boundary: ugDelegatedUserBoundary,
			principal: ugZhang, action: "cloudwatch:GetDashboard", resourceARN: "*",
			want: policy.Allowed,
		},
		{
			name:     "CloudWatch actions outside CloudWatchLimited are denied by the permissions policy",
			identity: []string{ugDelegatedUserPermissions}, boundary: ugDelegatedUserBoundary,
			principal: ugZhang, action: "cloudwatch:PutDashboard", resourceARN: "*",
			want: policy.ImplicitDeny, by: policy.LayerIdentity,
		},
		{
			name:     "S3BucketContents does not let Zhang list ZhangBucket because his boundary allows no S3 action",
			identity: []string{ugDelegatedUserPermissions}, boundary: ugDelegatedUserBoundary,
			principal: ugZhang, action: "s3:ListBucket", resourceARN: "arn:aws:s3:::ZhangBucket", resourceAccount: acct,
			want: policy.ImplicitDeny, by: policy.LayerBoundary,
		},

		// NotPrincipal with Deny and principals that have a boundary.
		{
			name:     "a NotPrincipal Deny always denies a principal with a permissions boundary, even one it names",
			identity: []string{ugAmazonS3ReadOnlyAccess}, boundary: ugXCompanyBoundaries, resource: notPrincipalDeny,
			principal: ugNikhil, action: "s3:GetObject", resourceARN: "arn:aws:s3:::reports/q1.csv", resourceAccount: acct,
			want: policy.ExplicitDeny, by: policy.LayerResource,
		},
		{
			name:     "the same NotPrincipal Deny spares the named principal when it has no boundary",
			identity: []string{ugAmazonS3ReadOnlyAccess}, resource: notPrincipalDeny,
			principal: ugNikhil, action: "s3:GetObject", resourceARN: "arn:aws:s3:::reports/q1.csv", resourceAccount: acct,
			want: policy.Allowed,
		},
		{
			name:     "ArnNotEquals with aws:PrincipalArn limits access without denying principals that have a boundary",
			identity: []string{ugAmazonS3ReadOnlyAccess}, boundary: ugXCompanyBoundaries, resource: arnNotEqualsDeny,
			principal: ugNikhil, action: "s3:GetObject", resourceARN: "arn:aws:s3:::reports/q1.csv", resourceAccount: acct,
			want: policy.Allowed,
		},
		{
			name:     "ArnNotEquals with aws:PrincipalArn still denies other principals",
			identity: []string{ugAmazonS3ReadOnlyAccess}, resource: arnNotEqualsDeny,
			principal: ugZhang, action: "s3:GetObject", resourceARN: "arn:aws:s3:::reports/q1.csv", resourceAccount: acct,
			want: policy.ExplicitDeny, by: policy.LayerResource,
		},

		// Resource-based policies naming a role or its session; SCPs; other accounts.
		{
			name:     "a resource-based policy naming the role ARN is limited by an implicit deny in the role's boundary",
			boundary: ugShirleyBoundary, resource: queueFor(role),
			principal: session, action: "sqs:SendMessage", resourceARN: queue,
			want: policy.ImplicitDeny, by: policy.LayerBoundary,
		},
		{
			name:     "a resource-based policy naming the session ARN is not limited by the boundary",
			boundary: ugShirleyBoundary, resource: queueFor(session),
			principal: session, action: "sqs:SendMessage", resourceARN: queue,
			want: policy.Allowed,
		},
		{
			name:     "a resource-based policy naming the role ARN is allowed when the boundary allows the action",
			boundary: `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}}`, resource: queueFor(role),
			principal: session, action: "sqs:SendMessage", resourceARN: queue,
			want: policy.Allowed,
		},
		{
			name:     "with an SCP, a boundary and an identity-based policy, all three must allow",
			identity: []string{allowS3}, boundary: ugShirleyBoundary, scps: [][]string{{fullAccessSCP}},
			principal: ugShirley, action: "s3:GetObject", resourceARN: "arn:aws:s3:::bucket/key", resourceAccount: acct,
			want: policy.Allowed,
		},
		{
			name:     "with an SCP that does not allow the action, boundary and identity allows are not enough",
			identity: []string{allowS3}, boundary: ugShirleyBoundary, scps: [][]string{{ec2OnlySCP}},
			principal: ugShirley, action: "s3:GetObject", resourceARN: "arn:aws:s3:::bucket/key", resourceAccount: acct,
			want: policy.ImplicitDeny, by: policy.LayerSCP,
		},
		{
			name:     "across accounts the boundary limits the requester even when the bucket policy names the user",
			identity: []string{admin}, boundary: `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}}`,
			resource:  crossBucket,
			principal: "arn:aws:iam::111122223333:user/Shirley", action: "s3:GetObject", resourceARN: "arn:aws:s3:::shared/doc.txt", resourceAccount: acctB,
			want: policy.ImplicitDeny, by: policy.LayerBoundary,
		},
	})
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session
func TestUserGuide_access_policies_policies_session(t *testing.T) {
	const (
		role    = "arn:aws:iam::111122223333:role/examplerole"
		session = "arn:aws:sts::111122223333:assumed-role/examplerole/examplerolesessionname"
		fedUser = "arn:aws:sts::111122223333:federated-user/exampleuser"
		object  = "arn:aws:s3:::example-bucket/data.csv"
	)
	roleS3 := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*",
	  "Resource": ["arn:aws:s3:::example-bucket", "arn:aws:s3:::example-bucket/*"]}}`
	sessionGet := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}}`
	sessionEC2 := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ec2:DescribeInstances", "Resource": "*"}}`
	sessionDenyDelete := `{"Version": "2012-10-17", "Statement": [
	  {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
	  {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}]}`
	boundaryList := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:List*", "Resource": "*"}}`
	bucketFor := func(p, action string) string {
		return `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "` + p + `"},
		  "Action": "` + action + `", "Resource": "arn:aws:s3:::example-bucket/*"}}`
	}

	runUG(t, []ugCase{
		{
			name:     "the session's permissions are the intersection of the role's identity-based policies and the session policy",
			identity: []string{roleS3}, session: []string{sessionGet},
			principal: session, action: "s3:GetObject", resourceARN: object, resourceAccount: acctA,
			want: policy.Allowed,
		},
		{
			name:     "an action the role allows but the session policy does not is denied",
			identity: []string{roleS3}, session: []string{sessionGet},
			principal: session, action: "s3:PutObject", resourceARN: object, resourceAccount: acctA,
			want: policy.ImplicitDeny, by: policy.LayerSession,
		},
		{
			name:     "session policies limit permissions but do not grant them",
			identity: []string{roleS3}, session: []string{sessionGet, sessionEC2},
			principal: session, action: "ec2:DescribeInstances", resourceARN: "*",
			want: policy.ImplicitDeny, by: policy.LayerIdentity,
		},
		{
			name:     "an explicit deny in a session policy overrides the allow",
			identity: []string{roleS3}, session: []string{sessionDenyDelete},
			principal: session, action: "s3:DeleteObject", resourceARN: object, resourceAccount: acctA,
			want: policy.ExplicitDeny, by: policy.LayerSession,
		},
		{
			name:     "a resource-based policy naming the role ARN is limited by the session policy",
			resource: bucketFor(role, "s3:PutObject"), session: []string{sessionGet},
			principal: session, action: "s3:PutObject", resourceARN: object, resourceAccount: acctA,
			want: policy.ImplicitDeny, by: policy.LayerSession,
		},
		{
			name:     "a resource-based policy naming the role ARN adds to the identity-based policy before the session policy limits both",
			resource: bucketFor(role, "s3:GetObject"), session: []string{sessionGet},
			principal: session, action: "s3:GetObject", resourceARN: object, resourceAccount: acctA,
			want: policy.Allowed,
		},
		{
			name:     "a resource-based policy naming the session ARN is not limited by the session policy",
			resource: bucketFor(session, "s3:PutObject"), session: []string{sessionGet},
			principal: session, action: "s3:PutObject", resourceARN: object, resourceAccount: acctA,
			want: policy.Allowed,
		},
		{
			name:     "the session has the resource-based policy's permissions plus the intersection of identity and session policies",
			identity: []string{roleS3}, resource: bucketFor(session, "s3:PutObject"), session: []string{sessionGet},
			principal: session, action: "s3:GetObject", resourceARN: object, resourceAccount: acctA,
			want: policy.Allowed,
		},
		{
			name:     "an explicit deny in the session policy still overrides a resource-based policy naming the session",
			resource: bucketFor(session, "s3:DeleteObject"), session: []string{sessionDenyDelete},
			principal: session, action: "s3:DeleteObject", resourceARN: object, resourceAccount: acctA,
			want: policy.ExplicitDeny, by: policy.LayerSession,
		},
		{
			name:     "with a permissions boundary the session's permissions are the intersection of session policy, boundary and identity policy",
			identity: []string{roleS3}, session: []string{sessionGet}, boundary: boundaryList,
			principal: session, action: "s3:GetObject", resourceARN: object, resourceAccount: acctA,
			want: policy.ImplicitDeny, by: policy.LayerBoundary,
		},
		{
			name:     "a permissions boundary does not limit permissions granted by a resource-based policy that names the session",
			resource: bucketFor(session, "s3:GetObject"), session: []string{sessionEC2}, boundary: boundaryList,
			principal: session, action: "s3:GetObject", resourceARN: object, resourceAccount: acctA,
			want: policy.Allowed,
		},
		{
			name:     "a federated user session's permissions are the intersection of the IAM user's policy and the session policy",
			identity: []string{roleS3}, session: []string{sessionGet},
			principal: fedUser, action: "s3:GetObject", resourceARN: object, resourceAccount: acctA,
			want: policy.Allowed,
		},
		{
			name:     "a federated user cannot do what the session policy leaves out",
			identity: []string{roleS3}, session: []string{sessionGet},
			principal: fedUser, action: "s3:PutObject", resourceARN: object, resourceAccount: acctA,
			want: policy.ImplicitDeny, by: policy.LayerSession,
		},
		{
			name:     "across accounts the session policy still limits a session named by the other account's bucket policy",
			identity: []string{roleS3}, resource: bucketFor(session, "s3:PutObject"), session: []string{sessionGet},
			principal: session, action: "s3:PutObject", resourceARN: object, resourceAccount: acctB,
			want: policy.ImplicitDeny, by: policy.LayerSession,
		},
	})
}
