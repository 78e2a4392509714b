package server

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	sm "github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// The access graph through a real server: the seeds' setups made with the SDK, the
// graph and its queries asked through iamd's admin API (GetAccessGraph, ListAccessWhoCan,
// GetAccessCan, ListAccessEscalations).

type accessEdge struct {
	From, To, Kind, Action, Service, Via string
	Statements                           []string
	Conditions                           []struct {
		Key, Operator, Statement, Note string
		Values                         []string
	}
}

type accessGraphDoc struct {
	Nodes []struct{ ID, Kind, Account, Label string }
	Edges []accessEdge
}

type accessAnswer struct {
	Principal, ActingAs string
	Allowed             bool
	Path, Control       []accessEdge
	Statements          []string
}

type accessEscalation struct {
	Principal, Kind, Target, Action string
	Path, Control                   []accessEdge
}

// accessCall calls an access action as creds and decodes its JSON document into out.
func (ts *testServer) accessCall(t *testing.T, creds aws.Credentials, action string, params url.Values, out any) error {
	t.Helper()
	if params == nil {
		params = url.Values{}
	}
	params.Set("Action", action)
	body, err := ts.adminCall(creds, params)
	if err != nil {
		return err
	}
	var res struct {
		Format   string `xml:"Format"`
		Document string `xml:"Document"`
	}
	var env struct {
		Inner []byte `xml:",innerxml"`
	}
	if err := xml.Unmarshal(body, &env); err != nil {
		t.Fatalf("%v\n%s", err, body)
	}
	if err := xml.Unmarshal(env.Inner, &res); err != nil {
		t.Fatalf("%v\n%s", err, body)
	}
	if out == nil {
		return nil
	}
	if s, ok := out.(*string); ok {
		*s = res.Document
		return nil
	}
	if err := json.Unmarshal([]byte(res.Document), out); err != nil {
		t.Fatalf("%v\n%s", err, res.Document)
	}
	return nil
}

func (ts *testServer) accessGraph(t *testing.T, creds aws.Credentials) accessGraphDoc {
	t.Helper()
	var g accessGraphDoc
	if err := ts.accessCall(t, creds, "GetAccessGraph", url.Values{"Format": {"json"}}, &g); err != nil {
		t.Fatal(err)
	}
	return g
}

func (g accessGraphDoc) edge(from, to, kind string) *accessEdge {
	for i, e := range g.Edges {
		if e.From == from && e.To == to && e.Kind == kind {
			return &g.Edges[i]
		}
	}
	return nil
}

// must is a call's result once its error is checked: must(call())(t).
func must[T any](v T, err error) func(*testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func noErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func seedFile(t *testing.T, name string) string {
	t.Helper()
	return string(must(os.ReadFile("../../examples/seeds/" + name))(t))
}

// TestAccessSeed002CrossAccount: seed 002's instance role in 999999999999 reaches account
// B's role plainly and account A's only with the ExternalId, which the edge carries; a
// trust the caller cannot satisfy (a principal tag it lacks), a trust naming someone else,
// and a cross-account trust whose caller's own policy does not allow leave no edge; a
// user reaches account B's role through two assumes.
func TestAccessSeed002CrossAccount(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	creds := func(id string) aws.Credentials {
		k := must(ts.srv.iam.CreateAccount(ctx, id, id))(t)
		return aws.Credentials{AccessKeyID: k.AccessKeyID, SecretAccessKey: k.SecretAccessKey}
	}
	mgmt, a, b := creds("999999999999"), creds("111111111111"), creds("222222222222")
	rootTrust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"sts:AssumeRole"}]}`
	im := ts.iam(mgmt)
	must(im.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("SeqeraPlatform-EC2-InstanceRole"), AssumeRolePolicyDocument: aws.String(rootTrust)}))(t)
	must(im.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String("SeqeraPlatform-EC2-InstanceRole"), PolicyName: aws.String("assume-targets"),
		PolicyDocument: aws.String(seedFile(t, "002-instance-role-policy.json"))}))(t)
	must(im.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("OtherRole"), AssumeRolePolicyDocument: aws.String(rootTrust)}))(t)
	must(im.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("operator")}))(t)
	must(im.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("operator"), PolicyName: aws.String("to-instance-role"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Sid":"ToInstanceRole","Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::999999999999:role/SeqeraPlatform-EC2-InstanceRole"}]}`)}))(t)

	must(ts.iam(a).CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("SeqeraPlatformRole-AccountA"),
		AssumeRolePolicyDocument: aws.String(seedFile(t, "002-target-role-external-id-trust-policy.json"))}))(t)
	// A trust the instance role cannot satisfy: it carries no workspace tag.
	must(ts.iam(a).CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("TaggedOnly"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:role/SeqeraPlatform-EC2-InstanceRole"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalTag/workspace":"a"}}}]}`)}))(t)
	must(ts.iam(b).CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("SeqeraPlatformRole-AccountB"),
		AssumeRolePolicyDocument: aws.String(seedFile(t, "002-target-role-trust-policy.json"))}))(t)
	must(ts.iam(b).CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("TrustsManagementAccount"), AssumeRolePolicyDocument: aws.String(rootTrust)}))(t)

	const (
		instance = "arn:aws:iam::999999999999:role/SeqeraPlatform-EC2-InstanceRole"
		roleA    = "arn:aws:iam::111111111111:role/SeqeraPlatformRole-AccountA"
		roleB    = "arn:aws:iam::222222222222:role/SeqeraPlatformRole-AccountB"
		operator = "arn:aws:iam::999999999999:user/operator"
	)
	g := ts.accessGraph(t, ts.root)
	eb := g.edge(instance, roleB, "can-assume")
	if eb == nil || len(eb.Conditions) != 0 || !slices.Contains(eb.Statements, "assume-targets/AllowAssumeRoleInAccountB") {
		t.Fatalf("instance role -> account B: %+v", eb)
	}
	ea := g.edge(instance, roleA, "can-assume")
	if ea == nil || len(ea.Conditions) != 1 || ea.Conditions[0].Key != "sts:ExternalId" || !slices.Equal(ea.Conditions[0].Values, []string{"workspace-a-7f3c9d"}) {
		t.Fatalf("instance role -> account A carries no ExternalId condition: %+v", ea)
	}
	if !slices.Contains(ea.Statements, "trust policy of "+roleA+"/OnlyWorkspaceA") || !slices.Contains(ea.Statements, "assume-targets/AllowAssumeRoleInAccountA") {
		t.Errorf("account A's edge names %v", ea.Statements)
	}
	for _, absent := range []struct{ from, to, why string }{
		{instance, "arn:aws:iam::111111111111:role/TaggedOnly", "the trust needs a principal tag the caller lacks"},
		{"arn:aws:iam::222222222222:root", roleA, "the trust names someone else"},
		{instance, "arn:aws:iam::222222222222:role/TrustsManagementAccount", "the caller's own policy does not allow"},
		{"arn:aws:iam::999999999999:role/OtherRole", roleB, "the trust names someone else"},
		{"arn:aws:iam::999999999999:role/OtherRole", "arn:aws:iam::222222222222:role/TrustsManagementAccount", "no identity policy"},
	} {
		if e := g.edge(absent.from, absent.to, "can-assume"); e != nil {
			t.Errorf("%s -> %s (%s): %+v", absent.from, absent.to, absent.why, e)
		}
	}
	if g.edge("arn:aws:iam::999999999999:root", "arn:aws:iam::222222222222:role/TrustsManagementAccount", "can-assume") == nil {
		t.Error("the management account's root reaches the role trusting the account")
	}

	// Two assumes: the operator, through the instance role, reads account B's role.
	var ans accessAnswer
	noErr(t, ts.accessCall(t, ts.root, "GetAccessCan", url.Values{"PrincipalArn": {operator}, "ActionName": {"sts:AssumeRole"}, "ResourceArn": {roleB}}, &ans))
	if !ans.Allowed || len(ans.Path) != 1 || ans.Path[0].To != instance || ans.ActingAs != instance {
		t.Fatalf("operator -> account B: %+v", ans)
	}
	ans = accessAnswer{}
	noErr(t, ts.accessCall(t, ts.root, "GetAccessCan", url.Values{"PrincipalArn": {operator}, "ActionName": {"iam:GetRole"}, "ResourceArn": {roleB}}, &ans))
	if ans.Allowed {
		t.Fatalf("account B's role has no policy allowing iam:GetRole: %+v", ans)
	}
	must(ts.iam(b).PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String("SeqeraPlatformRole-AccountB"), PolicyName: aws.String("read-roles"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":["iam:ListRoles","iam:GetRole"],"Resource":"*"}]}`)}))(t)
	ans = accessAnswer{}
	noErr(t, ts.accessCall(t, ts.root, "GetAccessCan", url.Values{"PrincipalArn": {operator}, "ActionName": {"iam:GetRole"}, "ResourceArn": {roleB}}, &ans))
	if !ans.Allowed || ans.ActingAs != roleB || len(ans.Path) != 2 || ans.Path[0].To != instance || ans.Path[1].To != roleB ||
		!slices.Equal(ans.Statements, []string{"read-roles/Read"}) {
		t.Fatalf("operator -> instance role -> account B: %+v", ans)
	}

	// Who can read account B's role: its account's root, the role itself, and through it
	// the instance role, the operator and the management account's root.
	var who struct{ Principals []accessAnswer }
	noErr(t, ts.accessCall(t, ts.root, "ListAccessWhoCan", url.Values{"ActionName": {"iam:GetRole"}, "ResourceArn": {roleB}}, &who))
	var names []string
	for _, p := range who.Principals {
		names = append(names, p.Principal)
	}
	want := []string{"arn:aws:iam::222222222222:root", roleB, "arn:aws:iam::999999999999:root", instance, operator}
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("who can iam:GetRole on account B's role: %v, want %v", names, want)
	}

	// Account A's root sees its own account only: the instance role is named there as an
	// external principal, whose identity policies iamd holds but does not show it.
	ga := ts.accessGraph(t, a)
	for _, n := range ga.Nodes {
		if n.Account != "111111111111" && n.Account != "999999999999" && n.Kind != "service" {
			t.Errorf("account A's graph shows %+v", n)
		}
		if n.ID == operator {
			t.Errorf("account A's graph shows the management account's user")
		}
	}
	if e := ga.edge(instance, roleA, "can-assume"); e == nil || len(e.Conditions) != 2 {
		t.Errorf("account A's view: the external instance role's edge with its ExternalId and identity requirement: %+v", e)
	}
}

// TestAccessSeed000PassRoleEscalation: seed 000's Tower-Role may pass any role ("*") and
// put policies on any role: escalations find it changing its own policies and reaching an
// administrator role by passing it to EC2, and tower-admin through the role.
func TestAccessSeed000PassRoleEscalation(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	must(c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("tower-admin")}))(t)
	must(c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("Tower-Role"), AssumeRolePolicyDocument: aws.String(seedFile(t, "000-tower-role-trust-policy.json"))}))(t)
	must(c.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String("Tower-Role"), PolicyName: aws.String("Tower-Role-Policy"), PolicyDocument: aws.String(seedFile(t, "000-tower-role-policy.json"))}))(t)
	must(c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("Admin"), AssumeRolePolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)}))(t)
	must(c.AttachRolePolicy(ctx, &awsiam.AttachRolePolicyInput{RoleName: aws.String("Admin"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")}))(t)

	const (
		tower = "arn:aws:iam::123456789012:role/Tower-Role"
		admin = "arn:aws:iam::123456789012:role/Admin"
		user  = "arn:aws:iam::123456789012:user/tower-admin"
	)
	g := ts.accessGraph(t, ts.root)
	pass := g.edge(tower, admin, "can-pass-to-service")
	if pass == nil || pass.Service != "ec2.amazonaws.com" || pass.Action != "iam:PassRole" || !slices.Contains(pass.Statements, "Tower-Role-Policy/TowerForgePermissions") {
		t.Fatalf("Tower-Role passes Admin to EC2: %+v", pass)
	}
	if g.edge(user, tower, "can-assume") == nil {
		t.Fatal("tower-admin assumes Tower-Role (its trust names the user)")
	}
	var res struct{ Escalations []accessEscalation }
	noErr(t, ts.accessCall(t, ts.root, "ListAccessEscalations", nil, &res))
	has := func(principal, kind, target string) *accessEscalation {
		for i, e := range res.Escalations {
			if e.Principal == principal && e.Kind == kind && e.Target == target {
				return &res.Escalations[i]
			}
		}
		return nil
	}
	if e := has(tower, "reaches-administrator", admin); e == nil || len(e.Path) != 1 || e.Path[0].Kind != "can-pass-to-service" {
		t.Errorf("Tower-Role reaches Admin by iam:PassRole on *: %+v", res.Escalations)
	}
	if e := has(tower, "can-change-itself", tower); e == nil || len(e.Control) != 1 || e.Control[0].Kind != "can-change" {
		t.Errorf("Tower-Role changes its own policies: %+v", e)
	}
	if e := has(user, "reaches-administrator", admin); e == nil || len(e.Path) != 2 {
		t.Errorf("tower-admin reaches Admin through Tower-Role: %+v", e)
	}
	for _, e := range res.Escalations {
		if e.Principal == admin {
			t.Errorf("an administrator escalates to nothing more: %+v", e)
		}
	}
}

// TestAccessSeed003DirectorProfiles: seed 003's director launches machines with the
// deployed-vm profile only (its iam:PassRole names that role); with iam:PassRole on "*"
// it reaches every instance profile, and through each its role.
func TestAccessSeed003DirectorProfiles(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	ec2Trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	for _, r := range []string{"deployed-vm", "director", "admin-vm"} {
		must(c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String(r), AssumeRolePolicyDocument: aws.String(ec2Trust)}))(t)
		must(c.CreateInstanceProfile(ctx, &awsiam.CreateInstanceProfileInput{InstanceProfileName: aws.String(r)}))(t)
		must(c.AddRoleToInstanceProfile(ctx, &awsiam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String(r), RoleName: aws.String(r)}))(t)
	}
	must(c.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String("director"), PolicyName: aws.String("cpi"), PolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:RunInstances","ec2:DescribeInstances","ec2:TerminateInstances","ec2:CreateTags"],"Resource":"*"}]}`)}))(t)
	must(c.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String("director"), PolicyName: aws.String("director"), PolicyDocument: aws.String(seedFile(t, "003-bosh-director-policy.json"))}))(t)

	const director = "arn:aws:iam::123456789012:role/director"
	profile := func(n string) string { return "arn:aws:iam::123456789012:instance-profile/" + n }
	role := func(n string) string { return "arn:aws:iam::123456789012:role/" + n }
	g := ts.accessGraph(t, ts.root)
	launch := g.edge(director, profile("deployed-vm"), "can-launch-with-profile")
	if launch == nil || !slices.Contains(launch.Statements, "cpi/#0") || !slices.Contains(launch.Statements, "director/#0") {
		t.Fatalf("director launches with deployed-vm: %+v", launch)
	}
	for _, n := range []string{"director", "admin-vm"} {
		if e := g.edge(director, profile(n), "can-launch-with-profile"); e != nil {
			t.Errorf("the seed's director may not pass %s: %+v", n, e)
		}
		if g.edge(profile(n), role(n), "profile-role") == nil {
			t.Errorf("profile %s carries its role", n)
		}
	}
	must(c.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String("director"), PolicyName: aws.String("pass-any"), PolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Sid":"PassAny","Effect":"Allow","Action":"iam:PassRole","Resource":"*"}]}`)}))(t)
	g = ts.accessGraph(t, ts.root)
	for _, n := range []string{"deployed-vm", "director", "admin-vm"} {
		if g.edge(director, profile(n), "can-launch-with-profile") == nil {
			t.Errorf("with iam:PassRole on *, the director launches with %s", n)
		}
	}
	// What admin-vm may do, the director may, through a machine with its profile.
	must(c.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String("admin-vm"), PolicyName: aws.String("users"), PolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Sid":"Users","Effect":"Allow","Action":"iam:CreateUser","Resource":"*"}]}`)}))(t)
	var ans accessAnswer
	noErr(t, ts.accessCall(t, ts.root, "GetAccessCan", url.Values{"PrincipalArn": {director}, "ActionName": {"iam:CreateUser"}, "ResourceArn": {"arn:aws:iam::123456789012:user/x"}}, &ans))
	if !ans.Allowed || ans.ActingAs != role("admin-vm") || len(ans.Path) != 2 || ans.Path[0].Kind != "can-launch-with-profile" || ans.Path[1].Kind != "profile-role" {
		t.Fatalf("director -> admin-vm profile -> admin-vm: %+v", ans)
	}
	var dot string
	noErr(t, ts.accessCall(t, ts.root, "GetAccessGraph", url.Values{"Format": {"dot"}}, &dot))
	if !strings.HasPrefix(dot, "digraph access {") || !strings.Contains(dot, `"`+director+`" -> "`+profile("admin-vm")+`"`) {
		t.Errorf("DOT: %s", dot)
	}
}

// TestAccessDenyAndBoundaryRemoveEdges: an explicit Deny, a permissions boundary and a
// secret's resource policy Deny each remove an edge the identity policy alone would make.
func TestAccessDenyAndBoundaryRemoveEdges(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	rootTrust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`
	must(c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("Target"), AssumeRolePolicyDocument: aws.String(rootTrust)}))(t)
	anything := `{"Version":"2012-10-17","Statement":[{"Sid":"Assume","Effect":"Allow","Action":["sts:AssumeRole","secretsmanager:GetSecretValue"],"Resource":"*"}]}`
	for _, u := range []string{"alice", "bob", "carol"} {
		must(c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String(u)}))(t)
		must(c.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String(u), PolicyName: aws.String("anything"), PolicyDocument: aws.String(anything)}))(t)
	}
	sec := must(ts.sm(ts.root).CreateSecret(ctx, &sm.CreateSecretInput{Name: aws.String("db"), SecretString: aws.String("s3cr3t-value")}))(t)
	user := func(n string) string { return "arn:aws:iam::123456789012:user/" + n }
	const target = "arn:aws:iam::123456789012:role/Target"
	g := ts.accessGraph(t, ts.root)
	for _, u := range []string{"alice", "bob", "carol"} {
		if g.edge(user(u), target, "can-assume") == nil || g.edge(user(u), *sec.ARN, "can-read-secret") == nil {
			t.Fatalf("%s assumes Target and reads the secret before the Deny and the boundary: %+v", u, g.Edges)
		}
	}
	must(c.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("no-target"), PolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"` + target + `"}]}`)}))(t)
	boundary := must(c.CreatePolicy(ctx, &awsiam.CreatePolicyInput{PolicyName: aws.String("s3-only"), PolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)}))(t)
	must(c.PutUserPermissionsBoundary(ctx, &awsiam.PutUserPermissionsBoundaryInput{UserName: aws.String("bob"), PermissionsBoundary: boundary.Policy.Arn}))(t)
	must(ts.sm(ts.root).PutResourcePolicy(ctx, &sm.PutResourcePolicyInput{SecretId: aws.String("db"), ResourcePolicy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"` + user("carol") + `"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}`)}))(t)
	g = ts.accessGraph(t, ts.root)
	for _, absent := range []struct{ from, to, kind string }{
		{user("alice"), target, "can-assume"}, {user("bob"), target, "can-assume"},
		{user("bob"), *sec.ARN, "can-read-secret"}, {user("carol"), *sec.ARN, "can-read-secret"},
	} {
		if e := g.edge(absent.from, absent.to, absent.kind); e != nil {
			t.Errorf("%s -%s-> %s survives its Deny or boundary: %+v", absent.from, absent.kind, absent.to, e)
		}
	}
	if g.edge(user("alice"), *sec.ARN, "can-read-secret") == nil || g.edge(user("carol"), target, "can-assume") == nil {
		t.Error("the edges no Deny or boundary names remain")
	}
	var who struct{ Principals []accessAnswer }
	noErr(t, ts.accessCall(t, ts.root, "ListAccessWhoCan", url.Values{"ActionName": {"secretsmanager:GetSecretValue"}, "ResourceArn": {*sec.ARN}}, &who))
	for _, p := range who.Principals {
		if p.Principal == user("bob") || p.Principal == user("carol") {
			t.Errorf("who-can lists %s: %+v", p.Principal, p)
		}
	}
	// A user without the iamd: permission is refused; a graph is its own account's.
	must(c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("dave")}))(t)
	key := must(c.CreateAccessKey(ctx, &awsiam.CreateAccessKeyInput{UserName: aws.String("dave")}))(t)
	dave := aws.Credentials{AccessKeyID: *key.AccessKey.AccessKeyId, SecretAccessKey: *key.AccessKey.SecretAccessKey}
	if err := ts.accessCall(t, dave, "GetAccessGraph", nil, nil); err == nil || !strings.Contains(err.Error(), "AccessDenied") || !strings.Contains(err.Error(), "iamd:GetAccessGraph") {
		t.Errorf("dave without iamd:GetAccessGraph: %v", err)
	}
	must(c.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("dave"), PolicyName: aws.String("graph"), PolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iamd:GetAccessGraph","Resource":"*"}]}`)}))(t)
	if len(ts.accessGraph(t, dave).Edges) == 0 {
		t.Error("dave, allowed iamd:GetAccessGraph, gets the graph")
	}
}

// TestAccessAddUserToGroupEscalation: a user who may add itself to a group reaches what the
// group's policies let it assume; the chain goes through the group.
func TestAccessAddUserToGroupEscalation(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	must(c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("Admin"), AssumeRolePolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`)}))(t)
	must(c.AttachRolePolicy(ctx, &awsiam.AttachRolePolicyInput{RoleName: aws.String("Admin"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")}))(t)
	must(c.CreateGroup(ctx, &awsiam.CreateGroupInput{GroupName: aws.String("operators")}))(t)
	must(c.PutGroupPolicy(ctx, &awsiam.PutGroupPolicyInput{GroupName: aws.String("operators"), PolicyName: aws.String("to-admin"), PolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Sid":"ToAdmin","Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::123456789012:role/Admin"}]}`)}))(t)
	must(c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("joiner")}))(t)
	must(c.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("joiner"), PolicyName: aws.String("join"), PolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Sid":"Join","Effect":"Allow","Action":"iam:AddUserToGroup","Resource":"arn:aws:iam::123456789012:group/operators"}]}`)}))(t)
	const (
		joiner = "arn:aws:iam::123456789012:user/joiner"
		group  = "arn:aws:iam::123456789012:group/operators"
		admin  = "arn:aws:iam::123456789012:role/Admin"
	)
	g := ts.accessGraph(t, ts.root)
	if g.edge(joiner, admin, "can-assume") != nil {
		t.Fatal("joiner assumes Admin before joining")
	}
	if e := g.edge(joiner, group, "can-change"); e == nil || e.Action != "iam:AddUserToGroup" {
		t.Fatalf("joiner adds users to operators: %+v", e)
	}
	var res struct{ Escalations []accessEscalation }
	noErr(t, ts.accessCall(t, ts.root, "ListAccessEscalations", nil, &res))
	var found *accessEscalation
	for i, e := range res.Escalations {
		if e.Principal == joiner && e.Kind == "reaches-administrator" && e.Target == admin {
			found = &res.Escalations[i]
		}
	}
	if found == nil || len(found.Path) != 2 || found.Path[0].To != group || found.Path[1].From != group || found.Path[1].Kind != "can-assume" ||
		!slices.Contains(found.Path[1].Statements, "to-admin/ToAdmin") || len(found.Path[1].Conditions) != 1 {
		t.Fatalf("joiner -> operators -> Admin: %+v", res.Escalations)
	}
	// Once a member, the edge is the user's own.
	must(c.AddUserToGroup(ctx, &awsiam.AddUserToGroupInput{GroupName: aws.String("operators"), UserName: aws.String("joiner")}))(t)
	g = ts.accessGraph(t, ts.root)
	if g.edge(joiner, admin, "can-assume") == nil || g.edge(joiner, group, "member-of") == nil {
		t.Errorf("a member assumes Admin with the group's policy")
	}
}

// TestAccessWebIdentityProvider: an OIDC provider a trust policy names reaches the role with
// AssumeRoleWithWebIdentity, the token's claims the trust requires as the edge's
// conditions; a trust without a sub condition lets any subject in; a trust requiring an
// audience the provider does not accept lets nobody in.
func TestAccessWebIdentityProvider(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	p := must(c.CreateOpenIDConnectProvider(ctx, &awsiam.CreateOpenIDConnectProviderInput{Url: aws.String("https://token.actions.githubusercontent.com"),
		ClientIDList: []string{"sts.amazonaws.com"}, ThumbprintList: []string{"6938fd4d98bab03faadb97b34396831e3780aea1"}}))(t)
	provider := *p.OpenIDConnectProviderArn
	trust := func(cond string) *string {
		return aws.String(`{"Version":"2012-10-17","Statement":[{"Sid":"GitHub","Effect":"Allow","Principal":{"Federated":"` + provider + `"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":` + cond + `}]}`)
	}
	must(c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("deploy"), AssumeRolePolicyDocument: trust(
		`{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},"StringLike":{"token.actions.githubusercontent.com:sub":"repo:octo-org/app:*"}}`)}))(t)
	must(c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("any-repo"), AssumeRolePolicyDocument: trust(
		`{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}}`)}))(t)
	g := ts.accessGraph(t, ts.root)
	deploy := g.edge(provider, "arn:aws:iam::123456789012:role/deploy", "can-assume")
	if deploy == nil || deploy.Action != "sts:AssumeRoleWithWebIdentity" || len(deploy.Conditions) != 1 {
		t.Fatalf("provider -> deploy: %+v", deploy)
	}
	keys := map[string][]string{}
	for _, cd := range deploy.Conditions {
		keys[cd.Key] = cd.Values
	}
	// The provider has one client id: a token's audience is it, no condition of the edge's.
	if !slices.Equal(keys["token.actions.githubusercontent.com:sub"], []string{"repo:octo-org/app:"}) {
		t.Errorf("deploy's conditions: %v", keys)
	}
	if e := g.edge(provider, "arn:aws:iam::123456789012:role/any-repo", "can-assume"); e == nil || len(e.Conditions) != 0 {
		t.Errorf("provider -> any-repo, any subject: %+v", e)
	}
	must(c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("other-audience"), AssumeRolePolicyDocument: trust(
		`{"StringEquals":{"token.actions.githubusercontent.com:aud":"my-app"}}`)}))(t)
	g = ts.accessGraph(t, ts.root)
	if e := g.edge(provider, "arn:aws:iam::123456789012:role/other-audience", "can-assume"); e != nil {
		t.Errorf("an audience the provider does not accept: %+v", e)
	}
	kind := ""
	for _, n := range g.Nodes {
		if n.ID == provider {
			kind = n.Kind
		}
	}
	if kind != "federated" {
		t.Errorf("the provider's node is %q", kind)
	}
}

// TestAccessOutsidersReachingAdministrators: an OIDC provider whose trust checks no subject,
// and an account the graph does not hold, reaching an administrator role are escalations.
func TestAccessOutsidersReachingAdministrators(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	p := must(c.CreateOpenIDConnectProvider(ctx, &awsiam.CreateOpenIDConnectProviderInput{Url: aws.String("https://token.actions.githubusercontent.com"),
		ClientIDList: []string{"sts.amazonaws.com"}, ThumbprintList: []string{"6938fd4d98bab03faadb97b34396831e3780aea1"}}))(t)
	must(c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("ci-admin"), AssumeRolePolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + *p.OpenIDConnectProviderArn + `"},"Action":"sts:AssumeRoleWithWebIdentity"},` +
			`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"vendor-1"}}}]}`)}))(t)
	must(c.AttachRolePolicy(ctx, &awsiam.AttachRolePolicyInput{RoleName: aws.String("ci-admin"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")}))(t)
	var res struct{ Escalations []accessEscalation }
	noErr(t, ts.accessCall(t, ts.root, "ListAccessEscalations", nil, &res))
	found := map[string]bool{}
	for _, e := range res.Escalations {
		if e.Kind == "reaches-administrator" && e.Target == "arn:aws:iam::123456789012:role/ci-admin" {
			found[e.Principal] = true
		}
		if e.Kind == "reaches-more" && (e.Principal == *p.OpenIDConnectProviderArn || e.Principal == "arn:aws:iam::444455556666:root") {
			t.Errorf("an outsider holds nothing to compare: %+v", e)
		}
	}
	if !found[*p.OpenIDConnectProviderArn] || !found["arn:aws:iam::444455556666:root"] {
		t.Errorf("outsiders reaching ci-admin: %v in %+v", found, res.Escalations)
	}
}

// TestAccessAPIErrors: missing parameters, an unknown format and a principal the caller's
// graph does not hold are refused as the API says.
func TestAccessAPIErrors(t *testing.T) {
	ts := startServer(t, "")
	for _, c := range []struct {
		action string
		params url.Values
		code   string
	}{
		{"ListAccessWhoCan", url.Values{"ActionName": {"iam:GetRole"}}, "ValidationError"},
		{"GetAccessCan", url.Values{"ActionName": {"iam:GetRole"}, "ResourceArn": {"*"}}, "ValidationError"},
		{"GetAccessCan", url.Values{"PrincipalArn": {"arn:aws:iam::123456789012:user/nobody"}, "ActionName": {"iam:GetRole"}, "ResourceArn": {"*"}}, "NoSuchEntity"},
		{"GetAccessGraph", url.Values{"Format": {"svg"}}, "ValidationError"},
	} {
		err := ts.accessCall(t, ts.root, c.action, c.params, nil)
		if err == nil || !strings.Contains(err.Error(), c.code) {
			t.Errorf("%s %v: %v, want %s", c.action, c.params, err, c.code)
		}
	}
}

// TestAccessMFARequiredTrust: a trust that requires MFA is an edge, carrying the MFA
// condition, for a user with an MFA device, and none for a user without one.
func TestAccessMFARequiredTrust(t *testing.T) {
	clock := newMFAClock()
	ts := startServerAt(t, "", clock.Now)
	ctx := context.Background()
	c := ts.iam(ts.root)
	must(c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("break-glass"), AssumeRolePolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Sid":"WithMFA","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`)}))(t)
	for _, u := range []string{"with-device", "without-device"} {
		must(c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String(u)}))(t)
		must(c.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String(u), PolicyName: aws.String("assume"), PolicyDocument: aws.String(
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`)}))(t)
	}
	serial, seed := newDevice(t, ts, "with-device", "")
	enableDevice(t, ts, clock, "with-device", serial, seed)
	g := ts.accessGraph(t, ts.root)
	const role = "arn:aws:iam::123456789012:role/break-glass"
	e := g.edge("arn:aws:iam::123456789012:user/with-device", role, "can-assume")
	if e == nil || len(e.Conditions) != 1 || e.Conditions[0].Key != "aws:MultiFactorAuthPresent" || !slices.Equal(e.Conditions[0].Values, []string{"true"}) {
		t.Errorf("with a device: %+v", e)
	}
	if e := g.edge("arn:aws:iam::123456789012:user/without-device", role, "can-assume"); e != nil {
		t.Errorf("without a device: %+v", e)
	}
}

// TestAccessAnyPrincipalTrust: a trust naming every principal ("*") lets principals of any
// account in, shown as the node "*"; one narrowed to an organization lets none of them in.
func TestAccessAnyPrincipalTrust(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	must(c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("public"), AssumeRolePolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}`)}))(t)
	must(c.AttachRolePolicy(ctx, &awsiam.AttachRolePolicyInput{RoleName: aws.String("public"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")}))(t)
	must(c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("org-only"), AssumeRolePolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abcdefghij"}}}]}`)}))(t)
	g := ts.accessGraph(t, ts.root)
	if e := g.edge("*", "arn:aws:iam::123456789012:role/public", "can-assume"); e == nil || len(e.Conditions) != 1 || e.Conditions[0].Note == "" {
		t.Errorf("anyone -> public: %+v", e)
	}
	if e := g.edge("*", "arn:aws:iam::123456789012:role/org-only", "can-assume"); e != nil {
		t.Errorf("anyone -> org-only (no organization here): %+v", e)
	}
	var res struct{ Escalations []accessEscalation }
	noErr(t, ts.accessCall(t, ts.root, "ListAccessEscalations", nil, &res))
	found := false
	for _, e := range res.Escalations {
		found = found || e.Principal == "*" && e.Kind == "reaches-administrator" && e.Target == "arn:aws:iam::123456789012:role/public"
	}
	if !found {
		t.Errorf("anyone reaching an administrator role: %+v", res.Escalations)
	}
	// A secret whose policy names everyone, and one naming another account.
	for name, principal := range map[string]string{"open": `"*"`, "shared": `{"AWS":"arn:aws:iam::777788889999:root"}`} {
		must(ts.sm(ts.root).CreateSecret(ctx, &sm.CreateSecretInput{Name: aws.String(name), SecretString: aws.String("v-" + name)}))(t)
		must(ts.sm(ts.root).PutResourcePolicy(ctx, &sm.PutResourcePolicyInput{SecretId: aws.String(name), BlockPublicPolicy: aws.Bool(false), ResourcePolicy: aws.String(
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":` + principal + `,"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}`)}))(t)
	}
	var who struct{ Principals []accessAnswer }
	for name, want := range map[string]string{"open": "*", "shared": "arn:aws:iam::777788889999:root"} {
		arn := *must(ts.sm(ts.root).DescribeSecret(ctx, &sm.DescribeSecretInput{SecretId: aws.String(name)}))(t).ARN
		who.Principals = nil
		noErr(t, ts.accessCall(t, ts.root, "ListAccessWhoCan", url.Values{"ActionName": {"secretsmanager:GetSecretValue"}, "ResourceArn": {arn}}, &who))
		found := false
		for _, p := range who.Principals {
			found = found || p.Principal == want
		}
		if !found {
			t.Errorf("who can read %s: %+v, want %s among them", name, who.Principals, want)
		}
	}
}
