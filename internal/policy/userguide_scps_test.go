package policy_test

import (
	"testing"

	"github.com/iamd-dev/iamd/internal/policy"
)

// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html
// with the IAM User Guide's statements on SCPs
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html#policy-eval-basics,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_scp).
//
// The organization of the page's figures: the organization root, the Production OU, and
// account B (111122223333) inside it. SCP levels are listed root first.
func TestUserGuide_orgs_manage_policies_scps_evaluation(t *testing.T) {
	const (
		full    = `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}` // FullAWSAccess
		ec2     = `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}}`
		ec2s3   = `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": ["ec2:*", "s3:*"], "Resource": "*"}}`
		denyS3  = `{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:*", "Resource": "*"}}`
		denySTS = `{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "sts:*", "Resource": "*"}}`
		// The deny-list example that keeps requests in us-east-1, sparing global services.
		regionDeny = `{"Version": "2012-10-17", "Statement": {"Sid": "DenyAllOutsideUSEast1", "Effect": "Deny",
		  "NotAction": ["iam:*", "organizations:*", "sts:*", "support:*"], "Resource": "*",
		  "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1"]}}}}`

		admin = `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}`
		user  = "arn:aws:iam::111122223333:user/Alice"
		root  = "arn:aws:iam::111122223333:root"
		sess  = "arn:aws:sts::111122223333:assumed-role/Deployer/ci"
		obj   = "arn:aws:s3:::account-b-bucket/object"
		inst  = "arn:aws:ec2:us-east-1:111122223333:instance/i-0abcdef1234567890"
		role  = "arn:aws:iam::111122223333:role/ec2-app"
	)
	trustEC2 := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}}`
	bucketForAlice := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "` + user + `"},
	  "Action": "s3:GetObject", "Resource": "arn:aws:s3:::account-b-bucket/*"}}`

	runUG(t, []ugCase{
		{
			name:     "FullAWSAccess at the root, the Production OU and account B lets identity-based policies grant",
			identity: []string{admin}, scps: [][]string{{full}, {full}, {full}},
			principal: user, action: "s3:GetObject", resourceARN: obj, resourceAccount: acctA,
			want: policy.Allowed,
		},
		{
			name:      "SCPs do not grant permissions: without an identity-based policy the request is denied",
			scps:      [][]string{{full}, {full}, {full}},
			principal: user, action: "s3:GetObject", resourceARN: obj, resourceAccount: acctA,
			want: policy.ImplicitDeny, by: policy.LayerIdentity,
		},
		{
			name:     "an explicit Allow is needed at every level: none at the Production OU denies account B",
			identity: []string{admin}, scps: [][]string{{full}, {ec2}, {full}},
			principal: user, action: "s3:GetObject", resourceARN: obj, resourceAccount: acctA,
			want: policy.ImplicitDeny, by: policy.LayerSCP,
		},
		{
			name:     "an explicit Allow is needed at every level: none attached to account B itself denies it",
			identity: []string{admin}, scps: [][]string{{full}, {full}, {ec2}},
			principal: user, action: "s3:GetObject", resourceARN: obj, resourceAccount: acctA,
			want: policy.ImplicitDeny, by: policy.LayerSCP,
		},
		{
			name:     "an explicit Allow is needed at every level: none at the root denies every account",
			identity: []string{admin}, scps: [][]string{{ec2}, {full}, {full}},
			principal: user, action: "s3:GetObject", resourceARN: obj, resourceAccount: acctA,
			want: policy.ImplicitDeny, by: policy.LayerSCP,
		},
		{
			name:     "allow list: a service allowed at every level is allowed",
			identity: []string{admin}, scps: [][]string{{ec2s3}, {ec2}, {ec2s3}},
			principal: user, action: "ec2:StartInstances", resourceARN: inst,
			want: policy.Allowed,
		},
		{
			name:     "allow list: a service the Production OU leaves out is denied although the root and account allow it",
			identity: []string{admin}, scps: [][]string{{ec2s3}, {ec2}, {ec2s3}},
			principal: user, action: "s3:GetObject", resourceARN: obj, resourceAccount: acctA,
			want: policy.ImplicitDeny, by: policy.LayerSCP,
		},
		{
			name:     "a Deny at the Production OU denies accounts beneath it although FullAWSAccess is attached everywhere",
			identity: []string{admin}, scps: [][]string{{full}, {full, denyS3}, {full}},
			principal: user, action: "s3:GetObject", resourceARN: obj, resourceAccount: acctA,
			want: policy.ExplicitDeny, by: policy.LayerSCP,
		},
		{
			name:     "a Deny at the root applies to every account in the organization",
			identity: []string{admin}, scps: [][]string{{full, denyS3}, {full}, {full}},
			principal: user, action: "s3:GetObject", resourceARN: obj, resourceAccount: acctA,
			want: policy.ExplicitDeny, by: policy.LayerSCP,
		},
		{
			name:     "a Deny attached to the account itself denies",
			identity: []string{admin}, scps: [][]string{{full}, {full}, {full, denyS3}},
			principal: user, action: "s3:GetObject", resourceARN: obj, resourceAccount: acctA,
			want: policy.ExplicitDeny, by: policy.LayerSCP,
		},
		{
			name:     "a Deny for S3 leaves other services allowed",
			identity: []string{admin}, scps: [][]string{{full}, {full, denyS3}, {full}},
			principal: user, action: "ec2:StartInstances", resourceARN: inst,
			want: policy.Allowed,
		},
		{
			name:     "deny list by Region: a request to another Region is denied",
			identity: []string{admin}, scps: [][]string{{full, regionDeny}, {full}, {full}},
			principal: user, action: "ec2:StartInstances", resourceARN: "arn:aws:ec2:eu-west-1:111122223333:instance/i-1",
			ctx:  map[string][]string{"aws:RequestedRegion": {"eu-west-1"}},
			want: policy.ExplicitDeny, by: policy.LayerSCP,
		},
		{
			name:     "deny list by Region: a request to the approved Region is allowed",
			identity: []string{admin}, scps: [][]string{{full, regionDeny}, {full}, {full}},
			principal: user, action: "ec2:StartInstances", resourceARN: inst,
			ctx:  map[string][]string{"aws:RequestedRegion": {"us-east-1"}},
			want: policy.Allowed,
		},
		{
			name:     "deny list by Region: global services left out by NotAction are not denied",
			identity: []string{admin}, scps: [][]string{{full, regionDeny}, {full}, {full}},
			principal: user, action: "iam:ListUsers", resourceARN: "*",
			ctx:  map[string][]string{"aws:RequestedRegion": {"eu-west-1"}},
			want: policy.Allowed,
		},
		{
			name:      "the SCP maximum applies to the account root user: FullAWSAccess leaves its full access",
			scps:      [][]string{{full}, {full}, {full}},
			principal: root, action: "s3:GetObject", resourceARN: obj, resourceAccount: acctA,
			want: policy.Allowed,
		},
		{
			name:      "the SCP maximum applies to the account root user: an SCP Deny denies it",
			scps:      [][]string{{full}, {full, denyS3}, {full}},
			principal: root, action: "s3:GetObject", resourceARN: obj, resourceAccount: acctA,
			want: policy.ExplicitDeny, by: policy.LayerSCP,
		},
		{
			name:      "the SCP maximum applies to the account root user: no SCP Allow denies it",
			scps:      [][]string{{full}, {ec2}, {full}},
			principal: root, action: "s3:GetObject", resourceARN: obj, resourceAccount: acctA,
			want: policy.ImplicitDeny, by: policy.LayerSCP,
		},
		{
			name:     "SCPs apply to role sessions of member accounts",
			identity: []string{admin}, scps: [][]string{{full, denyS3}},
			principal: sess, action: "s3:GetObject", resourceARN: obj, resourceAccount: acctA,
			want: policy.ExplicitDeny, by: policy.LayerSCP,
		},
		{
			name:     "resource-based policies grant principals in member accounts only if the SCP also allows",
			resource: bucketForAlice, scps: [][]string{{ec2}},
			principal: user, action: "s3:GetObject", resourceARN: obj, resourceAccount: acctA,
			want: policy.ImplicitDeny, by: policy.LayerSCP,
		},
		{
			name:     "a resource-based policy grants within the account when the SCP allows",
			resource: bucketForAlice, scps: [][]string{{full}},
			principal: user, action: "s3:GetObject", resourceARN: obj, resourceAccount: acctA,
			want: policy.Allowed,
		},
		{
			name:     "SCPs do not apply to service principals: an SCP denying sts:* does not stop EC2 assuming its role",
			resource: trustEC2, resourceKind: policy.Trust, scps: [][]string{{full, denySTS}},
			principal: "ec2.amazonaws.com", action: "sts:AssumeRole", resourceARN: role,
			want: policy.Allowed,
		},
		{
			name:     "SCPs do not apply to service principals: no SCP Allow is needed either",
			resource: trustEC2, resourceKind: policy.Trust, scps: [][]string{{ec2}},
			principal: "ec2.amazonaws.com", action: "sts:AssumeRole", resourceARN: role,
			want: policy.Allowed,
		},
	})
}
