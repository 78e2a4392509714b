package policy_test

import (
	"testing"

	"github.com/iamd-dev/iamd/internal/policy"
)

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
func TestUserGuide_reference_policies_elements_principal(t *testing.T) {
	const (
		object  = "arn:aws:s3:::shared-bucket/report.csv"
		owner   = "111122223333" // the bucket's account
		inOwner = "arn:aws:iam::111122223333:user/Alice"
		other   = "arn:aws:iam::123456789012:user/Bob"
		third   = "arn:aws:iam::999999999999:user/Carol"
	)
	bucket := func(principal string) string {
		return `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": ` + principal + `,
		  "Action": "s3:GetObject", "Resource": "arn:aws:s3:::shared-bucket/*"}}`
	}
	allowS3 := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}`
	get := func(name, principalElement, caller string, identity bool, want policy.Result) ugCase {
		c := ugCase{name: name, resource: bucket(principalElement), principal: caller, action: "s3:GetObject",
			resourceARN: object, resourceAccount: owner, want: want}
		if identity {
			c.identity = []string{allowS3}
		}
		return c
	}
	trust := func(principalElement, action string) string {
		return `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": ` + principalElement + `, "Action": "` + action + `"}]}`
	}
	assume := func(name, principalElement, action, caller string, identity bool, want policy.Result) ugCase {
		c := ugCase{name: name, resource: trust(principalElement, action), resourceKind: policy.Trust,
			principal: caller, action: action, resourceARN: "arn:aws:iam::111122223333:role/service-role", want: want}
		if identity {
			c.identity = []string{`{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "sts:AssumeRole*", "Resource": "*"}}`}
		}
		return c
	}
	emrAndPipeline := `{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"Service": ["elasticmapreduce.amazonaws.com", "datapipeline.amazonaws.com"]},
    "Action": "sts:AssumeRole"
  }]
}`
	service := func(name, caller string, want policy.Result) ugCase {
		return ugCase{name: name, resource: emrAndPipeline, resourceKind: policy.Trust, principal: caller,
			action: "sts:AssumeRole", resourceARN: "arn:aws:iam::111122223333:role/service-role", want: want}
	}

	runUG(t, []ugCase{
		// Specific AWS accounts.
		get("an account ID delegates to the account: its users need identity-based permissions too",
			`{"AWS": "123456789012"}`, other, true, policy.Allowed),
		get("an account ID does not grant a user of the account who has no identity-based permissions",
			`{"AWS": "123456789012"}`, other, false, policy.ImplicitDeny),
		get("the account ARN arn:aws:iam::123456789012:root is equivalent to the account ID",
			`{"AWS": "arn:aws:iam::123456789012:root"}`, other, true, policy.Allowed),
		get("the account ARN also needs the user's identity-based permissions",
			`{"AWS": "arn:aws:iam::123456789012:root"}`, other, false, policy.ImplicitDeny),
		get("an array may mix account ARNs and account IDs: the second account is trusted too",
			`{"AWS": ["arn:aws:iam::123456789012:root", "999999999999"]}`, third, true, policy.Allowed),
		get("accounts not listed are not trusted",
			`{"AWS": ["arn:aws:iam::123456789012:root", "999999999999"]}`, "arn:aws:iam::444455556666:user/Dan", true, policy.ImplicitDeny),
		get("within the resource's own account, naming the account delegates to identity-based policies",
			`{"AWS": "111122223333"}`, inOwner, false, policy.ImplicitDeny),
		{
			name: "the root user of a trusted account has full access in its account and so can use the grant", resource: bucket(`{"AWS": "123456789012"}`),
			principal: "arn:aws:iam::123456789012:root", action: "s3:GetObject", resourceARN: object, resourceAccount: owner,
			want: policy.Allowed,
		},

		// Individual IAM users.
		get("a user named in the Principal element is granted", `{"AWS": "arn:aws:iam::111122223333:user/Alice"}`, inOwner, false, policy.Allowed),
		get("several users are a logical OR: the first",
			`{"AWS": ["arn:aws:iam::111122223333:user/user-name-1", "arn:aws:iam::111122223333:user/UserName2"]}`,
			"arn:aws:iam::111122223333:user/user-name-1", false, policy.Allowed),
		get("several users are a logical OR: the second",
			`{"AWS": ["arn:aws:iam::111122223333:user/user-name-1", "arn:aws:iam::111122223333:user/UserName2"]}`,
			"arn:aws:iam::111122223333:user/UserName2", false, policy.Allowed),
		get("in a Principal element the user name is case sensitive",
			`{"AWS": ["arn:aws:iam::111122223333:user/user-name-1", "arn:aws:iam::111122223333:user/UserName2"]}`,
			"arn:aws:iam::111122223333:user/username2", false, policy.ImplicitDeny),
		get("a user of another account named in the policy needs its identity-based permissions",
			`{"AWS": "arn:aws:iam::123456789012:user/Bob"}`, other, false, policy.ImplicitDeny),
		get("a user of another account named in the policy with identity-based permissions is allowed",
			`{"AWS": "arn:aws:iam::123456789012:user/Bob"}`, other, true, policy.Allowed),

		// Federated users.
		assume("web identity: a trust policy for cognito-identity.amazonaws.com lets Cognito users assume the role",
			`{"Federated": "cognito-identity.amazonaws.com"}`, "sts:AssumeRoleWithWebIdentity", "cognito-identity.amazonaws.com", false, policy.Allowed),
		assume("web identity: another provider is not trusted",
			`{"Federated": "cognito-identity.amazonaws.com"}`, "sts:AssumeRoleWithWebIdentity", "accounts.google.com", false, policy.ImplicitDeny),
		assume("web identity: accounts.google.com",
			`{"Federated": "accounts.google.com"}`, "sts:AssumeRoleWithWebIdentity", "accounts.google.com", false, policy.Allowed),
		assume("SAML: the saml-provider ARN",
			`{"Federated": "arn:aws:iam::111122223333:saml-provider/provider-name"}`, "sts:AssumeRoleWithSAML",
			"arn:aws:iam::111122223333:saml-provider/provider-name", false, policy.Allowed),

		// IAM roles and assumed-role sessions.
		get("a role ARN grants to the role's sessions",
			`{"AWS": "arn:aws:iam::111122223333:role/role-name"}`, "arn:aws:sts::111122223333:assumed-role/role-name/any-session", false, policy.Allowed),
		get("a role ARN does not grant to another role's sessions",
			`{"AWS": "arn:aws:iam::111122223333:role/role-name"}`, "arn:aws:sts::111122223333:assumed-role/other-role/any-session", false, policy.ImplicitDeny),
		get("a specific assumed-role session is granted",
			`{"AWS": "arn:aws:sts::111122223333:assumed-role/role-name/role-session-name"}`,
			"arn:aws:sts::111122223333:assumed-role/role-name/role-session-name", false, policy.Allowed),
		get("an assumed-role session ARN names only that session",
			`{"AWS": "arn:aws:sts::111122223333:assumed-role/role-name/role-session-name"}`,
			"arn:aws:sts::111122223333:assumed-role/role-name/other-session", false, policy.ImplicitDeny),

		// AWS services.
		service("the EMR service principal may assume the service role", "elasticmapreduce.amazonaws.com", policy.Allowed),
		service("an array of service principals in one Service element: Data Pipeline too", "datapipeline.amazonaws.com", policy.Allowed),
		service("a service not listed may not assume the role", "ec2.amazonaws.com", policy.ImplicitDeny),
		service("an IAM user may not assume a role that trusts only services", inOwner, policy.ImplicitDeny),

		// Anonymous users (public).
		get(`"Principal": "*" specifies all users or public access: anonymous`, `"*"`, "*", false, policy.Allowed),
		get(`"Principal": {"AWS": "*"} is equivalent: anonymous`, `{"AWS": "*"}`, "*", false, policy.Allowed),
		get(`"Principal": "*" includes IAM users of the account`, `"*"`, inOwner, false, policy.Allowed),
		get(`"Principal": "*" includes IAM users of any account, with their identity-based permissions`, `"*"`, third, true, policy.Allowed),
		get("an anonymous caller is not granted by a policy that names an account", `{"AWS": "111122223333"}`, "*", false, policy.ImplicitDeny),
		assume("a trust policy with a wildcard principal lets any IAM user in any account assume the role",
			`{"AWS": "*"}`, "sts:AssumeRole", third, true, policy.Allowed),
	})
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
func TestUserGuide_reference_policies_elements_notprincipal(t *testing.T) {
	const (
		bob         = "arn:aws:iam::444455556666:user/Bob"
		alice       = "arn:aws:iam::444455556666:user/Alice"
		auditApp    = "arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/cross-account-audit-app"
		otherApp    = "arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/other-app"
		otherRole   = "arn:aws:sts::444455556666:assumed-role/admin-role/cross-account-audit-app"
		bucketOwner = "111122223333"
	)
	// The page's Deny statement, plus the Allow that, as the page says, must grant access.
	bobOnly := `{
    "Version": "2012-10-17",
    "Statement": [{
        "Effect": "Deny",
        "NotPrincipal": {"AWS": ["arn:aws:iam::444455556666:user/Bob", "arn:aws:iam::444455556666:root"]},
        "Action": "s3:*",
        "Resource": ["arn:aws:s3:::BUCKETNAME", "arn:aws:s3:::BUCKETNAME/*"]
    }, {
        "Effect": "Allow",
        "Principal": {"AWS": "444455556666"},
        "Action": "s3:*",
        "Resource": ["arn:aws:s3:::BUCKETNAME", "arn:aws:s3:::BUCKETNAME/*"]
    }]
}`
	bobDenyOnly := `{
    "Version": "2012-10-17",
    "Statement": [{
        "Effect": "Deny",
        "NotPrincipal": {"AWS": ["arn:aws:iam::444455556666:user/Bob", "arn:aws:iam::444455556666:root"]},
        "Action": "s3:*",
        "Resource": ["arn:aws:s3:::BUCKETNAME", "arn:aws:s3:::BUCKETNAME/*"]
    }]
}`
	auditOnly := `{
    "Version": "2012-10-17",
    "Statement": [{
        "Effect": "Deny",
        "NotPrincipal": {"AWS": [
            "arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/cross-account-audit-app",
            "arn:aws:iam::444455556666:role/cross-account-read-only-role",
            "arn:aws:iam::444455556666:root"
        ]},
        "Action": "s3:*",
        "Resource": ["arn:aws:s3:::Bucket_AccountAudit", "arn:aws:s3:::Bucket_AccountAudit/*"]
    }, {
        "Effect": "Allow",
        "Principal": {"AWS": "444455556666"},
        "Action": "s3:*",
        "Resource": ["arn:aws:s3:::Bucket_AccountAudit", "arn:aws:s3:::Bucket_AccountAudit/*"]
    }]
}`
	allowAllButBob := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "NotPrincipal": {"AWS": "` + bob + `"},
	  "Action": "s3:GetObject", "Resource": "arn:aws:s3:::BUCKETNAME/*"}}`
	allowS3 := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}`
	boundary := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}`

	get := func(name, res, caller, object string, want policy.Result) ugCase {
		return ugCase{name: name, identity: []string{allowS3}, resource: res, principal: caller, action: "s3:GetObject",
			resourceARN: object, resourceAccount: bucketOwner, want: want, by: byFor(want)}
	}
	const (
		obj      = "arn:aws:s3:::BUCKETNAME/file"
		auditObj = "arn:aws:s3:::Bucket_AccountAudit/file"
	)
	withBoundary := get("a principal with a permissions boundary is always denied by a NotPrincipal Deny", bobOnly, bob, obj, policy.ExplicitDeny)
	withBoundary.boundary = boundary

	runUG(t, []ugCase{
		get("all principals except Bob are explicitly denied: Bob, allowed by another statement, gets access", bobOnly, bob, obj, policy.Allowed),
		get("all principals except Bob are explicitly denied: another user of Bob's account", bobOnly, alice, obj, policy.ExplicitDeny),
		get("all principals except Bob are explicitly denied: a user of another account", bobOnly, "arn:aws:iam::999999999999:user/Eve", obj, policy.ExplicitDeny),
		get("all principals except Bob are explicitly denied: an anonymous caller", bobOnly, "*", obj, policy.ExplicitDeny),
		get("the example by itself does not grant access to Bob, it only omits him from the Deny", bobDenyOnly, bob, obj, policy.ImplicitDeny),
		withBoundary,
		get("all principals except the assumed-role user cross-account-audit-app are denied: it gets access", auditOnly, auditApp, auditObj, policy.Allowed),
		get("all principals except the assumed-role user cross-account-audit-app are denied: another session of the same role",
			auditOnly, otherApp, auditObj, policy.ExplicitDeny),
		get("all principals except the assumed-role user cross-account-audit-app are denied: the same session name of another role",
			auditOnly, otherRole, auditObj, policy.ExplicitDeny),
		{
			name: "NotPrincipal with Allow grants all principals except the one named, even anonymous users", resource: allowAllButBob,
			principal: "*", action: "s3:GetObject", resourceARN: obj, resourceAccount: bucketOwner, want: policy.Allowed,
		},
		{
			name: "NotPrincipal with Allow does not grant the principal it names", resource: allowAllButBob,
			principal: bob, action: "s3:GetObject", resourceARN: obj, resourceAccount: bucketOwner, want: policy.ImplicitDeny,
		},
	})
}

// notPrincipalChainGap is why the engine lets principals escape a NotPrincipal Deny that the
// page says denies them.
const notPrincipalChainGap = "the page names the one principal a NotPrincipal Deny spares ('all principals except the user " +
	"named Bob', 'except the assumed-role user named cross-account-audit-app') and lists its account (and role) only " +
	"because AWS may check the account, then the role, then the session: the Deny applies unless every link of the " +
	"caller's chain is listed. The engine spares a caller when any one link is listed (principalMatcher.match: " +
	"m.lists(&chain[i]) for any i), so every principal of a listed account or role escapes the Deny"

func byFor(r policy.Result) policy.Layer {
	if r == policy.ExplicitDeny {
		return policy.LayerResource
	}
	return policy.LayerNone
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
func TestUserGuide_reference_policies_elements_notaction(t *testing.T) {
	allS3ButDeleteBucket := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "NotAction": "s3:DeleteBucket", "Resource": "arn:aws:s3:::*"}}`
	allButIAM := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}}`
	denyWithoutMFA := `{
    "Version": "2012-10-17",
    "Statement": [{
        "Sid": "DenyAllUsersNotUsingMFA",
        "Effect": "Deny",
        "NotAction": "iam:*",
        "Resource": "*",
        "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}
    }]
}`
	admin := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}`
	req := func(name string, pols []string, action, resource string, ctx map[string][]string, want policy.Result) ugCase {
		return ugCase{name: name, identity: pols, principal: userBob, action: action, resourceARN: resource,
			resourceAccount: acct, ctx: ctx, want: want}
	}
	const inst = "arn:aws:ec2:us-east-2:123456789012:instance/i-1"

	runUG(t, []ugCase{
		req("NotAction with Allow: all S3 actions on S3 resources except deleting a bucket: GetObject",
			[]string{allS3ButDeleteBucket}, "s3:GetObject", "arn:aws:s3:::bucket/key", nil, policy.Allowed),
		req("NotAction with Allow: PutBucketPolicy is not excepted",
			[]string{allS3ButDeleteBucket}, "s3:PutBucketPolicy", "arn:aws:s3:::bucket", nil, policy.Allowed),
		req("NotAction with Allow: deleting a bucket is not allowed",
			[]string{allS3ButDeleteBucket}, "s3:DeleteBucket", "arn:aws:s3:::bucket", nil, policy.ImplicitDeny),
		req("NotAction with Allow: other services' actions are not applicable to S3 resources",
			[]string{allS3ButDeleteBucket}, "ec2:TerminateInstances", inst, nil, policy.ImplicitDeny),
		req("NotAction iam:* with Allow: every action in every service except IAM: EC2",
			[]string{allButIAM}, "ec2:RunInstances", inst, nil, policy.Allowed),
		req("NotAction iam:* with Allow: every action in every service except IAM: S3",
			[]string{allButIAM}, "s3:GetObject", "arn:aws:s3:::bucket/key", nil, policy.Allowed),
		req("NotAction iam:* with Allow: IAM actions are not allowed",
			[]string{allButIAM}, "iam:CreateUser", "arn:aws:iam::123456789012:user/new", nil, policy.ImplicitDeny),
		req("NotAction with Deny: non-IAM actions are denied when the user is not signed in with MFA",
			[]string{admin, denyWithoutMFA}, "ec2:RunInstances", inst, kv("aws:MultiFactorAuthPresent", "false"), policy.ExplicitDeny),
		req("NotAction with Deny: BoolIfExists also denies when aws:MultiFactorAuthPresent is absent (long-term keys)",
			[]string{admin, denyWithoutMFA}, "ec2:RunInstances", inst, nil, policy.ExplicitDeny),
		req("NotAction with Deny: signed in with MFA the condition fails and the Deny has no effect",
			[]string{admin, denyWithoutMFA}, "ec2:RunInstances", inst, kv("aws:MultiFactorAuthPresent", "true"), policy.Allowed),
		req("NotAction with Deny: IAM actions are not denied without MFA",
			[]string{admin, denyWithoutMFA}, "iam:ChangePassword", userBob, kv("aws:MultiFactorAuthPresent", "false"), policy.Allowed),
		req("NotAction with Deny: the policy alone does not grant access to any actions",
			[]string{denyWithoutMFA}, "ec2:RunInstances", inst, kv("aws:MultiFactorAuthPresent", "true"), policy.ImplicitDeny),
	})
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html
func TestUserGuide_reference_policies_elements_notresource(t *testing.T) {
	hrPayroll := `{
  "Version": "2012-10-17",
  "Statement": {
    "Effect": "Deny",
    "Action": "s3:*",
    "NotResource": ["arn:aws:s3:::HRBucket/Payroll", "arn:aws:s3:::HRBucket/Payroll/*"]
  }
}`
	admin := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}`
	dangerous := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "NotResource": "arn:aws:s3:::HRBucket"}}`
	req := func(name string, pols []string, action, resource string, want policy.Result) ugCase {
		return ugCase{name: name, identity: pols, principal: "arn:aws:iam::123456789012:user/payroll-clerk", action: action,
			resourceARN: resource, resourceAccount: acct, want: want}
	}
	runUG(t, []ugCase{
		req("HRPayroll members may still access the Payroll folder", []string{admin, hrPayroll},
			"s3:GetObject", "arn:aws:s3:::HRBucket/Payroll/2020-01.csv", policy.Allowed),
		req("HRPayroll members may still access the Payroll folder object itself", []string{admin, hrPayroll},
			"s3:GetObject", "arn:aws:s3:::HRBucket/Payroll", policy.Allowed),
		req("all other S3 resources are explicitly denied: another folder of HRBucket", []string{admin, hrPayroll},
			"s3:GetObject", "arn:aws:s3:::HRBucket/Benefits/plan.pdf", policy.ExplicitDeny),
		req("all other S3 resources are explicitly denied: the bucket itself", []string{admin, hrPayroll},
			"s3:ListBucket", "arn:aws:s3:::HRBucket", policy.ExplicitDeny),
		req("users are automatically denied access to new folders", []string{admin, hrPayroll},
			"s3:PutObject", "arn:aws:s3:::HRBucket/NewFolder/x", policy.ExplicitDeny),
		req("all other S3 resources are explicitly denied: another bucket", []string{admin, hrPayroll},
			"s3:GetObject", "arn:aws:s3:::OtherBucket/x", policy.ExplicitDeny),
		req("the policy affects only S3 actions, so EC2 resources are not denied", []string{admin, hrPayroll},
			"ec2:RunInstances", "arn:aws:ec2:us-east-2:123456789012:instance/i-1", policy.Allowed),
		req("the Deny does not grant the user access to any resources", []string{hrPayroll},
			"s3:GetObject", "arn:aws:s3:::HRBucket/Payroll/2020-01.csv", policy.ImplicitDeny),
		req("Allow, Action * and NotResource HRBucket allows all actions in AWS on other resources", []string{dangerous},
			"iam:PutUserPolicy", "arn:aws:iam::123456789012:user/payroll-clerk", policy.Allowed),
		req("Allow, Action * and NotResource HRBucket does not allow the HRBucket bucket", []string{dangerous},
			"s3:ListBucket", "arn:aws:s3:::HRBucket", policy.ImplicitDeny),
	})
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
// and https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
func TestUserGuide_reference_policies_elements_resource(t *testing.T) {
	allow := func(action string, resources ...string) string {
		list := ""
		for i, r := range resources {
			if i > 0 {
				list += ", "
			}
			list += `"` + r + `"`
		}
		return `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "` + action + `", "Resource": [` + list + `]}}`
	}
	req := func(name, pol, action, resource string, want policy.Result) ugCase {
		return ugCase{name: name, identity: []string{pol}, principal: userBob, action: action, resourceARN: resource,
			resourceAccount: acct, want: want}
	}
	queue := allow("sqs:*", "arn:aws:sqs:us-east-2:123456789012:queue1")
	bob := allow("iam:*", "arn:aws:iam::123456789012:user/Bob")
	accounting := allow("iam:*", "arn:aws:iam::123456789012:user/accounting/*")
	corporate := allow("s3:*", "arn:aws:s3:::my_corporate_bucket/*")
	test := allow("s3:*", "arn:aws:s3:::amzn-s3-demo-bucket/*/test/*")
	tables := allow("dynamodb:*",
		"arn:aws:dynamodb:us-east-2:123456789012:table/books_table",
		"arn:aws:dynamodb:us-east-2:123456789012:table/magazines_table")
	ownTable := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "dynamodb:*",
	  "Resource": "arn:aws:dynamodb:us-east-2:123456789012:table/${aws:username}"}}`
	regionWildcard := allow("dynamodb:*", "arn:aws:dynamodb:us-*-2:123456789012:table/books_table")
	anyInstance := allow("ec2:*", "arn:aws:ec2:*:*:instance/*")
	logGroup := allow("logs:*", "arn:aws:logs:us-east-2:123456789012:log-group:app-*")

	cases := []ugCase{
		req("a specific Amazon SQS queue", queue, "sqs:SendMessage", "arn:aws:sqs:us-east-2:123456789012:queue1", policy.Allowed),
		req("another queue is not covered", queue, "sqs:SendMessage", "arn:aws:sqs:us-east-2:123456789012:queue2", policy.ImplicitDeny),
		req("the same queue name in another Region is not covered", queue, "sqs:SendMessage", "arn:aws:sqs:us-west-2:123456789012:queue1", policy.ImplicitDeny),
		req("the IAM user named Bob", bob, "iam:GetUser", "arn:aws:iam::123456789012:user/Bob", policy.Allowed),
		req("in the Resource element the IAM user name is case sensitive", bob, "iam:GetUser", "arn:aws:iam::123456789012:user/bob", policy.ImplicitDeny),
		req("all IAM users whose path is /accounting", accounting, "iam:GetUser", "arn:aws:iam::123456789012:user/accounting/alice", policy.Allowed),
		req("a user with another path is not covered", accounting, "iam:GetUser", "arn:aws:iam::123456789012:user/marketing/alice", policy.ImplicitDeny),
		req("all items within a specific Amazon S3 bucket", corporate, "s3:GetObject", "arn:aws:s3:::my_corporate_bucket/a/b/c.txt", policy.Allowed),
		req("items of another bucket are not covered", corporate, "s3:GetObject", "arn:aws:s3:::my_corporate_bucket2/c.txt", policy.ImplicitDeny),
		req("multiple resources: the first DynamoDB table", tables, "dynamodb:GetItem", "arn:aws:dynamodb:us-east-2:123456789012:table/books_table", policy.Allowed),
		req("multiple resources: the second DynamoDB table", tables, "dynamodb:GetItem", "arn:aws:dynamodb:us-east-2:123456789012:table/magazines_table", policy.Allowed),
		req("multiple resources: a table not listed", tables, "dynamodb:GetItem", "arn:aws:dynamodb:us-east-2:123456789012:table/news_table", policy.ImplicitDeny),
		{
			name: "a policy variable in the resource part: the table matching the current user's name", identity: []string{ownTable},
			principal: "arn:aws:iam::123456789012:user/books_table", action: "dynamodb:GetItem",
			resourceARN: "arn:aws:dynamodb:us-east-2:123456789012:table/books_table", want: policy.Allowed,
		},
		{
			name: "a policy variable in the resource part: another user's table", identity: []string{ownTable},
			principal: "arn:aws:iam::123456789012:user/Bob", action: "dynamodb:GetItem",
			resourceARN: "arn:aws:dynamodb:us-east-2:123456789012:table/books_table", want: policy.ImplicitDeny,
		},
		req("wildcards may be used within any ARN segment: Region", regionWildcard, "dynamodb:GetItem",
			"arn:aws:dynamodb:us-west-2:123456789012:table/books_table", policy.Allowed),
		req("a wildcard cannot span segments", regionWildcard, "dynamodb:GetItem",
			"arn:aws:dynamodb:us-east-1:999999999999:us-west-2:123456789012:table/books_table", policy.ImplicitDeny),
		req("wildcards in the Region and account segments", anyInstance, "ec2:StopInstances",
			"arn:aws:ec2:eu-west-1:444455556666:instance/i-1", policy.Allowed),
		req("wildcards in the Region and account segments do not change the resource type", anyInstance, "ec2:DeleteVolume",
			"arn:aws:ec2:eu-west-1:444455556666:volume/vol-1", policy.ImplicitDeny),
		req("a * at the end of the resource segment extends over the colons within it", logGroup, "logs:PutLogEvents",
			"arn:aws:logs:us-east-2:123456789012:log-group:app-web:log-stream:i-1", policy.Allowed),
	}
	for _, obj := range []string{
		"amzn-s3-demo-bucket/1/test/object.jpg",
		"amzn-s3-demo-bucket/1/2/test/object.jpg",
		"amzn-s3-demo-bucket/1/2/test/3/object.jpg",
		"amzn-s3-demo-bucket/1/2/3/test/4/object.jpg",
		"amzn-s3-demo-bucket/1///test///object.jpg",
		"amzn-s3-demo-bucket/1/test/.jpg",
		"amzn-s3-demo-bucket//test/object.jpg",
		"amzn-s3-demo-bucket/1/test/",
	} {
		cases = append(cases, req("*/test/* applies to "+obj, test, "s3:GetObject", "arn:aws:s3:::"+obj, policy.Allowed))
	}
	for _, obj := range []string{
		"amzn-s3-demo-bucket/1-test/object.jpg",
		"amzn-s3-demo-bucket/test/object.jpg",
		"amzn-s3-demo-bucket/1/2/test.jpg",
	} {
		cases = append(cases, req("*/test/* does not match "+obj, test, "s3:GetObject", "arn:aws:s3:::"+obj, policy.ImplicitDeny))
	}
	runUG(t, cases)
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
func TestUserGuide_reference_policies_elements_action(t *testing.T) {
	allow := func(actions string) string {
		return `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": ` + actions + `, "Resource": "*"}}`
	}
	req := func(name, actions, action string, want policy.Result) ugCase {
		return ugCase{name: name, identity: []string{allow(actions)}, principal: userBob, action: action, resourceARN: "*", want: want}
	}
	several := `[ "sqs:SendMessage", "sqs:ReceiveMessage", "ec2:StartInstances", "iam:ChangePassword", "s3:GetObject" ]`
	runUG(t, []ugCase{
		req("the prefix and the action name are case insensitive: iam:ListAccessKeys is IAM:listaccesskeys",
			`"iam:ListAccessKeys"`, "IAM:listaccesskeys", policy.Allowed),
		req("the policy may spell the action in any case too", `"IAM:listaccesskeys"`, "iam:ListAccessKeys", policy.Allowed),
		req("an Amazon SQS action", `"sqs:SendMessage"`, "sqs:SendMessage", policy.Allowed),
		req("another SQS action is not covered", `"sqs:SendMessage"`, "sqs:DeleteQueue", policy.ImplicitDeny),
		req("multiple values: the EC2 action of the list", several, "ec2:StartInstances", policy.Allowed),
		req("multiple values: the S3 action of the list", several, "s3:GetObject", policy.Allowed),
		req("multiple values: an action not listed", several, "ec2:StopInstances", policy.ImplicitDeny),
		req("s3:* applies to all S3 actions", `"s3:*"`, "s3:PutBucketPolicy", policy.Allowed),
		req("s3:* does not apply to other services", `"s3:*"`, "ec2:RunInstances", policy.ImplicitDeny),
		req("iam:*AccessKey* applies to CreateAccessKey", `"iam:*AccessKey*"`, "iam:CreateAccessKey", policy.Allowed),
		req("iam:*AccessKey* applies to DeleteAccessKey", `"iam:*AccessKey*"`, "iam:DeleteAccessKey", policy.Allowed),
		req("iam:*AccessKey* applies to ListAccessKeys", `"iam:*AccessKey*"`, "iam:ListAccessKeys", policy.Allowed),
		req("iam:*AccessKey* applies to UpdateAccessKey", `"iam:*AccessKey*"`, "iam:UpdateAccessKey", policy.Allowed),
		req("iam:*AccessKey* does not apply to CreateUser", `"iam:*AccessKey*"`, "iam:CreateUser", policy.ImplicitDeny),
		req("ec2:Describe* applies to DescribeInstances", `"ec2:Describe*"`, "ec2:DescribeInstances", policy.Allowed),
		req("ec2:Describe* does not apply to RunInstances", `"ec2:Describe*"`, "ec2:RunInstances", policy.ImplicitDeny),
		req(`"Action": "*" applies to every action`, `"*"`, "kms:Decrypt", policy.Allowed),
		req("s3:Get* and s3:List*: GetObject", `["s3:Get*", "s3:List*"]`, "s3:GetObject", policy.Allowed),
		req("s3:Get* and s3:List*: PutObject is not covered", `["s3:Get*", "s3:List*"]`, "s3:PutObject", policy.ImplicitDeny),
	})
}
