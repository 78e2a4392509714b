package server

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
)

// iamd's accounts belong to no organization: the organization operations answer, to a
// caller allowed them, as AWS answers an account outside one; a caller without the
// permission is refused first.
func TestOrganizationsOperationsOutsideAnOrganization(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	admin := ts.iam(orgsUser(t, ts, "admin", policyJSON(statement("Allow", "iam:*", "*"))))
	nobodyCreds := orgsUser(t, ts, "nobody", "")
	nobody := ts.iam(nobodyCreds)
	for _, c := range []struct {
		action string
		call   func(*awsiam.Client) error
	}{
		{"ListOrganizationsFeatures", func(c *awsiam.Client) error {
			_, err := c.ListOrganizationsFeatures(ctx, &awsiam.ListOrganizationsFeaturesInput{})
			return err
		}},
		{"EnableOrganizationsRootCredentialsManagement", func(c *awsiam.Client) error {
			_, err := c.EnableOrganizationsRootCredentialsManagement(ctx, &awsiam.EnableOrganizationsRootCredentialsManagementInput{})
			return err
		}},
		{"DisableOrganizationsRootCredentialsManagement", func(c *awsiam.Client) error {
			_, err := c.DisableOrganizationsRootCredentialsManagement(ctx, &awsiam.DisableOrganizationsRootCredentialsManagementInput{})
			return err
		}},
		{"EnableOrganizationsRootSessions", func(c *awsiam.Client) error {
			_, err := c.EnableOrganizationsRootSessions(ctx, &awsiam.EnableOrganizationsRootSessionsInput{})
			return err
		}},
		{"DisableOrganizationsRootSessions", func(c *awsiam.Client) error {
			_, err := c.DisableOrganizationsRootSessions(ctx, &awsiam.DisableOrganizationsRootSessionsInput{})
			return err
		}},
	} {
		err := c.call(admin)
		wantCode(t, err, "OrganizationNotFoundException", 400)
		if m := apiError(t, err, "OrganizationNotFoundException").ErrorMessage(); m != "The request was rejected because no organization is associated with your account." {
			t.Errorf("%s: %q", c.action, m)
		}
		wantDenied(t, c.call(nobody), "User: arn:aws:iam::"+DefaultAccountID+":user/nobody is not authorized to perform: iam:"+c.action+" on resource: * because no identity-based policy allows the iam:"+c.action+" action")
	}

	path := "o-a1b2c3d4e5/r-ab12/" + DefaultAccountID
	_, err := admin.GenerateOrganizationsAccessReport(ctx, &awsiam.GenerateOrganizationsAccessReportInput{EntityPath: aws.String(path)})
	wantCode(t, err, "AWSOrganizationsNotInUseException", 400)
	_, err = nobody.GenerateOrganizationsAccessReport(ctx, &awsiam.GenerateOrganizationsAccessReportInput{EntityPath: aws.String(path)})
	wantDenied(t, err, "User: arn:aws:iam::"+DefaultAccountID+":user/nobody is not authorized to perform: iam:GenerateOrganizationsAccessReport on resource: arn:aws:iam::"+DefaultAccountID+":access-report/"+path+" because no identity-based policy allows the iam:GenerateOrganizationsAccessReport action")
	_, err = admin.GenerateOrganizationsAccessReport(ctx, &awsiam.GenerateOrganizationsAccessReportInput{EntityPath: aws.String("o-short/r-ab12/123456789012")})
	wantCode(t, err, "ValidationError", 400)
	_, err = admin.GenerateOrganizationsAccessReport(ctx, &awsiam.GenerateOrganizationsAccessReportInput{EntityPath: aws.String(path), OrganizationsPolicyId: aws.String("p-x")})
	wantCode(t, err, "ValidationError", 400)
	// iam:OrganizationsPolicyId is the request's condition key.
	scoped := ts.iam(orgsUser(t, ts, "scoped", policyJSON(
		`{"Effect":"Allow","Action":"iam:GenerateOrganizationsAccessReport","Resource":"*","Condition":{"StringEquals":{"iam:OrganizationsPolicyId":"p-abcdefgh"}}}`)))
	_, err = scoped.GenerateOrganizationsAccessReport(ctx, &awsiam.GenerateOrganizationsAccessReportInput{EntityPath: aws.String(path)})
	apiError(t, err, "AccessDenied")
	_, err = scoped.GenerateOrganizationsAccessReport(ctx, &awsiam.GenerateOrganizationsAccessReportInput{EntityPath: aws.String(path), OrganizationsPolicyId: aws.String("p-abcdefgh")})
	wantCode(t, err, "AWSOrganizationsNotInUseException", 400)

	_, err = admin.GetOrganizationsAccessReport(ctx, &awsiam.GetOrganizationsAccessReportInput{JobId: aws.String("a8b6c06f-aaa4-8a00-28bc-81da71836359")})
	wantCode(t, err, "NoSuchEntity", 404)
	_, err = admin.GetOrganizationsAccessReport(ctx, &awsiam.GetOrganizationsAccessReportInput{JobId: aws.String("short")})
	wantCode(t, err, "ValidationError", 400)
	_, err = nobody.GetOrganizationsAccessReport(ctx, &awsiam.GetOrganizationsAccessReportInput{JobId: aws.String("a8b6c06f-aaa4-8a00-28bc-81da71836359")})
	apiError(t, err, "AccessDenied")
}

func TestAssumeRootAndDelegatedAccessOutsideAnOrganization(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	allowed := ts.sts(orgsUser(t, ts, "admin", policyJSON(statement("Allow", "sts:AssumeRoot,sts:GetDelegatedAccessToken", "*"))))
	nobody := ts.sts(orgsUser(t, ts, "nobody", ""))
	target := "111122223333"
	in := &sts.AssumeRootInput{TargetPrincipal: aws.String(target),
		TaskPolicyArn: &ststypes.PolicyDescriptorType{Arn: aws.String("arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials")}}
	_, err := nobody.AssumeRoot(ctx, in)
	wantDenied(t, err, "User: arn:aws:iam::"+DefaultAccountID+":user/nobody is not authorized to perform: sts:AssumeRoot on resource: arn:aws:iam::"+target+":root because no identity-based policy allows the sts:AssumeRoot action")
	_, err = allowed.AssumeRoot(ctx, in)
	wantCode(t, err, "AccessDenied", 403)
	// sts:TaskPolicyArn is the request's condition key.
	scoped := ts.sts(orgsUser(t, ts, "scoped", policyJSON(
		`{"Effect":"Allow","Action":"sts:AssumeRoot","Resource":"*","Condition":{"StringEquals":{"sts:TaskPolicyArn":"arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy"}}}`)))
	_, err = scoped.AssumeRoot(ctx, in)
	if m := apiError(t, err, "AccessDenied").ErrorMessage(); m == "" || m[:5] != "User:" {
		t.Errorf("a task policy the condition does not allow: %q, want the authorization's AccessDenied", m)
	}
	// The root user's credentials cannot call it.
	_, err = ts.sts(ts.root).AssumeRoot(ctx, in)
	wantCode(t, err, "AccessDenied", 403)
	for _, q := range []string{
		"TargetPrincipal=" + target + "&TaskPolicyArn.arn=arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials&DurationSeconds=901",
		"TargetPrincipal=1234&TaskPolicyArn.arn=arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials",
		"TargetPrincipal=" + target,
		"TaskPolicyArn.arn=arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials",
	} {
		wantRawError(t, ts, ts.root, "sts", "Action=AssumeRoot&Version=2011-06-15&"+q, "ValidationError", 400)
	}

	_, err = allowed.GetDelegatedAccessToken(ctx, &sts.GetDelegatedAccessTokenInput{TradeInToken: aws.String("token")})
	wantCode(t, err, "ExpiredTradeInTokenException", 400)
	_, err = nobody.GetDelegatedAccessToken(ctx, &sts.GetDelegatedAccessTokenInput{TradeInToken: aws.String("token")})
	wantDenied(t, err, "User: arn:aws:iam::"+DefaultAccountID+":user/nobody is not authorized to perform: sts:GetDelegatedAccessToken on resource: * because no identity-based policy allows the sts:GetDelegatedAccessToken action")
	wantRawError(t, ts, ts.root, "sts", "Action=GetDelegatedAccessToken&Version=2011-06-15", "ValidationError", 400)
}

func TestSecurityTokenServicePreferences(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	root := ts.iam(ts.root)
	version := func() int32 {
		t.Helper()
		s, err := root.GetAccountSummary(ctx, &awsiam.GetAccountSummaryInput{})
		if err != nil {
			t.Fatal(err)
		}
		return s.SummaryMap["GlobalEndpointTokenVersion"]
	}
	if v := version(); v != 1 {
		t.Fatalf("default GlobalEndpointTokenVersion %d", v)
	}
	if _, err := root.SetSecurityTokenServicePreferences(ctx, &awsiam.SetSecurityTokenServicePreferencesInput{GlobalEndpointTokenVersion: "v2Token"}); err != nil {
		t.Fatal(err)
	}
	if v := version(); v != 2 {
		t.Fatalf("after v2Token: %d", v)
	}
	_, err := root.SetSecurityTokenServicePreferences(ctx, &awsiam.SetSecurityTokenServicePreferencesInput{GlobalEndpointTokenVersion: "v3Token"})
	wantCode(t, err, "ValidationError", 400)
	wantRawError(t, ts, ts.root, "iam", "Action=SetSecurityTokenServicePreferences&Version=2010-05-08", "ValidationError", 400)
	nobody := ts.iam(orgsUser(t, ts, "nobody", ""))
	_, err = nobody.SetSecurityTokenServicePreferences(ctx, &awsiam.SetSecurityTokenServicePreferencesInput{GlobalEndpointTokenVersion: "v1Token"})
	wantDenied(t, err, "User: arn:aws:iam::"+DefaultAccountID+":user/nobody is not authorized to perform: iam:SetSecurityTokenServicePreferences on resource: * because no identity-based policy allows the iam:SetSecurityTokenServicePreferences action")
	// The enum is checked before the call is authorized, as AWS checks constraints.
	_, err = nobody.SetSecurityTokenServicePreferences(ctx, &awsiam.SetSecurityTokenServicePreferencesInput{GlobalEndpointTokenVersion: "v3Token"})
	wantCode(t, err, "ValidationError", 400)
	if v := version(); v != 2 {
		t.Fatalf("refused calls changed the version: %d", v)
	}
	if _, err := root.SetSecurityTokenServicePreferences(ctx, &awsiam.SetSecurityTokenServicePreferencesInput{GlobalEndpointTokenVersion: "v1Token"}); err != nil {
		t.Fatal(err)
	}
	if v := version(); v != 1 {
		t.Fatalf("after v1Token: %d", v)
	}
}
