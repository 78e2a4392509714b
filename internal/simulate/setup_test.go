package simulate_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/simulate"
	"github.com/iamd-dev/iamd/internal/testutil"
)

const acct = testutil.Account

// The documents of the account the tests simulate. Each statement is written once, so a
// test finds its position in its document.
const (
	readStmt     = `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*"}`
	noSecretStmt = `{"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/secret/*"}`
	aliceRead    = `{"Version":"2012-10-17","Statement":[` + readStmt + `,` + noSecretStmt + `]}`

	queuesStmt = `{"Effect":"Allow","Action":"sqs:*","Resource":"*"}`
	queues     = `{"Version":"2012-10-17","Statement":[` + queuesStmt + `]}`

	anythingStmt = `{"Effect":"Allow","Action":"*","Resource":"*"}`
	anything     = `{"Version":"2012-10-17","Statement":[` + anythingStmt + `]}`

	boundSQSStmt    = `{"Effect":"Allow","Action":"sqs:*","Resource":"*"}`
	boundNoDelStmt  = `{"Effect":"Deny","Action":"sqs:DeleteQueue","Resource":"*"}`
	boundaryOnlySQS = `{"Version":"2012-10-17","Statement":[` + boundSQSStmt + `,` + boundNoDelStmt + `]}`

	fromOfficeStmt = `{"Effect":"Allow","Action":"ec2:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`
	fromOffice     = `{"Version":"2012-10-17","Statement":[` + fromOfficeStmt + `]}`
)

func arnOf(kind, name string) string { return "arn:aws:iam::" + acct + ":" + kind + "/" + name }

// newSimulator is a simulator over a real store holding: alice, with an inline policy that
// reads data/* but not data/secret/*, in the group ops, which has the managed policy
// Queues; bounded, who may do anything but whose boundary OnlySQS allows SQS except
// DeleteQueue; and the role worker, whose policy allows EC2 from 10.0.0.0/8.
func newSimulator(t *testing.T) *simulate.Simulator {
	t.Helper()
	ctx := context.Background()
	s := testutil.New(t)
	svc := s.IAM
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	policyARN := func(name, doc string) string {
		t.Helper()
		p, err := svc.CreatePolicy(ctx, iam.CreatePolicyInput{Account: acct, Name: name, Document: doc})
		must(err)
		return p.ARN()
	}
	s.User(t, "alice", "")
	s.User(t, "bounded", "")
	must(svc.PutUserPolicy(ctx, acct, "alice", "read", aliceRead))
	_, err := svc.CreateGroup(ctx, acct, "ops", "/")
	must(err)
	must(svc.AddUserToGroup(ctx, acct, "ops", "alice"))
	must(svc.AttachPolicy(ctx, acct, iam.HolderGroup, "ops", policyARN("Queues", queues)))
	must(svc.PutUserPolicy(ctx, acct, "bounded", "all", anything))
	must(svc.PutUserPermissionsBoundary(ctx, acct, "bounded", policyARN("OnlySQS", boundaryOnlySQS)))
	s.Role(t, "worker", "", testutil.TrustEC2)
	must(svc.PutRolePolicy(ctx, acct, "worker", "office", fromOffice))
	return simulate.New(svc)
}

// at is where a statement is in a one-line document, as AWS reports it: columns from 1,
// from just past the statement's "{" to just past its "}".
func at(t *testing.T, doc, stmt, id, typ string) simulate.Statement {
	t.Helper()
	i := strings.Index(doc, stmt)
	if i < 0 || strings.Count(doc, stmt) != 1 {
		t.Fatalf("the statement %s is not once in %s", stmt, doc)
	}
	return simulate.Statement{PolicyID: id, PolicyType: typ, Start: simulate.Position{Line: 1, Column: i + 2}, End: simulate.Position{Line: 1, Column: i + len(stmt) + 1}}
}

func str(s string) *string { return &s }

func ip(v string) []simulate.ContextEntry {
	return []simulate.ContextEntry{{Name: "aws:SourceIp", Type: "ip", Values: []string{v}}}
}

func yes() *bool { b := true; return &b }
func no() *bool  { b := false; return &b }

// checkEvaluations runs a simulation of one action on one resource and compares its only
// result.
func checkEvaluations(t *testing.T, name string, res *simulate.Results, err error, want simulate.Evaluation) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if len(res.Evaluations) != 1 || res.Marker != "" {
		t.Fatalf("%s: %d results, marker %q; want one", name, len(res.Evaluations), res.Marker)
	}
	if got := res.Evaluations[0]; !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %+v\nwant %+v", name, got, want)
	}
}
