package server

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	awsec2 "github.com/aws/aws-sdk-go-v2/service/ec2"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	sm "github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/iamd-dev/iamd/internal/catalog"
	"github.com/iamd-dev/iamd/internal/lint"
	"github.com/iamd-dev/iamd/internal/policy"
	"github.com/iamd-dev/iamd/internal/policygen"
)

const (
	broadPolicy  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:*","secretsmanager:*","ec2:*","sts:*"],"Resource":"*"}]}`
	accountTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`
)

// text is what the buffer holds.
func (b *syncBuffer) text() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// workloadCall is one call of a recorded workload, made with a principal's credentials.
type workloadCall struct {
	name string
	call func(ctx context.Context, ts *testServer, creds aws.Credentials) error
}

// workload is what the principal whose policy is generated does; replayed by a fresh
// principal with the generated policy, each call passes authorization again (CreateRole
// then finds the role it made).
func workload(roleName string) []workloadCall {
	return []workloadCall{
		{"GetRole", func(ctx context.Context, ts *testServer, c aws.Credentials) error {
			_, err := ts.iam(c).GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String("app")})
			return err
		}},
		{"TagRole", func(ctx context.Context, ts *testServer, c aws.Credentials) error {
			_, err := ts.iam(c).TagRole(ctx, &awsiam.TagRoleInput{RoleName: aws.String("app"), Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("ci")}}})
			return err
		}},
		{"ListRoles", func(ctx context.Context, ts *testServer, c aws.Credentials) error {
			_, err := ts.iam(c).ListRoles(ctx, &awsiam.ListRolesInput{})
			return err
		}},
		{"CreateRole", func(ctx context.Context, ts *testServer, c aws.Credentials) error {
			_, err := ts.iam(c).CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String(roleName), AssumeRolePolicyDocument: aws.String(accountTrust)})
			var exists interface{ ErrorCode() string }
			if errors.As(err, &exists) && exists.ErrorCode() == "EntityAlreadyExists" {
				return nil // authorized, then found the role the workload made
			}
			return err
		}},
		{"GetSecretValue", func(ctx context.Context, ts *testServer, c aws.Credentials) error {
			_, err := ts.sm(c).GetSecretValue(ctx, &sm.GetSecretValueInput{SecretId: aws.String("db")})
			return err
		}},
		{"DescribeSecret", func(ctx context.Context, ts *testServer, c aws.Credentials) error {
			_, err := ts.sm(c).DescribeSecret(ctx, &sm.DescribeSecretInput{SecretId: aws.String("db")})
			return err
		}},
		{"ListSecrets", func(ctx context.Context, ts *testServer, c aws.Credentials) error {
			_, err := ts.sm(c).ListSecrets(ctx, &sm.ListSecretsInput{})
			return err
		}},
		{"DescribeInstances", func(ctx context.Context, ts *testServer, c aws.Credentials) error {
			_, err := ts.ec2(c).DescribeInstances(ctx, &awsec2.DescribeInstancesInput{})
			return err
		}},
		{"GetCallerIdentity", func(ctx context.Context, ts *testServer, c aws.Credentials) error {
			_, err := ts.sts(c).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			return err
		}},
	}
}

// outside are calls next to the workload's: another action on its resources, its actions on
// other resources. The generated policy allows none.
var outside = []struct {
	name, code string
	call       func(ctx context.Context, ts *testServer, c aws.Credentials) error
}{
	{"GetRole of another role", "AccessDenied", func(ctx context.Context, ts *testServer, c aws.Credentials) error {
		_, err := ts.iam(c).GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String("other")})
		return err
	}},
	{"DeleteRole of the role", "AccessDenied", func(ctx context.Context, ts *testServer, c aws.Credentials) error {
		_, err := ts.iam(c).DeleteRole(ctx, &awsiam.DeleteRoleInput{RoleName: aws.String("app")})
		return err
	}},
	{"ListUsers", "AccessDenied", func(ctx context.Context, ts *testServer, c aws.Credentials) error {
		_, err := ts.iam(c).ListUsers(ctx, &awsiam.ListUsersInput{})
		return err
	}},
	{"GetSecretValue of another secret", "AccessDeniedException", func(ctx context.Context, ts *testServer, c aws.Credentials) error {
		_, err := ts.sm(c).GetSecretValue(ctx, &sm.GetSecretValueInput{SecretId: aws.String("other-secret")})
		return err
	}},
	{"PutSecretValue of the secret", "AccessDeniedException", func(ctx context.Context, ts *testServer, c aws.Credentials) error {
		_, err := ts.sm(c).PutSecretValue(ctx, &sm.PutSecretValueInput{SecretId: aws.String("db"), SecretString: aws.String("new")})
		return err
	}},
	{"CreateRole of another name", "AccessDenied", func(ctx context.Context, ts *testServer, c aws.Credentials) error {
		_, err := ts.iam(c).CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("not-in-the-workload"), AssumeRolePolicyDocument: aws.String(accountTrust)})
		return err
	}},
}

// roleSession creates a role with an inline or attached policy and returns a session of it
// (assumed by the root user).
func roleSession(t *testing.T, ts *testServer, path, name, inline, attached string) aws.Credentials {
	t.Helper()
	ctx := context.Background()
	root := ts.iam(ts.root)
	if _, err := root.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String(name), Path: aws.String(path), AssumeRolePolicyDocument: aws.String(accountTrust)}); err != nil {
		t.Fatal(err)
	}
	if inline != "" {
		if _, err := root.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String("inline"), PolicyDocument: aws.String(inline)}); err != nil {
			t.Fatal(err)
		}
	}
	if attached != "" {
		if _, err := root.AttachRolePolicy(ctx, &awsiam.AttachRolePolicyInput{RoleName: aws.String(name), PolicyArn: aws.String(attached)}); err != nil {
			t.Fatal(err)
		}
	}
	out, err := ts.sts(ts.root).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role" + path + name), RoleSessionName: aws.String("job")})
	if err != nil {
		t.Fatal(err)
	}
	return aws.Credentials{AccessKeyID: aws.ToString(out.Credentials.AccessKeyId), SecretAccessKey: aws.ToString(out.Credentials.SecretAccessKey), SessionToken: aws.ToString(out.Credentials.SessionToken)}
}

// userWithPolicies creates a user with a key, an inline policy and an attached one (either
// may be "").
func userWithPolicies(t *testing.T, ts *testServer, path, name, inline, attached string) aws.Credentials {
	t.Helper()
	ctx := context.Background()
	creds := userWithKey(t, ts, name, path)
	root := ts.iam(ts.root)
	if inline != "" {
		if _, err := root.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("inline"), PolicyDocument: aws.String(inline)}); err != nil {
			t.Fatal(err)
		}
	}
	if attached != "" {
		if _, err := root.AttachUserPolicy(ctx, &awsiam.AttachUserPolicyInput{UserName: aws.String(name), PolicyArn: aws.String(attached)}); err != nil {
			t.Fatal(err)
		}
	}
	return creds
}

// A policy generated from a principal's audited calls, attached to a fresh principal,
// allows the same calls and denies those next to them, for a user and for a role's sessions
// (the role named by its ARN with its path, which the audit lines do not carry).
func TestGeneratedPolicyAllowsTheWorkloadAndNothingElse(t *testing.T) {
	ts, audit := startAuditedServer(t)
	ctx := context.Background()
	root := ts.iam(ts.root)
	for _, name := range []string{"app", "other"} {
		if _, err := root.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String(name), Path: aws.String("/svc/"), AssumeRolePolicyDocument: aws.String(accountTrust)}); err != nil {
			t.Fatal(err)
		}
	}
	createSecret(t, ts.sm(ts.root), "db", "s3cr3t-value")
	createSecret(t, ts.sm(ts.root), "other-secret", "x")

	for _, tc := range []struct {
		kind      string
		principal string
		broad     func() aws.Credentials
		fresh     func(policyARN string) aws.Credentials
	}{
		{"user", "arn:aws:iam::123456789012:user/team/worker",
			func() aws.Credentials { return userWithPolicies(t, ts, "/team/", "worker", broadPolicy, "") },
			func(p string) aws.Credentials { return userWithPolicies(t, ts, "", "fresh-worker", "", p) }},
		{"role", "arn:aws:iam::123456789012:role/ci/builder",
			func() aws.Credentials { return roleSession(t, ts, "/ci/", "builder", broadPolicy, "") },
			func(p string) aws.Credentials { return roleSession(t, ts, "/ci/", "fresh-builder", "", p) }},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			calls := workload("made-by-" + tc.kind)
			broad := tc.broad()
			for _, c := range calls {
				if err := c.call(ctx, ts, broad); err != nil {
					t.Fatalf("%s with the broad policy: %v", c.name, err)
				}
			}
			p, err := policygen.ParsePrincipal(tc.principal)
			if err != nil {
				t.Fatal(err)
			}
			g, err := policygen.Generate(strings.NewReader(audit.text()), policygen.Options{Principal: p})
			if err != nil {
				t.Fatal(err)
			}
			doc := g.Policy.JSON()
			for _, f := range lint.Lint(doc, lint.Options{Kind: policy.Identity}) {
				if f.FindingType == lint.Error {
					t.Errorf("lint: %s %s", f.IssueCode, f.FindingDetails)
				}
			}
			if g.Calls != len(calls)-1 || len(g.Left) != 1 || g.Left[0].Action != "sts:GetCallerIdentity" {
				t.Errorf("granted %d calls, left %+v; want %d and sts:GetCallerIdentity", g.Calls, g.Left, len(calls)-1)
			}
			wantOnlyTheWorkload(t, doc, tc.principal, audit.text())

			fresh := tc.fresh(aws.ToString(createPolicy(t, root, "generated-"+tc.kind, "", string(doc)).Arn))
			for _, c := range calls {
				if err := c.call(ctx, ts, fresh); err != nil {
					t.Errorf("%s with the generated policy: %v\n%s", c.name, err, doc)
				}
			}
			for _, c := range outside {
				apiError(t, c.call(ctx, ts, fresh), c.code)
			}
		})
	}
}

// wantOnlyTheWorkload checks the policy against the catalog: every action of the
// workload's services, on "*" when it takes only that, else on each resource the workload
// used, is allowed exactly when the principal's allowed calls were authorized on it.
func wantOnlyTheWorkload(t *testing.T, doc []byte, principal, auditLog string) {
	t.Helper()
	pol, err := policy.Parse(doc, policy.Identity)
	if err != nil {
		t.Fatalf("%v\n%s", err, doc)
	}
	p, _ := policygen.ParsePrincipal(principal)
	cat := catalog.Default()
	used := map[string]bool{} // catalog action and resource
	var arns []string
	services := map[string]bool{}
	r := policygen.NewReader(strings.NewReader(auditLog))
	for {
		rec, err := r.Next()
		if err != nil {
			break
		}
		a := cat.Action(rec.Action)
		if rec.Decision != policygen.Allowed || !p.Matches(rec.Caller) || a.String() == "sts:GetCallerIdentity" {
			continue
		}
		resource := rec.Resource
		if len(a.Resources) == 0 {
			resource = "*" // EC2's Describe calls are audited with no resource
		} else if !slices.Contains(arns, resource) {
			arns = append(arns, resource)
		}
		used[a.String()+" "+resource] = true
		services[a.Service.Prefix] = true
	}
	caller, _ := policy.ParsePrincipal("arn:aws:iam::123456789012:user/fresh")
	set := &policy.Set{Identity: []*policy.Policy{pol}}
	checked := 0
	for prefix := range services {
		for _, a := range cat.Service(prefix).Actions {
			resources := arns
			if len(a.Resources) == 0 {
				resources = []string{"*"}
			}
			for _, res := range resources {
				d := policy.Evaluate(set, policy.NewRequest(caller, a.String(), res, "123456789012", policy.Context{}))
				if got, want := d.Result == policy.Allowed, used[a.String()+" "+res]; got != want {
					t.Errorf("%s on %s: allowed %v, want %v", a, res, got, want)
				}
				checked++
			}
		}
	}
	if checked < 1000 {
		t.Fatalf("only %d action and resource pairs checked", checked)
	}
}

// requestID is the request id of a failed SDK call.
func requestID(t *testing.T, err error) string {
	t.Helper()
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.ServiceRequestID() == "" {
		t.Fatalf("no request id in %v", err)
	}
	return re.ServiceRequestID()
}

// A denial's audit line keeps why (the layer, the deciding statement or the statements
// that were not enough, the missing keys), and policy explain words it; the caller's
// message is AWS's, unchanged.
func TestDenialsAreExplained(t *testing.T) {
	ts, audit := startAuditedServer(t)
	ctx := context.Background()
	guard := aws.ToString(createPolicy(t, ts.iam(ts.root), "guard", "", `{"Version":"2012-10-17","Statement":[
		{"Sid":"Reads","Effect":"Allow","Action":"iam:Get*","Resource":"*"},
		{"Sid":"NoDeletes","Effect":"Deny","Action":"iam:DeleteRole","Resource":"*"}]}`).Arn)
	guarded := ts.iam(userWithPolicies(t, ts, "", "guarded", broadPolicy, guard))
	mfa := ts.iam(userWithPolicies(t, ts, "", "no-mfa", `{"Version":"2012-10-17","Statement":[
		{"Sid":"WithMFA","Effect":"Allow","Action":"iam:*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`, ""))
	nobody := userWithKey(t, ts, "nobody", "")
	if _, err := ts.iam(ts.root).CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("app"), AssumeRolePolicyDocument: aws.String(accountTrust)}); err != nil {
		t.Fatal(err)
	}
	const role = "arn:aws:iam::123456789012:role/app"

	_, err := guarded.DeleteRole(ctx, &awsiam.DeleteRoleInput{RoleName: aws.String("app")})
	wantDenied(t, err, "User: arn:aws:iam::123456789012:user/guarded is not authorized to perform: iam:DeleteRole on resource: "+role+" with an explicit deny in an identity-based policy")
	explicit := requestID(t, err)
	_, err = mfa.GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String("app")})
	wantDenied(t, err, "User: arn:aws:iam::123456789012:user/no-mfa is not authorized to perform: iam:GetRole on resource: "+role+" because no identity-based policy allows the iam:GetRole action")
	implicit := requestID(t, err)
	_, err = ts.sm(nobody).ListSecrets(ctx, &sm.ListSecretsInput{})
	apiError(t, err, "AccessDeniedException")
	secrets := requestID(t, err)
	_, err = ts.ec2(nobody).DescribeInstances(ctx, &awsec2.DescribeInstancesInput{})
	apiError(t, err, "UnauthorizedOperation")
	ec2 := requestID(t, err)
	if _, err := guarded.GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String("app")}); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		id     string
		result string
		want   []string
	}{
		{explicit, "explicitDeny", []string{
			"  decision: denied (AccessDenied)\n",
			"Explicit deny in an identity-based policy: a Deny statement applies to iam:DeleteRole on " + role + ".\n",
			`  - Statement[1] (Sid "NoDeletes") of the identity-based policy "arn:aws:iam::123456789012:policy/guard"` + "\n",
		}},
		{implicit, "implicitDeny", []string{
			"Implicit deny: no identity-based policy statement allows iam:GetRole on " + role + ".\n",
			"  - aws:MultiFactorAuthPresent\n",
		}},
		{secrets, "implicitDeny", []string{"decision: denied (AccessDeniedException)", "no identity-based policy statement allows secretsmanager:ListSecrets on *.\n"}},
		{ec2, "implicitDeny", []string{"  call:     ec2:DescribeInstances on *\n", "decision: denied (UnauthorizedOperation)", "no identity-based policy statement allows ec2:DescribeInstances on *.\n"}},
	} {
		rec, err := policygen.Find(strings.NewReader(audit.text()), tc.id)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Denial == nil || rec.Denial.Result != tc.result || rec.Denial.Layer != "identity" {
			t.Errorf("%s: denial %+v, want %s by identity", rec.Action, rec.Denial, tc.result)
		}
		got := policygen.Explain(rec)
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("the explanation lacks %q:\n%s", w, got)
			}
		}
	}
	for _, e := range audit.events(t) {
		if e.Decision != "denied" && e.Denial != nil {
			t.Errorf("%s %s audited with a denial: %+v", e.Decision, e.Action, e.Denial)
		}
	}
}
