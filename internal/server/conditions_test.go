package server

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// Every request carries AWS's global condition keys: the source address, transport, time,
// region, user id and the principal's tags.
func TestGlobalConditionKeys(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	root := ts.iam(ts.root)
	alice := userWithKey(t, ts, "alice", "")
	carol := userWithKey(t, ts, "carol", "")
	if _, err := root.TagUser(ctx, &awsiam.TagUserInput{UserName: aws.String("alice"), Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("hpc")}}}); err != nil {
		t.Fatal(err)
	}
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*","Condition":{
		"IpAddress":{"aws:SourceIp":"127.0.0.0/8"},
		"StringEquals":{"aws:PrincipalTag/team":"hpc","aws:RequestedRegion":"us-east-1"},
		"Bool":{"aws:SecureTransport":"false"},
		"DateGreaterThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"},
		"StringLike":{"aws:userid":"AIDA*"}}}]}`
	for _, u := range []string{"alice", "carol"} {
		if _, err := root.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String(u), PolicyName: aws.String("cond"), PolicyDocument: aws.String(doc)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := ts.iam(alice).ListRoles(ctx, &awsiam.ListRolesInput{}); err != nil {
		t.Fatalf("alice (tagged, from loopback, over http): %v", err)
	}
	_, err := ts.iam(carol).ListRoles(ctx, &awsiam.ListRolesInput{})
	wantDenied(t, err, "User: arn:aws:iam::123456789012:user/carol is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::123456789012:role/ because no identity-based policy allows the iam:ListRoles action")

	// A condition on another network denies even the tagged user.
	other := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}`
	if _, err := root.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("net"), PolicyDocument: aws.String(other)}); err != nil {
		t.Fatal(err)
	}
	_, err = ts.iam(alice).ListRoles(ctx, &awsiam.ListRolesInput{})
	apiError(t, err, "AccessDenied")
}

// IAM's own condition keys: a delegated administrator may create roles only with a given
// permissions boundary and only when tagging them with its team.
func TestIAMConditionKeys(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	root := ts.iam(ts.root)
	boundary, err := root.CreatePolicy(ctx, &awsiam.CreatePolicyInput{PolicyName: aws.String("boundary"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(boundary.Policy.Arn)
	admin := userWithKey(t, ts, "delegate", "")
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:CreateRole","Resource":"*","Condition":{
		"StringEquals":{"iam:PermissionsBoundary":"` + arn + `","aws:RequestTag/team":"hpc"},
		"ForAllValues:StringEquals":{"aws:TagKeys":["team"]}}}]}`
	if _, err := root.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("delegate"), PolicyName: aws.String("delegated"), PolicyDocument: aws.String(doc)}); err != nil {
		t.Fatal(err)
	}
	c := ts.iam(admin)
	team := []types.Tag{{Key: aws.String("team"), Value: aws.String("hpc")}}
	cases := []struct {
		name     string
		boundary *string
		tags     []types.Tag
		allowed  bool
	}{
		{"boundary and team tag", aws.String(arn), team, true},
		{"no boundary", nil, team, false},
		{"no tag", aws.String(arn), nil, false},
		{"another tag key too", aws.String(arn), append(team, types.Tag{Key: aws.String("cost"), Value: aws.String("x")}), false},
	}
	for i, tc := range cases {
		_, err := c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("r" + string(rune('a'+i))),
			AssumeRolePolicyDocument: aws.String(towerTrust), PermissionsBoundary: tc.boundary, Tags: tc.tags})
		if tc.allowed && err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !tc.allowed {
			apiError(t, err, "AccessDenied")
		}
	}
}
