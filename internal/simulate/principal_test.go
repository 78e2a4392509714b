package simulate_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/iamd-dev/iamd/internal/simulate"
)

func TestPrincipal(t *testing.T) {
	sim := newSimulator(t)
	read := at(t, aliceRead, readStmt, "user_alice_read", simulate.IdentityPolicy)
	noSecret := at(t, aliceRead, noSecretStmt, "user_alice_read", simulate.IdentityPolicy)
	allQueues := at(t, queues, queuesStmt, "Queues", simulate.IdentityPolicy)
	all := at(t, anything, anythingStmt, "user_bounded_all", simulate.IdentityPolicy)
	boundSQS := at(t, boundaryOnlySQS, boundSQSStmt, "OnlySQS", simulate.BoundaryPolicy)
	boundNoDel := at(t, boundaryOnlySQS, boundNoDelStmt, "OnlySQS", simulate.BoundaryPolicy)
	office := at(t, fromOffice, fromOfficeStmt, "role_worker_office", simulate.IdentityPolicy)
	cases := []struct {
		name                     string
		source, action, resource string
		context                  []simulate.ContextEntry
		want                     simulate.Evaluation
	}{
		{name: "allowed by the user's inline policy", source: arnOf("user", "alice"), action: "s3:GetObject", resource: "arn:aws:s3:::data/report.csv",
			want: simulate.Evaluation{Decision: "allowed", Matched: []simulate.Statement{read}, Details: map[string]string{}}},
		{name: "allowed by the group's managed policy", source: arnOf("user", "alice"), action: "sqs:SendMessage", resource: "*",
			want: simulate.Evaluation{Decision: "allowed", Matched: []simulate.Statement{allQueues}}},
		{name: "implicit deny: nothing allows", source: arnOf("user", "alice"), action: "s3:PutObject", resource: "arn:aws:s3:::data/report.csv",
			want: simulate.Evaluation{Decision: "implicitDeny", Details: map[string]string{}}},
		{name: "explicit deny: only the Deny statement decided", source: arnOf("user", "alice"), action: "s3:GetObject", resource: "arn:aws:s3:::data/secret/keys",
			want: simulate.Evaluation{Decision: "explicitDeny", Matched: []simulate.Statement{noSecret}, Details: map[string]string{}}},
		{name: "a group's own policies", source: arnOf("group", "ops"), action: "sqs:DeleteQueue", resource: "*",
			want: simulate.Evaluation{Decision: "allowed", Matched: []simulate.Statement{allQueues}}},
		{name: "the boundary allows nothing of S3", source: arnOf("user", "bounded"), action: "s3:GetObject", resource: "*",
			want: simulate.Evaluation{Decision: "implicitDeny", AllowedByBoundary: no()}},
		{name: "the boundary denies", source: arnOf("user", "bounded"), action: "sqs:DeleteQueue", resource: "*",
			want: simulate.Evaluation{Decision: "explicitDeny", Matched: []simulate.Statement{boundNoDel}, AllowedByBoundary: no()}},
		{name: "within the boundary", source: arnOf("user", "bounded"), action: "sqs:SendMessage", resource: "*",
			want: simulate.Evaluation{Decision: "allowed", Matched: []simulate.Statement{all, boundSQS}, AllowedByBoundary: yes()}},
		{name: "a condition key not given is missing", source: arnOf("role", "worker"), action: "ec2:RunInstances", resource: "*",
			want: simulate.Evaluation{Decision: "implicitDeny", Missing: []string{"aws:SourceIp"}}},
		{name: "the condition met", source: arnOf("role", "worker"), action: "ec2:RunInstances", resource: "*", context: ip("10.1.2.3"),
			want: simulate.Evaluation{Decision: "allowed", Matched: []simulate.Statement{office}}},
		{name: "the condition not met", source: arnOf("role", "worker"), action: "ec2:RunInstances", resource: "*", context: ip("192.0.2.1"),
			want: simulate.Evaluation{Decision: "implicitDeny"}},
		{name: "a statement not bearing on the action misses nothing", source: arnOf("role", "worker"), action: "s3:GetObject", resource: "*",
			want: simulate.Evaluation{Decision: "implicitDeny"}},
	}
	for _, c := range cases {
		in := simulate.PrincipalInput{PolicySourceArn: str(c.source), Input: simulate.Input{Account: acct, ActionNames: []string{c.action}, ContextEntries: c.context}}
		if c.resource != "*" {
			in.ResourceArns = []string{c.resource}
		}
		c.want.Action, c.want.Resource = c.action, c.resource
		res, err := sim.Principal(context.Background(), in)
		checkEvaluations(t, c.name, res, err, c.want)
	}
}

// A boundary given in the call replaces the principal's.
func TestPrincipalBoundaryInput(t *testing.T) {
	sim := newSimulator(t)
	const s3Stmt = `{"Effect":"Allow","Action":"s3:*","Resource":"*"}`
	s3Only := `{"Version":"2012-10-17","Statement":[` + s3Stmt + `]}`
	in := simulate.PrincipalInput{PolicySourceArn: str(arnOf("user", "bounded")), Input: simulate.Input{Account: acct,
		PermissionsBoundaryPolicyInputList: []string{s3Only}, ActionNames: []string{"s3:GetObject", "sqs:SendMessage"}}}
	res, err := sim.Principal(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	want := []simulate.Evaluation{
		{Action: "s3:GetObject", Resource: "*", Decision: "allowed", AllowedByBoundary: yes(), Matched: []simulate.Statement{
			at(t, anything, anythingStmt, "user_bounded_all", simulate.IdentityPolicy),
			at(t, s3Only, s3Stmt, "PermissionsBoundaryPolicyInputList.1", simulate.BoundaryPolicy),
		}},
		{Action: "sqs:SendMessage", Resource: "*", Decision: "implicitDeny", AllowedByBoundary: no()},
	}
	if !reflect.DeepEqual(res.Evaluations, want) {
		t.Errorf("got  %+v\nwant %+v", res.Evaluations, want)
	}
}
