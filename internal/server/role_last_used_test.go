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
