package server

import (
	"context"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/store/sqlite"
)

// listEntity is one entity the paging tests create: its path and name.
type listEntity struct{ path, name string }

// listEntities are created under several paths, in no order, with names differing in case,
// so that both orders show: by name (case-insensitive) without a PathPrefix, by path then
// name with one.
var listEntities = []listEntity{
	{"/b/", "zeta"}, {"/a/", "Delta"}, {"/a/x/", "alpha"}, {"/", "Omega"}, {"/a/", "beta"},
	{"/b/", "Gamma"}, {"/a/x/", "Echo"}, {"/", "kappa"}, {"/ab/", "Iota"},
}

// wantNames is the listing AWS's order gives of the entities under prefix.
func wantNames(prefix string) []string {
	var es []listEntity
	for _, e := range listEntities {
		if strings.HasPrefix(e.path, prefix) {
			es = append(es, e)
		}
	}
	sort.Slice(es, func(i, j int) bool {
		if prefix != "/" && es[i].path != es[j].path {
			return es[i].path < es[j].path
		}
		return strings.ToLower(es[i].name) < strings.ToLower(es[j].name)
	})
	var out []string
	for _, e := range es {
		out = append(out, e.name)
	}
	return out
}

var listPrefixes = []string{"/", "/a/", "/a", "/a/x/", "/b/", "/none/"}

func TestListRolesPagesFromTheStore(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	for _, e := range listEntities {
		_, err := c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String(e.name), Path: aws.String(e.path), AssumeRolePolicyDocument: aws.String(trustEC2)})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, prefix := range listPrefixes {
		for _, size := range []int32{1, 2, 4, 100} {
			var got []string
			pages := 0
			p := awsiam.NewListRolesPaginator(c, &awsiam.ListRolesInput{PathPrefix: aws.String(prefix), MaxItems: aws.Int32(size)})
			for p.HasMorePages() {
				out, err := p.NextPage(ctx)
				if err != nil {
					t.Fatal(err)
				}
				pages++
				if len(out.Roles) > int(size) {
					t.Fatalf("page of %d roles, MaxItems %d", len(out.Roles), size)
				}
				for _, r := range out.Roles {
					got = append(got, aws.ToString(r.RoleName))
					if aws.ToString(r.AssumeRolePolicyDocument) == "" {
						t.Fatalf("role %s listed without its trust policy", aws.ToString(r.RoleName))
					}
				}
			}
			if want := wantNames(prefix); !slices.Equal(got, want) {
				t.Fatalf("prefix %s, MaxItems %d: %v, want %v", prefix, size, got, want)
			}
			if want := max(1, (len(got)+int(size)-1)/int(size)); pages != want {
				t.Fatalf("prefix %s, MaxItems %d: %d pages, want %d", prefix, size, pages, want)
			}
		}
	}

	// Deleting a role takes it out of every listing.
	if _, err := c.DeleteRole(ctx, &awsiam.DeleteRoleInput{RoleName: aws.String("Echo")}); err != nil {
		t.Fatal(err)
	}
	out, err := c.ListRoles(ctx, &awsiam.ListRolesInput{PathPrefix: aws.String("/a/x/")})
	if err != nil || len(out.Roles) != 1 || aws.ToString(out.Roles[0].RoleName) != "alpha" {
		t.Fatalf("after DeleteRole: %+v %v", out, err)
	}
	summary, err := c.GetAccountSummary(ctx, &awsiam.GetAccountSummaryInput{})
	if err != nil || summary.SummaryMap["Roles"] != int32(len(listEntities)-1) {
		t.Fatalf("summary %v %v", summary.SummaryMap, err)
	}
}

func TestListUsersPagesFromTheStore(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	for _, e := range listEntities {
		if _, err := c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String(e.name), Path: aws.String(e.path)}); err != nil {
			t.Fatal(err)
		}
	}
	users := func(prefix string, size int32) []string {
		t.Helper()
		var got []string
		p := awsiam.NewListUsersPaginator(c, &awsiam.ListUsersInput{PathPrefix: aws.String(prefix), MaxItems: aws.Int32(size)})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range out.Users {
				got = append(got, aws.ToString(u.UserName))
			}
		}
		return got
	}
	for _, prefix := range listPrefixes {
		for _, size := range []int32{1, 3, 1000} {
			if got, want := users(prefix, size), wantNames(prefix); !slices.Equal(got, want) {
				t.Fatalf("prefix %s, MaxItems %d: %v, want %v", prefix, size, got, want)
			}
		}
	}

	// A rename and a new path move the user between the listings.
	if _, err := c.UpdateUser(ctx, &awsiam.UpdateUserInput{UserName: aws.String("zeta"), NewUserName: aws.String("Aleph"), NewPath: aws.String("/a/x/")}); err != nil {
		t.Fatal(err)
	}
	if got := users("/a/x/", 2); !slices.Equal(got, []string{"Aleph", "alpha", "Echo"}) {
		t.Fatalf("/a/x/ after UpdateUser: %v", got)
	}
	if got := users("/b/", 2); !slices.Equal(got, []string{"Gamma"}) {
		t.Fatalf("/b/ after UpdateUser: %v", got)
	}
	if got := users("/", 4); len(got) != len(listEntities) || got[0] != "Aleph" || slices.Contains(got, "zeta") {
		t.Fatalf("/ after UpdateUser: %v", got)
	}
	// Only the case of the name changes: the user stays where it was.
	if _, err := c.UpdateUser(ctx, &awsiam.UpdateUserInput{UserName: aws.String("Gamma"), NewUserName: aws.String("GAMMA")}); err != nil {
		t.Fatal(err)
	}
	if got := users("/b/", 2); !slices.Equal(got, []string{"GAMMA"}) {
		t.Fatalf("/b/ after the case changed: %v", got)
	}
	// A refused rename (the name is taken) moves nothing.
	_, err := c.UpdateUser(ctx, &awsiam.UpdateUserInput{UserName: aws.String("GAMMA"), NewUserName: aws.String("alpha"), NewPath: aws.String("/c/")})
	apiError(t, err, "EntityAlreadyExists")
	if got := users("/c/", 2); len(got) != 0 {
		t.Fatalf("/c/ after a refused rename: %v", got)
	}
	if got := users("/b/", 2); !slices.Equal(got, []string{"GAMMA"}) {
		t.Fatalf("/b/ after a refused rename: %v", got)
	}

	// Markers: one that is not a marker is refused; MaxItems out of bounds is refused.
	_, err = c.ListUsers(ctx, &awsiam.ListUsersInput{Marker: aws.String("not a marker!")})
	if ae := apiError(t, err, "InvalidInput"); ae.ErrorMessage() != "Invalid Marker." {
		t.Fatalf("bad marker: %s", ae.ErrorMessage())
	}
	_, err = c.ListUsers(ctx, &awsiam.ListUsersInput{MaxItems: aws.Int32(1001)})
	apiError(t, err, "ValidationError")

	summary, err := c.GetAccountSummary(ctx, &awsiam.GetAccountSummaryInput{})
	if err != nil || summary.SummaryMap["Users"] != int32(len(listEntities)) {
		t.Fatalf("summary %v %v", summary.SummaryMap, err)
	}
	for _, name := range []string{"Aleph", "kappa"} {
		if _, err := c.DeleteUser(ctx, &awsiam.DeleteUserInput{UserName: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
	}
	summary, err = c.GetAccountSummary(ctx, &awsiam.GetAccountSummaryInput{})
	if err != nil || summary.SummaryMap["Users"] != int32(len(listEntities)-2) {
		t.Fatalf("summary after deletes %v %v", summary.SummaryMap, err)
	}
	if got := users("/a/x/", 1); !slices.Equal(got, []string{"alpha", "Echo"}) {
		t.Fatalf("/a/x/ after DeleteUser: %v", got)
	}
}

func TestListPoliciesPagesFromTheStore(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	for _, e := range listEntities {
		_, err := c.CreatePolicy(ctx, &awsiam.CreatePolicyInput{PolicyName: aws.String(e.name), Path: aws.String(e.path), PolicyDocument: aws.String(listPagingPolicy)})
		if err != nil {
			t.Fatal(err)
		}
	}
	// A customer policy named as an AWS managed one comes before it.
	if _, err := c.CreatePolicy(ctx, &awsiam.CreatePolicyInput{PolicyName: aws.String("ReadOnlyAccess"), PolicyDocument: aws.String(listPagingPolicy)}); err != nil {
		t.Fatal(err)
	}
	policies := func(in awsiam.ListPoliciesInput) []types.Policy {
		t.Helper()
		var got []types.Policy
		p := awsiam.NewListPoliciesPaginator(c, &in)
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Policies) > int(aws.ToInt32(in.MaxItems)) {
				t.Fatalf("page of %d, MaxItems %d", len(out.Policies), aws.ToInt32(in.MaxItems))
			}
			got = append(got, out.Policies...)
		}
		return got
	}
	names := func(ps []types.Policy) []string {
		var out []string
		for _, p := range ps {
			out = append(out, aws.ToString(p.PolicyName))
		}
		return out
	}
	for _, prefix := range listPrefixes {
		if !strings.HasSuffix(prefix, "/") {
			continue // a policy path prefix is a path (policyPathType)
		}
		for _, size := range []int32{1, 4, 100} {
			got := names(policies(awsiam.ListPoliciesInput{Scope: types.PolicyScopeTypeLocal, PathPrefix: aws.String(prefix), MaxItems: aws.Int32(size)}))
			want := wantNames(prefix)
			if prefix == "/" {
				want = append(want, "ReadOnlyAccess")
				sort.Slice(want, func(i, j int) bool { return strings.ToLower(want[i]) < strings.ToLower(want[j]) })
			}
			if !slices.Equal(got, want) {
				t.Fatalf("Local, prefix %s, MaxItems %d: %v, want %v", prefix, size, got, want)
			}
		}
	}

	// Scope All merges the customer policies with the AWS managed ones, in name order (a
	// customer policy first when the names are the same), the same whatever the page size.
	all := policies(awsiam.ListPoliciesInput{MaxItems: aws.Int32(1000)})
	for _, size := range []int32{7, 100} {
		if got := policies(awsiam.ListPoliciesInput{MaxItems: aws.Int32(size)}); !slices.Equal(names(got), names(all)) {
			t.Fatalf("Scope All, MaxItems %d: %d policies, want %d", size, len(got), len(all))
		}
	}
	awsOnly := policies(awsiam.ListPoliciesInput{Scope: types.PolicyScopeTypeAws, MaxItems: aws.Int32(1000)})
	if len(all) != len(awsOnly)+len(listEntities)+1 || len(awsOnly) < 100 {
		t.Fatalf("Scope All: %d policies, AWS %d, local %d", len(all), len(awsOnly), len(listEntities)+1)
	}
	for i := 1; i < len(all); i++ {
		if strings.ToLower(*all[i-1].PolicyName) > strings.ToLower(*all[i].PolicyName) {
			t.Fatalf("Scope All out of order: %s before %s", *all[i-1].PolicyName, *all[i].PolicyName)
		}
	}
	i := slices.IndexFunc(all, func(p types.Policy) bool { return *p.PolicyName == "ReadOnlyAccess" })
	if i < 0 || i+1 >= len(all) || *all[i+1].PolicyName != "ReadOnlyAccess" || strings.Contains(*all[i].Arn, "::aws:") || !strings.Contains(*all[i+1].Arn, "::aws:") {
		t.Fatalf("ReadOnlyAccess: customer then AWS's, got %v", all[max(i, 0):min(i+2, len(all))])
	}
	// OnlyAttached reads the index of the policies in use.
	attached := policies(awsiam.ListPoliciesInput{OnlyAttached: true, MaxItems: aws.Int32(1)})
	if len(attached) != 0 {
		t.Fatalf("OnlyAttached before any attachment: %v", names(attached))
	}
	arnOf := func(name string) *string {
		i := slices.IndexFunc(all, func(p types.Policy) bool { return *p.PolicyName == name && !strings.Contains(*p.Arn, "::aws:") })
		return all[i].Arn
	}
	if _, err := c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("u1"), PermissionsBoundary: arnOf("zeta")}); err != nil {
		t.Fatal(err)
	}
	for _, arn := range []*string{arnOf("beta"), aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")} {
		if _, err := c.AttachUserPolicy(ctx, &awsiam.AttachUserPolicyInput{UserName: aws.String("u1"), PolicyArn: arn}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		in   awsiam.ListPoliciesInput
		want []string
	}{
		{awsiam.ListPoliciesInput{Scope: types.PolicyScopeTypeLocal}, []string{"beta", "zeta"}},
		{awsiam.ListPoliciesInput{Scope: types.PolicyScopeTypeLocal, PolicyUsageFilter: types.PolicyUsageTypePermissionsPolicy}, []string{"beta"}},
		{awsiam.ListPoliciesInput{Scope: types.PolicyScopeTypeLocal, PolicyUsageFilter: types.PolicyUsageTypePermissionsBoundary}, []string{"zeta"}},
		{awsiam.ListPoliciesInput{Scope: types.PolicyScopeTypeLocal, PathPrefix: aws.String("/a/")}, []string{"beta"}},
		{awsiam.ListPoliciesInput{}, []string{"beta", "ReadOnlyAccess", "zeta"}},
	} {
		tc.in.OnlyAttached, tc.in.MaxItems = true, aws.Int32(1)
		if got := names(policies(tc.in)); !slices.Equal(got, tc.want) {
			t.Errorf("OnlyAttached %+v: %v, want %v", tc.in, got, tc.want)
		}
	}
	if _, err := c.DetachUserPolicy(ctx, &awsiam.DetachUserPolicyInput{UserName: aws.String("u1"), PolicyArn: arnOf("beta")}); err != nil {
		t.Fatal(err)
	}
	if got := names(policies(awsiam.ListPoliciesInput{Scope: types.PolicyScopeTypeLocal, OnlyAttached: true, MaxItems: aws.Int32(5)})); !slices.Equal(got, []string{"zeta"}) {
		t.Fatalf("OnlyAttached after a detach: %v", got)
	}
}

func TestListGroupsAndInstanceProfilesPageFromTheStore(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	for _, e := range listEntities {
		if _, err := c.CreateGroup(ctx, &awsiam.CreateGroupInput{GroupName: aws.String(e.name), Path: aws.String(e.path)}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.CreateInstanceProfile(ctx, &awsiam.CreateInstanceProfileInput{InstanceProfileName: aws.String(e.name), Path: aws.String(e.path)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, prefix := range listPrefixes {
		for _, size := range []int32{2, 100} {
			var groups, profiles []string
			gp := awsiam.NewListGroupsPaginator(c, &awsiam.ListGroupsInput{PathPrefix: aws.String(prefix), MaxItems: aws.Int32(size)})
			for gp.HasMorePages() {
				out, err := gp.NextPage(ctx)
				if err != nil {
					t.Fatal(err)
				}
				for _, g := range out.Groups {
					groups = append(groups, aws.ToString(g.GroupName))
				}
			}
			pp := awsiam.NewListInstanceProfilesPaginator(c, &awsiam.ListInstanceProfilesInput{PathPrefix: aws.String(prefix), MaxItems: aws.Int32(size)})
			for pp.HasMorePages() {
				out, err := pp.NextPage(ctx)
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range out.InstanceProfiles {
					profiles = append(profiles, aws.ToString(p.InstanceProfileName))
				}
			}
			want := wantNames(prefix)
			if !slices.Equal(groups, want) || !slices.Equal(profiles, want) {
				t.Fatalf("prefix %s, MaxItems %d: groups %v, profiles %v, want %v", prefix, size, groups, profiles, want)
			}
		}
	}
	// A group's new path moves it between the listings.
	if _, err := c.UpdateGroup(ctx, &awsiam.UpdateGroupInput{GroupName: aws.String("zeta"), NewPath: aws.String("/a/x/")}); err != nil {
		t.Fatal(err)
	}
	out, err := c.ListGroups(ctx, &awsiam.ListGroupsInput{PathPrefix: aws.String("/b/")})
	if err != nil || len(out.Groups) != 1 || aws.ToString(out.Groups[0].GroupName) != "Gamma" {
		t.Fatalf("/b/ after UpdateGroup: %+v %v", out, err)
	}
	summary, err := c.GetAccountSummary(ctx, &awsiam.GetAccountSummaryInput{})
	if err != nil || summary.SummaryMap["Groups"] != int32(len(listEntities)) || summary.SummaryMap["InstanceProfiles"] != int32(len(listEntities)) {
		t.Fatalf("summary %v %v", summary.SummaryMap, err)
	}
}

const listPagingPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`

// TestStartBuildsListIndexesOfAnOldDataDirectory starts on a data directory whose roles were
// stored before the list indexes existed (the documents alone, no record of a build): the
// start builds them, and a PathPrefix listing and the summary see the roles.
func TestStartBuildsListIndexesOfAnOldDataDirectory(t *testing.T) {
	dir := t.TempDir()
	ts := startServer(t, dir)
	ts.stop()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	err = st.Update(ctx, func(tx docstore.Tx) error {
		if err := tx.Delete(docstore.Key{Collection: "iam.list-indexes", ID: "built"}); err != nil {
			return err
		}
		for _, name := range []string{"Old2", "old1"} {
			r := iam.Role{Account: DefaultAccountID, Name: name, ID: "AROA" + strings.ToUpper(name) + "EXAMPLE", Path: "/legacy/",
				AssumeRolePolicy: trustEC2, MaxSessionDuration: 3600}
			if err := tx.Insert(docstore.Key{Collection: "iam.role", Account: DefaultAccountID, ID: strings.ToLower(name)}, &r); err != nil {
				return err
			}
		}
		return nil
	})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	ts = startServer(t, dir)
	c := ts.iam(ts.root)
	out, err := c.ListRoles(ctx, &awsiam.ListRolesInput{PathPrefix: aws.String("/legacy/"), MaxItems: aws.Int32(1)})
	if err != nil || len(out.Roles) != 1 || aws.ToString(out.Roles[0].RoleName) != "old1" || !out.IsTruncated {
		t.Fatalf("first page: %+v %v", out, err)
	}
	out, err = c.ListRoles(ctx, &awsiam.ListRolesInput{PathPrefix: aws.String("/legacy/"), Marker: out.Marker})
	if err != nil || len(out.Roles) != 1 || aws.ToString(out.Roles[0].RoleName) != "Old2" || out.IsTruncated {
		t.Fatalf("second page: %+v %v", out, err)
	}
	summary, err := c.GetAccountSummary(ctx, &awsiam.GetAccountSummaryInput{})
	if err != nil || summary.SummaryMap["Roles"] != 2 {
		t.Fatalf("summary %v %v", summary.SummaryMap, err)
	}
}

func TestListEntitiesForPolicyPagesTheHolderIndex(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	pol, err := c.CreatePolicy(ctx, &awsiam.CreatePolicyInput{PolicyName: aws.String("Shared"), PolicyDocument: aws.String(listPagingPolicy)})
	if err != nil {
		t.Fatal(err)
	}
	arn := pol.Policy.Arn
	for _, n := range []string{"Zed", "amy", "Bob"} {
		if _, err := c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String(n), Path: aws.String("/u/")}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.AttachUserPolicy(ctx, &awsiam.AttachUserPolicyInput{UserName: aws.String(n), PolicyArn: arn}); err != nil {
			t.Fatal(err)
		}
	}
	// A user the policy only bounds, created with the boundary.
	if _, err := c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("carl"), PermissionsBoundary: arn}); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"Ops", "dev"} {
		if _, err := c.CreateGroup(ctx, &awsiam.CreateGroupInput{GroupName: aws.String(n)}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.AttachGroupPolicy(ctx, &awsiam.AttachGroupPolicyInput{GroupName: aws.String(n), PolicyArn: arn}); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []string{"Web", "api", "gone"} {
		if _, err := c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String(n), AssumeRolePolicyDocument: aws.String(trustEC2)}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.PutRolePermissionsBoundary(ctx, &awsiam.PutRolePermissionsBoundaryInput{RoleName: aws.String(n), PermissionsBoundary: arn}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.AttachRolePolicy(ctx, &awsiam.AttachRolePolicyInput{RoleName: aws.String("api"), PolicyArn: arn}); err != nil {
		t.Fatal(err)
	}
	// Changes the index follows: a detach, a rename, a deleted role, a removed boundary.
	if _, err := c.DetachGroupPolicy(ctx, &awsiam.DetachGroupPolicyInput{GroupName: aws.String("Ops"), PolicyArn: arn}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateUser(ctx, &awsiam.UpdateUserInput{UserName: aws.String("Zed"), NewUserName: aws.String("Al")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteRole(ctx, &awsiam.DeleteRoleInput{RoleName: aws.String("gone")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteRolePermissionsBoundary(ctx, &awsiam.DeleteRolePermissionsBoundaryInput{RoleName: aws.String("api")}); err != nil {
		t.Fatal(err)
	}

	list := func(in awsiam.ListEntitiesForPolicyInput) []string {
		t.Helper()
		in.PolicyArn = arn
		in.MaxItems = aws.Int32(1)
		var got []string
		p := awsiam.NewListEntitiesForPolicyPaginator(c, &in)
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if n := len(out.PolicyGroups) + len(out.PolicyRoles) + len(out.PolicyUsers); n > 1 {
				t.Fatalf("page of %d entities, MaxItems 1", n)
			}
			for _, g := range out.PolicyGroups {
				got = append(got, "group:"+aws.ToString(g.GroupName))
			}
			for _, r := range out.PolicyRoles {
				got = append(got, "role:"+aws.ToString(r.RoleName))
			}
			for _, u := range out.PolicyUsers {
				got = append(got, "user:"+aws.ToString(u.UserName))
			}
		}
		return got
	}
	for _, tc := range []struct {
		in   awsiam.ListEntitiesForPolicyInput
		want []string
	}{
		{awsiam.ListEntitiesForPolicyInput{}, []string{"group:dev", "role:api", "role:Web", "user:Al", "user:amy", "user:Bob", "user:carl"}},
		{awsiam.ListEntitiesForPolicyInput{PolicyUsageFilter: types.PolicyUsageTypePermissionsPolicy}, []string{"group:dev", "role:api", "user:Al", "user:amy", "user:Bob"}},
		{awsiam.ListEntitiesForPolicyInput{PolicyUsageFilter: types.PolicyUsageTypePermissionsBoundary}, []string{"role:Web", "user:carl"}},
		{awsiam.ListEntitiesForPolicyInput{EntityFilter: types.EntityTypeUser}, []string{"user:Al", "user:amy", "user:Bob", "user:carl"}},
		{awsiam.ListEntitiesForPolicyInput{EntityFilter: types.EntityTypeRole}, []string{"role:api", "role:Web"}},
		{awsiam.ListEntitiesForPolicyInput{PathPrefix: aws.String("/u/")}, []string{"user:Al", "user:amy", "user:Bob"}},
		{awsiam.ListEntitiesForPolicyInput{EntityFilter: types.EntityTypeLocalManagedPolicy}, nil},
	} {
		if got := list(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("%+v: %v, want %v", tc.in, got, tc.want)
		}
	}
	// The summary's count of attachments follows the same changes.
	summary, err := c.GetAccountSummary(ctx, &awsiam.GetAccountSummaryInput{})
	if err != nil || summary.SummaryMap["PolicyVersionsInUse"] != 5 {
		t.Fatalf("summary %v %v", summary.SummaryMap, err)
	}
}

func TestGetAccountAuthorizationDetailsPages(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	for _, e := range listEntities[:5] {
		if _, err := c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String(e.name)}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String(e.name), AssumeRolePolicyDocument: aws.String(trustEC2)}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.CreatePolicy(ctx, &awsiam.CreatePolicyInput{PolicyName: aws.String(e.name), PolicyDocument: aws.String(listPagingPolicy)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.AttachRolePolicy(ctx, &awsiam.AttachRolePolicyInput{RoleName: aws.String("beta"), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}); err != nil {
		t.Fatal(err)
	}
	details := func(size int32, filter ...types.EntityType) []string {
		t.Helper()
		var got []string
		p := awsiam.NewGetAccountAuthorizationDetailsPaginator(c, &awsiam.GetAccountAuthorizationDetailsInput{MaxItems: aws.Int32(size), Filter: filter})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range out.UserDetailList {
				got = append(got, "user:"+aws.ToString(u.UserName))
			}
			for _, r := range out.RoleDetailList {
				got = append(got, "role:"+aws.ToString(r.RoleName))
			}
			for _, mp := range out.Policies {
				got = append(got, "policy:"+aws.ToString(mp.PolicyName))
			}
		}
		return got
	}
	var want []string
	for _, kind := range []string{"user", "role", "policy"} {
		for _, n := range []string{"alpha", "beta", "Delta", "Omega", "zeta"} {
			want = append(want, kind+":"+n)
			if kind == "policy" && n == "Omega" {
				want = append(want, "policy:ReadOnlyAccess")
			}
		}
	}
	for _, size := range []int32{1, 4, 1000} {
		if got := details(size); !slices.Equal(got, want) {
			t.Fatalf("MaxItems %d: %v, want %v", size, got, want)
		}
	}
	if got := details(2, types.EntityTypeAWSManagedPolicy, types.EntityTypeRole); !slices.Equal(got, append(slices.Clone(want[5:10]), "policy:ReadOnlyAccess")) {
		t.Fatalf("roles and AWS managed policies: %v", got)
	}
}
