package server

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

const towerTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"},{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

const towerPolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"TowerLaunchPermissions","Effect":"Allow","Action":["batch:SubmitJob","ec2:DescribeInstances"],"Resource":"*"}]}`

func TestRoleLifecycle(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)

	out, err := c.CreateRole(ctx, &awsiam.CreateRoleInput{
		RoleName: aws.String("Tower-Role"), AssumeRolePolicyDocument: aws.String(towerTrust),
		Description: aws.String("Tower"), Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("hpc")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	r := out.Role
	if got := aws.ToString(r.Arn); got != "arn:aws:iam::123456789012:role/Tower-Role" {
		t.Fatalf("Arn %s", got)
	}
	if id := aws.ToString(r.RoleId); !strings.HasPrefix(id, "AROA") || len(id) != 21 {
		t.Fatalf("RoleId %s", id)
	}
	if r.CreateDate == nil || aws.ToString(r.Path) != "/" || aws.ToInt32(r.MaxSessionDuration) != 3600 {
		t.Fatalf("role %+v", r)
	}
	doc, err := url.QueryUnescape(aws.ToString(r.AssumeRolePolicyDocument))
	if err != nil || doc != towerTrust {
		t.Fatalf("trust policy %q (%v)", doc, err)
	}

	_, err = c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("tower-role"), AssumeRolePolicyDocument: aws.String(towerTrust)})
	if ae := apiError(t, err, "EntityAlreadyExists"); httpStatus(err) != 409 || ae.ErrorMessage() != "Role with name tower-role already exists." {
		t.Fatalf("duplicate role: %v (status %d)", err, httpStatus(err))
	}

	if _, err := c.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String("Tower-Role"), PolicyName: aws.String("Tower-Role-Policy"), PolicyDocument: aws.String(towerPolicy)}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetRolePolicy(ctx, &awsiam.GetRolePolicyInput{RoleName: aws.String("Tower-Role"), PolicyName: aws.String("Tower-Role-Policy")})
	if err != nil {
		t.Fatal(err)
	}
	if doc, _ := url.QueryUnescape(aws.ToString(got.PolicyDocument)); doc != towerPolicy {
		t.Fatalf("policy %q", doc)
	}
	names, err := c.ListRolePolicies(ctx, &awsiam.ListRolePoliciesInput{RoleName: aws.String("Tower-Role")})
	if err != nil || len(names.PolicyNames) != 1 || names.PolicyNames[0] != "Tower-Role-Policy" {
		t.Fatalf("ListRolePolicies %v %v", names, err)
	}

	_, err = c.DeleteRole(ctx, &awsiam.DeleteRoleInput{RoleName: aws.String("Tower-Role")})
	apiError(t, err, "DeleteConflict")

	if _, err := c.DeleteRolePolicy(ctx, &awsiam.DeleteRolePolicyInput{RoleName: aws.String("Tower-Role"), PolicyName: aws.String("Tower-Role-Policy")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteRole(ctx, &awsiam.DeleteRoleInput{RoleName: aws.String("Tower-Role")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String("Tower-Role")})
	if ae := apiError(t, err, "NoSuchEntity"); httpStatus(err) != 404 || ae.ErrorMessage() != "The role with name Tower-Role cannot be found." {
		t.Fatalf("GetRole of a deleted role: %v", err)
	}
}

func TestRoleValidation(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	cases := []struct {
		name string
		in   awsiam.CreateRoleInput
		code string
		msg  string
	}{
		{"identity policy as trust policy", awsiam.CreateRoleInput{RoleName: aws.String("r1"), AssumeRolePolicyDocument: aws.String(towerPolicy)},
			"MalformedPolicyDocument", "Missing required field Principal"},
		{"trust policy with Resource", awsiam.CreateRoleInput{RoleName: aws.String("r2"),
			AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Resource":"*"}]}`)},
			"MalformedPolicyDocument", "Has prohibited field Resource"},
		{"not JSON", awsiam.CreateRoleInput{RoleName: aws.String("r3"), AssumeRolePolicyDocument: aws.String(`{"Version":`)},
			"MalformedPolicyDocument", "This policy contains invalid Json"},
		{"bad name", awsiam.CreateRoleInput{RoleName: aws.String("bad name"), AssumeRolePolicyDocument: aws.String(towerTrust)},
			"ValidationError", `1 validation error detected: Value 'bad name' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`},
		{"session too long", awsiam.CreateRoleInput{RoleName: aws.String("r4"), AssumeRolePolicyDocument: aws.String(towerTrust), MaxSessionDuration: aws.Int32(50000)},
			"ValidationError", "1 validation error detected: Value '50000' at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to 43200"},
		{"bad path", awsiam.CreateRoleInput{RoleName: aws.String("r5"), Path: aws.String("nopath"), AssumeRolePolicyDocument: aws.String(towerTrust)},
			"ValidationError", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			_, err := c.CreateRole(ctx, &in)
			ae := apiError(t, err, tc.code)
			if httpStatus(err) != 400 {
				t.Fatalf("status %d, want 400", httpStatus(err))
			}
			if tc.msg != "" && ae.ErrorMessage() != tc.msg {
				t.Fatalf("message %q, want %q", ae.ErrorMessage(), tc.msg)
			}
		})
	}
	// Nothing was stored by the rejected calls.
	list, err := c.ListRoles(ctx, &awsiam.ListRolesInput{})
	if err != nil || len(list.Roles) != 0 {
		t.Fatalf("ListRoles after rejected calls: %v %v", list, err)
	}
}

func TestListRolesPaginationAndPathPrefix(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	for i, name := range []string{"a", "b", "c", "d", "e"} {
		path := "/"
		if i%2 == 0 {
			path = "/batch/"
		}
		if _, err := c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String(name), Path: aws.String(path), AssumeRolePolicyDocument: aws.String(towerTrust)}); err != nil {
			t.Fatal(err)
		}
	}
	var all []string
	var marker *string
	for pages := 0; ; pages++ {
		out, err := c.ListRoles(ctx, &awsiam.ListRolesInput{MaxItems: aws.Int32(2), Marker: marker})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range out.Roles {
			all = append(all, aws.ToString(r.RoleName))
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
		t.Fatalf("all roles %v", all)
	}
	out, err := c.ListRoles(ctx, &awsiam.ListRolesInput{PathPrefix: aws.String("/batch/")})
	if err != nil || len(out.Roles) != 3 || aws.ToString(out.Roles[0].Arn) != "arn:aws:iam::123456789012:role/batch/a" {
		t.Fatalf("PathPrefix: %v %v", out, err)
	}
}

func TestRestartKeepsState(t *testing.T) {
	dir := t.TempDir()
	ts := startServer(t, dir)
	ctx := context.Background()
	if _, err := ts.iam(ts.root).CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("kept"), AssumeRolePolicyDocument: aws.String(towerTrust)}); err != nil {
		t.Fatal(err)
	}
	ts.stop()
	ts2 := startServer(t, dir)
	out, err := ts2.iam(ts2.root).GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String("kept")})
	if err != nil || aws.ToString(out.Role.RoleName) != "kept" {
		t.Fatalf("after restart: %v %v", out, err)
	}
}
