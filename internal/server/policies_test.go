package server

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

const (
	batchPolicy  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"batch:SubmitJob","Resource":"*"}]}`
	listRolesDoc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*"}]}`
)

func policyDoc(action string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"` + action + `","Resource":"*"}]}`
}

func createPolicy(t *testing.T, c *awsiam.Client, name, path, doc string) *types.Policy {
	t.Helper()
	in := &awsiam.CreatePolicyInput{PolicyName: aws.String(name), PolicyDocument: aws.String(doc)}
	if path != "" {
		in.Path = aws.String(path)
	}
	out, err := c.CreatePolicy(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return out.Policy
}

func getPolicy(t *testing.T, c *awsiam.Client, arn string) *types.Policy {
	t.Helper()
	out, err := c.GetPolicy(context.Background(), &awsiam.GetPolicyInput{PolicyArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	return out.Policy
}

// wantError asserts an AWS error's code, HTTP status and (when not "") message.
func wantError(t *testing.T, err error, code string, status int, msg string) {
	t.Helper()
	ae := apiError(t, err, code)
	if httpStatus(err) != status {
		t.Fatalf("%s: status %d, want %d", code, httpStatus(err), status)
	}
	if msg != "" && ae.ErrorMessage() != msg {
		t.Fatalf("%s: message %q, want %q", code, ae.ErrorMessage(), msg)
	}
}

func TestManagedPolicyLifecycle(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)

	out, err := c.CreatePolicy(ctx, &awsiam.CreatePolicyInput{
		PolicyName: aws.String("Tower-Launch"), Path: aws.String("/tower/"), PolicyDocument: aws.String(towerPolicy),
		Description: aws.String("Tower launch rights"), Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("hpc")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	p := out.Policy
	arn := "arn:aws:iam::123456789012:policy/tower/Tower-Launch"
	if aws.ToString(p.Arn) != arn || aws.ToString(p.Path) != "/tower/" || aws.ToString(p.PolicyName) != "Tower-Launch" {
		t.Fatalf("policy %+v", p)
	}
	if id := aws.ToString(p.PolicyId); !strings.HasPrefix(id, "ANPA") || len(id) != 21 {
		t.Fatalf("PolicyId %s", id)
	}
	if aws.ToString(p.DefaultVersionId) != "v1" || aws.ToInt32(p.AttachmentCount) != 0 || aws.ToInt32(p.PermissionsBoundaryUsageCount) != 0 ||
		!p.IsAttachable || p.CreateDate == nil || p.UpdateDate == nil || len(p.Tags) != 1 {
		t.Fatalf("policy %+v", p)
	}

	_, err = c.CreatePolicy(ctx, &awsiam.CreatePolicyInput{PolicyName: aws.String("tower-launch"), PolicyDocument: aws.String(towerPolicy)})
	wantError(t, err, "EntityAlreadyExists", 409, "A policy called tower-launch already exists. Duplicate names are not allowed.")

	got := getPolicy(t, c, arn)
	if aws.ToString(got.Description) != "Tower launch rights" || aws.ToString(got.PolicyId) != aws.ToString(p.PolicyId) {
		t.Fatalf("GetPolicy %+v", got)
	}
	v1, err := c.GetPolicyVersion(ctx, &awsiam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v1")})
	if err != nil {
		t.Fatal(err)
	}
	if doc, _ := url.QueryUnescape(aws.ToString(v1.PolicyVersion.Document)); doc != towerPolicy || !v1.PolicyVersion.IsDefaultVersion {
		t.Fatalf("v1 %q default %v", doc, v1.PolicyVersion.IsDefaultVersion)
	}

	// Versions v2..v5, v3 made the default; a sixth is over the limit.
	for i := 2; i <= 5; i++ {
		v, err := c.CreatePolicyVersion(ctx, &awsiam.CreatePolicyVersionInput{
			PolicyArn: aws.String(arn), PolicyDocument: aws.String(policyDoc(fmt.Sprintf("batch:Action%d", i))), SetAsDefault: i == 3,
		})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(v.PolicyVersion.VersionId) != fmt.Sprintf("v%d", i) || v.PolicyVersion.IsDefaultVersion != (i == 3) {
			t.Fatalf("version %+v", v.PolicyVersion)
		}
	}
	_, err = c.CreatePolicyVersion(ctx, &awsiam.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(batchPolicy)})
	wantError(t, err, "LimitExceeded", 409, "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.")

	versions, err := c.ListPolicyVersions(ctx, &awsiam.ListPolicyVersionsInput{PolicyArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, v := range versions.Versions {
		id := aws.ToString(v.VersionId)
		if v.IsDefaultVersion {
			id += "*"
		}
		ids = append(ids, id)
	}
	if strings.Join(ids, ",") != "v5,v4,v3*,v2,v1" {
		t.Fatalf("ListPolicyVersions %v", ids)
	}
	if got := getPolicy(t, c, arn); aws.ToString(got.DefaultVersionId) != "v3" {
		t.Fatalf("DefaultVersionId %s", aws.ToString(got.DefaultVersionId))
	}

	_, err = c.DeletePolicyVersion(ctx, &awsiam.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v3")})
	wantError(t, err, "DeleteConflict", 409, "Cannot delete the default version of a policy.")
	_, err = c.SetDefaultPolicyVersion(ctx, &awsiam.SetDefaultPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v9")})
	wantError(t, err, "NoSuchEntity", 404, "Policy "+arn+" version v9 does not exist or is not attachable.")
	_, err = c.SetDefaultPolicyVersion(ctx, &awsiam.SetDefaultPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("nine")})
	wantError(t, err, "ValidationError", 400, `1 validation error detected: Value 'nine' at 'versionId' failed to satisfy constraint: Member must satisfy regular expression pattern: v[1-9][0-9]*(\.[A-Za-z0-9-]*)?`)
	if _, err := c.SetDefaultPolicyVersion(ctx, &awsiam.SetDefaultPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v5")}); err != nil {
		t.Fatal(err)
	}

	_, err = c.DeletePolicy(ctx, &awsiam.DeletePolicyInput{PolicyArn: aws.String(arn)})
	wantError(t, err, "DeleteConflict", 409, "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.")

	for _, id := range []string{"v1", "v2", "v3", "v4"} {
		if _, err := c.DeletePolicyVersion(ctx, &awsiam.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String(id)}); err != nil {
			t.Fatalf("DeletePolicyVersion %s: %v", id, err)
		}
	}
	_, err = c.GetPolicyVersion(ctx, &awsiam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v1")})
	wantError(t, err, "NoSuchEntity", 404, "Policy "+arn+" version v1 does not exist or is not attachable.")
	// Version numbers are never reused.
	v6, err := c.CreatePolicyVersion(ctx, &awsiam.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(batchPolicy)})
	if err != nil || aws.ToString(v6.PolicyVersion.VersionId) != "v6" {
		t.Fatalf("version after deletions: %v %v", v6, err)
	}
	if _, err := c.DeletePolicyVersion(ctx, &awsiam.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v6")}); err != nil {
		t.Fatal(err)
	}

	// Tags.
	if _, err := c.TagPolicy(ctx, &awsiam.TagPolicyInput{PolicyArn: aws.String(arn), Tags: []types.Tag{
		{Key: aws.String("TEAM"), Value: aws.String("genomics")}, {Key: aws.String("cost"), Value: aws.String("42")},
	}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UntagPolicy(ctx, &awsiam.UntagPolicyInput{PolicyArn: aws.String(arn), TagKeys: []string{"cost"}}); err != nil {
		t.Fatal(err)
	}
	tags, err := c.ListPolicyTags(ctx, &awsiam.ListPolicyTagsInput{PolicyArn: aws.String(arn)})
	if err != nil || len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Key) != "TEAM" || aws.ToString(tags.Tags[0].Value) != "genomics" {
		t.Fatalf("ListPolicyTags %+v %v", tags, err)
	}

	if _, err := c.DeletePolicy(ctx, &awsiam.DeletePolicyInput{PolicyArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetPolicy(ctx, &awsiam.GetPolicyInput{PolicyArn: aws.String(arn)})
	wantError(t, err, "NoSuchEntity", 404, "Policy "+arn+" was not found.")
	_, err = c.GetPolicy(ctx, &awsiam.GetPolicyInput{PolicyArn: aws.String("not-an-arn-but-long-enough")})
	wantError(t, err, "InvalidInput", 400, "ARN not-an-arn-but-long-enough is not valid.")
}

func TestManagedPolicyValidationChangesNothing(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	big := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + strings.Repeat("b", 6100) + `"}]}`
	cases := []struct {
		name   string
		in     awsiam.CreatePolicyInput
		code   string
		status int
		msg    string
	}{
		{"trust policy as managed policy", awsiam.CreatePolicyInput{PolicyName: aws.String("p1"), PolicyDocument: aws.String(towerTrust)},
			"MalformedPolicyDocument", 400, "Policy document should not specify a principal."},
		{"not JSON", awsiam.CreatePolicyInput{PolicyName: aws.String("p2"), PolicyDocument: aws.String(`{"Version":`)},
			"MalformedPolicyDocument", 400, "Syntax errors in policy."},
		{"over PolicySize", awsiam.CreatePolicyInput{PolicyName: aws.String("p3"), PolicyDocument: aws.String(big)},
			"LimitExceeded", 409, "Cannot exceed quota for PolicySize: 6144"},
		{"bad name", awsiam.CreatePolicyInput{PolicyName: aws.String("bad name"), PolicyDocument: aws.String(batchPolicy)},
			"ValidationError", 400, `1 validation error detected: Value 'bad name' at 'policyName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`},
		{"bad path", awsiam.CreatePolicyInput{PolicyName: aws.String("p4"), Path: aws.String("/no/trailing"), PolicyDocument: aws.String(batchPolicy)},
			"ValidationError", 400, ""},
		{"no Version", awsiam.CreatePolicyInput{PolicyName: aws.String("p5"), PolicyDocument: aws.String(`{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)},
			"MalformedPolicyDocument", 400, "Policy document must be version 2012-10-17 or greater."},
		{"Effect in lower case", awsiam.CreatePolicyInput{PolicyName: aws.String("p6"), PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"allow","Action":"es:ESHttp*","Resource":"*"}]}`)},
			"MalformedPolicyDocument", 400, "The policy failed legacy parsing"},
		{"IAM resource with a region", awsiam.CreatePolicyInput{PolicyName: aws.String("p7"), PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetRole","Resource":"arn:aws:iam:us-east-1:123456789012:role/x"}]}`)},
			"MalformedPolicyDocument", 400, "IAM resource arn:aws:iam:us-east-1:123456789012:role/x cannot contain region information."},
		{"two colons", awsiam.CreatePolicyInput{PolicyName: aws.String("p8"), PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get:Object","Resource":"*"}]}`)},
			"MalformedPolicyDocument", 400, "Actions/Condition can contain only one colon."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			_, err := c.CreatePolicy(ctx, &in)
			ae := apiError(t, err, tc.code)
			if httpStatus(err) != tc.status {
				t.Fatalf("status %d, want %d", httpStatus(err), tc.status)
			}
			if tc.msg != "" && ae.ErrorMessage() != tc.msg {
				t.Fatalf("message %q, want %q", ae.ErrorMessage(), tc.msg)
			}
		})
	}
	list, err := c.ListPolicies(ctx, &awsiam.ListPoliciesInput{Scope: types.PolicyScopeTypeLocal})
	if err != nil || len(list.Policies) != 0 {
		t.Fatalf("ListPolicies after rejected calls: %+v %v", list, err)
	}

	// A refused version leaves the policy as it was.
	p := createPolicy(t, c, "kept", "", batchPolicy)
	_, err = c.CreatePolicyVersion(ctx, &awsiam.CreatePolicyVersionInput{PolicyArn: p.Arn, PolicyDocument: aws.String(big), SetAsDefault: true})
	wantError(t, err, "LimitExceeded", 409, "Cannot exceed quota for PolicySize: 6144")
	_, err = c.CreatePolicyVersion(ctx, &awsiam.CreatePolicyVersionInput{PolicyArn: p.Arn, PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]}`), SetAsDefault: true})
	apiError(t, err, "MalformedPolicyDocument")
	versions, err := c.ListPolicyVersions(ctx, &awsiam.ListPolicyVersionsInput{PolicyArn: p.Arn})
	if err != nil || len(versions.Versions) != 1 || aws.ToString(getPolicy(t, c, aws.ToString(p.Arn)).DefaultVersionId) != "v1" {
		t.Fatalf("versions after refused ones: %+v %v", versions, err)
	}

	// An inline policy may still be of Version 2008-10-17 or have none, as IAM allows.
	if _, err := c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("inline")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("inline"), PolicyName: aws.String("old"),
		PolicyDocument: aws.String(`{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)}); err != nil {
		t.Fatalf("inline policy without Version: %v", err)
	}

	_, err = c.ListPolicies(ctx, &awsiam.ListPoliciesInput{Scope: "Mine"})
	wantError(t, err, "ValidationError", 400, "1 validation error detected: Value 'Mine' at 'scope' failed to satisfy constraint: Member must satisfy enum value set: [All, AWS, Local]")
}

func TestListPolicies(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	for i, name := range []string{"e", "d", "c", "b", "a"} {
		path := "/"
		if i%2 == 0 {
			path = "/ops/"
		}
		createPolicy(t, c, name, path, batchPolicy)
	}
	var all []string
	var marker *string
	for pages := 0; ; pages++ {
		out, err := c.ListPolicies(ctx, &awsiam.ListPoliciesInput{Scope: types.PolicyScopeTypeLocal, MaxItems: aws.Int32(2), Marker: marker})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range out.Policies {
			all = append(all, aws.ToString(p.PolicyName))
		}
		if !out.IsTruncated {
			break
		}
		if pages > 5 {
			t.Fatal("pagination does not end")
		}
		marker = out.Marker
	}
	if strings.Join(all, ",") != "a,b,c,d,e" {
		t.Fatalf("ListPolicies %v", all)
	}
	out, err := c.ListPolicies(ctx, &awsiam.ListPoliciesInput{PathPrefix: aws.String("/ops/"), Scope: types.PolicyScopeTypeAll})
	if err != nil || len(out.Policies) != 3 || aws.ToString(out.Policies[0].Arn) != "arn:aws:iam::123456789012:policy/ops/a" {
		t.Fatalf("PathPrefix: %+v %v", out, err)
	}
	out, err = c.ListPolicies(ctx, &awsiam.ListPoliciesInput{Scope: types.PolicyScopeTypeAws, PathPrefix: aws.String("/ops/")})
	if err != nil || len(out.Policies) != 0 {
		t.Fatalf("Scope AWS under /ops/: %+v %v", out, err)
	}

	// OnlyAttached, with and without a usage filter.
	if _, err := c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(towerTrust)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AttachRolePolicy(ctx, &awsiam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String("arn:aws:iam::123456789012:policy/b")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutRolePermissionsBoundary(ctx, &awsiam.PutRolePermissionsBoundaryInput{RoleName: aws.String("r"), PermissionsBoundary: aws.String("arn:aws:iam::123456789012:policy/ops/c")}); err != nil {
		t.Fatal(err)
	}
	names := func(in *awsiam.ListPoliciesInput) string {
		t.Helper()
		out, err := c.ListPolicies(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		var n []string
		for _, p := range out.Policies {
			n = append(n, aws.ToString(p.PolicyName))
		}
		return strings.Join(n, ",")
	}
	if got := names(&awsiam.ListPoliciesInput{OnlyAttached: true}); got != "b,c" {
		t.Fatalf("OnlyAttached: %s", got)
	}
	if got := names(&awsiam.ListPoliciesInput{OnlyAttached: true, PolicyUsageFilter: types.PolicyUsageTypePermissionsPolicy}); got != "b" {
		t.Fatalf("OnlyAttached PermissionsPolicy: %s", got)
	}
	if got := names(&awsiam.ListPoliciesInput{OnlyAttached: true, PolicyUsageFilter: types.PolicyUsageTypePermissionsBoundary}); got != "c" {
		t.Fatalf("OnlyAttached PermissionsBoundary: %s", got)
	}
}

func TestAttachDetachRolePolicies(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	if _, err := c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("Tower-Role"), Path: aws.String("/svc/"), AssumeRolePolicyDocument: aws.String(towerTrust)}); err != nil {
		t.Fatal(err)
	}
	var arns []string
	for i := range 11 {
		path := "/"
		if i < 3 {
			path = "/tower/"
		}
		arns = append(arns, aws.ToString(createPolicy(t, c, fmt.Sprintf("p%02d", i), path, batchPolicy).Arn))
	}
	attach := func(arn string) error {
		_, err := c.AttachRolePolicy(ctx, &awsiam.AttachRolePolicyInput{RoleName: aws.String("Tower-Role"), PolicyArn: aws.String(arn)})
		return err
	}
	for _, a := range arns[:10] {
		if err := attach(a); err != nil {
			t.Fatal(err)
		}
	}
	if err := attach(arns[0]); err != nil {
		t.Fatalf("attaching twice: %v", err)
	}
	wantError(t, attach(arns[10]), "LimitExceeded", 409, "Cannot exceed quota for PoliciesPerRole: 10")
	missing := "arn:aws:iam::123456789012:policy/missing"
	wantError(t, attach(missing), "NoSuchEntity", 404, "Policy "+missing+" does not exist or is not attachable.")
	wantError(t, attach("arn:aws:iam::aws:policy/NoSuchAWSPolicy"), "NoSuchEntity", 404, "Policy arn:aws:iam::aws:policy/NoSuchAWSPolicy does not exist or is not attachable.")
	_, err := c.AttachRolePolicy(ctx, &awsiam.AttachRolePolicyInput{RoleName: aws.String("ghost"), PolicyArn: aws.String(arns[0])})
	wantError(t, err, "NoSuchEntity", 404, "The role with name ghost cannot be found.")

	if p := getPolicy(t, c, arns[0]); aws.ToInt32(p.AttachmentCount) != 1 {
		t.Fatalf("AttachmentCount %d after attaching twice", aws.ToInt32(p.AttachmentCount))
	}
	if p := getPolicy(t, c, arns[10]); aws.ToInt32(p.AttachmentCount) != 0 {
		t.Fatalf("AttachmentCount %d after a refused attach", aws.ToInt32(p.AttachmentCount))
	}

	// Listing, with a path prefix and in pages.
	var listed []string
	var marker *string
	for pages := 0; ; pages++ {
		out, err := c.ListAttachedRolePolicies(ctx, &awsiam.ListAttachedRolePoliciesInput{RoleName: aws.String("Tower-Role"), MaxItems: aws.Int32(4), Marker: marker})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range out.AttachedPolicies {
			listed = append(listed, aws.ToString(a.PolicyName))
		}
		if !out.IsTruncated {
			break
		}
		if pages > 5 {
			t.Fatal("pagination does not end")
		}
		marker = out.Marker
	}
	if len(listed) != 10 || listed[0] != "p00" || listed[9] != "p09" {
		t.Fatalf("ListAttachedRolePolicies %v", listed)
	}
	out, err := c.ListAttachedRolePolicies(ctx, &awsiam.ListAttachedRolePoliciesInput{RoleName: aws.String("Tower-Role"), PathPrefix: aws.String("/tower/")})
	if err != nil || len(out.AttachedPolicies) != 3 || aws.ToString(out.AttachedPolicies[2].PolicyArn) != "arn:aws:iam::123456789012:policy/tower/p02" {
		t.Fatalf("PathPrefix: %+v %v", out, err)
	}

	// Neither the policy nor the role can go while attached.
	_, err = c.DeletePolicy(ctx, &awsiam.DeletePolicyInput{PolicyArn: aws.String(arns[0])})
	wantError(t, err, "DeleteConflict", 409, "Cannot delete a policy attached to entities.")
	_, err = c.DeleteRole(ctx, &awsiam.DeleteRoleInput{RoleName: aws.String("Tower-Role")})
	apiError(t, err, "DeleteConflict")

	ents, err := c.ListEntitiesForPolicy(ctx, &awsiam.ListEntitiesForPolicyInput{PolicyArn: aws.String(arns[0])})
	if err != nil || len(ents.PolicyRoles) != 1 || aws.ToString(ents.PolicyRoles[0].RoleName) != "Tower-Role" || !strings.HasPrefix(aws.ToString(ents.PolicyRoles[0].RoleId), "AROA") {
		t.Fatalf("ListEntitiesForPolicy %+v %v", ents, err)
	}

	for _, a := range arns[:10] {
		if _, err := c.DetachRolePolicy(ctx, &awsiam.DetachRolePolicyInput{RoleName: aws.String("Tower-Role"), PolicyArn: aws.String(a)}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = c.DetachRolePolicy(ctx, &awsiam.DetachRolePolicyInput{RoleName: aws.String("Tower-Role"), PolicyArn: aws.String(arns[0])})
	wantError(t, err, "NoSuchEntity", 404, "Policy "+arns[0]+" was not found.")
	if p := getPolicy(t, c, arns[0]); aws.ToInt32(p.AttachmentCount) != 0 {
		t.Fatalf("AttachmentCount %d after detaching", aws.ToInt32(p.AttachmentCount))
	}
	if _, err := c.DeletePolicy(ctx, &awsiam.DeletePolicyInput{PolicyArn: aws.String(arns[0])}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteRole(ctx, &awsiam.DeleteRoleInput{RoleName: aws.String("Tower-Role")}); err != nil {
		t.Fatal(err)
	}
}

// skipWithout skips the test when the server does not implement an action yet (users,
// groups and access keys are built in parallel with managed policies).
func skipWithout(t *testing.T, err error, action string) {
	t.Helper()
	if err != nil && strings.Contains(err.Error(), "InvalidAction") {
		t.Skipf("%s is not implemented yet", action)
	}
	if err != nil {
		t.Fatal(err)
	}
}

func TestAttachUserAndGroupPoliciesAndListEntities(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	_, err := c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("alice"), Path: aws.String("/staff/")})
	skipWithout(t, err, "CreateUser")
	_, err = c.CreateGroup(ctx, &awsiam.CreateGroupInput{GroupName: aws.String("admins")})
	skipWithout(t, err, "CreateGroup")
	if _, err := c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("worker"), AssumeRolePolicyDocument: aws.String(towerTrust)}); err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(createPolicy(t, c, "shared", "", batchPolicy).Arn)
	bound := aws.ToString(createPolicy(t, c, "bound", "", batchPolicy).Arn)

	if _, err := c.AttachUserPolicy(ctx, &awsiam.AttachUserPolicyInput{UserName: aws.String("alice"), PolicyArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AttachGroupPolicy(ctx, &awsiam.AttachGroupPolicyInput{GroupName: aws.String("admins"), PolicyArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AttachRolePolicy(ctx, &awsiam.AttachRolePolicyInput{RoleName: aws.String("worker"), PolicyArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutRolePermissionsBoundary(ctx, &awsiam.PutRolePermissionsBoundaryInput{RoleName: aws.String("worker"), PermissionsBoundary: aws.String(bound)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.AttachUserPolicy(ctx, &awsiam.AttachUserPolicyInput{UserName: aws.String("bob"), PolicyArn: aws.String(arn)})
	wantError(t, err, "NoSuchEntity", 404, "The user with name bob cannot be found.")
	_, err = c.AttachGroupPolicy(ctx, &awsiam.AttachGroupPolicyInput{GroupName: aws.String("nobody"), PolicyArn: aws.String(arn)})
	wantError(t, err, "NoSuchEntity", 404, "The group with name nobody cannot be found.")

	if p := getPolicy(t, c, arn); aws.ToInt32(p.AttachmentCount) != 3 {
		t.Fatalf("AttachmentCount %d, want 3", aws.ToInt32(p.AttachmentCount))
	}
	u, err := c.ListAttachedUserPolicies(ctx, &awsiam.ListAttachedUserPoliciesInput{UserName: aws.String("alice")})
	if err != nil || len(u.AttachedPolicies) != 1 || aws.ToString(u.AttachedPolicies[0].PolicyName) != "shared" {
		t.Fatalf("ListAttachedUserPolicies %+v %v", u, err)
	}
	g, err := c.ListAttachedGroupPolicies(ctx, &awsiam.ListAttachedGroupPoliciesInput{GroupName: aws.String("admins")})
	if err != nil || len(g.AttachedPolicies) != 1 || aws.ToString(g.AttachedPolicies[0].PolicyArn) != arn {
		t.Fatalf("ListAttachedGroupPolicies %+v %v", g, err)
	}

	all, err := c.ListEntitiesForPolicy(ctx, &awsiam.ListEntitiesForPolicyInput{PolicyArn: aws.String(arn)})
	if err != nil || len(all.PolicyUsers) != 1 || len(all.PolicyGroups) != 1 || len(all.PolicyRoles) != 1 ||
		aws.ToString(all.PolicyUsers[0].UserName) != "alice" || aws.ToString(all.PolicyGroups[0].GroupName) != "admins" {
		t.Fatalf("ListEntitiesForPolicy %+v %v", all, err)
	}
	users, err := c.ListEntitiesForPolicy(ctx, &awsiam.ListEntitiesForPolicyInput{PolicyArn: aws.String(arn), EntityFilter: types.EntityTypeUser, PathPrefix: aws.String("/staff/")})
	if err != nil || len(users.PolicyUsers) != 1 || len(users.PolicyRoles)+len(users.PolicyGroups) != 0 {
		t.Fatalf("EntityFilter User: %+v %v", users, err)
	}
	none, err := c.ListEntitiesForPolicy(ctx, &awsiam.ListEntitiesForPolicyInput{PolicyArn: aws.String(arn), PathPrefix: aws.String("/other/")})
	if err != nil || len(none.PolicyUsers)+len(none.PolicyRoles)+len(none.PolicyGroups) != 0 {
		t.Fatalf("PathPrefix /other/: %+v %v", none, err)
	}
	// Pages of one across the three kinds.
	var seen []string
	var marker *string
	for pages := 0; ; pages++ {
		out, err := c.ListEntitiesForPolicy(ctx, &awsiam.ListEntitiesForPolicyInput{PolicyArn: aws.String(arn), MaxItems: aws.Int32(1), Marker: marker})
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range out.PolicyGroups {
			seen = append(seen, "group:"+aws.ToString(g.GroupName))
		}
		for _, r := range out.PolicyRoles {
			seen = append(seen, "role:"+aws.ToString(r.RoleName))
		}
		for _, u := range out.PolicyUsers {
			seen = append(seen, "user:"+aws.ToString(u.UserName))
		}
		if !out.IsTruncated {
			break
		}
		if pages > 5 {
			t.Fatal("pagination does not end")
		}
		marker = out.Marker
	}
	if strings.Join(seen, ",") != "group:admins,role:worker,user:alice" {
		t.Fatalf("paged entities %v", seen)
	}
	bounded, err := c.ListEntitiesForPolicy(ctx, &awsiam.ListEntitiesForPolicyInput{PolicyArn: aws.String(bound), PolicyUsageFilter: types.PolicyUsageTypePermissionsBoundary})
	if err != nil || len(bounded.PolicyRoles) != 1 || aws.ToString(bounded.PolicyRoles[0].RoleName) != "worker" {
		t.Fatalf("PermissionsBoundary usage: %+v %v", bounded, err)
	}
	asPolicy, err := c.ListEntitiesForPolicy(ctx, &awsiam.ListEntitiesForPolicyInput{PolicyArn: aws.String(bound), PolicyUsageFilter: types.PolicyUsageTypePermissionsPolicy})
	if err != nil || len(asPolicy.PolicyRoles) != 0 {
		t.Fatalf("PermissionsPolicy usage of a boundary: %+v %v", asPolicy, err)
	}

	if _, err := c.DetachUserPolicy(ctx, &awsiam.DetachUserPolicyInput{UserName: aws.String("alice"), PolicyArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DetachGroupPolicy(ctx, &awsiam.DetachGroupPolicyInput{GroupName: aws.String("admins"), PolicyArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DetachGroupPolicy(ctx, &awsiam.DetachGroupPolicyInput{GroupName: aws.String("admins"), PolicyArn: aws.String(arn)})
	wantError(t, err, "NoSuchEntity", 404, "Policy "+arn+" was not found.")
	if p := getPolicy(t, c, arn); aws.ToInt32(p.AttachmentCount) != 1 {
		t.Fatalf("AttachmentCount %d, want 1", aws.ToInt32(p.AttachmentCount))
	}
}

func TestRolePermissionsBoundary(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	if _, err := c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("bounded"), AssumeRolePolicyDocument: aws.String(towerTrust)}); err != nil {
		t.Fatal(err)
	}
	b1 := aws.ToString(createPolicy(t, c, "boundary-1", "/b/", batchPolicy).Arn)
	b2 := aws.ToString(createPolicy(t, c, "boundary-2", "", batchPolicy).Arn)

	missing := "arn:aws:iam::123456789012:policy/nope"
	_, err := c.PutRolePermissionsBoundary(ctx, &awsiam.PutRolePermissionsBoundaryInput{RoleName: aws.String("bounded"), PermissionsBoundary: aws.String(missing)})
	wantError(t, err, "NoSuchEntity", 404, "Scope ARN: "+missing+" does not exist or is not attachable.")
	_, err = c.DeleteRolePermissionsBoundary(ctx, &awsiam.DeleteRolePermissionsBoundaryInput{RoleName: aws.String("bounded")})
	apiError(t, err, "NoSuchEntity")

	if _, err := c.PutRolePermissionsBoundary(ctx, &awsiam.PutRolePermissionsBoundaryInput{RoleName: aws.String("bounded"), PermissionsBoundary: aws.String(b1)}); err != nil {
		t.Fatal(err)
	}
	r, err := c.GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String("bounded")})
	if err != nil || r.Role.PermissionsBoundary == nil || aws.ToString(r.Role.PermissionsBoundary.PermissionsBoundaryArn) != b1 {
		t.Fatalf("GetRole boundary %+v %v", r, err)
	}
	if p := getPolicy(t, c, b1); aws.ToInt32(p.PermissionsBoundaryUsageCount) != 1 || aws.ToInt32(p.AttachmentCount) != 0 {
		t.Fatalf("boundary counts %+v", p)
	}
	_, err = c.DeletePolicy(ctx, &awsiam.DeletePolicyInput{PolicyArn: aws.String(b1)})
	wantError(t, err, "DeleteConflict", 409, "Cannot delete a policy attached to entities.")

	// Replacing the boundary moves the count.
	if _, err := c.PutRolePermissionsBoundary(ctx, &awsiam.PutRolePermissionsBoundaryInput{RoleName: aws.String("bounded"), PermissionsBoundary: aws.String(b2)}); err != nil {
		t.Fatal(err)
	}
	if aws.ToInt32(getPolicy(t, c, b1).PermissionsBoundaryUsageCount) != 0 || aws.ToInt32(getPolicy(t, c, b2).PermissionsBoundaryUsageCount) != 1 {
		t.Fatal("boundary counts after replacing")
	}
	if _, err := c.DeletePolicy(ctx, &awsiam.DeletePolicyInput{PolicyArn: aws.String(b1)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteRolePermissionsBoundary(ctx, &awsiam.DeleteRolePermissionsBoundaryInput{RoleName: aws.String("bounded")}); err != nil {
		t.Fatal(err)
	}
	r, err = c.GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String("bounded")})
	if err != nil || r.Role.PermissionsBoundary != nil {
		t.Fatalf("boundary after delete %+v %v", r, err)
	}
	if aws.ToInt32(getPolicy(t, c, b2).PermissionsBoundaryUsageCount) != 0 {
		t.Fatal("boundary count after delete")
	}
	_, err = c.DeleteRolePermissionsBoundary(ctx, &awsiam.DeleteRolePermissionsBoundaryInput{RoleName: aws.String("bounded")})
	wantError(t, err, "NoSuchEntity", 404, "")
}

// TestAttachedPolicyGrantsUser checks that a managed policy attached to a user (directly or
// through a group) grants, that detaching takes it away, and that attach calls are
// authorized on the role's real ARN.
func TestAttachedPolicyGrantsUser(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	_, err := c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("dev")})
	skipWithout(t, err, "CreateUser")
	key, err := c.CreateAccessKey(ctx, &awsiam.CreateAccessKeyInput{UserName: aws.String("dev")})
	skipWithout(t, err, "CreateAccessKey")
	dev := ts.iam(aws.Credentials{AccessKeyID: aws.ToString(key.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(key.AccessKey.SecretAccessKey)})

	_, err = dev.ListRoles(ctx, &awsiam.ListRolesInput{})
	wantError(t, err, "AccessDenied", 403, "")

	list := aws.ToString(createPolicy(t, c, "list-roles", "", listRolesDoc).Arn)
	if _, err := c.AttachUserPolicy(ctx, &awsiam.AttachUserPolicyInput{UserName: aws.String("dev"), PolicyArn: aws.String(list)}); err != nil {
		t.Fatal(err)
	}
	if _, err := dev.ListRoles(ctx, &awsiam.ListRolesInput{}); err != nil {
		t.Fatalf("ListRoles with an attached policy: %v", err)
	}

	// Attach rights scoped to roles under /svc/: the role's stored path decides.
	scoped := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:AttachRolePolicy","iam:DetachRolePolicy"],"Resource":"arn:aws:iam::123456789012:role/svc/*"}]}`
	attachRights := aws.ToString(createPolicy(t, c, "attach-svc", "", scoped).Arn)
	if _, err := c.AttachUserPolicy(ctx, &awsiam.AttachUserPolicyInput{UserName: aws.String("dev"), PolicyArn: aws.String(attachRights)}); err != nil {
		t.Fatal(err)
	}
	for _, r := range []struct{ name, path string }{{"in-svc", "/svc/"}, {"elsewhere", "/"}} {
		if _, err := c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String(r.name), Path: aws.String(r.path), AssumeRolePolicyDocument: aws.String(towerTrust)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := dev.AttachRolePolicy(ctx, &awsiam.AttachRolePolicyInput{RoleName: aws.String("in-svc"), PolicyArn: aws.String(list)}); err != nil {
		t.Fatalf("AttachRolePolicy on a role under /svc/: %v", err)
	}
	_, err = dev.AttachRolePolicy(ctx, &awsiam.AttachRolePolicyInput{RoleName: aws.String("elsewhere"), PolicyArn: aws.String(list)})
	ae := apiError(t, err, "AccessDenied")
	if !strings.Contains(ae.ErrorMessage(), "arn:aws:iam::123456789012:role/elsewhere") {
		t.Fatalf("denial names %q", ae.ErrorMessage())
	}

	if _, err := c.DetachUserPolicy(ctx, &awsiam.DetachUserPolicyInput{UserName: aws.String("dev"), PolicyArn: aws.String(list)}); err != nil {
		t.Fatal(err)
	}
	_, err = dev.ListRoles(ctx, &awsiam.ListRolesInput{})
	wantError(t, err, "AccessDenied", 403, "")

	// Through a group.
	_, err = c.CreateGroup(ctx, &awsiam.CreateGroupInput{GroupName: aws.String("readers")})
	skipWithout(t, err, "CreateGroup")
	if _, err := c.AddUserToGroup(ctx, &awsiam.AddUserToGroupInput{GroupName: aws.String("readers"), UserName: aws.String("dev")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AttachGroupPolicy(ctx, &awsiam.AttachGroupPolicyInput{GroupName: aws.String("readers"), PolicyArn: aws.String(list)}); err != nil {
		t.Fatal(err)
	}
	if _, err := dev.ListRoles(ctx, &awsiam.ListRolesInput{}); err != nil {
		t.Fatalf("ListRoles with a group's attached policy: %v", err)
	}
}
