package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/iamd-dev/iamd/internal/policygen"
)

// createTowerRole creates a role with the Tower trust policy.
func createTowerRole(t *testing.T, c *awsiam.Client, name string) {
	t.Helper()
	if _, err := c.CreateRole(context.Background(), &awsiam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(towerTrust)}); err != nil {
		t.Fatal(err)
	}
}

func profileRoleNames(p *types.InstanceProfile) []string {
	var out []string
	for _, r := range p.Roles {
		out = append(out, aws.ToString(r.RoleName))
	}
	return out
}

// Seed 000: the Tower role in the Tower instance profile, and its removal.
func TestInstanceProfileSeedFlow(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)

	createTowerRole(t, c, "Tower-Role")
	if _, err := c.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String("Tower-Role"), PolicyName: aws.String("Tower-Role-Policy"), PolicyDocument: aws.String(towerPolicy)}); err != nil {
		t.Fatal(err)
	}
	created, err := c.CreateInstanceProfile(ctx, &awsiam.CreateInstanceProfileInput{InstanceProfileName: aws.String("Tower-Instance")})
	if err != nil {
		t.Fatal(err)
	}
	ip := created.InstanceProfile
	if got := aws.ToString(ip.Arn); got != "arn:aws:iam::123456789012:instance-profile/Tower-Instance" {
		t.Fatalf("Arn %s", got)
	}
	if id := aws.ToString(ip.InstanceProfileId); !strings.HasPrefix(id, "AIPA") || len(id) != 21 {
		t.Fatalf("InstanceProfileId %s", id)
	}
	if aws.ToString(ip.Path) != "/" || ip.CreateDate == nil || len(ip.Roles) != 0 {
		t.Fatalf("created profile %+v", ip)
	}

	if _, err := c.AddRoleToInstanceProfile(ctx, &awsiam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("Tower-Instance"), RoleName: aws.String("Tower-Role")}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetInstanceProfile(ctx, &awsiam.GetInstanceProfileInput{InstanceProfileName: aws.String("Tower-Instance")})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.InstanceProfile.Roles) != 1 {
		t.Fatalf("roles %v", profileRoleNames(got.InstanceProfile))
	}
	r := got.InstanceProfile.Roles[0]
	if aws.ToString(r.RoleName) != "Tower-Role" || aws.ToString(r.Arn) != "arn:aws:iam::123456789012:role/Tower-Role" ||
		!strings.HasPrefix(aws.ToString(r.RoleId), "AROA") || aws.ToString(r.Path) != "/" || r.CreateDate == nil {
		t.Fatalf("role in profile %+v", r)
	}
	if doc, err := url.QueryUnescape(aws.ToString(r.AssumeRolePolicyDocument)); err != nil || doc != towerTrust {
		t.Fatalf("trust policy in profile %q (%v)", doc, err)
	}
	if aws.ToString(got.InstanceProfile.InstanceProfileId) != aws.ToString(ip.InstanceProfileId) {
		t.Fatal("the profile's id changed")
	}

	forRole, err := c.ListInstanceProfilesForRole(ctx, &awsiam.ListInstanceProfilesForRoleInput{RoleName: aws.String("Tower-Role")})
	if err != nil || len(forRole.InstanceProfiles) != 1 || aws.ToString(forRole.InstanceProfiles[0].InstanceProfileName) != "Tower-Instance" {
		t.Fatalf("ListInstanceProfilesForRole %+v %v", forRole, err)
	}

	// Neither the role nor the profile can go while they are together.
	if _, err := c.DeleteRolePolicy(ctx, &awsiam.DeleteRolePolicyInput{RoleName: aws.String("Tower-Role"), PolicyName: aws.String("Tower-Role-Policy")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteRole(ctx, &awsiam.DeleteRoleInput{RoleName: aws.String("Tower-Role")})
	if ae := apiError(t, err, "DeleteConflict"); httpStatus(err) != 409 || ae.ErrorMessage() != "Cannot delete entity, must remove roles from instance profile first." {
		t.Fatalf("DeleteRole in a profile: %v (status %d)", err, httpStatus(err))
	}
	_, err = c.DeleteInstanceProfile(ctx, &awsiam.DeleteInstanceProfileInput{InstanceProfileName: aws.String("Tower-Instance")})
	if ae := apiError(t, err, "DeleteConflict"); httpStatus(err) != 409 || ae.ErrorMessage() != "Cannot delete entity, must remove roles from instance profile first." {
		t.Fatalf("DeleteInstanceProfile with a role: %v (status %d)", err, httpStatus(err))
	}
	if got, err := c.GetInstanceProfile(ctx, &awsiam.GetInstanceProfileInput{InstanceProfileName: aws.String("Tower-Instance")}); err != nil || len(got.InstanceProfile.Roles) != 1 {
		t.Fatalf("refused deletes changed the profile: %v", err)
	}

	if _, err := c.RemoveRoleFromInstanceProfile(ctx, &awsiam.RemoveRoleFromInstanceProfileInput{InstanceProfileName: aws.String("Tower-Instance"), RoleName: aws.String("Tower-Role")}); err != nil {
		t.Fatal(err)
	}
	forRole, err = c.ListInstanceProfilesForRole(ctx, &awsiam.ListInstanceProfilesForRoleInput{RoleName: aws.String("Tower-Role")})
	if err != nil || len(forRole.InstanceProfiles) != 0 {
		t.Fatalf("ListInstanceProfilesForRole after removal %+v %v", forRole, err)
	}
	if _, err := c.DeleteRole(ctx, &awsiam.DeleteRoleInput{RoleName: aws.String("Tower-Role")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteInstanceProfile(ctx, &awsiam.DeleteInstanceProfileInput{InstanceProfileName: aws.String("Tower-Instance")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetInstanceProfile(ctx, &awsiam.GetInstanceProfileInput{InstanceProfileName: aws.String("Tower-Instance")})
	if ae := apiError(t, err, "NoSuchEntity"); httpStatus(err) != 404 || ae.ErrorMessage() != "Instance Profile Tower-Instance cannot be found." {
		t.Fatalf("GetInstanceProfile after delete: %v (status %d)", err, httpStatus(err))
	}
}

func TestInstanceProfileHoldsOneRole(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	createTowerRole(t, c, "first")
	createTowerRole(t, c, "second")
	if _, err := c.CreateInstanceProfile(ctx, &awsiam.CreateInstanceProfileInput{InstanceProfileName: aws.String("Tower-Instance")}); err != nil {
		t.Fatal(err)
	}
	add := func(profile, role string) error {
		_, err := c.AddRoleToInstanceProfile(ctx, &awsiam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String(profile), RoleName: aws.String(role)})
		return err
	}
	if err := add("tower-instance", "FIRST"); err != nil { // names are found without regard to case
		t.Fatal(err)
	}
	for _, role := range []string{"second", "first"} {
		err := add("Tower-Instance", role)
		if ae := apiError(t, err, "LimitExceeded"); httpStatus(err) != 409 || ae.ErrorMessage() != "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1" {
			t.Fatalf("second role %s: %v (status %d)", role, err, httpStatus(err))
		}
	}
	err := add("Tower-Instance", "nope")
	if ae := apiError(t, err, "NoSuchEntity"); httpStatus(err) != 404 || ae.ErrorMessage() != "The role with name nope cannot be found." {
		t.Fatalf("missing role: %v", err)
	}
	err = add("nope", "first")
	if ae := apiError(t, err, "NoSuchEntity"); ae.ErrorMessage() != "Instance Profile nope cannot be found." {
		t.Fatalf("missing profile: %v", err)
	}
	_, err = c.CreateInstanceProfile(ctx, &awsiam.CreateInstanceProfileInput{InstanceProfileName: aws.String("tower-instance")})
	if ae := apiError(t, err, "EntityAlreadyExists"); httpStatus(err) != 409 || ae.ErrorMessage() != "Instance Profile tower-instance already exists." {
		t.Fatalf("duplicate profile: %v", err)
	}
	_, err = c.RemoveRoleFromInstanceProfile(ctx, &awsiam.RemoveRoleFromInstanceProfileInput{InstanceProfileName: aws.String("Tower-Instance"), RoleName: aws.String("second")})
	apiError(t, err, "NoSuchEntity")

	// The rejected calls changed nothing: the profile has its first role, stored with its
	// own name, and the second role is in no profile.
	got, err := c.GetInstanceProfile(ctx, &awsiam.GetInstanceProfileInput{InstanceProfileName: aws.String("Tower-Instance")})
	if err != nil || strings.Join(profileRoleNames(got.InstanceProfile), ",") != "first" {
		t.Fatalf("profile after rejected calls: %v %v", got, err)
	}
	for role, want := range map[string]int{"first": 1, "second": 0} {
		out, err := c.ListInstanceProfilesForRole(ctx, &awsiam.ListInstanceProfilesForRoleInput{RoleName: aws.String(role)})
		if err != nil || len(out.InstanceProfiles) != want {
			t.Fatalf("profiles of %s: %+v %v", role, out, err)
		}
	}
	list, err := c.ListInstanceProfiles(ctx, &awsiam.ListInstanceProfilesInput{})
	if err != nil || len(list.InstanceProfiles) != 1 {
		t.Fatalf("ListInstanceProfiles after rejected calls: %+v %v", list, err)
	}
	_, err = c.ListInstanceProfilesForRole(ctx, &awsiam.ListInstanceProfilesForRoleInput{RoleName: aws.String("nope")})
	if ae := apiError(t, err, "NoSuchEntity"); ae.ErrorMessage() != "The role with name nope cannot be found." {
		t.Fatalf("profiles of a missing role: %v", err)
	}

	// A profile can take another role once its role is gone.
	if _, err := c.RemoveRoleFromInstanceProfile(ctx, &awsiam.RemoveRoleFromInstanceProfileInput{InstanceProfileName: aws.String("Tower-Instance"), RoleName: aws.String("First")}); err != nil {
		t.Fatal(err)
	}
	if err := add("Tower-Instance", "second"); err != nil {
		t.Fatal(err)
	}
}

func TestInstanceProfileValidation(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	cases := []struct {
		name string
		in   awsiam.CreateInstanceProfileInput
		code string
		msg  string
	}{
		{"bad name", awsiam.CreateInstanceProfileInput{InstanceProfileName: aws.String("bad name")}, "ValidationError",
			`1 validation error detected: Value 'bad name' at 'instanceProfileName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`},
		{"long name", awsiam.CreateInstanceProfileInput{InstanceProfileName: aws.String(strings.Repeat("a", 129))}, "ValidationError",
			fmt.Sprintf("1 validation error detected: Value '%s' at 'instanceProfileName' failed to satisfy constraint: Member must have length less than or equal to 128", strings.Repeat("a", 129))},
		{"bad path", awsiam.CreateInstanceProfileInput{InstanceProfileName: aws.String("p"), Path: aws.String("ec2")}, "ValidationError", ""},
		{"duplicate tag keys", awsiam.CreateInstanceProfileInput{InstanceProfileName: aws.String("p"), Tags: []types.Tag{
			{Key: aws.String("team"), Value: aws.String("a")}, {Key: aws.String("Team"), Value: aws.String("b")}}},
			"InvalidInput", "Duplicate tag keys found. Please note that Tag keys are case insensitive."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			_, err := c.CreateInstanceProfile(ctx, &in)
			ae := apiError(t, err, tc.code)
			if httpStatus(err) != 400 {
				t.Fatalf("status %d, want 400", httpStatus(err))
			}
			if tc.msg != "" && ae.ErrorMessage() != tc.msg {
				t.Fatalf("message %q, want %q", ae.ErrorMessage(), tc.msg)
			}
		})
	}
	list, err := c.ListInstanceProfiles(ctx, &awsiam.ListInstanceProfilesInput{})
	if err != nil || len(list.InstanceProfiles) != 0 {
		t.Fatalf("ListInstanceProfiles after rejected calls: %+v %v", list, err)
	}
}

func TestInstanceProfileTags(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	name := aws.String("Tower-Instance")
	tag := func(k, v string) types.Tag { return types.Tag{Key: aws.String(k), Value: aws.String(v)} }
	if _, err := c.CreateInstanceProfile(ctx, &awsiam.CreateInstanceProfileInput{InstanceProfileName: name, Tags: []types.Tag{tag("team", "hpc")}}); err != nil {
		t.Fatal(err)
	}
	tagsOf := func() string {
		t.Helper()
		out, err := c.ListInstanceProfileTags(ctx, &awsiam.ListInstanceProfileTagsInput{InstanceProfileName: name})
		if err != nil {
			t.Fatal(err)
		}
		var s []string
		for _, tg := range out.Tags {
			s = append(s, aws.ToString(tg.Key)+"="+aws.ToString(tg.Value))
		}
		return strings.Join(s, ",")
	}
	if got := tagsOf(); got != "team=hpc" {
		t.Fatalf("tags %s", got)
	}
	if _, err := c.TagInstanceProfile(ctx, &awsiam.TagInstanceProfileInput{InstanceProfileName: name, Tags: []types.Tag{tag("Team", "batch"), tag("cost", "42")}}); err != nil {
		t.Fatal(err)
	}
	if got := tagsOf(); got != "cost=42,Team=batch" {
		t.Fatalf("tags after TagInstanceProfile %s", got)
	}
	got, err := c.GetInstanceProfile(ctx, &awsiam.GetInstanceProfileInput{InstanceProfileName: name})
	if err != nil || len(got.InstanceProfile.Tags) != 2 {
		t.Fatalf("GetInstanceProfile tags: %+v %v", got, err)
	}
	list, err := c.ListInstanceProfiles(ctx, &awsiam.ListInstanceProfilesInput{})
	if err != nil || len(list.InstanceProfiles) != 1 || len(list.InstanceProfiles[0].Tags) != 0 {
		t.Fatalf("ListInstanceProfiles returns no tags, as AWS: %+v %v", list, err)
	}

	// 50 tags at most: a call that would pass it changes nothing.
	var many []types.Tag
	for i := range 49 {
		many = append(many, tag(fmt.Sprintf("k%02d", i), "v"))
	}
	_, err = c.TagInstanceProfile(ctx, &awsiam.TagInstanceProfileInput{InstanceProfileName: name, Tags: many})
	if ae := apiError(t, err, "LimitExceeded"); ae.ErrorMessage() != "Cannot exceed quota for TagsPerResource: 50" {
		t.Fatalf("too many tags: %v", err)
	}
	if got := tagsOf(); got != "cost=42,Team=batch" {
		t.Fatalf("tags after a rejected TagInstanceProfile %s", got)
	}

	page, err := c.ListInstanceProfileTags(ctx, &awsiam.ListInstanceProfileTagsInput{InstanceProfileName: name, MaxItems: aws.Int32(1)})
	if err != nil || len(page.Tags) != 1 || !page.IsTruncated {
		t.Fatalf("first page of tags %+v %v", page, err)
	}
	page, err = c.ListInstanceProfileTags(ctx, &awsiam.ListInstanceProfileTagsInput{InstanceProfileName: name, MaxItems: aws.Int32(1), Marker: page.Marker})
	if err != nil || len(page.Tags) != 1 || page.IsTruncated || aws.ToString(page.Tags[0].Key) != "Team" {
		t.Fatalf("second page of tags %+v %v", page, err)
	}

	if _, err := c.UntagInstanceProfile(ctx, &awsiam.UntagInstanceProfileInput{InstanceProfileName: name, TagKeys: []string{"TEAM"}}); err != nil {
		t.Fatal(err)
	}
	if got := tagsOf(); got != "cost=42" {
		t.Fatalf("tags after UntagInstanceProfile %s", got)
	}
	_, err = c.TagInstanceProfile(ctx, &awsiam.TagInstanceProfileInput{InstanceProfileName: aws.String("nope"), Tags: []types.Tag{tag("a", "b")}})
	if ae := apiError(t, err, "NoSuchEntity"); ae.ErrorMessage() != "Instance Profile nope cannot be found." {
		t.Fatalf("tagging a missing profile: %v", err)
	}
}

func TestListInstanceProfilesPaginationAndPathPrefix(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	for i, name := range []string{"e", "d", "c", "b", "a"} {
		path := "/"
		if i%2 == 0 {
			path = "/ec2/"
		}
		if _, err := c.CreateInstanceProfile(ctx, &awsiam.CreateInstanceProfileInput{InstanceProfileName: aws.String(name), Path: aws.String(path)}); err != nil {
			t.Fatal(err)
		}
	}
	var all []string
	var marker *string
	for pages := 0; ; pages++ {
		out, err := c.ListInstanceProfiles(ctx, &awsiam.ListInstanceProfilesInput{MaxItems: aws.Int32(2), Marker: marker})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range out.InstanceProfiles {
			all = append(all, aws.ToString(p.InstanceProfileName))
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
		t.Fatalf("all profiles %v", all)
	}
	out, err := c.ListInstanceProfiles(ctx, &awsiam.ListInstanceProfilesInput{PathPrefix: aws.String("/ec2/")})
	if err != nil || len(out.InstanceProfiles) != 3 || aws.ToString(out.InstanceProfiles[0].Arn) != "arn:aws:iam::123456789012:instance-profile/ec2/a" {
		t.Fatalf("PathPrefix: %+v %v", out, err)
	}
	_, err = c.ListInstanceProfiles(ctx, &awsiam.ListInstanceProfilesInput{MaxItems: aws.Int32(1001)})
	apiError(t, err, "ValidationError")
}

// syncBuffer is an io.Writer safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// auditLine is an audit record as iamd policy generate reads it (its caller's ARN, action,
// resource and decision).
type auditLine = policygen.Record

func (b *syncBuffer) events(t *testing.T) []auditLine {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []auditLine
	for _, line := range strings.Split(strings.TrimSpace(b.buf.String()), "\n") {
		if line == "" {
			continue
		}
		var e auditLine
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}

// startAuditedServer is startServer with the audit log kept in a buffer.
func startAuditedServer(t *testing.T) (*testServer, *syncBuffer) {
	t.Helper()
	audit := &syncBuffer{}
	return startServerAt(t, "", time.Now, func(c *Config) { c.Audit = audit }), audit
}

// Calls are authorized on the resources the Service Authorization Reference names, with
// the entities' real paths.
func TestInstanceProfileAndAccountResources(t *testing.T) {
	ts, audit := startAuditedServer(t)
	ctx := context.Background()
	c := ts.iam(ts.root)
	if _, err := c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("Tower-Role"), Path: aws.String("/hpc/"), AssumeRolePolicyDocument: aws.String(towerTrust)}); err != nil {
		t.Fatal(err)
	}
	profile := aws.String("Tower-Instance")
	if _, err := c.CreateInstanceProfile(ctx, &awsiam.CreateInstanceProfileInput{InstanceProfileName: profile, Path: aws.String("/ec2/")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddRoleToInstanceProfile(ctx, &awsiam.AddRoleToInstanceProfileInput{InstanceProfileName: profile, RoleName: aws.String("Tower-Role")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetInstanceProfile(ctx, &awsiam.GetInstanceProfileInput{InstanceProfileName: profile}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListInstanceProfilesForRole(ctx, &awsiam.ListInstanceProfilesForRoleInput{RoleName: aws.String("Tower-Role")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListInstanceProfiles(ctx, &awsiam.ListInstanceProfilesInput{PathPrefix: aws.String("/ec2/")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetAccountSummary(ctx, &awsiam.GetAccountSummaryInput{}); err != nil {
		t.Fatal(err)
	}
	_, err := c.GetInstanceProfile(ctx, &awsiam.GetInstanceProfileInput{InstanceProfileName: aws.String("nope")})
	apiError(t, err, "NoSuchEntity")

	want := map[string]string{
		"iam:CreateInstanceProfile":       "arn:aws:iam::123456789012:instance-profile/ec2/Tower-Instance",
		"iam:AddRoleToInstanceProfile":    "arn:aws:iam::123456789012:instance-profile/ec2/Tower-Instance",
		"iam:GetInstanceProfile":          "arn:aws:iam::123456789012:instance-profile/ec2/Tower-Instance",
		"iam:ListInstanceProfilesForRole": "arn:aws:iam::123456789012:role/hpc/Tower-Role",
		"iam:ListInstanceProfiles":        "arn:aws:iam::123456789012:instance-profile/ec2/",
		"iam:GetAccountSummary":           "*",
	}
	seen := map[string]bool{}
	for _, e := range audit.events(t) {
		if w, ok := want[e.Action]; ok && !seen[e.Action] {
			seen[e.Action] = true
			if e.Resource != w || e.Decision != "allowed" {
				t.Errorf("%s on %s (%s), want %s", e.Action, e.Resource, e.Decision, w)
			}
		}
		if e.Action == "iam:GetInstanceProfile" && e.ErrorCode == "NoSuchEntity" && e.Resource != "arn:aws:iam::123456789012:instance-profile/nope" {
			t.Errorf("missing profile authorized on %s", e.Resource)
		}
	}
	if len(seen) != len(want) {
		t.Fatalf("audited %v, want all of %v", seen, want)
	}
}

// A user is allowed instance-profile actions by its policies on the profile's ARN with its
// path, and AddRoleToInstanceProfile also needs iam:PassRole on the role.
func TestInstanceProfileAuthorization(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	createTowerRole(t, c, "Tower-Role")
	for _, p := range []struct{ name, path string }{{"Tower-Instance", "/ec2/"}, {"Other", "/"}} {
		if _, err := c.CreateInstanceProfile(ctx, &awsiam.CreateInstanceProfileInput{InstanceProfileName: aws.String(p.name), Path: aws.String(p.path)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("ops")}); err != nil {
		t.Fatal(err)
	}
	allow := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GetInstanceProfile","iam:AddRoleToInstanceProfile","iam:RemoveRoleFromInstanceProfile"],"Resource":"arn:aws:iam::123456789012:instance-profile/ec2/*"}]}`
	if _, err := c.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("ops"), PolicyName: aws.String("profiles"), PolicyDocument: aws.String(allow)}); err != nil {
		t.Fatal(err)
	}
	key, err := c.CreateAccessKey(ctx, &awsiam.CreateAccessKeyInput{UserName: aws.String("ops")})
	if err != nil {
		t.Fatal(err)
	}
	u := ts.iam(aws.Credentials{AccessKeyID: aws.ToString(key.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(key.AccessKey.SecretAccessKey)})

	if _, err := u.GetInstanceProfile(ctx, &awsiam.GetInstanceProfileInput{InstanceProfileName: aws.String("Tower-Instance")}); err != nil {
		t.Fatalf("allowed GetInstanceProfile: %v", err)
	}
	_, err = u.GetInstanceProfile(ctx, &awsiam.GetInstanceProfileInput{InstanceProfileName: aws.String("Other")})
	if ae := apiError(t, err, "AccessDenied"); httpStatus(err) != 403 || !strings.Contains(ae.ErrorMessage(), "iam:GetInstanceProfile on resource: arn:aws:iam::123456789012:instance-profile/Other") {
		t.Fatalf("GetInstanceProfile outside the policy: %v", err)
	}
	_, err = u.ListInstanceProfiles(ctx, &awsiam.ListInstanceProfilesInput{})
	apiError(t, err, "AccessDenied")

	addRole := func() error {
		_, err := u.AddRoleToInstanceProfile(ctx, &awsiam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("Tower-Instance"), RoleName: aws.String("Tower-Role")})
		return err
	}
	err = addRole()
	if ae := apiError(t, err, "AccessDenied"); !strings.Contains(ae.ErrorMessage(), "iam:PassRole on resource: arn:aws:iam::123456789012:role/Tower-Role") {
		t.Fatalf("AddRoleToInstanceProfile without PassRole: %v", err)
	}
	if got, err := c.GetInstanceProfile(ctx, &awsiam.GetInstanceProfileInput{InstanceProfileName: aws.String("Tower-Instance")}); err != nil || len(got.InstanceProfile.Roles) != 0 {
		t.Fatalf("a denied AddRoleToInstanceProfile changed the profile: %v", err)
	}
	pass := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::123456789012:role/Tower-*"}]}`
	if _, err := c.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("ops"), PolicyName: aws.String("pass"), PolicyDocument: aws.String(pass)}); err != nil {
		t.Fatal(err)
	}
	if err := addRole(); err != nil {
		t.Fatalf("AddRoleToInstanceProfile with PassRole: %v", err)
	}
}
