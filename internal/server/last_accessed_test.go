package server

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	sm "github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

const (
	workerARN    = "arn:aws:iam::123456789012:role/jobs/worker"
	workerPolicy = `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":["iam:ListRoles","iam:GetRole"],"Resource":"*"},
 {"Effect":"Allow","Action":"secretsmanager:List*","Resource":"*"},
 {"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"},
 {"Effect":"Deny","Action":"s3:*","Resource":"*"}]}`
)

// workerSession creates the role jobs/worker with workerPolicy and returns a session of it.
func workerSession(t *testing.T, ts *testServer) aws.Credentials {
	t.Helper()
	ctx := context.Background()
	root := ts.iam(ts.root)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`
	if _, err := root.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("worker"), Path: aws.String("/jobs/"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String("worker"), PolicyName: aws.String("work"), PolicyDocument: aws.String(workerPolicy)}); err != nil {
		t.Fatal(err)
	}
	out, err := ts.sts(ts.root).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(workerARN), RoleSessionName: aws.String("job-1")})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	return aws.Credentials{AccessKeyID: aws.ToString(c.AccessKeyId), SecretAccessKey: aws.ToString(c.SecretAccessKey), SessionToken: aws.ToString(c.SessionToken)}
}

func lastAccessed(t *testing.T, c *awsiam.Client, arn string, granularity types.AccessAdvisorUsageGranularityType) (*awsiam.GetServiceLastAccessedDetailsOutput, string) {
	t.Helper()
	ctx := context.Background()
	job, err := c.GenerateServiceLastAccessedDetails(ctx, &awsiam.GenerateServiceLastAccessedDetailsInput{Arn: aws.String(arn), Granularity: granularity})
	if err != nil {
		t.Fatal(err)
	}
	// Every page: a policy that allows "*" or a NotAction allows hundreds of services.
	out, err := c.GetServiceLastAccessedDetails(ctx, &awsiam.GetServiceLastAccessedDetailsInput{JobId: job.JobId})
	for err == nil && out.IsTruncated {
		var next *awsiam.GetServiceLastAccessedDetailsOutput
		next, err = c.GetServiceLastAccessedDetails(ctx, &awsiam.GetServiceLastAccessedDetailsInput{JobId: job.JobId, Marker: out.Marker})
		if err == nil {
			out.ServicesLastAccessed = append(out.ServicesLastAccessed, next.ServicesLastAccessed...)
			out.IsTruncated, out.Marker = next.IsTruncated, next.Marker
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	if out.JobStatus != types.JobStatusTypeCompleted || out.JobCreationDate == nil || out.JobCompletionDate == nil {
		t.Fatalf("job %+v", out)
	}
	return out, aws.ToString(job.JobId)
}

func serviceOf(out *awsiam.GetServiceLastAccessedDetailsOutput, ns string) *types.ServiceLastAccessed {
	for i := range out.ServicesLastAccessed {
		if aws.ToString(out.ServicesLastAccessed[i].ServiceNamespace) == ns {
			return &out.ServicesLastAccessed[i]
		}
	}
	return nil
}

func namespaces(out *awsiam.GetServiceLastAccessedDetailsOutput) []string {
	var ns []string
	for _, s := range out.ServicesLastAccessed {
		ns = append(ns, aws.ToString(s.ServiceNamespace))
	}
	return ns
}

// TestServiceLastAccessedOfARole: after calls as a role, its report lists the services its
// policies allow, with when, from where and by whom each was last requested, once a
// minute at most; the action-level report has the actions.
func TestServiceLastAccessedOfARole(t *testing.T) {
	var now atomic.Int64
	start := time.Now().Truncate(time.Second)
	now.Store(start.Unix())
	ts := startServerAt(t, "", func() time.Time { return time.Unix(now.Load(), 0) })
	ctx := context.Background()
	root := ts.iam(ts.root)
	worker := workerSession(t, ts)

	out, _ := lastAccessed(t, root, workerARN, "")
	if got := namespaces(out); len(got) != 3 || got[0] != "ec2" || got[1] != "iam" || got[2] != "secretsmanager" {
		t.Fatalf("services %v, want ec2 iam secretsmanager (s3 is only denied)", got)
	}
	if s := serviceOf(out, "iam"); s.LastAuthenticated != nil || aws.ToInt32(s.TotalAuthenticatedEntities) != 0 || aws.ToString(s.ServiceName) == "" {
		t.Fatalf("iam before any call: %+v", s)
	}

	if _, err := ts.iam(worker).ListRoles(ctx, &awsiam.ListRolesInput{}); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.smIn(worker, "eu-west-1").ListSecrets(ctx, &sm.ListSecretsInput{}); err != nil {
		t.Fatal(err)
	}
	// A denied request is an attempt too (AWS counts all attempts).
	if _, err := ts.iam(worker).ListUsers(ctx, &awsiam.ListUsersInput{}); err == nil {
		t.Fatal("ListUsers was allowed")
	}

	out, _ = lastAccessed(t, root, workerARN, types.AccessAdvisorUsageGranularityTypeServiceLevel)
	if out.JobType != types.AccessAdvisorUsageGranularityTypeServiceLevel {
		t.Fatalf("JobType %s", out.JobType)
	}
	iamSvc, smSvc, ec2Svc := serviceOf(out, "iam"), serviceOf(out, "secretsmanager"), serviceOf(out, "ec2")
	if iamSvc.LastAuthenticated == nil || !iamSvc.LastAuthenticated.Equal(start) || aws.ToString(iamSvc.LastAuthenticatedEntity) != workerARN ||
		aws.ToString(iamSvc.LastAuthenticatedRegion) != "us-east-1" || aws.ToInt32(iamSvc.TotalAuthenticatedEntities) != 1 || iamSvc.TrackedActionsLastAccessed != nil {
		t.Fatalf("iam: %+v", iamSvc)
	}
	if smSvc.LastAuthenticated == nil || aws.ToString(smSvc.LastAuthenticatedRegion) != "eu-west-1" {
		t.Fatalf("secretsmanager: %+v", smSvc)
	}
	if ec2Svc.LastAuthenticated != nil || ec2Svc.LastAuthenticatedEntity != nil || aws.ToInt32(ec2Svc.TotalAuthenticatedEntities) != 0 {
		t.Fatalf("ec2, never called: %+v", ec2Svc)
	}

	// Within the minute a second call writes nothing; after it, the time moves.
	now.Add(30)
	if _, err := ts.iam(worker).GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String("worker")}); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.iam(worker).ListRoles(ctx, &awsiam.ListRolesInput{}); err != nil {
		t.Fatal(err)
	}
	out, _ = lastAccessed(t, root, workerARN, "")
	if got := serviceOf(out, "iam").LastAuthenticated; !got.Equal(start.Add(30 * time.Second)) {
		t.Fatalf("iam after GetRole at +30s: %v (GetRole is a new action, written at once)", got)
	}
	now.Add(60)
	if _, err := ts.iam(worker).ListRoles(ctx, &awsiam.ListRolesInput{}); err != nil {
		t.Fatal(err)
	}
	out, _ = lastAccessed(t, root, workerARN, types.AccessAdvisorUsageGranularityTypeActionLevel)
	if out.JobType != types.AccessAdvisorUsageGranularityTypeActionLevel {
		t.Fatalf("JobType %s", out.JobType)
	}
	actions := map[string]time.Time{}
	for _, a := range serviceOf(out, "iam").TrackedActionsLastAccessed {
		if aws.ToString(a.LastAccessedEntity) != workerARN || aws.ToString(a.LastAccessedRegion) != "us-east-1" {
			t.Fatalf("tracked action %+v", a)
		}
		actions[aws.ToString(a.ActionName)] = aws.ToTime(a.LastAccessedTime)
	}
	if len(actions) != 2 || !actions["ListRoles"].Equal(start.Add(90*time.Second)) || !actions["GetRole"].Equal(start.Add(30*time.Second)) {
		t.Fatalf("iam's tracked actions %v (ListUsers is not allowed: not listed)", actions)
	}

	// The role's own entity list is itself.
	_, jobID := lastAccessed(t, root, workerARN, "")
	ents, err := root.GetServiceLastAccessedDetailsWithEntities(ctx, &awsiam.GetServiceLastAccessedDetailsWithEntitiesInput{JobId: aws.String(jobID), ServiceNamespace: aws.String("iam")})
	if err != nil {
		t.Fatal(err)
	}
	if len(ents.EntityDetailsList) != 1 || aws.ToString(ents.EntityDetailsList[0].EntityInfo.Arn) != workerARN ||
		ents.EntityDetailsList[0].EntityInfo.Type != types.PolicyOwnerEntityTypeRole || ents.EntityDetailsList[0].LastAuthenticated == nil {
		t.Fatalf("entities %+v", ents.EntityDetailsList)
	}

	// Pagination by service.
	page, err := root.GetServiceLastAccessedDetails(ctx, &awsiam.GetServiceLastAccessedDetailsInput{JobId: aws.String(jobID), MaxItems: aws.Int32(2)})
	if err != nil || !page.IsTruncated || len(page.ServicesLastAccessed) != 2 {
		t.Fatalf("first page %+v %v", page, err)
	}
	rest, err := root.GetServiceLastAccessedDetails(ctx, &awsiam.GetServiceLastAccessedDetailsInput{JobId: aws.String(jobID), Marker: page.Marker})
	if err != nil || rest.IsTruncated || len(rest.ServicesLastAccessed) != 1 || aws.ToString(rest.ServicesLastAccessed[0].ServiceNamespace) != "secretsmanager" {
		t.Fatalf("second page %+v %v", rest, err)
	}
}

func TestServiceLastAccessedErrors(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	root := ts.iam(ts.root)
	workerSession(t, ts)
	_, jobID := lastAccessed(t, root, workerARN, "")

	_, err := root.GenerateServiceLastAccessedDetails(ctx, &awsiam.GenerateServiceLastAccessedDetailsInput{Arn: aws.String("arn:aws:iam::123456789012:role/ghost")})
	wantError(t, err, "NoSuchEntity", 404, "The role with name ghost cannot be found.")
	_, err = root.GenerateServiceLastAccessedDetails(ctx, &awsiam.GenerateServiceLastAccessedDetailsInput{Arn: aws.String("arn:aws:iam::123456789012:role/worker")})
	apiError(t, err, "NoSuchEntity") // the role is under /jobs/
	_, err = root.GenerateServiceLastAccessedDetails(ctx, &awsiam.GenerateServiceLastAccessedDetailsInput{Arn: aws.String("arn:aws:iam::123456789012:policy/ghost")})
	wantError(t, err, "NoSuchEntity", 404, "Policy arn:aws:iam::123456789012:policy/ghost was not found.")
	_, err = root.GenerateServiceLastAccessedDetails(ctx, &awsiam.GenerateServiceLastAccessedDetailsInput{Arn: aws.String(workerARN), Granularity: "RESOURCE_LEVEL"})
	wantError(t, err, "ValidationError", 400, "1 validation error detected: Value 'RESOURCE_LEVEL' at 'granularity' failed to satisfy constraint: Member must satisfy enum value set: [SERVICE_LEVEL, ACTION_LEVEL]")
	_, err = root.GenerateServiceLastAccessedDetails(ctx, &awsiam.GenerateServiceLastAccessedDetailsInput{Arn: aws.String("arn:aws:iam::1")})
	apiError(t, err, "ValidationError")

	_, err = root.GetServiceLastAccessedDetails(ctx, &awsiam.GetServiceLastAccessedDetailsInput{JobId: aws.String("short")})
	wantError(t, err, "ValidationError", 400, "1 validation error detected: Value 'short' at 'jobId' failed to satisfy constraint: Member must have length greater than or equal to 36")
	_, err = root.GetServiceLastAccessedDetails(ctx, &awsiam.GetServiceLastAccessedDetailsInput{JobId: aws.String("00000000-0000-4000-8000-000000000000")})
	apiError(t, err, "NoSuchEntity")
	_, err = root.GetServiceLastAccessedDetailsWithEntities(ctx, &awsiam.GetServiceLastAccessedDetailsWithEntitiesInput{JobId: aws.String(jobID), ServiceNamespace: aws.String("not a namespace")})
	apiError(t, err, "ValidationError")

	// A job is its creator's: another caller, allowed everything, does not find it.
	admin := userWithKey(t, ts, "admin", "")
	if _, err := root.AttachUserPolicy(ctx, &awsiam.AttachUserPolicyInput{UserName: aws.String("admin"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")}); err != nil {
		t.Fatal(err)
	}
	_, err = ts.iam(admin).GetServiceLastAccessedDetails(ctx, &awsiam.GetServiceLastAccessedDetailsInput{JobId: aws.String(jobID)})
	apiError(t, err, "NoSuchEntity")

	// A job whose subject is gone has failed.
	if _, err := root.DeleteRolePolicy(ctx, &awsiam.DeleteRolePolicyInput{RoleName: aws.String("worker"), PolicyName: aws.String("work")}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.DeleteRole(ctx, &awsiam.DeleteRoleInput{RoleName: aws.String("worker")}); err != nil {
		t.Fatal(err)
	}
	failed, err := root.GetServiceLastAccessedDetails(ctx, &awsiam.GetServiceLastAccessedDetailsInput{JobId: aws.String(jobID)})
	if err != nil || failed.JobStatus != types.JobStatusTypeFailed || failed.Error == nil || aws.ToString(failed.Error.Code) != "NoSuchEntity" {
		t.Fatalf("job of a deleted role: %+v %v", failed, err)
	}
}

const readerPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:List*"],"Resource":"*"},{"Effect":"Allow","NotAction":["iam:*","sts:*","ec2:*"],"Resource":"arn:aws:s3:::logs/*"}]}`

// TestServiceLastAccessedOfAPolicyAndGroup: a managed policy's report covers the users it is
// attached to directly or through a group; the policies granting a service are listed per
// service.
func TestServiceLastAccessedOfAPolicyAndGroup(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	root := ts.iam(ts.root)
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	pol, err := root.CreatePolicy(ctx, &awsiam.CreatePolicyInput{PolicyName: aws.String("reader"), PolicyDocument: aws.String(readerPolicy)})
	if err != nil {
		t.Fatal(err)
	}
	readerARN := aws.ToString(pol.Policy.Arn)
	alice := userWithKey(t, ts, "alice", "")
	userWithKey(t, ts, "bob", "")
	must(root.AttachUserPolicy(ctx, &awsiam.AttachUserPolicyInput{UserName: aws.String("alice"), PolicyArn: pol.Policy.Arn}))
	must(root.CreateGroup(ctx, &awsiam.CreateGroupInput{GroupName: aws.String("devs")}))
	must(root.AddUserToGroup(ctx, &awsiam.AddUserToGroupInput{GroupName: aws.String("devs"), UserName: aws.String("bob")}))
	must(root.AttachGroupPolicy(ctx, &awsiam.AttachGroupPolicyInput{GroupName: aws.String("devs"), PolicyArn: pol.Policy.Arn}))
	must(root.PutGroupPolicy(ctx, &awsiam.PutGroupPolicyInput{GroupName: aws.String("devs"), PolicyName: aws.String("describe"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:DescribeInstances","Resource":"*"}]}`)}))
	must(root.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("bob"), PolicyName: aws.String("own"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]}`)}))

	must(ts.iam(alice).ListRoles(ctx, &awsiam.ListRolesInput{}))

	out, jobID := lastAccessed(t, root, readerARN, "")
	iamSvc := serviceOf(out, "iam")
	if iamSvc == nil || aws.ToString(iamSvc.LastAuthenticatedEntity) != "arn:aws:iam::123456789012:user/alice" || aws.ToInt32(iamSvc.TotalAuthenticatedEntities) != 1 {
		t.Fatalf("iam in the policy's report: %+v", iamSvc)
	}
	// NotAction: every service but those named.
	if serviceOf(out, "s3") == nil || serviceOf(out, "ec2") != nil || serviceOf(out, "sts") != nil || len(out.ServicesLastAccessed) < 100 {
		t.Fatalf("the NotAction statement gives %d services", len(out.ServicesLastAccessed))
	}
	ents, err := root.GetServiceLastAccessedDetailsWithEntities(ctx, &awsiam.GetServiceLastAccessedDetailsWithEntitiesInput{JobId: aws.String(jobID), ServiceNamespace: aws.String("iam")})
	if err != nil {
		t.Fatal(err)
	}
	if len(ents.EntityDetailsList) != 2 || aws.ToString(ents.EntityDetailsList[0].EntityInfo.Name) != "alice" || ents.EntityDetailsList[0].LastAuthenticated == nil ||
		aws.ToString(ents.EntityDetailsList[1].EntityInfo.Name) != "bob" || ents.EntityDetailsList[1].LastAuthenticated != nil {
		t.Fatalf("entities of the policy %+v", ents.EntityDetailsList)
	}

	// The group's report covers its members.
	out, _ = lastAccessed(t, root, "arn:aws:iam::123456789012:group/devs", "")
	if s := serviceOf(out, "iam"); s == nil || s.LastAuthenticated != nil || serviceOf(out, "ec2") == nil {
		t.Fatalf("group report: iam %+v, ec2 %v", s, serviceOf(out, "ec2"))
	}

	granting, err := root.ListPoliciesGrantingServiceAccess(ctx, &awsiam.ListPoliciesGrantingServiceAccessInput{
		Arn: aws.String("arn:aws:iam::123456789012:user/bob"), ServiceNamespaces: []string{"iam", "ec2", "lambda", "kms"}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, e := range granting.PoliciesGrantingServiceAccess {
		for _, p := range e.Policies {
			got[aws.ToString(e.ServiceNamespace)] = append(got[aws.ToString(e.ServiceNamespace)],
				string(p.PolicyType)+":"+aws.ToString(p.PolicyName)+":"+aws.ToString(p.PolicyArn)+":"+string(p.EntityType)+":"+aws.ToString(p.EntityName))
		}
	}
	want := map[string][]string{
		"iam":    {"INLINE:own::USER:bob", "MANAGED:reader:" + readerARN + "::"},
		"ec2":    {"INLINE:describe::GROUP:devs"},
		"lambda": {"MANAGED:reader:" + readerARN + "::"},
		"kms":    {"MANAGED:reader:" + readerARN + "::"},
	}
	if len(got) != len(want) || len(granting.PoliciesGrantingServiceAccess) != 4 || granting.IsTruncated {
		t.Fatalf("granting %v", got)
	}
	for ns, w := range want {
		if len(got[ns]) != len(w) {
			t.Fatalf("%s: %v, want %v", ns, got[ns], w)
		}
		for i := range w {
			if got[ns][i] != w[i] {
				t.Fatalf("%s: %v, want %v", ns, got[ns], w)
			}
		}
	}
	_, err = root.ListPoliciesGrantingServiceAccess(ctx, &awsiam.ListPoliciesGrantingServiceAccessInput{Arn: aws.String(readerARN), ServiceNamespaces: []string{"iam"}})
	apiError(t, err, "InvalidInput")
	_, err = root.ListPoliciesGrantingServiceAccess(ctx, &awsiam.ListPoliciesGrantingServiceAccessInput{Arn: aws.String("arn:aws:iam::123456789012:user/ghost"), ServiceNamespaces: []string{"iam"}})
	wantError(t, err, "NoSuchEntity", 404, "The user with name ghost cannot be found.")
	_, err = root.ListPoliciesGrantingServiceAccess(ctx, &awsiam.ListPoliciesGrantingServiceAccessInput{Arn: aws.String("arn:aws:iam::123456789012:user/bob"), ServiceNamespaces: []string{"no spaces"}})
	wantError(t, err, "ValidationError", 400, `1 validation error detected: Value 'no spaces' at 'serviceNamespaces' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w-]*`)
}

// TestServiceLastAccessedAuthorization: the calls are authorized on the entity's real ARN.
func TestServiceLastAccessedAuthorization(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	root := ts.iam(ts.root)
	workerSession(t, ts)
	auditor := userWithKey(t, ts, "auditor", "")
	if _, err := root.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("auditor"), PolicyName: aws.String("a"), PolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GenerateServiceLastAccessedDetails","iam:GetServiceLastAccessed*","iam:ListPoliciesGrantingServiceAccess"],"Resource":"*"},
		 {"Effect":"Deny","Action":["iam:GenerateServiceLastAccessedDetails","iam:ListPoliciesGrantingServiceAccess"],"Resource":"arn:aws:iam::123456789012:role/jobs/*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	a := ts.iam(auditor)
	user := "arn:aws:iam::123456789012:user/auditor"
	_, err := a.GenerateServiceLastAccessedDetails(ctx, &awsiam.GenerateServiceLastAccessedDetailsInput{Arn: aws.String(workerARN)})
	wantDenied(t, err, "User: "+user+" is not authorized to perform: iam:GenerateServiceLastAccessedDetails on resource: "+workerARN+" with an explicit deny in an identity-based policy")
	_, err = a.ListPoliciesGrantingServiceAccess(ctx, &awsiam.ListPoliciesGrantingServiceAccessInput{Arn: aws.String(workerARN), ServiceNamespaces: []string{"iam"}})
	wantDenied(t, err, "User: "+user+" is not authorized to perform: iam:ListPoliciesGrantingServiceAccess on resource: "+workerARN+" with an explicit deny in an identity-based policy")
	// Allowed on the user itself.
	job, err := a.GenerateServiceLastAccessedDetails(ctx, &awsiam.GenerateServiceLastAccessedDetailsInput{Arn: aws.String(user)})
	if err != nil {
		t.Fatal(err)
	}
	out, err := a.GetServiceLastAccessedDetails(ctx, &awsiam.GetServiceLastAccessedDetailsInput{JobId: job.JobId})
	if err != nil {
		t.Fatal(err)
	}
	// The auditor's own requests so far were IAM's.
	if s := serviceOf(out, "iam"); s == nil || s.LastAuthenticated == nil || aws.ToString(s.LastAuthenticatedEntity) != user {
		t.Fatalf("the auditor's report %+v", out.ServicesLastAccessed)
	}
	// Someone allowed nothing may not read reports.
	nobody := userWithKey(t, ts, "nobody", "")
	_, err = ts.iam(nobody).GetServiceLastAccessedDetails(ctx, &awsiam.GetServiceLastAccessedDetailsInput{JobId: job.JobId})
	wantDenied(t, err, "User: arn:aws:iam::123456789012:user/nobody is not authorized to perform: iam:GetServiceLastAccessedDetails on resource: * because no identity-based policy allows the iam:GetServiceLastAccessedDetails action")
}
