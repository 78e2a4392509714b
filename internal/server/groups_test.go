package server

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
)

func TestGroupLifecycle(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)

	out, err := c.CreateGroup(ctx, &awsiam.CreateGroupInput{GroupName: aws.String("Devs"), Path: aws.String("/eng/")})
	if err != nil {
		t.Fatal(err)
	}
	g := out.Group
	if aws.ToString(g.Arn) != "arn:aws:iam::123456789012:group/eng/Devs" || aws.ToString(g.Path) != "/eng/" || g.CreateDate == nil {
		t.Fatalf("created group %+v", g)
	}
	if id := aws.ToString(g.GroupId); !strings.HasPrefix(id, "AGPA") || len(id) != 21 {
		t.Fatalf("GroupId %s", id)
	}
	_, err = c.CreateGroup(ctx, &awsiam.CreateGroupInput{GroupName: aws.String("devs")})
	if ae := apiError(t, err, "EntityAlreadyExists"); httpStatus(err) != 409 || ae.ErrorMessage() != "Group with name devs already exists." {
		t.Fatalf("duplicate group: %v", err)
	}
	_, err = c.GetGroup(ctx, &awsiam.GetGroupInput{GroupName: aws.String("nobody")})
	if ae := apiError(t, err, "NoSuchEntity"); httpStatus(err) != 404 || ae.ErrorMessage() != "The group with name nobody cannot be found." {
		t.Fatalf("GetGroup of no group: %v", err)
	}
	empty, err := c.GetGroup(ctx, &awsiam.GetGroupInput{GroupName: aws.String("devs")})
	if err != nil || aws.ToString(empty.Group.GroupName) != "Devs" || len(empty.Users) != 0 || empty.IsTruncated {
		t.Fatalf("GetGroup of an empty group %+v %v", empty, err)
	}

	// Members, paginated.
	for _, n := range []string{"carol", "alice", "bob"} {
		if _, err := c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String(n)}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.AddUserToGroup(ctx, &awsiam.AddUserToGroupInput{GroupName: aws.String("Devs"), UserName: aws.String(n)}); err != nil {
			t.Fatal(err)
		}
	}
	// Adding a member again changes nothing.
	if _, err := c.AddUserToGroup(ctx, &awsiam.AddUserToGroupInput{GroupName: aws.String("devs"), UserName: aws.String("ALICE")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.AddUserToGroup(ctx, &awsiam.AddUserToGroupInput{GroupName: aws.String("devs"), UserName: aws.String("nobody")})
	if ae := apiError(t, err, "NoSuchEntity"); ae.ErrorMessage() != "The user with name nobody cannot be found." {
		t.Fatalf("AddUserToGroup of no user: %v", err)
	}
	var members []string
	pager := awsiam.NewGetGroupPaginator(c, &awsiam.GetGroupInput{GroupName: aws.String("devs"), MaxItems: aws.Int32(2)})
	for pages := 0; pager.HasMorePages(); pages++ {
		if pages > 3 {
			t.Fatal("pagination does not end")
		}
		page, err := pager.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(page.Group.GroupName) != "Devs" {
			t.Fatalf("group %+v", page.Group)
		}
		for _, u := range page.Users {
			members = append(members, aws.ToString(u.UserName))
		}
	}
	if strings.Join(members, ",") != "alice,bob,carol" {
		t.Fatalf("members %v", members)
	}
	groups, err := c.ListGroupsForUser(ctx, &awsiam.ListGroupsForUserInput{UserName: aws.String("bob")})
	if err != nil || len(groups.Groups) != 1 || aws.ToString(groups.Groups[0].GroupName) != "Devs" {
		t.Fatalf("ListGroupsForUser %+v %v", groups, err)
	}

	// Inline policies and their quota.
	if _, err := c.PutGroupPolicy(ctx, &awsiam.PutGroupPolicyInput{GroupName: aws.String("devs"), PolicyName: aws.String("read"), PolicyDocument: aws.String(userTestPolicy)}); err != nil {
		t.Fatal(err)
	}
	pol, err := c.GetGroupPolicy(ctx, &awsiam.GetGroupPolicyInput{GroupName: aws.String("devs"), PolicyName: aws.String("read")})
	if err != nil {
		t.Fatal(err)
	}
	if doc, _ := url.QueryUnescape(aws.ToString(pol.PolicyDocument)); doc != userTestPolicy {
		t.Fatalf("GetGroupPolicy %q", doc)
	}
	_, err = c.GetGroupPolicy(ctx, &awsiam.GetGroupPolicyInput{GroupName: aws.String("devs"), PolicyName: aws.String("write")})
	if ae := apiError(t, err, "NoSuchEntity"); ae.ErrorMessage() != "The group policy with name write cannot be found." {
		t.Fatalf("GetGroupPolicy of no policy: %v", err)
	}
	big := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + strings.Repeat("b", 5000) + `"}]}`
	_, err = c.PutGroupPolicy(ctx, &awsiam.PutGroupPolicyInput{GroupName: aws.String("devs"), PolicyName: aws.String("big"), PolicyDocument: aws.String(big)})
	if ae := apiError(t, err, "LimitExceeded"); httpStatus(err) != 409 || ae.ErrorMessage() != "Maximum policy size of 5120 bytes exceeded for group Devs" {
		t.Fatalf("group policy quota: %v", err)
	}
	names, err := c.ListGroupPolicies(ctx, &awsiam.ListGroupPoliciesInput{GroupName: aws.String("devs")})
	if err != nil || len(names.PolicyNames) != 1 || names.PolicyNames[0] != "read" {
		t.Fatalf("ListGroupPolicies %+v %v", names, err)
	}

	// A renamed group keeps its members, and they it.
	if _, err := c.UpdateGroup(ctx, &awsiam.UpdateGroupInput{GroupName: aws.String("devs"), NewGroupName: aws.String("Engineers"), NewPath: aws.String("/")}); err != nil {
		t.Fatal(err)
	}
	groups, err = c.ListGroupsForUser(ctx, &awsiam.ListGroupsForUserInput{UserName: aws.String("carol")})
	if err != nil || len(groups.Groups) != 1 || aws.ToString(groups.Groups[0].Arn) != "arn:aws:iam::123456789012:group/Engineers" {
		t.Fatalf("ListGroupsForUser after rename %+v %v", groups, err)
	}
	list, err := c.ListGroups(ctx, &awsiam.ListGroupsInput{})
	if err != nil || len(list.Groups) != 1 || aws.ToString(list.Groups[0].GroupName) != "Engineers" {
		t.Fatalf("ListGroups %+v %v", list, err)
	}
	list, err = c.ListGroups(ctx, &awsiam.ListGroupsInput{PathPrefix: aws.String("/eng/")})
	if err != nil || len(list.Groups) != 0 {
		t.Fatalf("ListGroups by path %+v %v", list, err)
	}

	// DeleteGroup refuses while the group has members or policies.
	conflict := func(want string) {
		t.Helper()
		_, err := c.DeleteGroup(ctx, &awsiam.DeleteGroupInput{GroupName: aws.String("engineers")})
		if ae := apiError(t, err, "DeleteConflict"); httpStatus(err) != 409 || ae.ErrorMessage() != want {
			t.Fatalf("DeleteGroup: %v, want %q", err, want)
		}
	}
	conflict("Cannot delete entity, must remove users from group first.")
	for _, n := range []string{"alice", "bob", "carol"} {
		if _, err := c.RemoveUserFromGroup(ctx, &awsiam.RemoveUserFromGroupInput{GroupName: aws.String("engineers"), UserName: aws.String(n)}); err != nil {
			t.Fatal(err)
		}
	}
	groups, err = c.ListGroupsForUser(ctx, &awsiam.ListGroupsForUserInput{UserName: aws.String("carol")})
	if err != nil || len(groups.Groups) != 0 {
		t.Fatalf("ListGroupsForUser after removal %+v %v", groups, err)
	}
	conflict("Cannot delete entity, must delete policies first.")
	if _, err := c.DeleteGroupPolicy(ctx, &awsiam.DeleteGroupPolicyInput{GroupName: aws.String("engineers"), PolicyName: aws.String("READ")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteGroup(ctx, &awsiam.DeleteGroupInput{GroupName: aws.String("engineers")}); err != nil {
		t.Fatal(err)
	}
	// Users outlive their group.
	if _, err := c.DeleteUser(ctx, &awsiam.DeleteUserInput{UserName: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}
}

func TestListGroupsPagination(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	for _, n := range []string{"g3", "g1", "g2"} {
		if _, err := c.CreateGroup(ctx, &awsiam.CreateGroupInput{GroupName: aws.String(n)}); err != nil {
			t.Fatal(err)
		}
	}
	first, err := c.ListGroups(ctx, &awsiam.ListGroupsInput{MaxItems: aws.Int32(2)})
	if err != nil || len(first.Groups) != 2 || !first.IsTruncated || first.Marker == nil {
		t.Fatalf("first page %+v %v", first, err)
	}
	second, err := c.ListGroups(ctx, &awsiam.ListGroupsInput{MaxItems: aws.Int32(2), Marker: first.Marker})
	if err != nil || len(second.Groups) != 1 || second.IsTruncated || aws.ToString(second.Groups[0].GroupName) != "g3" {
		t.Fatalf("second page %+v %v", second, err)
	}
	_, err = c.CreateGroup(ctx, &awsiam.CreateGroupInput{GroupName: aws.String("bad/name")})
	apiError(t, err, "ValidationError")
}
