package server

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func TestRoleLastUsedFollowsItsSessions(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	seed002(t, ts, "")
	get := func() *awsiam.GetRoleOutput {
		out, err := ts.iam(ts.root).GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String("SeqeraPlatform-EC2-InstanceRole")})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	if lu := get().Role.RoleLastUsed; lu != nil && lu.LastUsedDate != nil {
		t.Fatalf("a role never used has a last use: %v", lu.LastUsedDate)
	}
	session := instanceSession(t, ts)
	if _, err := ts.sts(session).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}
	lu := get().Role.RoleLastUsed
	if lu == nil || lu.LastUsedDate == nil || aws.ToString(lu.Region) != "us-east-1" {
		t.Fatalf("RoleLastUsed %+v after a call of its session", lu)
	}
}

// A session of a deleted role is not a use of a new role of the same name.
func TestRoleLastUsedIgnoresSessionsOfAnEarlierRole(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`
	create := func() {
		if _, err := c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("Reused"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
			t.Fatal(err)
		}
	}
	create()
	out, err := ts.sts(ts.root).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/Reused"), RoleSessionName: aws.String("old")})
	if err != nil {
		t.Fatal(err)
	}
	old := aws.Credentials{AccessKeyID: aws.ToString(out.Credentials.AccessKeyId), SecretAccessKey: aws.ToString(out.Credentials.SecretAccessKey), SessionToken: aws.ToString(out.Credentials.SessionToken)}
	if _, err := c.DeleteRole(ctx, &awsiam.DeleteRoleInput{RoleName: aws.String("Reused")}); err != nil {
		t.Fatal(err)
	}
	create()
	if _, err := ts.sts(old).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String("Reused")})
	if err != nil {
		t.Fatal(err)
	}
	if lu := got.Role.RoleLastUsed; lu != nil && lu.LastUsedDate != nil {
		t.Fatalf("the new role was marked used by the old role's session: %v", lu.LastUsedDate)
	}
}
