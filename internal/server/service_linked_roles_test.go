package server

import (
	"context"
	"net/url"
	"regexp"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

const (
	asgSLR       = "AWSServiceRoleForAutoScaling"
	asgSLRARN    = "arn:aws:iam::123456789012:role/aws-service-role/autoscaling.amazonaws.com/" + asgSLR
	asgSLRPolicy = "arn:aws:iam::aws:policy/aws-service-role/AutoScalingServiceRolePolicy"
	asgSLRTrust  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"autoscaling.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
)

func createSLR(ctx context.Context, c *awsiam.Client, service, suffix string) (*awsiam.CreateServiceLinkedRoleOutput, error) {
	in := &awsiam.CreateServiceLinkedRoleInput{AWSServiceName: aws.String(service)}
	if suffix != "" {
		in.CustomSuffix = aws.String(suffix)
	}
	return c.CreateServiceLinkedRole(ctx, in)
}

func attachedARNs(t *testing.T, c *awsiam.Client, role string) []string {
	t.Helper()
	out, err := c.ListAttachedRolePolicies(context.Background(), &awsiam.ListAttachedRolePoliciesInput{RoleName: aws.String(role)})
	if err != nil {
		t.Fatal(err)
	}
	var arns []string
	for _, p := range out.AttachedPolicies {
		arns = append(arns, aws.ToString(p.PolicyArn))
	}
	return arns
}

func awsPolicyAttachments(t *testing.T, c *awsiam.Client, arn string) int32 {
	t.Helper()
	out, err := c.GetPolicy(context.Background(), &awsiam.GetPolicyInput{PolicyArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToInt32(out.Policy.AttachmentCount)
}

func TestServiceLinkedRoleLifecycle(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)

	out, err := createSLR(ctx, c, "autoscaling.amazonaws.com", "")
	if err != nil {
		t.Fatal(err)
	}
	r := out.Role
	if aws.ToString(r.RoleName) != asgSLR || aws.ToString(r.Path) != "/aws-service-role/autoscaling.amazonaws.com/" ||
		aws.ToString(r.Arn) != asgSLRARN || len(aws.ToString(r.RoleId)) != 21 {
		t.Fatalf("created %+v", r)
	}
	got, err := c.GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String(asgSLR)})
	if err != nil {
		t.Fatal(err)
	}
	if doc, _ := url.QueryUnescape(aws.ToString(got.Role.AssumeRolePolicyDocument)); doc != asgSLRTrust {
		t.Fatalf("trust policy %s", doc)
	}
	if a := attachedARNs(t, c, asgSLR); !slices.Equal(a, []string{asgSLRPolicy}) {
		t.Fatalf("attached %v", a)
	}
	if n := awsPolicyAttachments(t, c, asgSLRPolicy); n != 1 {
		t.Fatalf("AttachmentCount %d", n)
	}

	// The name is the service's: a second one needs a suffix, where the service takes one.
	_, err = createSLR(ctx, c, "autoscaling.amazonaws.com", "")
	wantError(t, err, "InvalidInput", 400, "Service role name AWSServiceRoleForAutoScaling has been taken in this account, please try a different suffix.")
	suffixed, err := createSLR(ctx, c, "autoscaling.amazonaws.com", "pcluster")
	if err != nil || aws.ToString(suffixed.Role.RoleName) != asgSLR+"_pcluster" {
		t.Fatalf("suffixed: %+v %v", suffixed, err)
	}
	_, err = createSLR(ctx, c, "ecs.amazonaws.com", "x")
	wantError(t, err, "InvalidInput", 400, "Custom suffix is not allowed for ecs.amazonaws.com")
	_, err = createSLR(ctx, c, "s3.amazonaws.com", "")
	apiError(t, err, "InvalidInput")
	_, err = createSLR(ctx, c, "autoscaling amazonaws", "")
	apiError(t, err, "ValidationError")
	_, err = createSLR(ctx, c, "autoscaling.amazonaws.com", "bad suffix")
	apiError(t, err, "ValidationError")
	if _, err := c.GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String("AWSServiceRoleForECS")}); err == nil {
		t.Fatal("a refused CreateServiceLinkedRole made a role")
	}
	ecs, err := c.CreateServiceLinkedRole(ctx, &awsiam.CreateServiceLinkedRoleInput{AWSServiceName: aws.String("ecs.amazonaws.com"), Description: aws.String("for the cluster")})
	if err != nil || aws.ToString(ecs.Role.Arn) != "arn:aws:iam::123456789012:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS" ||
		aws.ToString(ecs.Role.Description) != "for the cluster" {
		t.Fatalf("ecs: %+v %v", ecs, err)
	}

	// The account may change the description; nothing else.
	if _, err := c.UpdateRoleDescription(ctx, &awsiam.UpdateRoleDescriptionInput{RoleName: aws.String(asgSLR), Description: aws.String("scaling")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateRole(ctx, &awsiam.UpdateRoleInput{RoleName: aws.String(asgSLR), Description: aws.String("scaling 2")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateInstanceProfile(ctx, &awsiam.CreateInstanceProfileInput{InstanceProfileName: aws.String("scaler")}); err != nil {
		t.Fatal(err)
	}
	protected := "Cannot perform the operation on the protected role 'AWSServiceRoleForAutoScaling' - this role is only modifiable by AWS"
	name := aws.String(asgSLR)
	doc := aws.String(arnDoc)
	for op, call := range map[string]func() error{
		"UpdateAssumeRolePolicy": func() error {
			_, err := c.UpdateAssumeRolePolicy(ctx, &awsiam.UpdateAssumeRolePolicyInput{RoleName: name, PolicyDocument: aws.String(towerTrust)})
			return err
		},
		"PutRolePolicy": func() error {
			_, err := c.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: name, PolicyName: aws.String("p"), PolicyDocument: doc})
			return err
		},
		"DeleteRolePolicy": func() error {
			_, err := c.DeleteRolePolicy(ctx, &awsiam.DeleteRolePolicyInput{RoleName: name, PolicyName: aws.String("p")})
			return err
		},
		"AttachRolePolicy": func() error {
			_, err := c.AttachRolePolicy(ctx, &awsiam.AttachRolePolicyInput{RoleName: name, PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
			return err
		},
		"DetachRolePolicy": func() error {
			_, err := c.DetachRolePolicy(ctx, &awsiam.DetachRolePolicyInput{RoleName: name, PolicyArn: aws.String(asgSLRPolicy)})
			return err
		},
		"PutRolePermissionsBoundary": func() error {
			_, err := c.PutRolePermissionsBoundary(ctx, &awsiam.PutRolePermissionsBoundaryInput{RoleName: name, PermissionsBoundary: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
			return err
		},
		"DeleteRolePermissionsBoundary": func() error {
			_, err := c.DeleteRolePermissionsBoundary(ctx, &awsiam.DeleteRolePermissionsBoundaryInput{RoleName: name})
			return err
		},
		"UpdateRole MaxSessionDuration": func() error {
			_, err := c.UpdateRole(ctx, &awsiam.UpdateRoleInput{RoleName: name, MaxSessionDuration: aws.Int32(7200)})
			return err
		},
		"AddRoleToInstanceProfile": func() error {
			_, err := c.AddRoleToInstanceProfile(ctx, &awsiam.AddRoleToInstanceProfileInput{RoleName: name, InstanceProfileName: aws.String("scaler")})
			return err
		},
		"DeleteRole": func() error {
			_, err := c.DeleteRole(ctx, &awsiam.DeleteRoleInput{RoleName: name})
			return err
		},
	} {
		err := call()
		ae := apiError(t, err, "UnmodifiableEntity")
		if httpStatus(err) != 400 || ae.ErrorMessage() != protected {
			t.Errorf("%s: %d %q", op, httpStatus(err), ae.ErrorMessage())
		}
	}
	got, err = c.GetRole(ctx, &awsiam.GetRoleInput{RoleName: name})
	if err != nil {
		t.Fatal(err)
	}
	if doc, _ := url.QueryUnescape(aws.ToString(got.Role.AssumeRolePolicyDocument)); doc != asgSLRTrust || aws.ToInt32(got.Role.MaxSessionDuration) != 3600 ||
		got.Role.PermissionsBoundary != nil || aws.ToString(got.Role.Description) != "scaling 2" {
		t.Fatalf("after the refused changes: %+v", got.Role)
	}
	if a := attachedARNs(t, c, asgSLR); !slices.Equal(a, []string{asgSLRPolicy}) {
		t.Fatalf("attached after the refused changes %v", a)
	}
	if names, _ := c.ListRolePolicies(ctx, &awsiam.ListRolePoliciesInput{RoleName: name}); len(names.PolicyNames) != 0 {
		t.Fatalf("inline policies %v", names.PolicyNames)
	}
	if p, _ := c.GetInstanceProfile(ctx, &awsiam.GetInstanceProfileInput{InstanceProfileName: aws.String("scaler")}); len(p.InstanceProfile.Roles) != 0 {
		t.Fatalf("the profile took the role: %+v", p.InstanceProfile.Roles)
	}
	// Tags are the account's.
	if _, err := c.TagRole(ctx, &awsiam.TagRoleInput{RoleName: name, Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("hpc")}}}); err != nil {
		t.Fatal(err)
	}

	// The account's own roles stay out of the services' path.
	_, err = c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("AWSServiceRoleForBatch"), Path: aws.String("/aws-service-role/batch.amazonaws.com/"),
		AssumeRolePolicyDocument: aws.String(towerTrust)})
	wantError(t, err, "InvalidInput", 400, "Path prefix '/aws-service-role/' can only be used for AWS Service linked Roles")
	if _, err := c.GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String("AWSServiceRoleForBatch")}); err == nil {
		t.Fatal("the refused CreateRole made a role")
	}

	// DeleteServiceLinkedRole takes only service-linked roles.
	if _, err := c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("plain"), AssumeRolePolicyDocument: aws.String(towerTrust)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteServiceLinkedRole(ctx, &awsiam.DeleteServiceLinkedRoleInput{RoleName: aws.String("plain")})
	wantError(t, err, "NoSuchEntity", 404, "The service-linked role with name plain cannot be found.")
	if _, err := c.GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String("plain")}); err != nil {
		t.Fatalf("the refused deletion deleted: %v", err)
	}
	_, err = c.DeleteServiceLinkedRole(ctx, &awsiam.DeleteServiceLinkedRoleInput{RoleName: aws.String("ghost")})
	wantError(t, err, "NoSuchEntity", 404, "The role with name ghost cannot be found.")

	del, err := c.DeleteServiceLinkedRole(ctx, &awsiam.DeleteServiceLinkedRoleInput{RoleName: name})
	if err != nil {
		t.Fatal(err)
	}
	task := aws.ToString(del.DeletionTaskId)
	if !regexp.MustCompile(`^task/aws-service-role/autoscaling\.amazonaws\.com/AWSServiceRoleForAutoScaling/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(task) {
		t.Fatalf("DeletionTaskId %q", task)
	}
	status, err := c.GetServiceLinkedRoleDeletionStatus(ctx, &awsiam.GetServiceLinkedRoleDeletionStatusInput{DeletionTaskId: aws.String(task)})
	if err != nil || status.Status != types.DeletionTaskStatusTypeSucceeded {
		t.Fatalf("status %+v %v", status, err)
	}
	_, err = c.GetRole(ctx, &awsiam.GetRoleInput{RoleName: name})
	apiError(t, err, "NoSuchEntity")
	// The suffixed role still holds the policy.
	if n := awsPolicyAttachments(t, c, asgSLRPolicy); n != 1 {
		t.Fatalf("AttachmentCount after the deletion %d", n)
	}
	_, err = c.GetServiceLinkedRoleDeletionStatus(ctx, &awsiam.GetServiceLinkedRoleDeletionStatusInput{
		DeletionTaskId: aws.String("task/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling/00000000-0000-4000-8000-000000000000")})
	apiError(t, err, "NoSuchEntity")
	_, err = c.GetServiceLinkedRoleDeletionStatus(ctx, &awsiam.GetServiceLinkedRoleDeletionStatusInput{DeletionTaskId: aws.String("not-a-task")})
	apiError(t, err, "InvalidInput")

	// Deleted, the name is free again.
	if _, err := createSLR(ctx, c, "autoscaling.amazonaws.com", ""); err != nil {
		t.Fatal(err)
	}
}

// parallelClusterSLRPolicy is the shape of AWS ParallelCluster's and AWS Batch's user
// policies: iam:CreateServiceLinkedRole on the service-linked role paths, for the services
// named by iam:AWSServiceName.
const parallelClusterSLRPolicy = `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":"iam:CreateServiceLinkedRole","Resource":"arn:aws:iam::*:role/aws-service-role/*",
  "Condition":{"StringLike":{"iam:AWSServiceName":["autoscaling.amazonaws.com","ecs.amazonaws.com","spot.amazonaws.com","fsx.amazonaws.com"]}}},
 {"Effect":"Allow","Action":"iam:CreateServiceLinkedRole","Resource":"arn:aws:iam::123456789012:role/aws-service-role/batch.amazonaws.com/*",
  "Condition":{"StringEquals":{"iam:AWSServiceName":"batch.amazonaws.com"}}},
 {"Effect":"Allow","Action":["iam:GetRole","iam:DeleteServiceLinkedRole","iam:GetServiceLinkedRoleDeletionStatus"],"Resource":"arn:aws:iam::123456789012:role/aws-service-role/autoscaling.amazonaws.com/*"},
 {"Effect":"Deny","Action":"iam:CreateServiceLinkedRole","Resource":"*","Condition":{"StringEquals":{"iam:AWSServiceName":"spot.amazonaws.com"}}}]}`

func TestServiceLinkedRoleAuthorization(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	root := ts.iam(ts.root)
	creds := userWithKey(t, ts, "pcluster", "")
	if _, err := root.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("pcluster"), PolicyName: aws.String("slr"), PolicyDocument: aws.String(parallelClusterSLRPolicy)}); err != nil {
		t.Fatal(err)
	}
	pc := ts.iam(creds)
	for _, svc := range []string{"autoscaling.amazonaws.com", "ecs.amazonaws.com", "fsx.amazonaws.com", "batch.amazonaws.com"} {
		if _, err := createSLR(ctx, pc, svc, ""); err != nil {
			t.Fatalf("%s: %v", svc, err)
		}
	}
	user := "arn:aws:iam::123456789012:user/pcluster"
	_, err := createSLR(ctx, pc, "elasticloadbalancing.amazonaws.com", "")
	wantDenied(t, err, "User: "+user+" is not authorized to perform: iam:CreateServiceLinkedRole on resource: "+
		"arn:aws:iam::123456789012:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing because no identity-based policy allows the iam:CreateServiceLinkedRole action")
	_, err = createSLR(ctx, pc, "spot.amazonaws.com", "")
	wantDenied(t, err, "User: "+user+" is not authorized to perform: iam:CreateServiceLinkedRole on resource: "+
		"arn:aws:iam::123456789012:role/aws-service-role/spot.amazonaws.com/AWSServiceRoleForEC2Spot with an explicit deny in an identity-based policy")
	for _, name := range []string{"AWSServiceRoleForElasticLoadBalancing", "AWSServiceRoleForEC2Spot"} {
		if _, err := root.GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String(name)}); err == nil {
			t.Fatalf("a refused call made %s", name)
		}
	}

	// Deleting is authorized on the role's real ARN: the user may delete the Auto Scaling
	// role, not ECS's.
	_, err = pc.DeleteServiceLinkedRole(ctx, &awsiam.DeleteServiceLinkedRoleInput{RoleName: aws.String("AWSServiceRoleForECS")})
	wantDenied(t, err, "User: "+user+" is not authorized to perform: iam:DeleteServiceLinkedRole on resource: "+
		"arn:aws:iam::123456789012:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS because no identity-based policy allows the iam:DeleteServiceLinkedRole action")
	if _, err := root.GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String("AWSServiceRoleForECS")}); err != nil {
		t.Fatalf("the refused deletion deleted: %v", err)
	}
	del, err := pc.DeleteServiceLinkedRole(ctx, &awsiam.DeleteServiceLinkedRoleInput{RoleName: aws.String(asgSLR)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pc.GetServiceLinkedRoleDeletionStatus(ctx, &awsiam.GetServiceLinkedRoleDeletionStatusInput{DeletionTaskId: del.DeletionTaskId}); err != nil {
		t.Fatal(err)
	}
	ecsDel, err := root.DeleteServiceLinkedRole(ctx, &awsiam.DeleteServiceLinkedRoleInput{RoleName: aws.String("AWSServiceRoleForECS")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = pc.GetServiceLinkedRoleDeletionStatus(ctx, &awsiam.GetServiceLinkedRoleDeletionStatusInput{DeletionTaskId: ecsDel.DeletionTaskId})
	wantDenied(t, err, "User: "+user+" is not authorized to perform: iam:GetServiceLinkedRoleDeletionStatus on resource: "+
		"arn:aws:iam::123456789012:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS because no identity-based policy allows the iam:GetServiceLinkedRoleDeletionStatus action")
}
