package server

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// Simulation tests: the seeds' policies through SimulatePrincipalPolicy and
// SimulateCustomPolicy, with decisions and statement positions checked by hand against the
// files in examples/seeds (positions as AWS counts them: 1-based, the start just past the
// statement's "{" and the end just past its "}").

func seedDoc(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile("../../examples/seeds/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// stmt is an expected matched statement: policy id, type, start line:col, end line:col.
type stmt struct {
	id, typ                    string
	line, col, endLine, endCol int32
}

// want is an expected evaluation result.
type want struct {
	action, resource string
	decision         types.PolicyEvaluationDecisionType
	matched          []stmt
	missing          []string
}

func gotStatements(ss []types.Statement) []stmt {
	out := []stmt{}
	for _, s := range ss {
		out = append(out, stmt{aws.ToString(s.SourcePolicyId), string(s.SourcePolicyType),
			s.StartPosition.Line, s.StartPosition.Column,
			s.EndPosition.Line, s.EndPosition.Column})
	}
	return out
}

// checkResult compares one evaluation result; missing context values are read where AWS
// puts them (the result for "*", the resource-specific result for a named resource).
func checkResult(t *testing.T, r types.EvaluationResult, w want) {
	t.Helper()
	label := w.action + " on " + w.resource
	if aws.ToString(r.EvalActionName) != w.action || aws.ToString(r.EvalResourceName) != w.resource {
		t.Fatalf("result for %s on %s, want %s", aws.ToString(r.EvalActionName), aws.ToString(r.EvalResourceName), label)
	}
	if r.EvalDecision != w.decision {
		t.Errorf("%s: decision %s, want %s", label, r.EvalDecision, w.decision)
	}
	if w.matched == nil {
		w.matched = []stmt{}
	}
	if got := gotStatements(r.MatchedStatements); !reflect.DeepEqual(got, w.matched) {
		t.Errorf("%s: matched %v, want %v", label, got, w.matched)
	}
	missing := r.MissingContextValues
	if w.resource != "*" {
		if len(r.ResourceSpecificResults) != 1 {
			t.Fatalf("%s: %d resource-specific results, want 1", label, len(r.ResourceSpecificResults))
		}
		rs := r.ResourceSpecificResults[0]
		if aws.ToString(rs.EvalResourceName) != w.resource || rs.EvalResourceDecision != w.decision {
			t.Errorf("%s: resource-specific result %s %s", label, aws.ToString(rs.EvalResourceName), rs.EvalResourceDecision)
		}
		if got := gotStatements(rs.MatchedStatements); !reflect.DeepEqual(got, w.matched) {
			t.Errorf("%s: resource-specific matched %v, want %v", label, got, w.matched)
		}
		if len(r.MissingContextValues) != 0 {
			t.Errorf("%s: missing values %v at the top of a named resource's result", label, r.MissingContextValues)
		}
		missing = rs.MissingContextValues
	} else if len(r.ResourceSpecificResults) != 0 {
		t.Errorf("%s: resource-specific results for *", label)
	}
	if w.missing == nil {
		w.missing = []string{}
	}
	if missing == nil {
		missing = []string{}
	}
	if !reflect.DeepEqual(missing, w.missing) {
		t.Errorf("%s: missing context values %v, want %v", label, missing, w.missing)
	}
}

// simulatePrincipal runs one simulation per expectation (so each names its own resource).
func simulatePrincipal(t *testing.T, c *awsiam.Client, source string, in awsiam.SimulatePrincipalPolicyInput, ws []want) {
	t.Helper()
	for _, w := range ws {
		req := in
		req.PolicySourceArn = aws.String(source)
		req.ActionNames = []string{w.action}
		if w.resource != "*" {
			req.ResourceArns = []string{w.resource}
		}
		out, err := c.SimulatePrincipalPolicy(context.Background(), &req)
		if err != nil {
			t.Fatalf("%s on %s: %v", w.action, w.resource, err)
		}
		if len(out.EvaluationResults) != 1 || out.IsTruncated {
			t.Fatalf("%s: %d results (truncated %v), want 1", w.action, len(out.EvaluationResults), out.IsTruncated)
		}
		checkResult(t, out.EvaluationResults[0], w)
	}
}

func simulateCustom(t *testing.T, c *awsiam.Client, in awsiam.SimulateCustomPolicyInput, ws []want) []types.EvaluationResult {
	t.Helper()
	var all []types.EvaluationResult
	for _, w := range ws {
		req := in
		req.ActionNames = []string{w.action}
		if w.resource != "*" {
			req.ResourceArns = []string{w.resource}
		}
		out, err := c.SimulateCustomPolicy(context.Background(), &req)
		if err != nil {
			t.Fatalf("%s on %s: %v", w.action, w.resource, err)
		}
		if len(out.EvaluationResults) != 1 {
			t.Fatalf("%s: %d results, want 1", w.action, len(out.EvaluationResults))
		}
		checkResult(t, out.EvaluationResults[0], w)
		all = append(all, out.EvaluationResults[0])
	}
	return all
}

func mustNil(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// errOf keeps the error of a call's two results.
func errOf(_ any, err error) error { return err }

const (
	allowed      = types.PolicyEvaluationDecisionTypeAllowed
	implicitDeny = types.PolicyEvaluationDecisionTypeImplicitDeny
	explicitDeny = types.PolicyEvaluationDecisionTypeExplicitDeny
)

// The AWS CLI reference's own example: positions, a date condition, a missing key.
func TestSimulateCustomPolicyAWSExample(t *testing.T) {
	ts := startServer(t, "")
	c := ts.iam(ts.root)
	doc := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}}}`
	date := func(v string) []types.ContextEntry {
		return []types.ContextEntry{{ContextKeyName: aws.String("aws:CurrentTime"), ContextKeyValues: []string{v}, ContextKeyType: types.ContextKeyTypeEnumDate}}
	}
	in := awsiam.SimulateCustomPolicyInput{PolicyInputList: []string{doc}, ContextEntries: date("2019-04-25T11:00:00Z")}
	simulateCustom(t, c, in, []want{{action: "dynamodb:CreateBackup", resource: "*", decision: allowed,
		matched: []stmt{{"PolicyInputList.1", "IAM Policy", 1, 38, 1, 167}}}})
	in.ContextEntries = date("2014-04-25T11:00:00Z")
	simulateCustom(t, c, in, []want{{action: "dynamodb:CreateBackup", resource: "*", decision: implicitDeny}})
	in.ContextEntries = nil
	simulateCustom(t, c, in, []want{
		{action: "dynamodb:CreateBackup", resource: "*", decision: implicitDeny, missing: []string{"aws:CurrentTime"}},
		// The statement does not bear on sqs: nothing is missing for it.
		{action: "sqs:SendMessage", resource: "*", decision: implicitDeny},
	})

	keys, err := c.GetContextKeysForCustomPolicy(context.Background(), &awsiam.GetContextKeysForCustomPolicyInput{PolicyInputList: []string{
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"arn:aws:dynamodb:us-west-2:123456789012:table/${aws:username}","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2015-08-16T12:00:00Z"}}}}`,
	}})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"aws:username", "aws:CurrentTime"}; !reflect.DeepEqual(keys.ContextKeyNames, want) {
		t.Fatalf("context keys %v, want %v", keys.ContextKeyNames, want)
	}
}

// Seed 000: Tower-Role with its inline Tower-Role-Policy, for actions of many services.
func TestSimulateTowerRole(t *testing.T) {
	ts := startServer(t, "")
	c := ts.iam(ts.root)
	ctx := context.Background()
	mustNil(t, errOf(c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("tower-admin")})))
	_, err := c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("Tower-Role"), AssumeRolePolicyDocument: aws.String(seedDoc(t, "000-tower-role-trust-policy.json"))})
	mustNil(t, err)
	_, err = c.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String("Tower-Role"), PolicyName: aws.String("Tower-Role-Policy"), PolicyDocument: aws.String(seedDoc(t, "000-tower-role-policy.json"))})
	mustNil(t, err)
	role := "arn:aws:iam::123456789012:role/Tower-Role"
	const id = "role_Tower-Role_Tower-Role-Policy"
	forge := stmt{id, "IAM Policy", 4, 10, 54, 10}
	launch := stmt{id, "IAM Policy", 55, 10, 84, 10}
	bucket1 := stmt{id, "IAM Policy", 85, 10, 96, 10}
	bucket2 := stmt{id, "IAM Policy", 97, 10, 107, 10}
	simulatePrincipal(t, c, role, awsiam.SimulatePrincipalPolicyInput{}, []want{
		{action: "batch:CreateComputeEnvironment", resource: "*", decision: allowed, matched: []stmt{forge}},
		// batch:DescribeJobQueues is in both Forge and Launch statements: both decide.
		{action: "batch:DescribeJobQueues", resource: "*", decision: allowed, matched: []stmt{forge, launch}},
		{action: "batch:SubmitJob", resource: "arn:aws:batch:us-east-1:123456789012:job-queue/tower-q", decision: allowed, matched: []stmt{launch}},
		{action: "logs:GetLogEvents", resource: "*", decision: allowed, matched: []stmt{launch}},
		{action: "iam:PassRole", resource: "arn:aws:iam::123456789012:role/TowerForge-ExecutionRole", decision: allowed, matched: []stmt{forge}},
		{action: "ec2:RunInstances", resource: "*", decision: implicitDeny},
		{action: "cloudformation:CreateStack", resource: "*", decision: implicitDeny},
		{action: "s3:ListBucket", resource: "arn:aws:s3:::any-bucket", decision: allowed, matched: []stmt{bucket1}},
		{action: "s3:GetObject", resource: "arn:aws:s3:::my-tower-bucket-02/work/x.bam", decision: allowed, matched: []stmt{bucket2}},
		{action: "s3:PutObjectAcl", resource: "arn:aws:s3:::my-tower-bucket-01/a", decision: allowed, matched: []stmt{bucket2}},
		{action: "s3:GetObject", resource: "arn:aws:s3:::someone-elses-bucket/x", decision: implicitDeny},
		{action: "s3:DeleteBucket", resource: "arn:aws:s3:::my-tower-bucket-01", decision: implicitDeny},
		{action: "secretsmanager:GetSecretValue", resource: "*", decision: implicitDeny},
	})
	// The same questions through SimulateCustomPolicy with the seed's document.
	simulateCustom(t, c, awsiam.SimulateCustomPolicyInput{PolicyInputList: []string{seedDoc(t, "000-tower-role-policy.json")}}, []want{
		{action: "fsx:CreateFileSystem", resource: "*", decision: allowed, matched: []stmt{{"PolicyInputList.1", "IAM Policy", 4, 10, 54, 10}}},
		{action: "s3:GetObject", resource: "arn:aws:s3:::my-tower-bucket-01/k", decision: allowed, matched: []stmt{{"PolicyInputList.1", "IAM Policy", 97, 10, 107, 10}}},
		{action: "sqs:SendMessage", resource: "*", decision: implicitDeny},
	})
}

// Seed 004: a user with the ParallelCluster user policy attached as a managed policy and the
// instance policy inline in a group; then a permissions boundary that denies.
func TestSimulateParallelClusterUser(t *testing.T) {
	ts := startServer(t, "")
	c := ts.iam(ts.root)
	ctx := context.Background()
	mustNil(t, errOf(c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("pcluster-admin")})))
	mustNil(t, errOf(c.CreateGroup(ctx, &awsiam.CreateGroupInput{GroupName: aws.String("cluster-nodes")})))
	mustNil(t, errOf(c.AddUserToGroup(ctx, &awsiam.AddUserToGroupInput{GroupName: aws.String("cluster-nodes"), UserName: aws.String("pcluster-admin")})))
	mustNil(t, errOf(c.PutGroupPolicy(ctx, &awsiam.PutGroupPolicyInput{GroupName: aws.String("cluster-nodes"), PolicyName: aws.String("instance"), PolicyDocument: aws.String(seedDoc(t, "004-parallelcluster-instance-policy.json"))})))
	p := createPolicy(t, c, "ParallelClusterUserPolicy", "", seedDoc(t, "004-parallelcluster-user-policy.json"))
	mustNil(t, errOf(c.AttachUserPolicy(ctx, &awsiam.AttachUserPolicyInput{UserName: aws.String("pcluster-admin"), PolicyArn: p.Arn})))
	user := "arn:aws:iam::123456789012:user/pcluster-admin"

	const pid, gid = "ParallelClusterUserPolicy", "group_cluster-nodes_instance"
	up := func(l1, l2 int32) stmt { return stmt{pid, "IAM Policy", l1, 10, l2, 10} }
	gp := func(l1, l2 int32) stmt { return stmt{gid, "IAM Policy", l1, 10, l2, 10} }
	simulatePrincipal(t, c, user, awsiam.SimulatePrincipalPolicyInput{}, []want{
		{action: "cloudformation:CreateStack", resource: "*", decision: allowed, matched: []stmt{up(151, 160)}},
		{action: "sqs:CreateQueue", resource: "*", decision: allowed, matched: []stmt{up(109, 118)}},
		{action: "dynamodb:CreateTable", resource: "*", decision: allowed, matched: []stmt{up(92, 100)}},
		{action: "ec2:RunInstances", resource: "*", decision: allowed, matched: []stmt{up(26, 52)}},
		{action: "iam:PassRole", resource: "arn:aws:iam::123456789012:role/parallelcluster-head", decision: allowed, matched: []stmt{up(172, 183)}},
		{action: "iam:PassRole", resource: "arn:aws:iam::123456789012:role/other", decision: implicitDeny},
		{action: "s3:GetObject", resource: "arn:aws:s3:::us-east-1-aws-parallelcluster/templates/x", decision: allowed, matched: []stmt{up(161, 171), gp(72, 81)}},
		// From the group's inline policy only.
		{action: "sqs:SendMessage", resource: "arn:aws:sqs:us-east-1:123456789012:parallelcluster-q", decision: allowed, matched: []stmt{gp(29, 42)}},
		{action: "sqs:SendMessage", resource: "arn:aws:sqs:us-east-1:123456789012:other-q", decision: implicitDeny},
		{action: "dynamodb:PutItem", resource: "arn:aws:dynamodb:us-east-1:123456789012:table/parallelcluster-c1", decision: allowed, matched: []stmt{gp(58, 71)}},
		// The instance policy writes "autoScaling:UpdateAutoScalingGroup": actions compare
		// case-insensitively.
		{action: "autoscaling:UpdateAutoScalingGroup", resource: "*", decision: allowed, matched: []stmt{up(63, 83), gp(43, 57)}},
		{action: "batch:SubmitJob", resource: "*", decision: implicitDeny},
		{action: "secretsmanager:GetSecretValue", resource: "*", decision: implicitDeny},
	})

	// A permissions boundary that allows EC2 and SQS and denies CloudFormation.
	boundary := `{"Version":"2012-10-17","Statement":[
  {"Sid":"Allowed","Effect":"Allow","Action":["ec2:*","sqs:*"],"Resource":"*"},
  {"Sid":"NoStacks","Effect":"Deny","Action":"cloudformation:*","Resource":"*"}
]}`
	b := createPolicy(t, c, "pcluster-boundary", "", boundary)
	mustNil(t, errOf(c.PutUserPermissionsBoundary(ctx, &awsiam.PutUserPermissionsBoundaryInput{UserName: aws.String("pcluster-admin"), PermissionsBoundary: b.Arn})))
	bAllow := stmt{"pcluster-boundary", "PermissionsBoundaryPolicy", 2, 4, 2, 79}
	bDeny := stmt{"pcluster-boundary", "PermissionsBoundaryPolicy", 3, 4, 3, 80}
	checks := []struct {
		w        want
		inBounds bool
	}{
		{want{action: "cloudformation:CreateStack", resource: "*", decision: explicitDeny, matched: []stmt{bDeny}}, false},
		{want{action: "dynamodb:CreateTable", resource: "*", decision: implicitDeny}, false},
		{want{action: "sqs:CreateQueue", resource: "*", decision: allowed, matched: []stmt{up(109, 118), bAllow}}, true},
	}
	for _, ck := range checks {
		out, err := c.SimulatePrincipalPolicy(ctx, &awsiam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String(user), ActionNames: []string{ck.w.action}})
		if err != nil {
			t.Fatal(err)
		}
		r := out.EvaluationResults[0]
		checkResult(t, r, ck.w)
		if r.PermissionsBoundaryDecisionDetail == nil || r.PermissionsBoundaryDecisionDetail.AllowedByPermissionsBoundary != ck.inBounds {
			t.Errorf("%s: boundary detail %+v, want allowed %v", ck.w.action, r.PermissionsBoundaryDecisionDetail, ck.inBounds)
		}
		if r.OrganizationsDecisionDetail != nil {
			t.Errorf("%s: an organizations detail for an account in no organization", ck.w.action)
		}
	}
	// PermissionsBoundaryPolicyInputList replaces the user's boundary for the simulation.
	simulatePrincipal(t, c, user, awsiam.SimulatePrincipalPolicyInput{
		PermissionsBoundaryPolicyInputList: []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"cloudformation:*","Resource":"*"}]}`},
	}, []want{
		{action: "cloudformation:CreateStack", resource: "*", decision: allowed, matched: []stmt{up(151, 160), {"PermissionsBoundaryPolicyInputList.1", "PermissionsBoundaryPolicy", 1, 39, 1, 99}}},
		{action: "sqs:CreateQueue", resource: "*", decision: implicitDeny},
	})
	// The principal's context keys: none of the seed's policies has a condition.
	keys, err := c.GetContextKeysForPrincipalPolicy(ctx, &awsiam.GetContextKeysForPrincipalPolicyInput{
		PolicySourceArn: aws.String(user),
		PolicyInputList: []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"ec2.amazonaws.com"}}}]}`},
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"iam:PassedToService"}; !reflect.DeepEqual(keys.ContextKeyNames, want) {
		t.Fatalf("context keys %v, want %v", keys.ContextKeyNames, want)
	}
}

// iam:PassRole limited by iam:PassedToService, and seed 001's secrets policies.
func TestSimulatePassRoleAndSecrets(t *testing.T) {
	ts := startServer(t, "")
	c := ts.iam(ts.root)
	passRole := `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "PassToEC2",
      "Effect": "Allow",
      "Action": "iam:PassRole",
      "Resource": "arn:aws:iam::123456789012:role/parallelcluster-*",
      "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}
    }
  ]
}`
	service := func(v string) []types.ContextEntry {
		return []types.ContextEntry{{ContextKeyName: aws.String("iam:PassedToService"), ContextKeyValues: []string{v}, ContextKeyType: types.ContextKeyTypeEnumString}}
	}
	role := "arn:aws:iam::123456789012:role/parallelcluster-node"
	pass := stmt{"PolicyInputList.1", "IAM Policy", 4, 6, 10, 6}
	simulateCustom(t, c, awsiam.SimulateCustomPolicyInput{PolicyInputList: []string{passRole}}, []want{
		{action: "iam:PassRole", resource: role, decision: implicitDeny, missing: []string{"iam:PassedToService"}},
		// Another role: the statement does not bear on it, so nothing is missing.
		{action: "iam:PassRole", resource: "arn:aws:iam::123456789012:role/admin", decision: implicitDeny},
	})
	simulateCustom(t, c, awsiam.SimulateCustomPolicyInput{PolicyInputList: []string{passRole}, ContextEntries: service("ec2.amazonaws.com")}, []want{
		{action: "iam:PassRole", resource: role, decision: allowed, matched: []stmt{pass}},
	})
	simulateCustom(t, c, awsiam.SimulateCustomPolicyInput{PolicyInputList: []string{passRole}, ContextEntries: service("batch.amazonaws.com")}, []want{
		{action: "iam:PassRole", resource: role, decision: implicitDeny},
	})

	secrets := []string{seedDoc(t, "001-ecs-execution-secrets-policy.json"), seedDoc(t, "001-tower-secrets-policy.json")}
	simulateCustom(t, c, awsiam.SimulateCustomPolicyInput{PolicyInputList: secrets}, []want{
		{action: "secretsmanager:GetSecretValue", resource: "arn:aws:secretsmanager:us-east-1:123456789012:secret:tower/db-AbCdEf", decision: allowed,
			matched: []stmt{{"PolicyInputList.1", "IAM Policy", 4, 10, 13, 10}}},
		{action: "secretsmanager:GetSecretValue", resource: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:tower/db-AbCdEf", decision: implicitDeny},
		{action: "secretsmanager:CreateSecret", resource: "*", decision: allowed, matched: []stmt{{"PolicyInputList.2", "IAM Policy", 4, 10, 13, 10}}},
		{action: "secretsmanager:PutSecretValue", resource: "*", decision: implicitDeny},
	})
}

// A resource policy with CallerArn and ResourceOwner: cross-account needs both sides, and
// EvalDecisionDetails says how each decided.
func TestSimulateResourcePolicy(t *testing.T) {
	ts := startServer(t, "")
	c := ts.iam(ts.root)
	ctx := context.Background()
	identity := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::shared-data/*"}]}`
	bucketPolicy := func(principal string) string {
		return `{"Version":"2012-10-17","Statement":[{"Sid":"Share","Effect":"Allow","Principal":{"AWS":"` + principal + `"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::shared-data/*"}]}`
	}
	caller := "arn:aws:iam::123456789012:user/analyst"
	object := "arn:aws:s3:::shared-data/report.csv"
	run := func(in awsiam.SimulateCustomPolicyInput) types.EvaluationResult {
		t.Helper()
		in.ActionNames = []string{"s3:GetObject"}
		in.ResourceArns = []string{object}
		out, err := c.SimulateCustomPolicy(ctx, &in)
		if err != nil {
			t.Fatal(err)
		}
		return out.EvaluationResults[0]
	}
	details := func(r types.EvaluationResult, want map[string]types.PolicyEvaluationDecisionType) {
		t.Helper()
		if !reflect.DeepEqual(r.EvalDecisionDetails, want) || !reflect.DeepEqual(r.ResourceSpecificResults[0].EvalDecisionDetails, want) {
			t.Errorf("decision details %v / %v, want %v", r.EvalDecisionDetails, r.ResourceSpecificResults[0].EvalDecisionDetails, want)
		}
	}
	share := stmt{"ResourcePolicy", "Resource Policy", 1, 39, 1, 195}
	own := stmt{"PolicyInputList.1", "IAM Policy", 1, 39, 1, 120}

	// The bucket belongs to 111122223333 and shares with the caller: both sides allow.
	r := run(awsiam.SimulateCustomPolicyInput{PolicyInputList: []string{identity}, ResourcePolicy: aws.String(bucketPolicy(caller)), CallerArn: aws.String(caller), ResourceOwner: aws.String("arn:aws:iam::111122223333:root")})
	checkResult(t, r, want{action: "s3:GetObject", resource: object, decision: allowed, matched: []stmt{share, own}})
	details(r, map[string]types.PolicyEvaluationDecisionType{"IAM Policy": allowed, "Resource Policy": allowed})

	// It shares with someone else: the resource side does not allow.
	r = run(awsiam.SimulateCustomPolicyInput{PolicyInputList: []string{identity}, ResourcePolicy: aws.String(bucketPolicy("arn:aws:iam::123456789012:user/other")), CallerArn: aws.String(caller), ResourceOwner: aws.String("111122223333")})
	checkResult(t, r, want{action: "s3:GetObject", resource: object, decision: implicitDeny})
	details(r, map[string]types.PolicyEvaluationDecisionType{"IAM Policy": allowed, "Resource Policy": implicitDeny})

	// Within the caller's account, a bucket policy naming the user grants on its own.
	r = run(awsiam.SimulateCustomPolicyInput{PolicyInputList: []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*"}]}`}, ResourcePolicy: aws.String(bucketPolicy(caller)), CallerArn: aws.String(caller)})
	checkResult(t, r, want{action: "s3:GetObject", resource: object, decision: allowed, matched: []stmt{share}})
	details(r, map[string]types.PolicyEvaluationDecisionType{})

	// A user's own resource policy simulation: CallerArn defaults to the user.
	mustNil(t, errOf(c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("analyst")})))
	simulatePrincipal(t, c, caller, awsiam.SimulatePrincipalPolicyInput{ResourcePolicy: aws.String(bucketPolicy(caller))}, []want{
		{action: "s3:GetObject", resource: object, decision: allowed, matched: []stmt{share}},
		{action: "s3:PutObject", resource: object, decision: implicitDeny},
	})

	// A resource policy needs a caller; the caller must be a user.
	_, err := c.SimulateCustomPolicy(ctx, &awsiam.SimulateCustomPolicyInput{PolicyInputList: []string{identity}, ActionNames: []string{"s3:GetObject"}, ResourcePolicy: aws.String(bucketPolicy(caller))})
	wantError(t, err, "InvalidInput", 400, "")
	_, err = c.SimulateCustomPolicy(ctx, &awsiam.SimulateCustomPolicyInput{PolicyInputList: []string{identity}, ActionNames: []string{"s3:GetObject"}, ResourcePolicy: aws.String(bucketPolicy(caller)), CallerArn: aws.String("arn:aws:iam::123456789012:role/r")})
	wantError(t, err, "InvalidInput", 400, "")
	mustNil(t, errOf(c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("tower-admin")})))
	mustNil(t, errOf(c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(seedDoc(t, "000-tower-role-trust-policy.json"))})))
	_, err = c.SimulatePrincipalPolicy(ctx, &awsiam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String("arn:aws:iam::123456789012:role/r"), ActionNames: []string{"s3:GetObject"}, ResourcePolicy: aws.String(bucketPolicy(caller))})
	wantError(t, err, "InvalidInput", 400, "")
}

// MaxItems and Marker page through actions x resources; the pages add up to the whole.
func TestSimulatePagination(t *testing.T) {
	ts := startServer(t, "")
	c := ts.iam(ts.root)
	in := &awsiam.SimulateCustomPolicyInput{
		PolicyInputList: []string{seedDoc(t, "000-tower-role-policy.json")},
		ActionNames:     []string{"s3:GetObject", "s3:PutObject", "s3:DeleteBucket"},
		ResourceArns:    []string{"arn:aws:s3:::my-tower-bucket-01/a", "arn:aws:s3:::elsewhere/a"},
		MaxItems:        aws.Int32(4),
	}
	var got []string
	pages := 0
	for {
		out, err := c.SimulateCustomPolicy(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, r := range out.EvaluationResults {
			got = append(got, fmt.Sprintf("%s %s %s", aws.ToString(r.EvalActionName), aws.ToString(r.EvalResourceName), r.EvalDecision))
		}
		if !out.IsTruncated {
			if out.Marker != nil {
				t.Fatal("a marker on the last page")
			}
			break
		}
		if pages > 5 {
			t.Fatal("pagination does not end")
		}
		in.Marker = out.Marker
	}
	want := []string{
		"s3:GetObject arn:aws:s3:::my-tower-bucket-01/a allowed",
		"s3:GetObject arn:aws:s3:::elsewhere/a implicitDeny",
		"s3:PutObject arn:aws:s3:::my-tower-bucket-01/a allowed",
		"s3:PutObject arn:aws:s3:::elsewhere/a implicitDeny",
		"s3:DeleteBucket arn:aws:s3:::my-tower-bucket-01/a implicitDeny",
		"s3:DeleteBucket arn:aws:s3:::elsewhere/a implicitDeny",
	}
	if pages != 2 || !reflect.DeepEqual(got, want) {
		t.Fatalf("%d pages: %v, want 2 pages: %v", pages, got, want)
	}
	in.Marker = aws.String("not-a-marker!")
	_, err := c.SimulateCustomPolicy(context.Background(), in)
	wantError(t, err, "InvalidInput", 400, "Invalid Marker.")
}

// Bad input gets AWS's errors; simulation and context keys are authorized as AWS documents.
func TestSimulateErrorsAndAuthorization(t *testing.T) {
	ts := startServer(t, "")
	root := ts.iam(ts.root)
	ctx := context.Background()
	ok := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*"}]}`

	_, err := root.SimulatePrincipalPolicy(ctx, &awsiam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String("arn:aws:iam::123456789012:user/ghost"), ActionNames: []string{"sqs:SendMessage"}})
	wantError(t, err, "NoSuchEntity", 404, "The user with name ghost cannot be found.")
	_, err = root.GetContextKeysForPrincipalPolicy(ctx, &awsiam.GetContextKeysForPrincipalPolicyInput{PolicySourceArn: aws.String("arn:aws:iam::123456789012:role/ghost")})
	wantError(t, err, "NoSuchEntity", 404, "The role with name ghost cannot be found.")
	_, err = root.SimulateCustomPolicy(ctx, &awsiam.SimulateCustomPolicyInput{PolicyInputList: []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:*"}]}`}, ActionNames: []string{"sqs:SendMessage"}})
	wantError(t, err, "InvalidInput", 400, "Policy statement must contain resources.")
	_, err = root.SimulateCustomPolicy(ctx, &awsiam.SimulateCustomPolicyInput{PolicyInputList: []string{`{"Statement":[`}, ActionNames: []string{"sqs:SendMessage"}})
	wantError(t, err, "InvalidInput", 400, "Syntax errors in policy.")
	_, err = root.SimulateCustomPolicy(ctx, &awsiam.SimulateCustomPolicyInput{PolicyInputList: []string{ok}, ActionNames: []string{"sqs:" + strings.Repeat("x", 130)}})
	wantError(t, err, "ValidationError", 400, "")
	_, err = root.SimulateCustomPolicy(ctx, &awsiam.SimulateCustomPolicyInput{PolicyInputList: []string{ok}, ActionNames: []string{"sqs:SendMessage"},
		ContextEntries: []types.ContextEntry{{ContextKeyName: aws.String("aws:MultiFactorAuthAge"), ContextKeyValues: []string{"soon"}, ContextKeyType: types.ContextKeyTypeEnumNumeric}}})
	wantError(t, err, "InvalidInput", 400, "")
	_, err = root.SimulateCustomPolicy(ctx, &awsiam.SimulateCustomPolicyInput{PolicyInputList: []string{ok}, ActionNames: []string{"sqs:SendMessage"},
		ContextEntries: []types.ContextEntry{{ContextKeyName: aws.String("aws:SourceIp"), ContextKeyValues: []string{"10.0.0.1", "10.0.0.2"}, ContextKeyType: types.ContextKeyTypeEnumIp}}})
	wantError(t, err, "InvalidInput", 400, "")
	_, err = root.SimulateCustomPolicy(ctx, &awsiam.SimulateCustomPolicyInput{PolicyInputList: []string{ok}, ActionNames: []string{"sqs:SendMessage"},
		ContextEntries: []types.ContextEntry{{ContextKeyName: aws.String("aws:SourceIp"), ContextKeyValues: []string{"10.0.0.1"}, ContextKeyType: "ipAddress"}}})
	wantError(t, err, "ValidationError", 400, "")
	_, err = root.SimulateCustomPolicy(ctx, &awsiam.SimulateCustomPolicyInput{PolicyInputList: []string{ok}, ActionNames: []string{"ec2:RunInstances"},
		ResourceArns: []string{"arn:aws:ec2:us-east-1:123456789012:instance/*"}, ResourceHandlingOption: aws.String("EC2-VPC-EBS")})
	wantError(t, err, "InvalidInput", 400, "")
	// An ipList context value is evaluated as such.
	cidr := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}`
	simulateCustom(t, root, awsiam.SimulateCustomPolicyInput{PolicyInputList: []string{cidr},
		ContextEntries: []types.ContextEntry{{ContextKeyName: aws.String("aws:SourceIp"), ContextKeyValues: []string{"10.1.2.3"}, ContextKeyType: types.ContextKeyTypeEnumIp}}},
		[]want{{action: "sqs:SendMessage", resource: "*", decision: allowed, matched: []stmt{{"PolicyInputList.1", "IAM Policy", 1, 39, 1, 144}}}})

	// A user may simulate only where its policies let it: SimulatePrincipalPolicy on the
	// principal simulated, SimulateCustomPolicy on "*".
	mustNil(t, errOf(root.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("dev")})))
	mustNil(t, errOf(root.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("alice")})))
	key, err := root.CreateAccessKey(ctx, &awsiam.CreateAccessKeyInput{UserName: aws.String("dev")})
	if err != nil {
		t.Fatal(err)
	}
	dev := ts.iam(aws.Credentials{AccessKeyID: aws.ToString(key.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(key.AccessKey.SecretAccessKey)})
	alice := "arn:aws:iam::123456789012:user/alice"
	_, err = dev.SimulatePrincipalPolicy(ctx, &awsiam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String(alice), ActionNames: []string{"sqs:SendMessage"}})
	wantError(t, err, "AccessDenied", 403, "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: iam:SimulatePrincipalPolicy on resource: "+alice+" because no identity-based policy allows the iam:SimulatePrincipalPolicy action")
	_, err = dev.SimulateCustomPolicy(ctx, &awsiam.SimulateCustomPolicyInput{PolicyInputList: []string{ok}, ActionNames: []string{"sqs:SendMessage"}})
	wantError(t, err, "AccessDenied", 403, "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: iam:SimulateCustomPolicy on resource: * because no identity-based policy allows the iam:SimulateCustomPolicy action")
	mustNil(t, errOf(root.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("dev"), PolicyName: aws.String("simulate"), PolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:SimulatePrincipalPolicy","iam:GetContextKeysForPrincipalPolicy"],"Resource":"` + alice + `"},{"Effect":"Allow","Action":["iam:SimulateCustomPolicy","iam:GetContextKeysForCustomPolicy"],"Resource":"*"}]}`)})))
	out, err := dev.SimulatePrincipalPolicy(ctx, &awsiam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String(alice), ActionNames: []string{"sqs:SendMessage"}})
	if err != nil || out.EvaluationResults[0].EvalDecision != implicitDeny {
		t.Fatalf("dev simulating alice: %v", err)
	}
	_, err = dev.SimulatePrincipalPolicy(ctx, &awsiam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String("arn:aws:iam::123456789012:user/dev"), ActionNames: []string{"sqs:SendMessage"}})
	wantError(t, err, "AccessDenied", 403, "")
	if _, err := dev.SimulateCustomPolicy(ctx, &awsiam.SimulateCustomPolicyInput{PolicyInputList: []string{ok}, ActionNames: []string{"sqs:SendMessage"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := dev.GetContextKeysForCustomPolicy(ctx, &awsiam.GetContextKeysForCustomPolicyInput{PolicyInputList: []string{ok}}); err != nil {
		t.Fatal(err)
	}
}
