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

const secondAccountID = "210987654321"

// startServerWithSecondAccount prepares a data directory holding a second account, then
// serves it; it returns the second account's root key.
func startServerWithSecondAccount(t *testing.T) (*testServer, aws.Credentials) {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
	srv, err := New(ctx, Config{Addr: "127.0.0.1:0", DataDir: dir, RootAccessKeyID: testRootKey, RootSecretAccessKey: testRootSecret})
	if err != nil {
		t.Fatal(err)
	}
	key, err := srv.iam.CreateAccount(ctx, secondAccountID, "second")
	if cerr := srv.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	return startServer(t, dir), aws.Credentials{AccessKeyID: key.AccessKeyID, SecretAccessKey: key.SecretAccessKey}
}

func aliasesOf(t *testing.T, c *awsiam.Client) string {
	t.Helper()
	out, err := c.ListAccountAliases(context.Background(), &awsiam.ListAccountAliasesInput{})
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(out.AccountAliases, ",")
}

func TestAccountAlias(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	create := func(alias string) error {
		_, err := c.CreateAccountAlias(ctx, &awsiam.CreateAccountAliasInput{AccountAlias: aws.String(alias)})
		return err
	}
	if got := aliasesOf(t, c); got != "" {
		t.Fatalf("aliases of a new account %q", got)
	}
	if err := create("tower-hpc"); err != nil {
		t.Fatal(err)
	}
	if got := aliasesOf(t, c); got != "tower-hpc" {
		t.Fatalf("aliases %q", got)
	}
	err := create("tower-hpc")
	if ae := apiError(t, err, "EntityAlreadyExists"); httpStatus(err) != 409 || ae.ErrorMessage() != "The account alias tower-hpc already exists." {
		t.Fatalf("alias taken again: %v (status %d)", err, httpStatus(err))
	}
	// One alias per account: a new one replaces it.
	if err := create("tower-2"); err != nil {
		t.Fatal(err)
	}
	if got := aliasesOf(t, c); got != "tower-2" {
		t.Fatalf("aliases after replacing %q", got)
	}

	const invalid = "The specified value for accountAlias is invalid. It must be a minimum length of 3 characters and maximum length of 63 characters, contain only digits, lowercase letters, and hyphens (-), but cannot begin or end with a hyphen."
	for _, bad := range []string{"ab", "Tower", "-tower", "tower-", "tow--er", "tower_hpc", strings.Repeat("a", 64), "tower.hpc"} {
		err := create(bad)
		if ae := apiError(t, err, "ValidationError"); httpStatus(err) != 400 || ae.ErrorMessage() != invalid {
			t.Fatalf("alias %q: %v (status %d)", bad, err, httpStatus(err))
		}
	}
	for _, good := range []string{"abc", "a-b-c", "123", strings.Repeat("a", 63)} {
		if err := create(good); err != nil {
			t.Fatalf("alias %q: %v", good, err)
		}
	}
	if got := aliasesOf(t, c); got != strings.Repeat("a", 63) {
		t.Fatalf("aliases after rejected calls %q", got)
	}

	_, err = c.DeleteAccountAlias(ctx, &awsiam.DeleteAccountAliasInput{AccountAlias: aws.String("tower-2")})
	if ae := apiError(t, err, "NoSuchEntity"); httpStatus(err) != 404 || ae.ErrorMessage() != "The account alias tower-2 cannot be found." {
		t.Fatalf("deleting another alias: %v (status %d)", err, httpStatus(err))
	}
	if got := aliasesOf(t, c); got != strings.Repeat("a", 63) {
		t.Fatalf("a refused delete changed the alias: %q", got)
	}
	if _, err := c.DeleteAccountAlias(ctx, &awsiam.DeleteAccountAliasInput{AccountAlias: aws.String(strings.Repeat("a", 63))}); err != nil {
		t.Fatal(err)
	}
	if got := aliasesOf(t, c); got != "" {
		t.Fatalf("aliases after delete %q", got)
	}
	// A freed alias can be taken again.
	if err := create("tower-2"); err != nil {
		t.Fatal(err)
	}
}

func TestAccountAliasUniqueAcrossAccounts(t *testing.T) {
	ts, second := startServerWithSecondAccount(t)
	ctx := context.Background()
	c1, c2 := ts.iam(ts.root), ts.iam(second)
	if _, err := c1.CreateAccountAlias(ctx, &awsiam.CreateAccountAliasInput{AccountAlias: aws.String("tower")}); err != nil {
		t.Fatal(err)
	}
	_, err := c2.CreateAccountAlias(ctx, &awsiam.CreateAccountAliasInput{AccountAlias: aws.String("tower")})
	if ae := apiError(t, err, "EntityAlreadyExists"); httpStatus(err) != 409 || ae.ErrorMessage() != "The account alias tower already exists." {
		t.Fatalf("alias of another account: %v (status %d)", err, httpStatus(err))
	}
	if got := aliasesOf(t, c2); got != "" {
		t.Fatalf("second account's aliases after a refused create %q", got)
	}
	_, err = c2.DeleteAccountAlias(ctx, &awsiam.DeleteAccountAliasInput{AccountAlias: aws.String("tower")})
	apiError(t, err, "NoSuchEntity")
	if got := aliasesOf(t, c1); got != "tower" {
		t.Fatalf("first account's aliases %q", got)
	}

	// Replacing the alias frees the old one for anyone.
	if _, err := c1.CreateAccountAlias(ctx, &awsiam.CreateAccountAliasInput{AccountAlias: aws.String("tower-one")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c2.CreateAccountAlias(ctx, &awsiam.CreateAccountAliasInput{AccountAlias: aws.String("tower")}); err != nil {
		t.Fatal(err)
	}
	if a, b := aliasesOf(t, c1), aliasesOf(t, c2); a != "tower-one" || b != "tower" {
		t.Fatalf("aliases %q and %q", a, b)
	}
	_, err = c1.CreateAccountAlias(ctx, &awsiam.CreateAccountAliasInput{AccountAlias: aws.String("tower")})
	apiError(t, err, "EntityAlreadyExists")
}

func TestGetAccountSummary(t *testing.T) {
	ts, second := startServerWithSecondAccount(t)
	ctx := context.Background()
	c := ts.iam(ts.root)
	summary := func(c *awsiam.Client) map[string]int32 {
		t.Helper()
		out, err := c.GetAccountSummary(ctx, &awsiam.GetAccountSummaryInput{})
		if err != nil {
			t.Fatal(err)
		}
		return out.SummaryMap
	}
	m := summary(c)
	want := map[string]int32{
		"Users": 0, "Groups": 0, "Roles": 0, "Policies": 0, "InstanceProfiles": 0,
		"UsersQuota": 5000, "GroupsQuota": 300, "RolesQuota": 1000, "PoliciesQuota": 1500, "InstanceProfilesQuota": 1000,
		"AccessKeysPerUserQuota": 2, "AttachedPoliciesPerRoleQuota": 10, "AttachedPoliciesPerUserQuota": 10,
		"AttachedPoliciesPerGroupQuota": 10, "GroupsPerUserQuota": 10, "VersionsPerPolicyQuota": 5, "PolicySizeQuota": 6144,
		"RolePolicySizeQuota": 10240, "AssumeRolePolicySizeQuota": 2048, "UserPolicySizeQuota": 2048, "GroupPolicySizeQuota": 5120,
		"AccountMFAEnabled": 0, "AccountAccessKeysPresent": 1, "MFADevices": 0, "MFADevicesInUse": 0, "PolicyVersionsInUse": 0,
		"ServerCertificates": 0, "ServerCertificatesQuota": 20, "GlobalEndpointTokenVersion": 1,
	}
	for k, v := range want {
		if got, ok := m[k]; !ok || got != v {
			t.Errorf("SummaryMap[%s] = %d (present %v), want %d", k, got, ok, v)
		}
	}

	createTowerRole(t, c, "one")
	createTowerRole(t, c, "two")
	for _, name := range []string{"p1", "p2", "p3"} {
		if _, err := c.CreateInstanceProfile(ctx, &awsiam.CreateInstanceProfileInput{InstanceProfileName: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
	}
	m = summary(c)
	if m["Roles"] != 2 || m["InstanceProfiles"] != 3 || m["Users"] != 0 {
		t.Fatalf("counts after creating entities: Roles %d InstanceProfiles %d Users %d", m["Roles"], m["InstanceProfiles"], m["Users"])
	}
	// Counts are per account.
	if m2 := summary(ts.iam(second)); m2["Roles"] != 0 || m2["InstanceProfiles"] != 0 || m2["AccountAccessKeysPresent"] != 1 {
		t.Fatalf("second account's summary %v", m2)
	}
}

func TestGetAccountAuthorizationDetails(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	createTowerRole(t, c, "Tower-Role")
	createTowerRole(t, c, "another")
	createTowerRole(t, c, "zeta")
	if _, err := c.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String("Tower-Role"), PolicyName: aws.String("Tower-Role-Policy"), PolicyDocument: aws.String(towerPolicy)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateInstanceProfile(ctx, &awsiam.CreateInstanceProfileInput{InstanceProfileName: aws.String("Tower-Instance")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddRoleToInstanceProfile(ctx, &awsiam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("Tower-Instance"), RoleName: aws.String("Tower-Role")}); err != nil {
		t.Fatal(err)
	}

	out, err := c.GetAccountAuthorizationDetails(ctx, &awsiam.GetAccountAuthorizationDetailsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if out.IsTruncated || len(out.RoleDetailList) != 3 || len(out.UserDetailList) != 0 || len(out.GroupDetailList) != 0 || len(out.Policies) != 0 {
		t.Fatalf("details %+v", out)
	}
	var tower *types.RoleDetail
	var names []string
	for i := range out.RoleDetailList {
		names = append(names, aws.ToString(out.RoleDetailList[i].RoleName))
		if aws.ToString(out.RoleDetailList[i].RoleName) == "Tower-Role" {
			tower = &out.RoleDetailList[i]
		}
	}
	if strings.Join(names, ",") != "another,Tower-Role,zeta" || tower == nil {
		t.Fatalf("roles %v", names)
	}
	if aws.ToString(tower.Arn) != "arn:aws:iam::123456789012:role/Tower-Role" || !strings.HasPrefix(aws.ToString(tower.RoleId), "AROA") {
		t.Fatalf("role detail %+v", tower)
	}
	if doc, _ := url.QueryUnescape(aws.ToString(tower.AssumeRolePolicyDocument)); doc != towerTrust {
		t.Fatalf("trust policy %q", doc)
	}
	if len(tower.RolePolicyList) != 1 || aws.ToString(tower.RolePolicyList[0].PolicyName) != "Tower-Role-Policy" {
		t.Fatalf("RolePolicyList %+v", tower.RolePolicyList)
	}
	if doc, _ := url.QueryUnescape(aws.ToString(tower.RolePolicyList[0].PolicyDocument)); doc != towerPolicy {
		t.Fatalf("inline policy %q", doc)
	}
	if len(tower.InstanceProfileList) != 1 {
		t.Fatalf("InstanceProfileList %+v", tower.InstanceProfileList)
	}
	ip := tower.InstanceProfileList[0]
	if aws.ToString(ip.InstanceProfileName) != "Tower-Instance" || aws.ToString(ip.Arn) != "arn:aws:iam::123456789012:instance-profile/Tower-Instance" ||
		len(ip.Roles) != 1 || aws.ToString(ip.Roles[0].RoleName) != "Tower-Role" {
		t.Fatalf("instance profile in details %+v", ip)
	}

	// Filter and pagination: one role a page, in name order.
	var paged []string
	var marker *string
	for pages := 0; ; pages++ {
		out, err := c.GetAccountAuthorizationDetails(ctx, &awsiam.GetAccountAuthorizationDetailsInput{
			Filter: []types.EntityType{types.EntityTypeRole}, MaxItems: aws.Int32(1), Marker: marker,
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range out.RoleDetailList {
			paged = append(paged, aws.ToString(r.RoleName))
		}
		if !out.IsTruncated {
			break
		}
		if pages > 5 {
			t.Fatal("pagination does not end")
		}
		marker = out.Marker
	}
	if strings.Join(paged, ",") != "another,Tower-Role,zeta" {
		t.Fatalf("paged roles %v", paged)
	}
	out, err = c.GetAccountAuthorizationDetails(ctx, &awsiam.GetAccountAuthorizationDetailsInput{Filter: []types.EntityType{types.EntityTypeUser, types.EntityTypeLocalManagedPolicy}})
	if err != nil || len(out.RoleDetailList) != 0 {
		t.Fatalf("filtered details %+v %v", out, err)
	}
	_, err = c.GetAccountAuthorizationDetails(ctx, &awsiam.GetAccountAuthorizationDetailsInput{Filter: []types.EntityType{"Robot"}})
	if ae := apiError(t, err, "ValidationError"); httpStatus(err) != 400 || !strings.Contains(ae.ErrorMessage(), "Member must satisfy enum value set: [User, Role, Group, LocalManagedPolicy, AWSManagedPolicy]") {
		t.Fatalf("bad filter: %v", err)
	}
}

// With users, groups and managed policies in the account, the summary counts them and the
// authorization details show each with its policies.
func TestAccountInfoWithAllEntities(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	pol, err := c.CreatePolicy(ctx, &awsiam.CreatePolicyInput{PolicyName: aws.String("Launch"), Path: aws.String("/ops/"), PolicyDocument: aws.String(towerPolicy)})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(pol.Policy.Arn)
	must(c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("alice")}))
	must(c.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("own"), PolicyDocument: aws.String(towerPolicy)}))
	must(c.AttachUserPolicy(ctx, &awsiam.AttachUserPolicyInput{UserName: aws.String("alice"), PolicyArn: aws.String(arn)}))
	must(c.CreateGroup(ctx, &awsiam.CreateGroupInput{GroupName: aws.String("ops")}))
	must(c.AddUserToGroup(ctx, &awsiam.AddUserToGroupInput{GroupName: aws.String("ops"), UserName: aws.String("alice")}))
	must(c.AttachGroupPolicy(ctx, &awsiam.AttachGroupPolicyInput{GroupName: aws.String("ops"), PolicyArn: aws.String(arn)}))
	createTowerRole(t, c, "Tower-Role")
	must(c.AttachRolePolicy(ctx, &awsiam.AttachRolePolicyInput{RoleName: aws.String("Tower-Role"), PolicyArn: aws.String(arn)}))

	sum, err := c.GetAccountSummary(ctx, &awsiam.GetAccountSummaryInput{})
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]int32{"Users": 1, "Groups": 1, "Roles": 1, "Policies": 1, "PolicyVersionsInUse": 3} {
		if sum.SummaryMap[k] != v {
			t.Errorf("SummaryMap[%s] = %d, want %d", k, sum.SummaryMap[k], v)
		}
	}

	d, err := c.GetAccountAuthorizationDetails(ctx, &awsiam.GetAccountAuthorizationDetailsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.UserDetailList) != 1 || len(d.GroupDetailList) != 1 || len(d.RoleDetailList) != 1 || len(d.Policies) != 1 {
		t.Fatalf("details: %d users, %d groups, %d roles, %d policies", len(d.UserDetailList), len(d.GroupDetailList), len(d.RoleDetailList), len(d.Policies))
	}
	u := d.UserDetailList[0]
	if aws.ToString(u.UserName) != "alice" || len(u.UserPolicyList) != 1 || aws.ToString(u.UserPolicyList[0].PolicyName) != "own" ||
		strings.Join(u.GroupList, ",") != "ops" || len(u.AttachedManagedPolicies) != 1 ||
		aws.ToString(u.AttachedManagedPolicies[0].PolicyName) != "Launch" || aws.ToString(u.AttachedManagedPolicies[0].PolicyArn) != arn {
		t.Fatalf("user detail %+v", u)
	}
	if doc, _ := url.QueryUnescape(aws.ToString(u.UserPolicyList[0].PolicyDocument)); doc != towerPolicy {
		t.Fatalf("user's inline policy %q", doc)
	}
	g := d.GroupDetailList[0]
	if aws.ToString(g.GroupName) != "ops" || len(g.AttachedManagedPolicies) != 1 {
		t.Fatalf("group detail %+v", g)
	}
	if r := d.RoleDetailList[0]; len(r.AttachedManagedPolicies) != 1 || aws.ToString(r.AttachedManagedPolicies[0].PolicyArn) != arn {
		t.Fatalf("role detail %+v", r)
	}
	p := d.Policies[0]
	if aws.ToString(p.Arn) != "arn:aws:iam::123456789012:policy/ops/Launch" || aws.ToString(p.DefaultVersionId) != "v1" ||
		aws.ToInt32(p.AttachmentCount) != 3 || !p.IsAttachable || len(p.PolicyVersionList) != 1 || !p.PolicyVersionList[0].IsDefaultVersion {
		t.Fatalf("policy detail %+v", p)
	}
	if doc, _ := url.QueryUnescape(aws.ToString(p.PolicyVersionList[0].Document)); doc != towerPolicy {
		t.Fatalf("policy version document %q", doc)
	}
}
