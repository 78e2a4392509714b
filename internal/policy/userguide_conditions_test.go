package policy_test

import (
	"testing"

	"github.com/iamd-dev/iamd/internal/policy"
)

// allowWhen is an identity-based policy that allows everything under one Condition block.
func allowWhen(condition string) string {
	return `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": ` + condition + `}}`
}

// condCase is a request by Bob for s3:GetObject under a policy that allows it when the
// condition holds.
func condCase(name, condition string, ctx map[string][]string, allowed bool) ugCase {
	want := policy.ImplicitDeny
	if allowed {
		want = policy.Allowed
	}
	return ugCase{
		name: name, identity: []string{allowWhen(condition)},
		principal: userBob, action: "s3:GetObject", resourceARN: "arn:aws:s3:::example-bucket/key", resourceAccount: acct,
		ctx: ctx, want: want,
	}
}

// kv builds a context of single-valued keys from pairs.
func kv(pairs ...string) map[string][]string {
	m := map[string][]string{}
	for i := 0; i+1 < len(pairs); i += 2 {
		m[pairs[i]] = append(m[pairs[i]], pairs[i+1])
	}
	return m
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
func TestUserGuide_reference_policies_elements_condition_operators(t *testing.T) {
	jobCategory := `{
  "Version": "2012-10-17",
  "Statement": {
    "Effect": "Allow",
    "Action": "iam:*AccessKey*",
    "Resource": "arn:aws:iam::123456789012:user/*",
    "Condition": {"StringEquals": {"aws:PrincipalTag/job-category": "iamuser-admin"}}
  }
}`
	homeDirectory := `{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": ["s3:ListAllMyBuckets", "s3:GetBucketLocation"], "Resource": "arn:aws:s3:::*"},
    {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::BUCKET-NAME",
     "Condition": {"StringLike": {"s3:prefix": ["", "home/", "home/${aws:username}/"]}}},
    {"Effect": "Allow", "Action": "s3:*",
     "Resource": ["arn:aws:s3:::BUCKET-NAME/home/${aws:username}", "arn:aws:s3:::BUCKET-NAME/home/${aws:username}/*"]}
  ]
}`
	maxKeys := `{
  "Version": "2012-10-17",
  "Statement": {
    "Effect": "Allow",
    "Action": "s3:ListBucket",
    "Resource": "arn:aws:s3:::example_bucket",
    "Condition": {"NumericLessThanEquals": {"s3:max-keys": "10"}}
  }
}`
	tokenIssueTime := `{
  "Version": "2012-10-17",
  "Statement": {
    "Effect": "Allow",
    "Action": "iam:*AccessKey*",
    "Resource": "arn:aws:iam::123456789012:user/*",
    "Condition": {"DateGreaterThan": {"aws:TokenIssueTime": "2020-01-01T00:00:01Z"}}
  }
}`
	booleanExample := `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "BooleanExample",
      "Action": "s3:*",
      "Effect": "Deny",
      "Resource": ["arn:aws:s3:::DOC-EXAMPLE-BUCKET", "arn:aws:s3:::DOC-EXAMPLE-BUCKET/*"],
      "Condition": {"Bool": {"aws:SecureTransport": "false"}}
    }
  ]
}`
	allowS3 := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}`
	sourceIP := `{
  "Version": "2012-10-17",
  "Statement": {
    "Effect": "Allow",
    "Action": "iam:*AccessKey*",
    "Resource": "arn:aws:iam::123456789012:user/*",
    "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}
  }
}`
	mixedIP := `{
  "Version": "2012-10-17",
  "Statement": {
    "Effect": "Allow",
    "Action": "someservice:*",
    "Resource": "*",
    "Condition": {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:DB8:1234:5678::/64"]}}
  }
}`
	sqsFromTopic := `{
  "Version": "2012-10-17",
  "Statement": {
    "Effect": "Allow",
    "Principal": {"AWS": "123456789012"},
    "Action": "SQS:SendMessage",
    "Resource": "arn:aws:sqs:us-east-2:123456789012:QUEUE-ID",
    "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-2:123456789012:TOPIC-ID"}}
  }
}`
	allowSendMessage := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}}`
	doesNotWork := `{
  "Version": "2012-10-17",
  "Statement": {
    "Sid": "THISPOLICYDOESNOTWORK",
    "Effect": "Allow",
    "Action": "ec2:RunInstances",
    "Resource": "*",
    "Condition": {"StringLike": {"ec2:InstanceType": ["t1.*", "t2.*", "m3.*"]}}
  }
}`
	runInstance := `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "RunInstance",
      "Effect": "Allow",
      "Action": "ec2:RunInstances",
      "Resource": "*",
      "Condition": {"StringLikeIfExists": {"ec2:InstanceType": ["t1.*", "t2.*", "m3.*"]}}
    },
    {
      "Sid": "DescribeActions",
      "Effect": "Allow",
      "Action": ["ec2:DescribeImages", "ec2:DescribeInstances", "ec2:DescribeVpcs", "ec2:DescribeKeyPairs",
                 "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups"],
      "Resource": "*"
    }
  ]
}`
	denyNotProject := `{"Version": "2012-10-17", "Statement": [
	  {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
	  {"Effect": "Deny", "Action": "s3:*", "Resource": "*",
	   "Condition": {"StringNotEqualsIfExists": {"aws:ResourceTag/project": "alpha"}}}]}`
	nullTokenIssueTime := `{
  "Version": "2012-10-17",
  "Statement": {
    "Action": "ec2:*",
    "Effect": "Allow",
    "Resource": "*",
    "Condition": {"Null": {"aws:TokenIssueTime": "true"}}
  }
}`

	const (
		iamUser   = "arn:aws:iam::123456789012:user/David"
		ec2Inst   = "arn:aws:ec2:us-east-2:123456789012:instance/i-1"
		sqsQueue  = "arn:aws:sqs:us-east-2:123456789012:QUEUE-ID"
		topicARN  = "arn:aws:sns:us-east-2:123456789012:TOPIC-ID"
		finance   = `{"ArnLike": {"aws:SourceArn": "arn:aws:someservice:*:111122223333:finance/*"}}`
		financeSL = `{"StringLike": {"aws:SourceArn": "arn:aws:someservice:*:111122223333:finance/*"}}`
		tricky    = "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"
	)

	accessKey := func(name string, pol string, ctx map[string][]string, want policy.Result) ugCase {
		return ugCase{name: name, identity: []string{pol}, principal: iamUser, action: "iam:CreateAccessKey", resourceARN: iamUser, ctx: ctx, want: want}
	}
	runEC2 := func(name, pol string, ctx map[string][]string, want policy.Result) ugCase {
		return ugCase{name: name, identity: []string{pol}, principal: userBob, action: "ec2:RunInstances", resourceARN: ec2Inst, ctx: ctx, want: want}
	}

	runUG(t, []ugCase{
		// String condition operators.
		accessKey("StringEquals: a principal tagged job-category=iamuser-admin may manage access keys", jobCategory,
			kv("aws:PrincipalTag/job-category", "iamuser-admin"), policy.Allowed),
		accessKey("StringEquals: a principal with another job-category is implicitly denied", jobCategory,
			kv("aws:PrincipalTag/job-category", "developer"), policy.ImplicitDeny),
		accessKey("StringEquals: a user without the tag is implicitly denied because the key is not present", jobCategory,
			nil, policy.ImplicitDeny),
		accessKey("StringEquals is case sensitive", jobCategory,
			kv("aws:PrincipalTag/job-category", "IAMUser-Admin"), policy.ImplicitDeny),
		{
			name: "StringLike with a policy variable: David may list his home directory", identity: []string{homeDirectory},
			principal: iamUser, action: "s3:ListBucket", resourceARN: "arn:aws:s3:::BUCKET-NAME", resourceAccount: acct,
			ctx: kv("s3:prefix", "home/David/"), want: policy.Allowed,
		},
		{
			name: "StringLike with a policy variable: David may list the top level of the bucket", identity: []string{homeDirectory},
			principal: iamUser, action: "s3:ListBucket", resourceARN: "arn:aws:s3:::BUCKET-NAME", resourceAccount: acct,
			ctx: kv("s3:prefix", ""), want: policy.Allowed,
		},
		{
			name: "StringLike with a policy variable: David may list home/", identity: []string{homeDirectory},
			principal: iamUser, action: "s3:ListBucket", resourceARN: "arn:aws:s3:::BUCKET-NAME", resourceAccount: acct,
			ctx: kv("s3:prefix", "home/"), want: policy.Allowed,
		},
		{
			name: "StringLike with a policy variable: David may not list another user's home directory", identity: []string{homeDirectory},
			principal: iamUser, action: "s3:ListBucket", resourceARN: "arn:aws:s3:::BUCKET-NAME", resourceAccount: acct,
			ctx: kv("s3:prefix", "home/Adele/"), want: policy.ImplicitDeny,
		},
		{
			name: "StringLike needs wildcards for partial matches: a deeper prefix is not listed", identity: []string{homeDirectory},
			principal: iamUser, action: "s3:ListBucket", resourceARN: "arn:aws:s3:::BUCKET-NAME", resourceAccount: acct,
			ctx: kv("s3:prefix", "home/David/photos/"), want: policy.ImplicitDeny,
		},
		{
			name: "the home directory policy gives David all S3 actions on his own objects", identity: []string{homeDirectory},
			principal: iamUser, action: "s3:PutObject", resourceARN: "arn:aws:s3:::BUCKET-NAME/home/David/notes.txt", resourceAccount: acct,
			want: policy.Allowed,
		},
		{
			name: "the home directory policy gives David nothing on another user's objects", identity: []string{homeDirectory},
			principal: iamUser, action: "s3:PutObject", resourceARN: "arn:aws:s3:::BUCKET-NAME/home/Adele/notes.txt", resourceAccount: acct,
			want: policy.ImplicitDeny,
		},
		condCase("StringNotEquals: negated matching is true for a different value",
			`{"StringNotEquals": {"aws:PrincipalTag/team": "red"}}`, kv("aws:PrincipalTag/team", "blue"), true),
		condCase("StringNotEquals: negated matching is false for the same value",
			`{"StringNotEquals": {"aws:PrincipalTag/team": "red"}}`, kv("aws:PrincipalTag/team", "red"), false),
		condCase("StringEqualsIgnoreCase: exact matching, ignoring case",
			`{"StringEqualsIgnoreCase": {"aws:PrincipalTag/team": "Red"}}`, kv("aws:PrincipalTag/team", "RED"), true),
		condCase("StringEqualsIgnoreCase: still exact, not partial",
			`{"StringEqualsIgnoreCase": {"aws:PrincipalTag/team": "Red"}}`, kv("aws:PrincipalTag/team", "reddish"), false),
		condCase("StringNotEqualsIgnoreCase: negated matching, ignoring case",
			`{"StringNotEqualsIgnoreCase": {"aws:PrincipalTag/team": "Red"}}`, kv("aws:PrincipalTag/team", "rED"), false),
		condCase("StringLike: the multi-character wildcard * matches anywhere in the string",
			`{"StringLike": {"aws:UserAgent": "*aws-cli/*"}}`, kv("aws:UserAgent", "exec-env/x aws-cli/2.15.0 Python/3.11"), true),
		condCase("StringLike: the single-character wildcard ? matches exactly one character",
			`{"StringLike": {"ec2:InstanceType": "t?.micro"}}`, kv("ec2:InstanceType", "t3.micro"), true),
		condCase("StringLike: ? does not match two characters",
			`{"StringLike": {"ec2:InstanceType": "t?.micro"}}`, kv("ec2:InstanceType", "t3a.micro"), false),
		condCase("StringLike is case sensitive",
			`{"StringLike": {"ec2:InstanceType": "t2.*"}}`, kv("ec2:InstanceType", "T2.micro"), false),
		condCase("StringNotLike: negated case-sensitive matching",
			`{"StringNotLike": {"ec2:InstanceType": "t2.*"}}`, kv("ec2:InstanceType", "m5.large"), true),
		condCase("StringNotLike: a key not present in the request context makes a negated condition true",
			`{"StringNotLike": {"ec2:InstanceType": "t2.*"}}`, nil, true),
		condCase("StringLike: a key not present in the request context makes the condition false",
			`{"StringLike": {"ec2:InstanceType": "*"}}`, nil, false),

		// Numeric condition operators.
		{
			name: "NumericLessThanEquals: listing up to 10 objects at a time is allowed", identity: []string{maxKeys},
			principal: userBob, action: "s3:ListBucket", resourceARN: "arn:aws:s3:::example_bucket", resourceAccount: acct,
			ctx: kv("s3:max-keys", "10"), want: policy.Allowed,
		},
		{
			name: "NumericLessThanEquals: listing 5 objects is allowed", identity: []string{maxKeys},
			principal: userBob, action: "s3:ListBucket", resourceARN: "arn:aws:s3:::example_bucket", resourceAccount: acct,
			ctx: kv("s3:max-keys", "5"), want: policy.Allowed,
		},
		{
			name: "NumericLessThanEquals: listing 11 objects at a time is denied", identity: []string{maxKeys},
			principal: userBob, action: "s3:ListBucket", resourceARN: "arn:aws:s3:::example_bucket", resourceAccount: acct,
			ctx: kv("s3:max-keys", "11"), want: policy.ImplicitDeny,
		},
		{
			name: "NumericLessThanEquals: a request without max-keys does not match", identity: []string{maxKeys},
			principal: userBob, action: "s3:ListBucket", resourceARN: "arn:aws:s3:::example_bucket", resourceAccount: acct,
			want: policy.ImplicitDeny,
		},
		condCase("NumericEquals: matching", `{"NumericEquals": {"s3:max-keys": "10"}}`, kv("s3:max-keys", "10"), true),
		condCase("NumericEquals: compares numbers, not text", `{"NumericEquals": {"s3:max-keys": "10"}}`, kv("s3:max-keys", "10.0"), true),
		condCase("NumericNotEquals: negated matching", `{"NumericNotEquals": {"s3:max-keys": "10"}}`, kv("s3:max-keys", "11"), true),
		condCase("NumericNotEquals: false for an equal number", `{"NumericNotEquals": {"s3:max-keys": "10"}}`, kv("s3:max-keys", "10"), false),
		condCase("NumericLessThan: less than matching", `{"NumericLessThan": {"s3:max-keys": "10"}}`, kv("s3:max-keys", "9"), true),
		condCase("NumericLessThan: an equal number is not less", `{"NumericLessThan": {"s3:max-keys": "10"}}`, kv("s3:max-keys", "10"), false),
		condCase("NumericGreaterThan: greater than matching", `{"NumericGreaterThan": {"s3:max-keys": "10"}}`, kv("s3:max-keys", "11"), true),
		condCase("NumericGreaterThan: an equal number is not greater", `{"NumericGreaterThan": {"s3:max-keys": "10"}}`, kv("s3:max-keys", "10"), false),
		condCase("NumericGreaterThanEquals: greater than or equals matching", `{"NumericGreaterThanEquals": {"s3:max-keys": "10"}}`, kv("s3:max-keys", "10"), true),
		condCase("NumericGreaterThanEquals: a smaller number does not match", `{"NumericGreaterThanEquals": {"s3:max-keys": "10"}}`, kv("s3:max-keys", "9"), false),
		condCase("Numeric operators compare decimal values", `{"NumericLessThan": {"test:ratio": "0.75"}}`, kv("test:ratio", "0.5"), true),
		condCase("Numeric operators accept a JSON number in the policy", `{"NumericLessThanEquals": {"s3:max-keys": 10}}`, kv("s3:max-keys", "7"), true),
		condCase("NumericNotEquals: a key not present makes a negated condition true", `{"NumericNotEquals": {"s3:max-keys": "10"}}`, nil, true),

		// Date condition operators.
		accessKey("DateGreaterThan: temporary credentials issued after 2020-01-01T00:00:01Z are allowed", tokenIssueTime,
			kv("aws:TokenIssueTime", "2020-06-15T08:30:00Z"), policy.Allowed),
		accessKey("DateGreaterThan: credentials issued before the date are denied", tokenIssueTime,
			kv("aws:TokenIssueTime", "2019-12-31T23:59:59Z"), policy.ImplicitDeny),
		accessKey("DateGreaterThan: an IAM user using access keys has no aws:TokenIssueTime and is denied", tokenIssueTime,
			nil, policy.ImplicitDeny),
		condCase("DateEquals: matching a specific date", `{"DateEquals": {"aws:CurrentTime": "2020-04-01T00:00:00Z"}}`,
			kv("aws:CurrentTime", "2020-04-01T00:00:00Z"), true),
		condCase("DateEquals: compares instants, not text", `{"DateEquals": {"aws:CurrentTime": "2020-04-01T00:00:00Z"}}`,
			kv("aws:CurrentTime", "2020-04-01T02:00:00+02:00"), true),
		condCase("DateNotEquals: negated matching", `{"DateNotEquals": {"aws:CurrentTime": "2020-04-01T00:00:00Z"}}`,
			kv("aws:CurrentTime", "2020-04-02T00:00:00Z"), true),
		condCase("DateLessThan: matching before a specific date and time", `{"DateLessThan": {"aws:CurrentTime": "2020-04-01T00:00:00Z"}}`,
			kv("aws:CurrentTime", "2020-03-31T23:59:59Z"), true),
		condCase("DateLessThan: the same instant is not before", `{"DateLessThan": {"aws:CurrentTime": "2020-04-01T00:00:00Z"}}`,
			kv("aws:CurrentTime", "2020-04-01T00:00:00Z"), false),
		condCase("DateLessThanEquals: matching at a specific date and time", `{"DateLessThanEquals": {"aws:CurrentTime": "2020-04-01T00:00:00Z"}}`,
			kv("aws:CurrentTime", "2020-04-01T00:00:00Z"), true),
		condCase("DateGreaterThanEquals: matching at or after a specific date and time", `{"DateGreaterThanEquals": {"aws:CurrentTime": "2020-04-01T00:00:00Z"}}`,
			kv("aws:CurrentTime", "2020-04-01T00:00:00Z"), true),
		condCase("DateGreaterThanEquals: a time before does not match", `{"DateGreaterThanEquals": {"aws:CurrentTime": "2020-04-01T00:00:00Z"}}`,
			kv("aws:CurrentTime", "2020-03-01T00:00:00Z"), false),
		condCase("Date values may be given in epoch (UNIX) time", `{"DateGreaterThan": {"aws:EpochTime": "1577836801"}}`,
			kv("aws:EpochTime", "1592210000"), true),
		condCase("Date values in epoch time compare as instants", `{"DateGreaterThan": {"aws:EpochTime": "1577836801"}}`,
			kv("aws:EpochTime", "1577836800"), false),
		condCase("an epoch value in the policy compares with an ISO 8601 time in the request", `{"DateLessThan": {"aws:CurrentTime": "1577836800"}}`,
			kv("aws:CurrentTime", "2019-12-31T23:00:00Z"), true),
		condCase("W3C date form YYYY-MM-DD", `{"DateGreaterThanEquals": {"aws:CurrentTime": "2020-04-01"}}`,
			kv("aws:CurrentTime", "2020-04-01T09:00:00Z"), true),
		condCase("W3C date form YYYY-MM-DDThh:mmTZD", `{"DateLessThan": {"aws:CurrentTime": "2020-04-01T10:00+02:00"}}`,
			kv("aws:CurrentTime", "2020-04-01T07:59:00Z"), true),
		condCase("W3C date form YYYY-MM-DDThh:mm:ss.sTZD", `{"DateLessThan": {"aws:CurrentTime": "1997-07-16T19:20:30.45+01:00"}}`,
			kv("aws:CurrentTime", "1997-07-16T18:20:30Z"), true),
		condCase("W3C date form YYYY-MM", `{"DateGreaterThanEquals": {"aws:CurrentTime": "2020-04"}}`,
			kv("aws:CurrentTime", "2020-04-15T00:00:00Z"), true),
		condCase("DateNotEquals: a key not present makes a negated condition true", `{"DateNotEquals": {"aws:CurrentTime": "2020-04-01T00:00:00Z"}}`,
			nil, true),

		// Boolean condition operators.
		{
			name: "Bool: the BooleanExample statement denies S3 requests that are not over SSL", identity: []string{allowS3, booleanExample},
			principal: userBob, action: "s3:GetObject", resourceARN: "arn:aws:s3:::DOC-EXAMPLE-BUCKET/key", resourceAccount: acct,
			ctx: kv("aws:SecureTransport", "false"), want: policy.ExplicitDeny, by: policy.LayerIdentity,
		},
		{
			name: "Bool: requests over SSL are not denied by BooleanExample", identity: []string{allowS3, booleanExample},
			principal: userBob, action: "s3:GetObject", resourceARN: "arn:aws:s3:::DOC-EXAMPLE-BUCKET/key", resourceAccount: acct,
			ctx: kv("aws:SecureTransport", "true"), want: policy.Allowed,
		},
		{
			name: "Bool: BooleanExample does not allow any actions by itself", identity: []string{booleanExample},
			principal: userBob, action: "s3:GetObject", resourceARN: "arn:aws:s3:::DOC-EXAMPLE-BUCKET/key", resourceAccount: acct,
			ctx: kv("aws:SecureTransport", "true"), want: policy.ImplicitDeny,
		},
		{
			name: "Bool: BooleanExample covers the bucket itself too", identity: []string{allowS3, booleanExample},
			principal: userBob, action: "s3:ListBucket", resourceARN: "arn:aws:s3:::DOC-EXAMPLE-BUCKET", resourceAccount: acct,
			ctx: kv("aws:SecureTransport", "false"), want: policy.ExplicitDeny, by: policy.LayerIdentity,
		},
		condCase("Bool: a JSON true in the policy matches true", `{"Bool": {"aws:SecureTransport": true}}`, kv("aws:SecureTransport", "true"), true),
		condCase("Bool: true does not match false", `{"Bool": {"aws:SecureTransport": "true"}}`, kv("aws:SecureTransport", "false"), false),

		// Binary condition operators.
		condCase("BinaryEquals: the key matches the base-64 value in the policy",
			`{"BinaryEquals": {"test:key": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}`, kv("test:key", "QmluYXJ5VmFsdWVJbkJhc2U2NA=="), true),
		condCase("BinaryEquals: another value does not match",
			`{"BinaryEquals": {"test:key": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}`, kv("test:key", "T3RoZXJWYWx1ZQ=="), false),
		condCase("BinaryEquals: a key not present does not match",
			`{"BinaryEquals": {"test:key": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}`, nil, false),

		// IP address condition operators.
		accessKey("IpAddress: a request from 203.0.113.0 is in 203.0.113.0/24", sourceIP, kv("aws:SourceIp", "203.0.113.0"), policy.Allowed),
		accessKey("IpAddress: a request from 203.0.113.255 is in 203.0.113.0/24", sourceIP, kv("aws:SourceIp", "203.0.113.255"), policy.Allowed),
		accessKey("IpAddress: a request from 203.0.114.1 is outside the range", sourceIP, kv("aws:SourceIp", "203.0.114.1"), policy.ImplicitDeny),
		accessKey("IpAddress: through a VPC endpoint aws:SourceIp is absent and the request is implicitly denied", sourceIP, nil, policy.ImplicitDeny),
		{
			name: "IpAddress: an IPv6 address in 2001:DB8:1234:5678::/64 is allowed", identity: []string{mixedIP},
			principal: userBob, action: "someservice:Read", resourceARN: "*",
			ctx: kv("aws:SourceIp", "2001:db8:1234:5678::a1"), want: policy.Allowed,
		},
		{
			name: "IpAddress: an IPv6 address outside the /64 is denied", identity: []string{mixedIP},
			principal: userBob, action: "someservice:Read", resourceARN: "*",
			ctx: kv("aws:SourceIp", "2001:db8:1234:5679::a1"), want: policy.ImplicitDeny,
		},
		{
			name: "IpAddress: IPv4 and IPv6 ranges mix in one condition", identity: []string{mixedIP},
			principal: userBob, action: "someservice:Read", resourceARN: "*",
			ctx: kv("aws:SourceIp", "203.0.113.17"), want: policy.Allowed,
		},
		condCase("IpAddress: an address without a routing prefix means /32",
			`{"IpAddress": {"aws:SourceIp": "203.0.113.7"}}`, kv("aws:SourceIp", "203.0.113.7"), true),
		condCase("IpAddress: /32 matches only that address",
			`{"IpAddress": {"aws:SourceIp": "203.0.113.7"}}`, kv("aws:SourceIp", "203.0.113.8"), false),
		condCase("NotIpAddress: all IP addresses except the specified range",
			`{"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}`, kv("aws:SourceIp", "198.51.100.1"), true),
		condCase("NotIpAddress: an address in the range does not match",
			`{"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}`, kv("aws:SourceIp", "203.0.113.9"), false),
		condCase("NotIpAddress: a key not present makes a negated condition true",
			`{"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}`, nil, true),

		// Amazon Resource Name (ARN) condition operators.
		{
			name: "ArnEquals: SNS may send messages to the queue on behalf of the named topic", resource: sqsFromTopic,
			identity:  []string{allowSendMessage},
			principal: userBob, action: "sqs:SendMessage", resourceARN: sqsQueue,
			ctx: kv("aws:SourceArn", topicARN), want: policy.Allowed,
		},
		{
			name: "ArnEquals: another topic is not allowed by the queue policy", resource: sqsFromTopic,
			principal: userBob, action: "sqs:SendMessage", resourceARN: sqsQueue,
			ctx: kv("aws:SourceArn", "arn:aws:sns:us-east-2:123456789012:OTHER-TOPIC"), want: policy.ImplicitDeny,
		},
		{
			name: "ArnEquals: an IAM user calling directly has no aws:SourceArn and is implicitly denied by the statement", resource: sqsFromTopic,
			principal: userBob, action: "sqs:SendMessage", resourceARN: sqsQueue,
			want: policy.ImplicitDeny,
		},
		condCase("ArnLike: the first asterisk matches only the Region segment, so the tricky value fails", finance, kv("aws:SourceArn", tricky), false),
		condCase("StringLike: the same pattern matches the tricky value, the asterisk spanning colons", financeSL, kv("aws:SourceArn", tricky), true),
		condCase("ArnLike: each of the six components is checked separately and matches",
			finance, kv("aws:SourceArn", "arn:aws:someservice:us-east-2:111122223333:finance/document.txt"), true),
		condCase("ArnLike: ? matches a single character within a component",
			`{"ArnLike": {"aws:SourceArn": "arn:aws:sns:us-east-?:123456789012:TOPIC-ID"}}`, kv("aws:SourceArn", topicARN), true),
		condCase("ArnEquals and ArnLike behave identically: ArnEquals takes wildcards too",
			`{"ArnEquals": {"aws:SourceArn": "arn:aws:sns:*:123456789012:*"}}`, kv("aws:SourceArn", topicARN), true),
		condCase("ArnEquals: matching of the ARN is case sensitive",
			`{"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-2:123456789012:topic-id"}}`, kv("aws:SourceArn", topicARN), false),
		condCase("ArnNotEquals: negated matching for ARN",
			`{"ArnNotEquals": {"aws:SourceArn": "arn:aws:sns:us-east-2:123456789012:OTHER"}}`, kv("aws:SourceArn", topicARN), true),
		condCase("ArnNotLike: a key not present makes a negated condition true",
			`{"ArnNotLike": {"aws:SourceArn": "arn:aws:sns:*:*:*"}}`, nil, true),

		// ...IfExists condition operators.
		runEC2("THISPOLICYDOESNOTWORK: resources without ec2:InstanceType fail the StringLike check", doesNotWork, nil, policy.ImplicitDeny),
		runEC2("THISPOLICYDOESNOTWORK: the instance itself with a t2 type matches", doesNotWork, kv("ec2:InstanceType", "t2.micro"), policy.Allowed),
		runEC2("StringLikeIfExists: a resource without ec2:InstanceType is allowed", runInstance, nil, policy.Allowed),
		runEC2("StringLikeIfExists: a t1, t2 or m3 instance type is allowed", runInstance, kv("ec2:InstanceType", "m3.medium"), policy.Allowed),
		runEC2("StringLikeIfExists: another instance type is denied", runInstance, kv("ec2:InstanceType", "c5.large"), policy.ImplicitDeny),
		{
			name: "DescribeActions lets the user view instances in the console", identity: []string{runInstance},
			principal: userBob, action: "ec2:DescribeInstances", resourceARN: "*", want: policy.Allowed,
		},
		{
			name: "a Deny with StringNotEqualsIfExists still denies when the tag is missing", identity: []string{denyNotProject},
			principal: userBob, action: "s3:GetObject", resourceARN: "arn:aws:s3:::example-bucket/key", resourceAccount: acct,
			want: policy.ExplicitDeny,
		},
		{
			name: "a Deny with StringNotEqualsIfExists denies another tag value", identity: []string{denyNotProject},
			principal: userBob, action: "s3:GetObject", resourceARN: "arn:aws:s3:::example-bucket/key", resourceAccount: acct,
			ctx: kv("aws:ResourceTag/project", "beta"), want: policy.ExplicitDeny,
		},
		{
			name: "a Deny with StringNotEqualsIfExists does not deny the matching tag value", identity: []string{denyNotProject},
			principal: userBob, action: "s3:GetObject", resourceARN: "arn:aws:s3:::example-bucket/key", resourceAccount: acct,
			ctx: kv("aws:ResourceTag/project", "alpha"), want: policy.Allowed,
		},
		condCase("NumericLessThanIfExists: a missing key evaluates the condition as true",
			`{"NumericLessThanIfExists": {"s3:max-keys": "10"}}`, nil, true),
		condCase("IpAddressIfExists: a present key is still checked",
			`{"IpAddressIfExists": {"aws:SourceIp": "203.0.113.0/24"}}`, kv("aws:SourceIp", "192.0.2.1"), false),

		// Condition operator to check existence of condition keys.
		{
			name: "Null true: a user with their own credentials (no aws:TokenIssueTime) may use EC2", identity: []string{nullTokenIssueTime},
			principal: userBob, action: "ec2:DescribeInstances", resourceARN: "*", want: policy.Allowed,
		},
		{
			name: "Null true: a user with temporary credentials (aws:TokenIssueTime present) may not", identity: []string{nullTokenIssueTime},
			principal: userBob, action: "ec2:DescribeInstances", resourceARN: "*",
			ctx: kv("aws:TokenIssueTime", "2020-06-15T08:30:00Z"), want: policy.ImplicitDeny,
		},
		condCase("Null false: the key exists and its value is not null", `{"Null": {"aws:TokenIssueTime": "false"}}`,
			kv("aws:TokenIssueTime", "2020-06-15T08:30:00Z"), true),
		condCase("Null false: an absent key does not match", `{"Null": {"aws:TokenIssueTime": "false"}}`, nil, false),
	})
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
// and https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html
func TestUserGuide_reference_policies_elements_condition(t *testing.T) {
	window := `{"DateGreaterThan": {"aws:CurrentTime": "2019-07-16T12:00:00Z"},
	  "DateLessThan": {"aws:CurrentTime": "2019-07-16T15:00:00Z"},
	  "IpAddress": {"aws:SourceIp": ["192.0.2.0/24", "203.0.113.0/24"]}}`
	mfaAge := `{
    "Version": "2012-10-17",
    "Statement": {
        "Sid": "AllowRemoveMfaOnlyIfRecentMfa",
        "Effect": "Allow",
        "Action": ["iam:DeactivateMFADevice", "iam:DeleteVirtualMFADevice"],
        "Resource": "arn:aws:iam::*:user/${aws:username}",
        "Condition": {"NumericLessThanEquals": {"aws:MultiFactorAuthAge": "3600"}}
    }
}`
	prefixAndVersion := `{
    "Version": "2012-10-17",
    "Statement": [{
        "Effect": "Allow",
        "Action": ["s3:ListBucketVersions", "s3:ListBucket", "s3:GetObjectVersion"],
        "Resource": "*",
        "Condition": {"StringEquals": {"s3:prefix": ["custom"], "s3:VersionId": ["1234"]}}
    }]
}`
	prefixOrVersion := `{
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": ["s3:ListBucketVersions", "s3:ListBucket"], "Resource": "*",
         "Condition": {"StringEquals": {"s3:prefix": "custom"}}},
        {"Effect": "Allow", "Action": "s3:GetObjectVersion", "Resource": "*",
         "Condition": {"StringEquals": {"s3:VersionId": "1234"}}}
    ]
}`
	ownerTag := `{
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": ["ec2:StartInstances", "ec2:StopInstances"], "Resource": "arn:aws:ec2:*:*:instance/*",
         "Condition": {"StringEquals": {"ec2:ResourceTag/Owner": "${aws:username}"}}},
        {"Effect": "Allow", "Action": "ec2:DescribeInstances", "Resource": "*"}
    ]
}`
	const (
		richard  = "arn:aws:iam::123456789012:user/richard-roe"
		instance = "arn:aws:ec2:us-east-2:123456789012:instance/i-1234567890abcdef0"
	)
	mfa := func(name string, ctx map[string][]string, want policy.Result) ugCase {
		return ugCase{name: name, identity: []string{mfaAge}, principal: userBob, action: "iam:DeactivateMFADevice",
			resourceARN: userBob, ctx: ctx, want: want}
	}
	list := func(name, pol, action string, ctx map[string][]string, want policy.Result) ugCase {
		return ugCase{name: name, identity: []string{pol}, principal: userBob, action: action,
			resourceARN: "arn:aws:s3:::example-bucket", resourceAccount: acct, ctx: ctx, want: want}
	}
	start := func(name string, ctx map[string][]string, want policy.Result) ugCase {
		return ugCase{name: name, identity: []string{ownerTag}, principal: richard, action: "ec2:StartInstances",
			resourceARN: instance, ctx: ctx, want: want}
	}

	runUG(t, []ugCase{
		condCase("condition key names are not case-sensitive: aws:SourceIP is aws:SourceIp",
			`{"IpAddress": {"aws:SourceIP": "203.0.113.0/24"}}`, kv("AWS:SourceIp", "203.0.113.5"), true),
		{
			name:      "StringEquals on aws:username johndoe: a user named JohnDoe is denied",
			identity:  []string{allowWhen(`{"StringEquals": {"aws:username": "johndoe"}}`)},
			principal: "arn:aws:iam::123456789012:user/JohnDoe", action: "s3:GetObject", resourceARN: "arn:aws:s3:::b/k", resourceAccount: acct,
			want: policy.ImplicitDeny,
		},
		{
			name:      "StringEquals on aws:username johndoe: johndoe matches",
			identity:  []string{allowWhen(`{"StringEquals": {"aws:username": "johndoe"}}`)},
			principal: "arn:aws:iam::123456789012:user/johndoe", action: "s3:GetObject", resourceARN: "arn:aws:s3:::b/k", resourceAccount: acct,
			want: policy.Allowed,
		},
		{
			name:      "StringEqualsIgnoreCase on aws:username johndoe matches JohnDoe",
			identity:  []string{allowWhen(`{"StringEqualsIgnoreCase": {"aws:username": "johndoe"}}`)},
			principal: "arn:aws:iam::123456789012:user/JohnDoe", action: "s3:GetObject", resourceARN: "arn:aws:s3:::b/k", resourceAccount: acct,
			want: policy.Allowed,
		},
		mfa("MFA in the last hour: the condition returns true", kv("aws:MultiFactorAuthAge", "1200"), policy.Allowed),
		mfa("MFA more than one hour ago: the condition returns false", kv("aws:MultiFactorAuthAge", "7200"), policy.ImplicitDeny),
		mfa("access keys: aws:MultiFactorAuthAge is not present and does not match", nil, policy.ImplicitDeny),
		start("richard-roe may start an instance tagged Owner=richard-roe", kv("ec2:ResourceTag/Owner", "richard-roe"), policy.Allowed),
		start("tag key names are not case-sensitive: owner=richard-roe also matches", kv("ec2:ResourceTag/owner", "richard-roe"), policy.Allowed),
		start("an instance owned by someone else is denied", kv("ec2:ResourceTag/Owner", "jane-doe"), policy.ImplicitDeny),
		condCase("multiple conditions are ANDed: inside the time window and from an allowed network",
			window, kv("aws:CurrentTime", "2019-07-16T13:30:00Z", "aws:SourceIp", "203.0.113.44"), true),
		condCase("multiple values of one key are ORed: the second network also matches",
			window, kv("aws:CurrentTime", "2019-07-16T13:30:00Z", "aws:SourceIp", "192.0.2.10"), true),
		condCase("multiple conditions are ANDed: outside the time window fails",
			window, kv("aws:CurrentTime", "2019-07-16T16:00:00Z", "aws:SourceIp", "203.0.113.44"), false),
		condCase("multiple conditions are ANDed: from another network fails",
			window, kv("aws:CurrentTime", "2019-07-16T13:30:00Z", "aws:SourceIp", "198.51.100.1"), false),
		condCase("multiple keys under one operator are ANDed",
			`{"StringEquals": {"aws:PrincipalTag/department": "finance", "aws:PrincipalTag/role": ["audit", "security"]}}`,
			kv("aws:PrincipalTag/department", "finance", "aws:PrincipalTag/role", "security"), true),
		condCase("multiple keys under one operator are ANDed: one key failing fails the condition",
			`{"StringEquals": {"aws:PrincipalTag/department": "finance", "aws:PrincipalTag/role": ["audit", "security"]}}`,
			kv("aws:PrincipalTag/department", "finance", "aws:PrincipalTag/role", "developer"), false),
		list("the policy grants nothing when no single request carries both s3:prefix and s3:VersionId", prefixAndVersion,
			"s3:ListBucket", kv("s3:prefix", "custom"), policy.ImplicitDeny),
		list("split into two statements, ListBucket with the custom prefix is allowed", prefixOrVersion,
			"s3:ListBucket", kv("s3:prefix", "custom"), policy.Allowed),
		list("split into two statements, GetObjectVersion of version 1234 is allowed", prefixOrVersion,
			"s3:GetObjectVersion", kv("s3:VersionId", "1234"), policy.Allowed),
	})
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
// (formerly reference_policies_multi-value-conditions), with the aws:TagKeys examples of
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_tags.html.
func TestUserGuide_reference_policies_condition_single_vs_multi_valued_context_keys(t *testing.T) {
	allowAttrs := `{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": "dynamodb:GetItem",
    "Resource": "arn:aws:dynamodb:us-east-2:123456789012:table/Thread",
    "Condition": {"ForAllValues:StringLike": {"dynamodb:requestedAttributes": ["PostDateTime", "Message", "Tags"]}}
  }]
}`
	denyAttrs := `{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Deny",
    "Action": "dynamodb:PutItem",
    "Resource": "arn:aws:dynamodb:us-east-2:123456789012:table/Thread",
    "Condition": {"ForAnyValue:StringLike": {"dynamodb:requestedAttributes": ["ID", "PostDateTime"]}}
  }]
}`
	allowDynamo := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"}}`
	tagKeys := `{
  "Version": "2012-10-17",
  "Statement": {
    "Effect": "Allow",
    "Action": ["secretsmanager:CreateSecret", "secretsmanager:TagResource"],
    "Resource": "*",
    "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["environment", "cost-center"]}}
  }
}`
	tagKeysGuarded := `{
  "Version": "2012-10-17",
  "Statement": {
    "Effect": "Allow",
    "Action": ["secretsmanager:CreateSecret", "secretsmanager:TagResource"],
    "Resource": "*",
    "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["environment", "cost-center"]},
                  "Null": {"aws:TagKeys": "false"}}
  }
}`
	createTags := `{
  "Version": "2012-10-17",
  "Statement": {
    "Effect": "Allow",
    "Action": "ec2:CreateTags",
    "Resource": "arn:aws:ec2:*:*:instance/*",
    "Condition": {
      "StringEquals": {"aws:RequestTag/environment": ["preprod", "production"]},
      "ForAllValues:StringEquals": {"aws:TagKeys": "environment"}
    }
  }
}`
	const (
		table    = "arn:aws:dynamodb:us-east-2:123456789012:table/Thread"
		secret   = "arn:aws:secretsmanager:us-east-2:123456789012:secret:prod-db-AbCdEf"
		instance = "arn:aws:ec2:us-east-2:123456789012:instance/i-1234567890abcdef0"
	)
	attrs := func(v ...string) map[string][]string { return map[string][]string{"dynamodb:requestedAttributes": v} }
	keys := func(v ...string) map[string][]string { return map[string][]string{"aws:TagKeys": v} }
	get := func(name string, ctx map[string][]string, want policy.Result) ugCase {
		return ugCase{name: name, identity: []string{allowAttrs}, principal: userBob, action: "dynamodb:GetItem", resourceARN: table, ctx: ctx, want: want}
	}
	put := func(name string, ctx map[string][]string, want policy.Result) ugCase {
		return ugCase{name: name, identity: []string{allowDynamo, denyAttrs}, principal: userBob, action: "dynamodb:PutItem", resourceARN: table, ctx: ctx, want: want}
	}
	tag := func(name, pol string, ctx map[string][]string, want policy.Result) ugCase {
		return ugCase{name: name, identity: []string{pol}, principal: userBob, action: "secretsmanager:TagResource", resourceARN: secret, ctx: ctx, want: want}
	}
	ec2Tag := func(name string, ctx map[string][]string, want policy.Result) ugCase {
		return ugCase{name: name, identity: []string{createTags}, principal: userBob, action: "ec2:CreateTags", resourceARN: instance, ctx: ctx, want: want}
	}

	runUG(t, []ugCase{
		get("ForAllValues: getting PostDateTime and Message is allowed because every requested attribute is listed",
			attrs("PostDateTime", "Message"), policy.Allowed),
		get("ForAllValues: a request including ID fails because ID is not in the list", attrs("PostDateTime", "ID"), policy.ImplicitDeny),
		get("ForAllValues: PostDateTime and UserName fail because UserName has no match", attrs("PostDateTime", "UserName"), policy.ImplicitDeny),
		get("ForAllValues returns true if there are no context keys in the request", nil, policy.Allowed),
		get("ForAllValues returns true when the key resolves to an empty data set", attrs(), policy.Allowed),
		get("ForAllValues returns true when the key resolves to an empty data set such as an empty string", attrs(""), policy.Allowed),
		put("ForAnyValue: updating PostDateTime and Message is denied because PostDateTime matches", attrs("PostDateTime", "Message"), policy.ExplicitDeny),
		put("ForAnyValue: UserName, Message and PostDateTime is denied because the last test is true",
			attrs("UserName", "Message", "PostDateTime"), policy.ExplicitDeny),
		put("ForAnyValue: just UserName matches nothing so the Deny does not apply", attrs("UserName"), policy.Allowed),
		put("ForAnyValue returns false if the key does not exist, so the Deny does not apply", nil, policy.Allowed),
		put("ForAnyValue returns false when the key resolves to an empty data set", attrs(), policy.Allowed),
		tag("aws:TagKeys with ForAllValues: only the keys environment or cost-center may be used", tagKeys, keys("environment"), policy.Allowed),
		tag("aws:TagKeys with ForAllValues: both permitted keys together are allowed", tagKeys, keys("environment", "cost-center"), policy.Allowed),
		tag("aws:TagKeys with ForAllValues: any other key in the request is denied", tagKeys, keys("environment", "owner"), policy.ImplicitDeny),
		tag("aws:TagKeys with ForAllValues: StringEquals compares keys case-sensitively", tagKeys, keys("Environment"), policy.ImplicitDeny),
		tag("aws:TagKeys with ForAllValues: a request with no tag keys is allowed, which can be overly permissive", tagKeys, nil, policy.Allowed),
		tag("a Null false check on aws:TagKeys makes a request without tag keys fail", tagKeysGuarded, nil, policy.ImplicitDeny),
		tag("a Null false check still allows permitted tag keys", tagKeysGuarded, keys("cost-center"), policy.Allowed),
		tag("ForAnyValue: one matching tag key is enough",
			allowWhen(`{"ForAnyValue:StringEquals": {"aws:TagKeys": ["environment", "cost-center"]}}`), keys("owner", "cost-center"), policy.Allowed),
		tag("ForAnyValue: no matching tag key fails",
			allowWhen(`{"ForAnyValue:StringEquals": {"aws:TagKeys": ["environment", "cost-center"]}}`), keys("owner"), policy.ImplicitDeny),
		tag("ForAnyValue: no tag keys in the request fails",
			allowWhen(`{"ForAnyValue:StringEquals": {"aws:TagKeys": ["environment", "cost-center"]}}`), nil, policy.ImplicitDeny),
		ec2Tag("CreateTags: the environment key with the preprod value is allowed",
			map[string][]string{"aws:RequestTag/environment": {"preprod"}, "aws:TagKeys": {"environment"}}, policy.Allowed),
		ec2Tag("CreateTags: another value for environment is denied",
			map[string][]string{"aws:RequestTag/environment": {"test"}, "aws:TagKeys": {"environment"}}, policy.ImplicitDeny),
		ec2Tag("CreateTags: ForAllValues on aws:TagKeys stops other keys being included",
			map[string][]string{"aws:RequestTag/environment": {"production"}, "aws:TagKeys": {"environment", "owner"}}, policy.ImplicitDeny),
		ec2Tag("CreateTags: ForAllValues on aws:TagKeys stops users accidentally using Environment instead of environment",
			map[string][]string{"aws:RequestTag/Environment": {"production"}, "aws:TagKeys": {"Environment"}}, policy.ImplicitDeny),
	})
}
