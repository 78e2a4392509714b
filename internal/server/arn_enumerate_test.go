package server

import (
	"context"
	"errors"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/iamd-dev/iamd/internal/api/iamapi"
	"github.com/iamd-dev/iamd/internal/awsclient"
	"github.com/iamd-dev/iamd/internal/sigv4"
)

// Every IAM action that acts on an existing entity is authorized on that entity's real ARN
// (path included), whatever the request names it by; the test enumerates the API's own
// table of actions, so that an action added without an entry here fails it.

const arnAcct = "123456789012"

// The pathed entities the actions act on, and the ARNs a careless implementation would
// authorize instead (the same names without the path).
var (
	arnRole    = "arn:aws:iam::" + arnAcct + ":role/pc/pr1"
	arnUser    = "arn:aws:iam::" + arnAcct + ":user/pc/pu1"
	arnGroup   = "arn:aws:iam::" + arnAcct + ":group/pc/pg1"
	arnPolicy  = "arn:aws:iam::" + arnAcct + ":policy/pc/pp1"
	arnProfile = "arn:aws:iam::" + arnAcct + ":instance-profile/pc/pip1"
	arnOIDC    = "arn:aws:iam::" + arnAcct + ":oidc-provider/oidc.arn-test.example"
)

// arnEntity is one entity of the test: the parameter a call names it by, its value, its
// real ARN, the path-less ARN of its name ("" where the ARN has no path), and the
// parameter value and ARN of a name that does not exist.
type arnEntity struct {
	param, value, real, pathless, ghostValue, ghostARN string
}

// arnEntities by the name the per-action table uses. "key" is pu1's access key (filled in
// once it exists); "source-*" are PolicySourceArn values.
func arnEntities(keyID string) map[string]arnEntity {
	ghost := func(kind string) string { return "arn:aws:iam::" + arnAcct + ":" + kind + "/ghost" }
	out := map[string]arnEntity{
		"role":  {"RoleName", "pr1", arnRole, "arn:aws:iam::" + arnAcct + ":role/pr1", "ghost", ghost("role")},
		"user":  {"UserName", "pu1", arnUser, "arn:aws:iam::" + arnAcct + ":user/pu1", "ghost", ghost("user")},
		"group": {"GroupName", "pg1", arnGroup, "arn:aws:iam::" + arnAcct + ":group/pg1", "ghost", ghost("group")},
		"policy": {"PolicyArn", arnPolicy, arnPolicy, "arn:aws:iam::" + arnAcct + ":policy/pp1",
			ghost("policy"), ghost("policy")},
		"profile": {"InstanceProfileName", "pip1", arnProfile, "arn:aws:iam::" + arnAcct + ":instance-profile/pip1",
			"ghost", ghost("instance-profile")},
		"oidc": {"OpenIDConnectProviderArn", arnOIDC, arnOIDC, "",
			"arn:aws:iam::" + arnAcct + ":oidc-provider/ghost.example", "arn:aws:iam::" + arnAcct + ":oidc-provider/ghost.example"},
		// A key of no user of the account is authorized on "*".
		"key":          {"AccessKeyId", keyID, arnUser, "arn:aws:iam::" + arnAcct + ":user/pu1", "AKIAGHOSTGHOSTGHOST0", "*"},
		"source-role":  {"PolicySourceArn", arnRole, arnRole, "arn:aws:iam::" + arnAcct + ":role/pr1", ghost("role"), ghost("role")},
		"source-user":  {"PolicySourceArn", arnUser, arnUser, "arn:aws:iam::" + arnAcct + ":user/pu1", ghost("user"), ghost("user")},
		"source-group": {"PolicySourceArn", arnGroup, arnGroup, "arn:aws:iam::" + arnAcct + ":group/pg1", ghost("group"), ghost("group")},
	}
	for name, e := range arnExtraEntities {
		out[name] = e.arnEntity
	}
	for name, e := range moreARNEntities {
		out[name] = e
	}
	return out
}

// arnExtraEntities are entities other test files add (in an init()), each with the setup
// that creates it in the fixture's server; their real ARNs join den's Deny and their
// path-less ARNs pathless's Allow.
var arnExtraEntities = map[string]arnExtraEntity{}

type arnExtraEntity struct {
	arnEntity
	setup func(t *testing.T, ts *testServer)
}

// moreARNEntities are entities other test files add (in an init) that the fixture makes
// without a setup of their own (named by an ARN the test computes).
var moreARNEntities = map[string]arnEntity{}

// arnCase is how the test calls one action: on an existing entity (entity, with params
// besides the entity's own), or on none (entity "", with resource the ARN the action is
// authorized on).
type arnCase struct {
	entity   string
	params   map[string]string
	resource string
}

const arnDoc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`

// arnCases is every IAM action iamd serves. A new action must get an entry.
var arnCases = map[string]arnCase{
	// Roles.
	"CreateRole":                    {resource: "arn:aws:iam::" + arnAcct + ":role/pc/new1", params: map[string]string{"RoleName": "new1", "Path": "/pc/", "AssumeRolePolicyDocument": towerTrust}},
	"GetRole":                       {entity: "role"},
	"DeleteRole":                    {entity: "role"},
	"ListRoles":                     {resource: "arn:aws:iam::" + arnAcct + ":role/pc/", params: map[string]string{"PathPrefix": "/pc/"}},
	"UpdateRole":                    {entity: "role", params: map[string]string{"Description": "x"}},
	"UpdateRoleDescription":         {entity: "role", params: map[string]string{"Description": "x"}},
	"UpdateAssumeRolePolicy":        {entity: "role", params: map[string]string{"PolicyDocument": towerTrust}},
	"PutRolePolicy":                 {entity: "role", params: map[string]string{"PolicyName": "p", "PolicyDocument": arnDoc}},
	"GetRolePolicy":                 {entity: "role", params: map[string]string{"PolicyName": "p"}},
	"DeleteRolePolicy":              {entity: "role", params: map[string]string{"PolicyName": "p"}},
	"ListRolePolicies":              {entity: "role"},
	"TagRole":                       {entity: "role", params: map[string]string{"Tags.member.1.Key": "k", "Tags.member.1.Value": "v"}},
	"UntagRole":                     {entity: "role", params: map[string]string{"TagKeys.member.1": "k"}},
	"ListRoleTags":                  {entity: "role"},
	"AttachRolePolicy":              {entity: "role", params: map[string]string{"PolicyArn": arnPolicy}},
	"DetachRolePolicy":              {entity: "role", params: map[string]string{"PolicyArn": arnPolicy}},
	"ListAttachedRolePolicies":      {entity: "role"},
	"PutRolePermissionsBoundary":    {entity: "role", params: map[string]string{"PermissionsBoundary": arnPolicy}},
	"DeleteRolePermissionsBoundary": {entity: "role"},
	"ListInstanceProfilesForRole":   {entity: "role"},

	// Users and their keys.
	"CreateUser":                    {resource: "arn:aws:iam::" + arnAcct + ":user/pc/new1", params: map[string]string{"UserName": "new1", "Path": "/pc/"}},
	"GetUser":                       {entity: "user"},
	"ListUsers":                     {resource: "arn:aws:iam::" + arnAcct + ":user/pc/", params: map[string]string{"PathPrefix": "/pc/"}},
	"UpdateUser":                    {entity: "user", params: map[string]string{"NewPath": "/other/"}},
	"DeleteUser":                    {entity: "user"},
	"PutUserPolicy":                 {entity: "user", params: map[string]string{"PolicyName": "p", "PolicyDocument": arnDoc}},
	"GetUserPolicy":                 {entity: "user", params: map[string]string{"PolicyName": "p"}},
	"DeleteUserPolicy":              {entity: "user", params: map[string]string{"PolicyName": "p"}},
	"ListUserPolicies":              {entity: "user"},
	"TagUser":                       {entity: "user", params: map[string]string{"Tags.member.1.Key": "k", "Tags.member.1.Value": "v"}},
	"UntagUser":                     {entity: "user", params: map[string]string{"TagKeys.member.1": "k"}},
	"ListUserTags":                  {entity: "user"},
	"PutUserPermissionsBoundary":    {entity: "user", params: map[string]string{"PermissionsBoundary": arnPolicy}},
	"DeleteUserPermissionsBoundary": {entity: "user"},
	"AttachUserPolicy":              {entity: "user", params: map[string]string{"PolicyArn": arnPolicy}},
	"DetachUserPolicy":              {entity: "user", params: map[string]string{"PolicyArn": arnPolicy}},
	"ListAttachedUserPolicies":      {entity: "user"},
	"ListGroupsForUser":             {entity: "user"},
	"CreateAccessKey":               {entity: "user"},
	"ListAccessKeys":                {entity: "user"},
	"UpdateAccessKey":               {entity: "user", params: map[string]string{"AccessKeyId": "KEY", "Status": "Inactive"}},
	"DeleteAccessKey":               {entity: "user", params: map[string]string{"AccessKeyId": "KEY"}},
	"GetAccessKeyLastUsed":          {entity: "key"},

	// Groups: membership changes are authorized on the group.
	"CreateGroup":               {resource: "arn:aws:iam::" + arnAcct + ":group/pc/new1", params: map[string]string{"GroupName": "new1", "Path": "/pc/"}},
	"GetGroup":                  {entity: "group"},
	"ListGroups":                {resource: "arn:aws:iam::" + arnAcct + ":group/pc/", params: map[string]string{"PathPrefix": "/pc/"}},
	"UpdateGroup":               {entity: "group", params: map[string]string{"NewPath": "/other/"}},
	"DeleteGroup":               {entity: "group"},
	"AddUserToGroup":            {entity: "group", params: map[string]string{"UserName": "pu1"}},
	"RemoveUserFromGroup":       {entity: "group", params: map[string]string{"UserName": "pu1"}},
	"PutGroupPolicy":            {entity: "group", params: map[string]string{"PolicyName": "p", "PolicyDocument": arnDoc}},
	"GetGroupPolicy":            {entity: "group", params: map[string]string{"PolicyName": "p"}},
	"DeleteGroupPolicy":         {entity: "group", params: map[string]string{"PolicyName": "p"}},
	"ListGroupPolicies":         {entity: "group"},
	"AttachGroupPolicy":         {entity: "group", params: map[string]string{"PolicyArn": arnPolicy}},
	"DetachGroupPolicy":         {entity: "group", params: map[string]string{"PolicyArn": arnPolicy}},
	"ListAttachedGroupPolicies": {entity: "group"},

	// Managed policies and their versions.
	"CreatePolicy":            {resource: "arn:aws:iam::" + arnAcct + ":policy/pc/new1", params: map[string]string{"PolicyName": "new1", "Path": "/pc/", "PolicyDocument": arnDoc}},
	"GetPolicy":               {entity: "policy"},
	"DeletePolicy":            {entity: "policy"},
	"ListPolicies":            {resource: "*", params: map[string]string{"Scope": "Local"}},
	"CreatePolicyVersion":     {entity: "policy", params: map[string]string{"PolicyDocument": arnDoc}},
	"GetPolicyVersion":        {entity: "policy", params: map[string]string{"VersionId": "v1"}},
	"ListPolicyVersions":      {entity: "policy"},
	"DeletePolicyVersion":     {entity: "policy", params: map[string]string{"VersionId": "v1"}},
	"SetDefaultPolicyVersion": {entity: "policy", params: map[string]string{"VersionId": "v1"}},
	"TagPolicy":               {entity: "policy", params: map[string]string{"Tags.member.1.Key": "k", "Tags.member.1.Value": "v"}},
	"UntagPolicy":             {entity: "policy", params: map[string]string{"TagKeys.member.1": "k"}},
	"ListPolicyTags":          {entity: "policy"},
	"ListEntitiesForPolicy":   {entity: "policy"},

	// Instance profiles: adding or removing a role is authorized on the profile.
	"CreateInstanceProfile":         {resource: "arn:aws:iam::" + arnAcct + ":instance-profile/pc/new1", params: map[string]string{"InstanceProfileName": "new1", "Path": "/pc/"}},
	"GetInstanceProfile":            {entity: "profile"},
	"DeleteInstanceProfile":         {entity: "profile"},
	"ListInstanceProfiles":          {resource: "arn:aws:iam::" + arnAcct + ":instance-profile/pc/", params: map[string]string{"PathPrefix": "/pc/"}},
	"AddRoleToInstanceProfile":      {entity: "profile", params: map[string]string{"RoleName": "pr1"}},
	"RemoveRoleFromInstanceProfile": {entity: "profile", params: map[string]string{"RoleName": "pr1"}},
	"TagInstanceProfile":            {entity: "profile", params: map[string]string{"Tags.member.1.Key": "k", "Tags.member.1.Value": "v"}},
	"UntagInstanceProfile":          {entity: "profile", params: map[string]string{"TagKeys.member.1": "k"}},
	"ListInstanceProfileTags":       {entity: "profile"},

	// OpenID Connect providers.
	"CreateOpenIDConnectProvider":             {resource: "arn:aws:iam::" + arnAcct + ":oidc-provider/new.arn-test.example", params: map[string]string{"Url": "https://new.arn-test.example", "ClientIDList.member.1": "sts.amazonaws.com"}},
	"GetOpenIDConnectProvider":                {entity: "oidc"},
	"DeleteOpenIDConnectProvider":             {entity: "oidc"},
	"ListOpenIDConnectProviders":              {resource: "*"},
	"UpdateOpenIDConnectProviderThumbprint":   {entity: "oidc", params: map[string]string{"ThumbprintList.member.1": strings.Repeat("a", 40)}},
	"AddClientIDToOpenIDConnectProvider":      {entity: "oidc", params: map[string]string{"ClientID": "another"}},
	"RemoveClientIDFromOpenIDConnectProvider": {entity: "oidc", params: map[string]string{"ClientID": "sts.amazonaws.com"}},
	"TagOpenIDConnectProvider":                {entity: "oidc", params: map[string]string{"Tags.member.1.Key": "k", "Tags.member.1.Value": "v"}},
	"UntagOpenIDConnectProvider":              {entity: "oidc", params: map[string]string{"TagKeys.member.1": "k"}},
	"ListOpenIDConnectProviderTags":           {entity: "oidc"},

	// The account.
	"CreateAccountAlias":             {resource: "*", params: map[string]string{"AccountAlias": "arn-test"}},
	"DeleteAccountAlias":             {resource: "*", params: map[string]string{"AccountAlias": "arn-test"}},
	"ListAccountAliases":             {resource: "*"},
	"GetAccountSummary":              {resource: "*"},
	"GetAccountAuthorizationDetails": {resource: "*"},

	// The simulator: the principal calls are authorized on the principal whose policies
	// they disclose.
	"SimulatePrincipalPolicy":          {entity: "source-role", params: map[string]string{"ActionNames.member.1": "s3:GetObject"}},
	"GetContextKeysForPrincipalPolicy": {entity: "source-user"},
	"SimulateCustomPolicy":             {resource: "*", params: map[string]string{"PolicyInputList.member.1": arnDoc, "ActionNames.member.1": "s3:GetObject"}},
	"GetContextKeysForCustomPolicy":    {resource: "*", params: map[string]string{"PolicyInputList.member.1": arnDoc}},
}

// arnKindEntities are the test entities that fit each kind of resource in the API's table.
var arnKindEntities = map[iamapi.ResourceKind][]string{
	iamapi.OnRole:            {"role"},
	iamapi.OnUser:            {"user"},
	iamapi.OnGroup:           {"group"},
	iamapi.OnPolicy:          {"policy"},
	iamapi.OnInstanceProfile: {"profile"},
	iamapi.OnOIDCProvider:    {"oidc"},
	iamapi.OnAccessKeyOwner:  {"key"},
	iamapi.OnPolicySource:    {"source-role", "source-user", "source-group"},
	iamapi.OnNew:             {""},
	iamapi.OnPathPrefix:      {""},
	iamapi.OnAny:             {""},
}

// TestARNCasesCoverEveryAction fails for an action of the API without an entry (or with an
// entry that does not fit its kind of resource), and for an entry of no action.
func TestARNCasesCoverEveryAction(t *testing.T) {
	actions := iamapi.Actions()
	if len(actions) < 90 {
		t.Fatalf("the API lists %d actions", len(actions))
	}
	for action, kind := range actions {
		c, ok := arnCases[action]
		if !ok {
			t.Errorf("%s (%s) has no entry in arnCases: say how to call it and what it is authorized on", action, kind)
			continue
		}
		fits := false
		for _, e := range arnKindEntities[kind] {
			fits = fits || e == c.entity
		}
		if !fits {
			t.Errorf("%s: the API authorizes it on a %q resource, the test calls it on %q", action, kind, c.entity)
		}
		if c.entity == "" && c.resource == "" {
			t.Errorf("%s: an action on no existing entity needs the resource it is authorized on", action)
		}
	}
	for action := range arnCases {
		if _, ok := actions[action]; !ok {
			t.Errorf("arnCases has %s, which the API does not serve", action)
		}
	}
}

// arnFixture is a server with the pathed entities and the callers of the tests.
type arnFixture struct {
	ts       *testServer
	keyID    string // pu1's access key
	entities map[string]arnEntity
	// den may do anything (iam:*, sts:AssumeRole) but on the real ARNs; pathless may do
	// it on the path-less ARNs only; nobody may do nothing; admin may do anything.
	den, pathless, nobody, admin aws.Credentials
}

func policyJSON(statements ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`
}

func statement(effect, action string, resources ...string) string {
	return `{"Effect":"` + effect + `","Action":["` + strings.ReplaceAll(action, ",", `","`) + `"],"Resource":["` + strings.Join(resources, `","`) + `"]}`
}

func newARNFixture(t *testing.T) *arnFixture {
	t.Helper()
	ts := startServer(t, "")
	ctx := context.Background()
	root := ts.iam(ts.root)
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	pc := aws.String("/pc/")
	must(root.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("pr1"), Path: pc, AssumeRolePolicyDocument: aws.String(
		policyJSON(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + arnAcct + `:root"},"Action":"sts:AssumeRole"}`))}))
	must(root.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("pu1"), Path: pc}))
	must(root.CreateGroup(ctx, &awsiam.CreateGroupInput{GroupName: aws.String("pg1"), Path: pc}))
	must(root.CreatePolicy(ctx, &awsiam.CreatePolicyInput{PolicyName: aws.String("pp1"), Path: pc, PolicyDocument: aws.String(arnDoc)}))
	must(root.CreateInstanceProfile(ctx, &awsiam.CreateInstanceProfileInput{InstanceProfileName: aws.String("pip1"), Path: pc}))
	must(root.CreateOpenIDConnectProvider(ctx, &awsiam.CreateOpenIDConnectProviderInput{
		Url: aws.String("https://oidc.arn-test.example"), ClientIDList: []string{"sts.amazonaws.com"}, ThumbprintList: []string{strings.Repeat("b", 40)}}))
	key, err := root.CreateAccessKey(ctx, &awsiam.CreateAccessKeyInput{UserName: aws.String("pu1")})
	if err != nil {
		t.Fatal(err)
	}
	f := &arnFixture{ts: ts, keyID: aws.ToString(key.AccessKey.AccessKeyId)}
	f.entities = arnEntities(f.keyID)

	names := []string{"role", "user", "group", "policy", "profile", "oidc"}
	for name, e := range arnExtraEntities {
		e.setup(t, ts)
		names = append(names, name)
	}
	var real, pathless []string
	for _, name := range names {
		e := f.entities[name]
		real = append(real, e.real)
		if e.pathless != "" {
			pathless = append(pathless, e.pathless)
		}
	}
	withPolicy := func(name, doc string) aws.Credentials {
		creds := userWithKey(t, ts, name, "")
		if doc != "" {
			must(root.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("p"), PolicyDocument: aws.String(doc)}))
		}
		return creds
	}
	f.den = withPolicy("den", policyJSON(statement("Allow", "iam:*,sts:AssumeRole", "*"), statement("Deny", "iam:*,sts:AssumeRole", real...)))
	f.pathless = withPolicy("pathless", policyJSON(statement("Allow", "iam:*,sts:AssumeRole", pathless...)))
	f.nobody = withPolicy("nobody", "")
	f.admin = withPolicy("admin", policyJSON(statement("Allow", "iam:*,sts:AssumeRole", "*")))
	return f
}

// call makes one IAM call with the action's parameters, the entity named by value.
func (f *arnFixture) call(t *testing.T, creds aws.Credentials, action string, c arnCase, value string) error {
	t.Helper()
	params := url.Values{"Action": {action}, "Version": {"2010-05-08"}}
	for k, v := range c.params {
		if v == "KEY" {
			v = f.keyID
		}
		params.Set(k, v)
	}
	if c.entity != "" {
		params.Set(f.entities[c.entity].param, value)
	}
	client := awsclient.New(awsclient.Config{Endpoint: f.ts.endpoint, Region: "us-east-1", Credentials: sigv4.Credentials{
		AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey, SessionToken: creds.SessionToken}}, 1)
	_, err := client.Query(context.Background(), "iam", params)
	return err
}

// wantDeniedOn asserts an AccessDenied (403) for the action on exactly the resource.
func wantDeniedOn(t *testing.T, err error, who, action, resource string, explicit bool) {
	t.Helper()
	var e *awsclient.Error
	if !errors.As(err, &e) || e.Code != "AccessDenied" || e.Status != 403 {
		t.Errorf("%s as %s: %v, want AccessDenied on %s", action, who, err, resource)
		return
	}
	want := " is not authorized to perform: iam:" + action + " on resource: " + resource + " "
	if explicit {
		want += "with an explicit deny"
	} else {
		want += "because no identity-based policy allows"
	}
	if !strings.Contains(e.Message, want) {
		t.Errorf("%s as %s: %q\nwant it to contain %q", action, who, e.Message, want)
	}
}

// TestEveryIAMActionIsAuthorizedOnTheRealARN calls every action of the API on pathed
// entities: a caller allowed iam:* but denied the entity's real ARN is refused, naming the
// real ARN; a caller allowed only the path-less ARN of the name is refused too; and a call
// on a name that does not exist is refused (AccessDenied, not NoSuchEntity) on the ARN AWS
// uses for an unknown name.
func TestEveryIAMActionIsAuthorizedOnTheRealARN(t *testing.T) {
	f := newARNFixture(t)
	actions := make([]string, 0, len(arnCases))
	for a := range iamapi.Actions() {
		if _, ok := arnCases[a]; ok {
			actions = append(actions, a)
		}
	}
	sort.Strings(actions)
	for _, action := range actions {
		c := arnCases[action]
		if c.entity == "" {
			// On no existing entity: the resource the action is authorized on.
			wantDeniedOn(t, f.call(t, f.nobody, action, c, ""), "nobody", action, c.resource, false)
			continue
		}
		e := f.entities[c.entity]
		wantDeniedOn(t, f.call(t, f.den, action, c, e.value), "den", action, e.real, true)
		if e.pathless != "" {
			wantDeniedOn(t, f.call(t, f.pathless, action, c, e.value), "pathless", action, e.real, false)
		}
		wantDeniedOn(t, f.call(t, f.nobody, action, c, e.ghostValue), "nobody (unknown name)", action, e.ghostARN, false)
	}

	// Nothing was changed by the refused calls: the entities are all as created.
	root := f.ts.iam(f.ts.root)
	ctx := context.Background()
	r, err := root.GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String("pr1")})
	if err != nil || aws.ToString(r.Role.Arn) != arnRole || r.Role.Description != nil {
		t.Fatalf("role after the refused calls: %+v %v", r, err)
	}
	names, err := root.ListRolePolicies(ctx, &awsiam.ListRolePoliciesInput{RoleName: aws.String("pr1")})
	if err != nil || len(names.PolicyNames) != 0 {
		t.Fatalf("role policies after the refused calls: %+v %v", names, err)
	}
}

// TestIAMNameCaseAndPathDoNotMoveTheResource: a name spelled in another case resolves to
// the stored entity and is authorized on its ARN as stored.
func TestIAMNameCaseAndPathDoNotMoveTheResource(t *testing.T) {
	f := newARNFixture(t)
	for action, c := range map[string]arnCase{
		"UpdateAssumeRolePolicy":  {entity: "role", params: map[string]string{"PolicyDocument": towerTrust}},
		"PutUserPolicy":           {entity: "user", params: map[string]string{"PolicyName": "p", "PolicyDocument": arnDoc}},
		"AddUserToGroup":          {entity: "group", params: map[string]string{"UserName": "pu1"}},
		"TagInstanceProfile":      {entity: "profile", params: map[string]string{"Tags.member.1.Key": "k", "Tags.member.1.Value": "v"}},
		"SimulatePrincipalPolicy": {entity: "source-role", params: map[string]string{"ActionNames.member.1": "s3:GetObject"}},
	} {
		e := f.entities[c.entity]
		shouted := strings.ToUpper(e.value)
		if strings.HasPrefix(e.value, "arn:") {
			shouted = e.value[:strings.LastIndexByte(e.value, '/')+1] + strings.ToUpper(e.value[strings.LastIndexByte(e.value, '/')+1:])
		}
		wantDeniedOn(t, f.call(t, f.den, action, c, shouted), "den", action, e.real, true)
	}
	// PutRolePolicy with a Path parameter (which it does not take) is still on the real ARN.
	c := arnCase{entity: "role", params: map[string]string{"Path": "/", "PolicyName": "p", "PolicyDocument": arnDoc}}
	wantDeniedOn(t, f.call(t, f.den, "PutRolePolicy", c, "pr1"), "den", "PutRolePolicy", arnRole, true)
}

// TestIAMUnknownEntityAuthorizedCallerGetsNoSuchEntity: once authorized on the unknown
// name's ARN, a call answers NoSuchEntity, as today.
func TestIAMUnknownEntityAuthorizedCallerGetsNoSuchEntity(t *testing.T) {
	f := newARNFixture(t)
	for _, action := range []string{"GetRole", "UpdateAssumeRolePolicy", "PutRolePolicy", "GetUser", "GetGroup", "AddUserToGroup", "GetPolicy", "GetInstanceProfile", "GetOpenIDConnectProvider"} {
		c := arnCases[action]
		err := f.call(t, f.admin, action, c, f.entities[c.entity].ghostValue)
		var e *awsclient.Error
		if !errors.As(err, &e) || e.Code != "NoSuchEntity" || e.Status != 404 {
			t.Errorf("%s on an unknown name as admin: %v, want NoSuchEntity", action, err)
		}
	}
	// And the pathed entities themselves answer the admin.
	for _, action := range []string{"GetRole", "GetUser", "GetGroup", "GetPolicy", "GetInstanceProfile", "ListRolePolicies", "SimulatePrincipalPolicy"} {
		c := arnCases[action]
		if err := f.call(t, f.admin, action, c, f.entities[c.entity].value); err != nil {
			t.Errorf("%s as admin: %v", action, err)
		}
	}
}
