package policy_test

import (
	"testing"

	"github.com/iamd-dev/iamd/internal/policy"
)

// An ARN names one partition's resource and principal: arn:aws:... matches nothing of
// aws-cn, where arn:aws-cn:... does (reference_arns: "arn:partition:service:..."; IAM roles
// and resource policies delegate within a single partition).
func TestPartitionsDoNotMatchEachOther(t *testing.T) {
	const cnRole = "arn:aws-cn:iam::111122223333:role/app"
	allowOn := func(resource string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"` + resource + `"}]}`
	}
	bucketFor := func(principal string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + principal + `"},"Action":"s3:GetObject","Resource":"arn:aws-cn:s3:::b/*"}]}`
	}
	session := "arn:aws-cn:sts::111122223333:assumed-role/app/s"
	runUG(t, []ugCase{
		{name: "identity policy of the partition allows", identity: []string{allowOn("arn:aws-cn:s3:::b/*")},
			principal: cnRole, action: "s3:GetObject", resourceARN: "arn:aws-cn:s3:::b/k", resourceAccount: "111122223333", want: policy.Allowed},
		{name: "identity policy of the aws partition does not", identity: []string{allowOn("arn:aws:s3:::b/*")},
			principal: cnRole, action: "s3:GetObject", resourceARN: "arn:aws-cn:s3:::b/k", resourceAccount: "111122223333", want: policy.ImplicitDeny},
		{name: "a partition wildcard matches every partition", identity: []string{allowOn("arn:*:s3:::b/*")},
			principal: cnRole, action: "s3:GetObject", resourceARN: "arn:aws-cn:s3:::b/k", resourceAccount: "111122223333", want: policy.Allowed},
		{name: "resource policy naming the partition's role grants its session", resource: bucketFor(cnRole),
			principal: session, action: "s3:GetObject", resourceARN: "arn:aws-cn:s3:::b/k", resourceAccount: "111122223333", want: policy.Allowed},
		{name: "resource policy naming the aws partition's role does not", resource: bucketFor("arn:aws:iam::111122223333:role/app"),
			principal: session, action: "s3:GetObject", resourceARN: "arn:aws-cn:s3:::b/k", resourceAccount: "111122223333", want: policy.ImplicitDeny},
		{name: "resource policy naming the aws partition's root does not delegate", resource: bucketFor("arn:aws:iam::111122223333:root"),
			identity: []string{allowOn("*")}, principal: session, action: "s3:GetObject", resourceARN: "arn:aws-cn:s3:::b/k", resourceAccount: "444455556666", want: policy.ImplicitDeny},
		{name: "resource policy naming the account by id delegates in its partition", resource: bucketFor("111122223333"),
			identity: []string{allowOn("*")}, principal: session, action: "s3:GetObject", resourceARN: "arn:aws-cn:s3:::b/k", resourceAccount: "444455556666", want: policy.Allowed},
	})
	if p := mustPrincipal(t, session); p.Partition() != "aws-cn" || p.ARN() != cnRole {
		t.Fatalf("session principal: partition %s, PrincipalArn %s", p.Partition(), p.ARN())
	}
	if p := mustPrincipal(t, "ec2.amazonaws.com.cn"); p.Kind != policy.Service {
		t.Fatalf("ec2.amazonaws.com.cn is a %s, want a service", p.Kind)
	}
}
