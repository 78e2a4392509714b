package server

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// No delegation request exists in iamd: the operations on one answer NoSuchEntity to a
// caller allowed them, AccessDenied to one that is not; creating one is refused.
func TestDelegationRequestsDoNotExist(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	admin := ts.iam(orgsUser(t, ts, "admin", policyJSON(statement("Allow", "iam:*", "*"))))
	nobody := ts.iam(orgsUser(t, ts, "nobody", ""))
	id := aws.String("dr-0123456789abcdef")
	arn := "arn:aws:iam::" + DefaultAccountID + ":delegation-request/dr-0123456789abcdef"
	calls := map[string]func(*awsiam.Client) error{
		"GetDelegationRequest": func(c *awsiam.Client) error {
			_, err := c.GetDelegationRequest(ctx, &awsiam.GetDelegationRequestInput{DelegationRequestId: id})
			return err
		},
		"AcceptDelegationRequest": func(c *awsiam.Client) error {
			_, err := c.AcceptDelegationRequest(ctx, &awsiam.AcceptDelegationRequestInput{DelegationRequestId: id})
			return err
		},
		"AssociateDelegationRequest": func(c *awsiam.Client) error {
			_, err := c.AssociateDelegationRequest(ctx, &awsiam.AssociateDelegationRequestInput{DelegationRequestId: id})
			return err
		},
		"RejectDelegationRequest": func(c *awsiam.Client) error {
			_, err := c.RejectDelegationRequest(ctx, &awsiam.RejectDelegationRequestInput{DelegationRequestId: id, Notes: aws.String("no")})
			return err
		},
		"UpdateDelegationRequest": func(c *awsiam.Client) error {
			_, err := c.UpdateDelegationRequest(ctx, &awsiam.UpdateDelegationRequestInput{DelegationRequestId: id})
			return err
		},
		"SendDelegationToken": func(c *awsiam.Client) error {
			_, err := c.SendDelegationToken(ctx, &awsiam.SendDelegationTokenInput{DelegationRequestId: id})
			return err
		},
		"GetHumanReadableSummary": func(c *awsiam.Client) error {
			_, err := c.GetHumanReadableSummary(ctx, &awsiam.GetHumanReadableSummaryInput{EntityArn: aws.String(arn)})
			return err
		},
	}
	for action, call := range calls {
		wantCode(t, call(admin), "NoSuchEntity", 404)
		wantDenied(t, call(nobody), "User: arn:aws:iam::"+DefaultAccountID+":user/nobody is not authorized to perform: iam:"+action+" on resource: "+arn+" because no identity-based policy allows the iam:"+action+" action")
	}
	_, err := admin.GetDelegationRequest(ctx, &awsiam.GetDelegationRequestInput{DelegationRequestId: aws.String("short")})
	wantCode(t, err, "ValidationError", 400)
	_, err = admin.GetHumanReadableSummary(ctx, &awsiam.GetHumanReadableSummaryInput{EntityArn: aws.String("arn:aws:iam::" + DefaultAccountID + ":role/x")})
	wantCode(t, err, "InvalidInput", 400)

	list, err := admin.ListDelegationRequests(ctx, &awsiam.ListDelegationRequestsInput{})
	if err != nil || len(list.DelegationRequests) != 0 || list.IsTruncated {
		t.Fatalf("ListDelegationRequests: %+v %v", list, err)
	}
	_, err = nobody.ListDelegationRequests(ctx, &awsiam.ListDelegationRequestsInput{})
	apiError(t, err, "AccessDenied")

	create := &awsiam.CreateDelegationRequestInput{Description: aws.String("read logs"), NotificationChannel: aws.String("arn:aws:sns:us-east-1:" + DefaultAccountID + ":t"),
		Permissions:         &types.DelegationPermission{PolicyTemplateArn: aws.String("arn:aws:iam::aws:delegation-template/x")},
		RequestorWorkflowId: aws.String("wf-123"), SessionDuration: aws.Int32(900)}
	_, err = nobody.CreateDelegationRequest(ctx, create)
	wantDenied(t, err, "User: arn:aws:iam::"+DefaultAccountID+":user/nobody is not authorized to perform: iam:CreateDelegationRequest on resource: arn:aws:iam::"+DefaultAccountID+":delegation-request/* because no identity-based policy allows the iam:CreateDelegationRequest action")
	_, err = admin.CreateDelegationRequest(ctx, create)
	wantCode(t, err, "AccessDenied", 403)
	create.SessionDuration = aws.Int32(60)
	_, err = admin.CreateDelegationRequest(ctx, create)
	wantCode(t, err, "ValidationError", 400)
	if list, err := admin.ListDelegationRequests(ctx, &awsiam.ListDelegationRequestsInput{}); err != nil || len(list.DelegationRequests) != 0 {
		t.Fatalf("a refused create made a request: %+v %v", list, err)
	}
}

// iamd has no role templates: AcquireRole creates no role, GetRoleTemplateVersion finds none.
func TestRoleTemplatesDoNotExist(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	admin := ts.iam(orgsUser(t, ts, "admin", policyJSON(statement("Allow", "iam:*", "*"))))
	nobody := ts.iam(orgsUser(t, ts, "nobody", ""))
	tmpl := "arn:aws:iam::aws:role-template/ec2.amazonaws.com/Example:1"
	_, err := admin.GetRoleTemplateVersion(ctx, &awsiam.GetRoleTemplateVersionInput{TemplateArn: aws.String(tmpl)})
	wantCode(t, err, "NoSuchEntity", 404)
	_, err = admin.AcquireRole(ctx, &awsiam.AcquireRoleInput{TemplateArn: aws.String(tmpl)})
	wantCode(t, err, "NoSuchEntity", 404)
	_, err = admin.AcquireRole(ctx, &awsiam.AcquireRoleInput{TemplateArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
	wantCode(t, err, "InvalidInput", 400)
	_, err = nobody.GetRoleTemplateVersion(ctx, &awsiam.GetRoleTemplateVersionInput{TemplateArn: aws.String(tmpl)})
	wantDenied(t, err, "User: arn:aws:iam::"+DefaultAccountID+":user/nobody is not authorized to perform: iam:GetRoleTemplateVersion on resource: "+tmpl+" because no identity-based policy allows the iam:GetRoleTemplateVersion action")
	_, err = nobody.AcquireRole(ctx, &awsiam.AcquireRoleInput{TemplateArn: aws.String(tmpl)})
	apiError(t, err, "AccessDenied")
	roles, err := admin.ListRoles(ctx, &awsiam.ListRolesInput{})
	if err != nil || len(roles.Roles) != 0 {
		t.Fatalf("roles after AcquireRole: %+v %v", roles, err)
	}
}

func TestAccountProperties(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	root := ts.iam(ts.root)
	got, err := root.GetAccountProperties(ctx, &awsiam.GetAccountPropertiesInput{})
	if err != nil || len(got.Properties) != 0 {
		t.Fatalf("new account's properties: %+v %v", got, err)
	}
	if _, err := root.PutAccountProperties(ctx, &awsiam.PutAccountPropertiesInput{Properties: map[string]string{"RoleManager/Enabled": "true", "RoleManager/Mode": "audit"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.PutAccountProperties(ctx, &awsiam.PutAccountPropertiesInput{Properties: map[string]string{"RoleManager/Mode": "enforce"}}); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"RoleManager/Enabled": "true", "RoleManager/Mode": "enforce"}
	check := func() {
		t.Helper()
		got, err := root.GetAccountProperties(ctx, &awsiam.GetAccountPropertiesInput{})
		if err != nil || len(got.Properties) != len(want) {
			t.Fatalf("properties %+v %v, want %v", got, err, want)
		}
		for k, v := range want {
			if got.Properties[k] != v {
				t.Fatalf("properties %v, want %v", got.Properties, want)
			}
		}
	}
	check()
	for _, bad := range []map[string]string{
		{"NoNamespace": "x"}, {"/Leading": "x"}, {"Trailing/": "x"}, {"A/B/C": "x"},
		{"RoleManager/Enabled": "false", "Other/Thing": "x"},
	} {
		_, err := root.PutAccountProperties(ctx, &awsiam.PutAccountPropertiesInput{Properties: bad})
		wantCode(t, err, "InvalidInput", 400)
	}
	// Only RoleManager properties may be set by this user.
	scoped := ts.iam(orgsUser(t, ts, "scoped", policyJSON(
		`{"Effect":"Allow","Action":"iam:PutAccountProperties","Resource":"*","Condition":{"ForAllValues:StringEquals":{"iam:AccountPropertyNamespaces":"RoleManager"}}}`)))
	_, err = scoped.PutAccountProperties(ctx, &awsiam.PutAccountPropertiesInput{Properties: map[string]string{"Other/Thing": "x"}})
	apiError(t, err, "AccessDenied")
	nobody := ts.iam(orgsUser(t, ts, "nobody", ""))
	_, err = nobody.PutAccountProperties(ctx, &awsiam.PutAccountPropertiesInput{Properties: map[string]string{"RoleManager/Enabled": "false"}})
	wantDenied(t, err, "User: arn:aws:iam::"+DefaultAccountID+":user/nobody is not authorized to perform: iam:PutAccountProperties on resource: * because no identity-based policy allows the iam:PutAccountProperties action")
	// The key's form is the service's check, after authorization.
	_, err = nobody.PutAccountProperties(ctx, &awsiam.PutAccountPropertiesInput{Properties: map[string]string{"NoNamespace": "x"}})
	apiError(t, err, "AccessDenied")
	_, err = nobody.GetAccountProperties(ctx, &awsiam.GetAccountPropertiesInput{})
	apiError(t, err, "AccessDenied")
	check()
	want["RoleManager/Enabled"] = "false"
	if _, err := scoped.PutAccountProperties(ctx, &awsiam.PutAccountPropertiesInput{Properties: map[string]string{"RoleManager/Enabled": "false"}}); err != nil {
		t.Fatal(err)
	}
	check()
}
