package server

import (
	"context"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/iamd-dev/iamd/internal/arn"

	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/managedpolicies"
	"github.com/iamd-dev/iamd/internal/policy"
)

const ecsExecutionPolicy = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"

func TestAWSManagedPolicyRead(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)

	p := getPolicy(t, c, ecsExecutionPolicy)
	if aws.ToString(p.PolicyName) != "AmazonECSTaskExecutionRolePolicy" || aws.ToString(p.Path) != "/service-role/" ||
		aws.ToString(p.Arn) != ecsExecutionPolicy || aws.ToString(p.DefaultVersionId) != "v1" ||
		!p.IsAttachable || aws.ToInt32(p.AttachmentCount) != 0 || !strings.HasPrefix(aws.ToString(p.PolicyId), "ANPA") ||
		p.CreateDate == nil || p.CreateDate.Year() != 2017 {
		t.Fatalf("GetPolicy: %+v", p)
	}

	v, err := c.GetPolicyVersion(ctx, &awsiam.GetPolicyVersionInput{PolicyArn: aws.String(ecsExecutionPolicy), VersionId: aws.String("v1")})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := url.QueryUnescape(aws.ToString(v.PolicyVersion.Document))
	if err != nil || !v.PolicyVersion.IsDefaultVersion {
		t.Fatalf("GetPolicyVersion: %v %+v", err, v.PolicyVersion)
	}
	if _, err := policy.Parse([]byte(doc), policy.Identity); err != nil {
		t.Fatalf("document does not parse: %v\n%s", err, doc)
	}
	for _, a := range []string{"ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "logs:CreateLogStream", "logs:PutLogEvents"} {
		if !strings.Contains(doc, `"`+a+`"`) {
			t.Errorf("document lacks %s:\n%s", a, doc)
		}
	}
	_, err = c.GetPolicyVersion(ctx, &awsiam.GetPolicyVersionInput{PolicyArn: aws.String(ecsExecutionPolicy), VersionId: aws.String("v2")})
	wantError(t, err, "NoSuchEntity", 404, "Policy "+ecsExecutionPolicy+" version v2 does not exist or is not attachable.")

	versions, err := c.ListPolicyVersions(ctx, &awsiam.ListPolicyVersionsInput{PolicyArn: aws.String(ecsExecutionPolicy)})
	if err != nil || len(versions.Versions) != 1 || aws.ToString(versions.Versions[0].VersionId) != "v1" || !versions.Versions[0].IsDefaultVersion {
		t.Fatalf("ListPolicyVersions: %+v %v", versions, err)
	}
	// A policy AWS has revised keeps its real default version id.
	ro := getPolicy(t, c, "arn:aws:iam::aws:policy/ReadOnlyAccess")
	if want, _ := managedpolicies.Lookup("arn:aws:iam::aws:policy/ReadOnlyAccess"); aws.ToString(ro.DefaultVersionId) != want.DefaultVersion || want.DefaultVersion == "v1" {
		t.Fatalf("ReadOnlyAccess default version %s", aws.ToString(ro.DefaultVersionId))
	}

	missing := "arn:aws:iam::aws:policy/NoSuchAWSPolicy"
	_, err = c.GetPolicy(ctx, &awsiam.GetPolicyInput{PolicyArn: aws.String(missing)})
	wantError(t, err, "NoSuchEntity", 404, "Policy "+missing+" was not found.")
	tags, err := c.ListPolicyTags(ctx, &awsiam.ListPolicyTagsInput{PolicyArn: aws.String(ecsExecutionPolicy)})
	if err != nil || len(tags.Tags) != 0 {
		t.Fatalf("ListPolicyTags: %+v %v", tags, err)
	}
}

func TestAWSManagedPoliciesListed(t *testing.T) {
	ts := startServer(t, "")
	c := ts.iam(ts.root)
	createPolicy(t, c, "AdministratorAccess", "", batchPolicy) // a customer policy may share a name

	all := listAllPolicies(t, c, &awsiam.ListPoliciesInput{Scope: types.PolicyScopeTypeAws, MaxItems: aws.Int32(400)})
	if len(all) != len(managedpolicies.Default().Policies) {
		t.Fatalf("Scope AWS listed %d policies, want %d", len(all), len(managedpolicies.Default().Policies))
	}
	for i, p := range all {
		if !strings.HasPrefix(aws.ToString(p.Arn), managedpolicies.ARNPrefix(arn.AWS)) {
			t.Fatalf("Scope AWS lists %s", aws.ToString(p.Arn))
		}
		if i > 0 && strings.ToLower(aws.ToString(all[i-1].PolicyName)) > strings.ToLower(aws.ToString(p.PolicyName)) {
			t.Fatalf("out of order: %s before %s", aws.ToString(all[i-1].PolicyName), aws.ToString(p.PolicyName))
		}
	}
	both := listAllPolicies(t, c, &awsiam.ListPoliciesInput{MaxItems: aws.Int32(1000)})
	if len(both) != len(all)+1 {
		t.Fatalf("Scope All listed %d, want %d", len(both), len(all)+1)
	}
	admins := 0
	for _, p := range both {
		if aws.ToString(p.PolicyName) == "AdministratorAccess" {
			admins++
		}
	}
	if admins != 2 {
		t.Fatalf("Scope All lists AdministratorAccess %d times, want the AWS and the customer one", admins)
	}
	local := listAllPolicies(t, c, &awsiam.ListPoliciesInput{Scope: types.PolicyScopeTypeLocal})
	if len(local) != 1 || aws.ToString(local[0].Arn) != "arn:aws:iam::123456789012:policy/AdministratorAccess" {
		t.Fatalf("Scope Local: %d", len(local))
	}
	jobs := listAllPolicies(t, c, &awsiam.ListPoliciesInput{Scope: types.PolicyScopeTypeAws, PathPrefix: aws.String("/job-function/")})
	if len(jobs) == 0 {
		t.Fatal("no /job-function/ policies")
	}
	for _, p := range jobs {
		if aws.ToString(p.Path) != "/job-function/" {
			t.Fatalf("PathPrefix /job-function/ lists %s", aws.ToString(p.Arn))
		}
	}
	if got := listAllPolicies(t, c, &awsiam.ListPoliciesInput{Scope: types.PolicyScopeTypeAws, OnlyAttached: true}); len(got) != 0 {
		t.Fatalf("OnlyAttached before any attachment: %d", len(got))
	}
}

func listAllPolicies(t *testing.T, c *awsiam.Client, in *awsiam.ListPoliciesInput) []types.Policy {
	t.Helper()
	var all []types.Policy
	for pages := 0; ; pages++ {
		out, err := c.ListPolicies(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, out.Policies...)
		if !out.IsTruncated {
			return all
		}
		if pages > 20 {
			t.Fatal("pagination does not end")
		}
		in.Marker = out.Marker
	}
}

// TestSeed001ExecutionRoleWithAWSManagedPolicy follows seed 001: the ECS task execution
// role, trusted by ecs-tasks.amazonaws.com, with AmazonECSTaskExecutionRolePolicy attached.
func TestSeed001ExecutionRoleWithAWSManagedPolicy(t *testing.T) {
	ts, second := startServerWithSecondAccount(t)
	ctx := context.Background()
	c := ts.iam(ts.root)
	trust, err := os.ReadFile("../../examples/seeds/001-ecs-execution-trust-policy.json")
	if err != nil {
		t.Fatal(err)
	}
	created, err := c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("ecsTaskExecutionRole"), AssumeRolePolicyDocument: aws.String(string(trust))})
	if err != nil {
		t.Fatal(err)
	}
	role := &authz.Caller{Account: "123456789012", Principal: mustPrincipal(t, "arn:aws:sts::123456789012:assumed-role/ecsTaskExecutionRole/task-1"),
		EntityID: aws.ToString(created.Role.RoleId)}
	decide := func(action, resource string) policy.Result {
		t.Helper()
		d, err := ts.srv.authz.Decide(ctx, role, authz.Request{Action: action, Resource: resource})
		if err != nil {
			t.Fatal(err)
		}
		return d.Result
	}
	if r := decide("ecr:GetAuthorizationToken", "*"); r == policy.Allowed {
		t.Fatal("allowed before the policy is attached")
	}

	if _, err := c.AttachRolePolicy(ctx, &awsiam.AttachRolePolicyInput{RoleName: aws.String("ecsTaskExecutionRole"), PolicyArn: aws.String(ecsExecutionPolicy)}); err != nil {
		t.Fatal(err)
	}
	// Attaching twice changes nothing.
	if _, err := c.AttachRolePolicy(ctx, &awsiam.AttachRolePolicyInput{RoleName: aws.String("ecsTaskExecutionRole"), PolicyArn: aws.String(ecsExecutionPolicy)}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		action, resource string
		want             policy.Result
	}{
		{"ecr:GetAuthorizationToken", "*", policy.Allowed},
		{"ecr:BatchGetImage", "arn:aws:ecr:us-east-1:123456789012:repository/tower", policy.Allowed},
		{"logs:CreateLogStream", "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/tower:log-stream:x", policy.Allowed},
		{"logs:PutLogEvents", "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/tower:log-stream:x", policy.Allowed},
		{"secretsmanager:GetSecretValue", "arn:aws:secretsmanager:us-east-1:123456789012:secret:tower-db-AbCdEf", policy.ImplicitDeny},
		{"ecr:PutImage", "arn:aws:ecr:us-east-1:123456789012:repository/tower", policy.ImplicitDeny},
	} {
		if got := decide(tc.action, tc.resource); got != tc.want {
			t.Errorf("%s on %s: %v, want %v", tc.action, tc.resource, got, tc.want)
		}
	}

	listed, err := c.ListAttachedRolePolicies(ctx, &awsiam.ListAttachedRolePoliciesInput{RoleName: aws.String("ecsTaskExecutionRole")})
	if err != nil || len(listed.AttachedPolicies) != 1 || aws.ToString(listed.AttachedPolicies[0].PolicyName) != "AmazonECSTaskExecutionRolePolicy" {
		t.Fatalf("ListAttachedRolePolicies: %+v %v", listed, err)
	}
	if p := getPolicy(t, c, ecsExecutionPolicy); aws.ToInt32(p.AttachmentCount) != 1 {
		t.Fatalf("AttachmentCount %d, want 1", aws.ToInt32(p.AttachmentCount))
	}
	// Counts are per account: the second account sees none.
	if p := getPolicy(t, ts.iam(second), ecsExecutionPolicy); aws.ToInt32(p.AttachmentCount) != 0 {
		t.Fatalf("second account's AttachmentCount %d", aws.ToInt32(p.AttachmentCount))
	}
	entities, err := c.ListEntitiesForPolicy(ctx, &awsiam.ListEntitiesForPolicyInput{PolicyArn: aws.String(ecsExecutionPolicy)})
	if err != nil || len(entities.PolicyRoles) != 1 || aws.ToString(entities.PolicyRoles[0].RoleName) != "ecsTaskExecutionRole" {
		t.Fatalf("ListEntitiesForPolicy: %+v %v", entities, err)
	}
	attached := listAllPolicies(t, c, &awsiam.ListPoliciesInput{OnlyAttached: true})
	if len(attached) != 1 || aws.ToString(attached[0].Arn) != ecsExecutionPolicy {
		t.Fatalf("ListPolicies OnlyAttached: %+v", attached)
	}
	details, err := c.GetAccountAuthorizationDetails(ctx, &awsiam.GetAccountAuthorizationDetailsInput{Filter: []types.EntityType{types.EntityTypeAWSManagedPolicy}})
	if err != nil || len(details.Policies) != 1 || aws.ToString(details.Policies[0].Arn) != ecsExecutionPolicy {
		t.Fatalf("GetAccountAuthorizationDetails AWSManagedPolicy: %+v %v", details, err)
	}

	_, err = c.DetachRolePolicy(ctx, &awsiam.DetachRolePolicyInput{RoleName: aws.String("ecsTaskExecutionRole"), PolicyArn: aws.String(ecsExecutionPolicy)})
	if err != nil {
		t.Fatal(err)
	}
	if p := getPolicy(t, c, ecsExecutionPolicy); aws.ToInt32(p.AttachmentCount) != 0 {
		t.Fatalf("AttachmentCount %d after detaching", aws.ToInt32(p.AttachmentCount))
	}
	if r := decide("ecr:GetAuthorizationToken", "*"); r == policy.Allowed {
		t.Fatal("allowed after the policy is detached")
	}
}

func mustPrincipal(t *testing.T, arn string) policy.Principal {
	t.Helper()
	p, err := policy.ParsePrincipal(arn)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestAWSManagedPolicyAuthorizesOverHTTP attaches AWS managed policies to a user and a
// group and checks that the user's own calls are decided by them.
func TestAWSManagedPolicyAuthorizesOverHTTP(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	root := ts.iam(ts.root)
	key := userWithKey(t, ts, "auditor", "")
	auditor := ts.iam(key)
	if _, err := auditor.ListRoles(ctx, &awsiam.ListRolesInput{}); err == nil {
		t.Fatal("ListRoles allowed with no policy")
	}
	if _, err := root.AttachUserPolicy(ctx, &awsiam.AttachUserPolicyInput{UserName: aws.String("auditor"), PolicyArn: aws.String("arn:aws:iam::aws:policy/IAMReadOnlyAccess")}); err != nil {
		t.Fatal(err)
	}
	if _, err := auditor.ListRoles(ctx, &awsiam.ListRolesInput{}); err != nil {
		t.Fatalf("ListRoles with IAMReadOnlyAccess: %v", err)
	}
	err := createRoleAs(auditor, "not-allowed")
	apiError(t, err, "AccessDenied")

	// Through a group, and as a permissions boundary that leaves only reading.
	if _, err := root.CreateGroup(ctx, &awsiam.CreateGroupInput{GroupName: aws.String("admins")}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.AddUserToGroup(ctx, &awsiam.AddUserToGroupInput{GroupName: aws.String("admins"), UserName: aws.String("auditor")}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.AttachGroupPolicy(ctx, &awsiam.AttachGroupPolicyInput{GroupName: aws.String("admins"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")}); err != nil {
		t.Fatal(err)
	}
	if err := createRoleAs(auditor, "allowed"); err != nil {
		t.Fatalf("CreateRole through the group's AdministratorAccess: %v", err)
	}
	if _, err := root.PutUserPermissionsBoundary(ctx, &awsiam.PutUserPermissionsBoundaryInput{UserName: aws.String("auditor"), PermissionsBoundary: aws.String("arn:aws:iam::aws:policy/IAMReadOnlyAccess")}); err != nil {
		t.Fatal(err)
	}
	apiError(t, createRoleAs(auditor, "bounded"), "AccessDenied")
	if p := getPolicy(t, root, "arn:aws:iam::aws:policy/IAMReadOnlyAccess"); aws.ToInt32(p.AttachmentCount) != 1 || aws.ToInt32(p.PermissionsBoundaryUsageCount) != 1 {
		t.Fatalf("IAMReadOnlyAccess counts %d/%d", aws.ToInt32(p.AttachmentCount), aws.ToInt32(p.PermissionsBoundaryUsageCount))
	}

	// AWS managed policies cannot be changed, not even by an administrator or the root user.
	admin := "arn:aws:iam::aws:policy/AdministratorAccess"
	for _, c := range []*awsiam.Client{auditor, root} {
		_, err = c.CreatePolicyVersion(ctx, &awsiam.CreatePolicyVersionInput{PolicyArn: aws.String(admin), PolicyDocument: aws.String(batchPolicy)})
		apiError(t, err, "AccessDenied")
		_, err = c.DeletePolicy(ctx, &awsiam.DeletePolicyInput{PolicyArn: aws.String(admin)})
		apiError(t, err, "AccessDenied")
		_, err = c.TagPolicy(ctx, &awsiam.TagPolicyInput{PolicyArn: aws.String(admin), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
		apiError(t, err, "AccessDenied")
		_, err = c.SetDefaultPolicyVersion(ctx, &awsiam.SetDefaultPolicyVersionInput{PolicyArn: aws.String(admin), VersionId: aws.String("v1")})
		apiError(t, err, "AccessDenied")
	}
	if p := getPolicy(t, root, admin); aws.ToString(p.DefaultVersionId) != "v1" || len(p.Tags) != 0 {
		t.Fatalf("AdministratorAccess changed: %+v", p)
	}
}
