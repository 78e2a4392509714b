package policy_test

import (
	"testing"

	"github.com/iamd-dev/iamd/internal/policy"
)

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
// (and "Missing JSON version element" of
// https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_policies.html).
func TestUserGuide_reference_policies_variables(t *testing.T) {
	const (
		david   = "arn:aws:iam::123456789012:user/David"
		adele   = "arn:aws:iam::123456789012:user/Adele"
		session = "arn:aws:sts::123456789012:assumed-role/Reader/David"
	)
	homeDirs := `{
  "Version": "2012-10-17",
  "Statement": [
    {"Action": ["s3:ListBucket"], "Effect": "Allow", "Resource": ["arn:aws:s3:::mybucket"],
     "Condition": {"StringLike": {"s3:prefix": ["${aws:username}/*"]}}},
    {"Action": ["s3:GetObject", "s3:PutObject"], "Effect": "Allow", "Resource": ["arn:aws:s3:::mybucket/${aws:username}/*"]}
  ]
}`
	ownAccessKeys := `{
  "Version": "2012-10-17",
  "Statement": [{"Action": ["iam:*AccessKey*"], "Effect": "Allow", "Resource": ["arn:aws:iam::123456789012:user/${aws:username}"]}]
}`
	ownQueues := `{
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "ListForConsole", "Effect": "Allow", "Action": "sqs:ListQueues", "Resource": "*"},
        {"Sid": "AllQueueActions", "Effect": "Allow", "Action": "sqs:*", "Resource": "arn:aws:sqs:us-east-2:*:${aws:username}-queue"}
    ]
}`
	departmentBucket := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:ListBucket",
	  "Resource": ["arn:aws:s3:::amzn-s3-demo-bucket/${aws:PrincipalTag/department}"]}}`
	// The SNS topic policy, for a topic of another account (123456789012). The guide's
	// example leaves out Resource, which a stored resource-based policy needs, so the topic
	// is named here.
	topicPolicy := `{
  "Version": "2012-10-17",
  "Statement": [{
    "Principal": {"AWS": "999999999999"},
    "Effect": "Allow",
    "Action": "sns:*",
    "Resource": "arn:aws:sns:us-east-2:123456789012:updates",
    "Condition": {"StringLike": {"sns:endpoint": "https://example.com/${aws:username}/*"}}
  }]
}`
	allowSNS := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "sns:*", "Resource": "*"}}`
	costCenter := `{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Action": ["iam:*user*"], "Resource": "*",
    "Condition": {"StringLike": {"iam:ResourceTag/costCenter": ["12345", "67890"]}}}]
}`
	teamBucket := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:ListBucket",
	  "Resource": "arn:aws:s3:::amzn-s3-demo-bucket-${aws:PrincipalTag/team, 'company-wide'}"}}`
	teamMustMatch := `{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/*"},
    {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/*",
     "Condition": {"StringNotEquals": {"s3:ExistingObjectTag/Team": "${aws:PrincipalTag/Team}"}}}
  ]
}`
	teamEquals := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
	  "Condition": {"StringEquals": {"s3:ExistingObjectTag/Team": "${aws:PrincipalTag/Team}"}}}}`
	noVersion := `{
  "Statement":
  {
    "Action": "iam:*AccessKey*",
    "Effect": "Allow",
    "Resource": "arn:aws:iam::123456789012:user/${aws:username}"
  }
}`
	version2008 := `{
  "Version": "2008-10-17",
  "Statement":
  {
    "Action": "iam:*AccessKey*",
    "Effect": "Allow",
    "Resource": "arn:aws:iam::123456789012:user/${aws:username}"
  }
}`
	version2012 := `{
  "Version": "2012-10-17",
  "Statement":
  {
    "Action": "iam:*AccessKey*",
    "Effect": "Allow",
    "Resource": "arn:aws:iam::123456789012:user/${aws:username}"
  }
}`
	upperKey := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject",
	  "Resource": "arn:aws:s3:::mybucket/${AWS:UserName}/*"}}`
	numericVariable := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*",
	  "Condition": {"NumericLessThanEquals": {"s3:max-keys": "${test:limit}"}}}}`
	principalType := func(typ string) string {
		return `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
		  "Resource": "arn:aws:s3:::public-bucket/*", "Condition": {"StringEquals": {"aws:PrincipalType": "` + typ + `"}}}}`
	}

	s3 := func(name, pol, principal, action, resource string, ctx map[string][]string, want policy.Result) ugCase {
		return ugCase{name: name, identity: []string{pol}, principal: principal, action: action, resourceARN: resource,
			resourceAccount: acct, ctx: ctx, want: want}
	}
	iamKey := func(name, pol, principal, resource string, want policy.Result) ugCase {
		return ugCase{name: name, identity: []string{pol}, principal: principal, action: "iam:CreateAccessKey", resourceARN: resource, want: want}
	}
	public := func(name, typ, principal string, want policy.Result) ugCase {
		return ugCase{name: name, resource: principalType(typ), principal: principal, action: "s3:GetObject",
			resourceARN: "arn:aws:s3:::public-bucket/index.html", resourceAccount: acct, want: want}
	}

	runUG(t, []ugCase{
		// Introduction.
		s3("${aws:username} is replaced by the friendly name of the current user: David reads his own objects", homeDirs,
			david, "s3:GetObject", "arn:aws:s3:::mybucket/David/report.txt", nil, policy.Allowed),
		s3("the same group policy does not let David read Adele's objects", homeDirs,
			david, "s3:GetObject", "arn:aws:s3:::mybucket/Adele/report.txt", nil, policy.ImplicitDeny),
		s3("the same group policy lets Adele read her own objects", homeDirs,
			adele, "s3:PutObject", "arn:aws:s3:::mybucket/Adele/report.txt", nil, policy.Allowed),
		s3("${aws:username} in a StringLike condition: David lists under his prefix", homeDirs,
			david, "s3:ListBucket", "arn:aws:s3:::mybucket", kv("s3:prefix", "David/photos/"), policy.Allowed),
		s3("${aws:username} in a StringLike condition: David cannot list under Adele's prefix", homeDirs,
			david, "s3:ListBucket", "arn:aws:s3:::mybucket", kv("s3:prefix", "Adele/"), policy.ImplicitDeny),
		iamKey("each user may manage his or her own access keys", ownAccessKeys, david, david, policy.Allowed),
		iamKey("a user may not manage another user's access keys", ownAccessKeys, david, adele, policy.ImplicitDeny),

		// Resource element.
		{
			name: "users may use queues that have their names in us-east-2", identity: []string{ownQueues},
			principal: david, action: "sqs:SendMessage", resourceARN: "arn:aws:sqs:us-east-2:123456789012:David-queue",
			want: policy.Allowed,
		},
		{
			name: "users may not use another user's queue", identity: []string{ownQueues},
			principal: david, action: "sqs:SendMessage", resourceARN: "arn:aws:sqs:us-east-2:123456789012:Adele-queue",
			want: policy.ImplicitDeny,
		},
		{
			name: "users may not use their queue in another Region", identity: []string{ownQueues},
			principal: david, action: "sqs:SendMessage", resourceARN: "arn:aws:sqs:us-west-2:123456789012:David-queue",
			want: policy.ImplicitDeny,
		},
		s3("a tag value as a variable: a bucket named after the user's department tag", departmentBucket,
			david, "s3:ListBucket", "arn:aws:s3:::amzn-s3-demo-bucket/finance", kv("aws:PrincipalTag/department", "finance"), policy.Allowed),
		s3("a tag value as a variable: another department's bucket is not matched", departmentBucket,
			david, "s3:ListBucket", "arn:aws:s3:::amzn-s3-demo-bucket/hr", kv("aws:PrincipalTag/department", "finance"), policy.ImplicitDeny),
		s3("a Resource with a variable that has no value matches no resource", departmentBucket,
			david, "s3:ListBucket", "arn:aws:s3:::amzn-s3-demo-bucket/", nil, policy.ImplicitDeny),
		iamKey("aws:username is not present for an assumed role, so the Resource matches nothing", ownAccessKeys,
			session, "arn:aws:iam::123456789012:user/David", policy.ImplicitDeny),

		// Condition element.
		{
			name:     "the SNS topic policy lets users of account 999999999999 manage the topic when the URL matches their user name",
			identity: []string{allowSNS}, resource: topicPolicy,
			principal: "arn:aws:iam::999999999999:user/David", action: "sns:Subscribe", resourceARN: "arn:aws:sns:us-east-2:123456789012:updates",
			ctx: kv("sns:Endpoint", "https://example.com/David/hook"), want: policy.Allowed,
		},
		{
			name:     "the SNS topic policy does not match another user's URL",
			identity: []string{allowSNS}, resource: topicPolicy,
			principal: "arn:aws:iam::999999999999:user/David", action: "sns:Subscribe", resourceARN: "arn:aws:sns:us-east-2:123456789012:updates",
			ctx: kv("sns:Endpoint", "https://example.com/Adele/hook"), want: policy.ImplicitDeny,
		},
		{
			name: "costCenter tag 12345 allows full access to users", identity: []string{costCenter},
			principal: david, action: "iam:UpdateUser", resourceARN: adele,
			ctx: kv("iam:ResourceTag/costCenter", "12345"), want: policy.Allowed,
		},
		{
			name: "costCenter tag with any other value fails", identity: []string{costCenter},
			principal: david, action: "iam:UpdateUser", resourceARN: adele,
			ctx: kv("iam:ResourceTag/costCenter", "11111"), want: policy.ImplicitDeny,
		},
		{
			name: "costCenter tag missing fails", identity: []string{costCenter},
			principal: david, action: "iam:UpdateUser", resourceARN: adele,
			want: policy.ImplicitDeny,
		},

		// Policy variables with no value.
		s3("StringEquals with a variable that has no value does not match", teamEquals,
			david, "s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/doc", kv("s3:ExistingObjectTag/Team", "red"), policy.ImplicitDeny),
		s3("StringEquals with the variable resolved matches", teamEquals,
			david, "s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/doc",
			kv("s3:ExistingObjectTag/Team", "red", "aws:PrincipalTag/Team", "red"), policy.Allowed),
		s3("access is explicitly denied when aws:PrincipalTag/Team is not set: StringNotEquals matches a null value", teamMustMatch,
			david, "s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/doc", kv("s3:ExistingObjectTag/Team", "red"), policy.ExplicitDeny),
		s3("aws:PrincipalTag/Team equal to s3:ExistingObjectTag/Team allows access", teamMustMatch,
			david, "s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/doc",
			kv("s3:ExistingObjectTag/Team", "red", "aws:PrincipalTag/Team", "red"), policy.Allowed),
		s3("aws:PrincipalTag/Team different from the object's tag is denied", teamMustMatch,
			david, "s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/doc",
			kv("s3:ExistingObjectTag/Team", "red", "aws:PrincipalTag/Team", "blue"), policy.ExplicitDeny),

		// Special characters.
		condCase("${*} stands for a literal asterisk", `{"StringLike": {"s3:prefix": "report${*}"}}`, kv("s3:prefix", "report*"), true),
		condCase("${*} is not a wildcard", `{"StringLike": {"s3:prefix": "report${*}"}}`, kv("s3:prefix", "report-2020"), false),
		condCase("${?} stands for a literal question mark", `{"StringLike": {"s3:prefix": "faq${?}"}}`, kv("s3:prefix", "faq?"), true),
		condCase("${?} is not a single-character wildcard", `{"StringLike": {"s3:prefix": "faq${?}"}}`, kv("s3:prefix", "faqs"), false),
		condCase("${$} stands for a literal dollar sign", `{"StringEquals": {"aws:PrincipalTag/budget": "${$}100"}}`, kv("aws:PrincipalTag/budget", "$100"), true),

		// Specifying default values.
		s3("a principal tagged team=yellow can access amzn-s3-demo-bucket-yellow", teamBucket,
			david, "s3:ListBucket", "arn:aws:s3:::amzn-s3-demo-bucket-yellow", kv("aws:PrincipalTag/team", "yellow"), policy.Allowed),
		s3("a principal tagged team=yellow cannot access other teams' buckets", teamBucket,
			david, "s3:ListBucket", "arn:aws:s3:::amzn-s3-demo-bucket-green", kv("aws:PrincipalTag/team", "yellow"), policy.ImplicitDeny),
		s3("a principal tagged team=yellow does not get the default company-wide bucket", teamBucket,
			david, "s3:ListBucket", "arn:aws:s3:::amzn-s3-demo-bucket-company-wide", kv("aws:PrincipalTag/team", "yellow"), policy.ImplicitDeny),
		s3("users without team tags can access only the company-wide bucket", teamBucket,
			david, "s3:ListBucket", "arn:aws:s3:::amzn-s3-demo-bucket-company-wide", nil, policy.Allowed),
		s3("users without team tags cannot access a team bucket", teamBucket,
			david, "s3:ListBucket", "arn:aws:s3:::amzn-s3-demo-bucket-yellow", nil, policy.ImplicitDeny),

		// Version.
		iamKey("without a Version element ${aws:username} is a literal string and does not match Bob", noVersion, userBob, userBob, policy.ImplicitDeny),
		iamKey("without a Version element the resource matches only the literal text ${aws:username}", noVersion, userBob,
			"arn:aws:iam::123456789012:user/${aws:username}", policy.Allowed),
		iamKey("Version 2008-10-17 does not support policy variables", version2008, userBob, userBob, policy.ImplicitDeny),
		iamKey("adding Version 2012-10-17 solves the problem", version2012, userBob, userBob, policy.Allowed),

		// Request information.
		s3("key names are case-insensitive: ${AWS:UserName} is ${aws:username}", upperKey,
			david, "s3:GetObject", "arn:aws:s3:::mybucket/David/a.txt", nil, policy.Allowed),
		s3("a policy variable cannot be used with a Numeric operator", numericVariable,
			david, "s3:ListBucket", "arn:aws:s3:::mybucket", kv("s3:max-keys", "10", "test:limit", "50"), policy.ImplicitDeny),
		public("aws:PrincipalType is User for an IAM user", "User", david, policy.Allowed),
		public("aws:PrincipalType is Account for the AWS account root user", "Account", "arn:aws:iam::123456789012:root", policy.Allowed),
		public("aws:PrincipalType is AssumedRole for an assumed role", "AssumedRole", session, policy.Allowed),
		public("aws:PrincipalType is FederatedUser for an AWS STS federated user principal", "FederatedUser",
			"arn:aws:sts::123456789012:federated-user/Bob", policy.Allowed),
		public("aws:PrincipalType is Anonymous for an anonymous caller", "Anonymous", "*", policy.Allowed),
		public("aws:PrincipalType of an IAM user is not AssumedRole", "AssumedRole", david, policy.ImplicitDeny),
	})
}
