package accessanalyzer

import (
	"encoding/json"
	"math/rand"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/catalog"
	"github.com/iamd-dev/iamd/internal/policy"
)

// The universe the generated policies are written in, and the concrete requests the
// oracle asks the engine about, independently of the checks' own samples.
var (
	genActions = []string{"s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:Get*", "s3:*Object", "s3:*",
		"iam:PassRole", "iam:Get*", "iam:*", "ec2:RunInstances", "sqs:SendMessage", "*"}
	genResources = []string{"*", "arn:aws:s3:::b/*", "arn:aws:s3:::b*", "arn:aws:s3:::b/x", "arn:aws:s3:::c/*",
		"arn:aws:s3:::b", "arn:aws:s3:::*/x*", "arn:aws:s3:::b/?", "arn:aws:iam::123456789012:role/R*",
		"arn:aws:iam::123456789012:role/R1", "arn:aws:iam::*:role/*", "arn:aws:sqs:us-east-1:123456789012:q*",
		"arn:aws:ec2:*:*:instance/*", "arn:aws:s3:::${aws:username}/*", "arn:aws:s3:::b/x*", "arn:aws:s3:::*/x*y"}
	genConditions = []map[string]map[string]any{
		{"StringEquals": {"aws:SourceVpc": "vpc-1"}},
		{"StringEquals": {"aws:SourceVpc": []string{"vpc-1", "vpc-2"}}},
		{"StringNotEquals": {"aws:SourceVpc": "vpc-3"}},
		{"Bool": {"aws:SecureTransport": "true"}},
	}
	oracleActions = []string{"s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:GetBucketPolicy", "s3:DeleteObject",
		"s3:ListAllMyBuckets", "iam:PassRole", "iam:GetRole", "iam:CreateUser", "ec2:RunInstances", "ec2:DescribeInstances",
		"sqs:SendMessage", "sqs:ReceiveMessage", "dynamodb:GetItem"}
	oracleResources = []string{"*", "arn:aws:s3:::b/x", "arn:aws:s3:::b/y/z", "arn:aws:s3:::bb/x", "arn:aws:s3:::b",
		"arn:aws:s3:::bx", "arn:aws:s3:::c/x", "arn:aws:s3:::c", "arn:aws:s3:::d/xy", "arn:aws:s3:::b/q",
		"arn:aws:s3:::iamd-access-analyzer/k", "arn:aws:s3:::b/xy", "arn:aws:s3:::b/xzy", "arn:aws:s3:::c/xy", "arn:aws:s3:::b/x",
		"arn:aws:iam::123456789012:role/R1", "arn:aws:iam::123456789012:role/R2",
		"arn:aws:iam::123456789012:role/Q", "arn:aws:iam::999999999999:role/R1", "arn:aws:iam::123456789012:user/u",
		"arn:aws:sqs:us-east-1:123456789012:q1", "arn:aws:sqs:us-east-1:123456789012:other",
		"arn:aws:ec2:us-east-1:123456789012:instance/i-1", "arn:aws:ec2:us-east-1:123456789012:subnet/s-1",
		"arn:aws:dynamodb:us-east-1:123456789012:table/t"}
	oracleContexts = []map[string]string{{}, {"aws:SourceVpc": "vpc-1"}, {"aws:SourceVpc": "vpc-2"},
		{"aws:SourceVpc": "vpc-3"}, {"aws:SecureTransport": "true"}, {"aws:SourceVpc": "vpc-1", "aws:SecureTransport": "true"}}
)

// genPolicy writes a random identity policy of one to three statements.
func genPolicy(r *rand.Rand) string {
	pick := func(list []string, most int) []string {
		n := 1 + r.Intn(most)
		out := make([]string, 0, n)
		for i := 0; i < n; i++ {
			out = append(out, list[r.Intn(len(list))])
		}
		return out
	}
	var sts []map[string]any
	for i := 0; i < 1+r.Intn(3); i++ {
		st := map[string]any{"Effect": "Allow"}
		if r.Intn(4) == 0 {
			st["Effect"] = "Deny"
		}
		if r.Intn(8) == 0 {
			st["NotAction"] = pick(genActions[:len(genActions)-1], 2)
		} else {
			st["Action"] = pick(genActions, 3)
		}
		if r.Intn(8) == 0 {
			st["NotResource"] = pick(genResources[1:], 2)
		} else {
			st["Resource"] = pick(genResources, 3)
		}
		if r.Intn(3) == 0 {
			st["Condition"] = genConditions[r.Intn(len(genConditions))]
		}
		sts = append(sts, st)
	}
	data, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": sts})
	return string(data)
}

// oracleAllows asks the engine whether the whole policy allows a concrete request.
func oracleAllows(t *testing.T, p *policy.Policy, action, resource string, ctx map[string]string) bool {
	var c policy.Context
	for k, v := range ctx {
		c.Set(k, v)
	}
	prin, err := policy.ParsePrincipal("arn:aws:iam::123456789012:user/iamd-access-analyzer")
	if err != nil {
		t.Fatal(err)
	}
	req := policy.NewRequest(prin, action, resource, "", c)
	return policy.Evaluate(&policy.Set{Identity: []*policy.Policy{p}}, req).Result == policy.Allowed
}

// relevant reports whether a request can happen: the action acts on the resource's type
// ("*" for actions of no resource type).
func relevant(action, resource string) bool {
	a := catalog.Default().Action(action)
	if a == nil {
		return false
	}
	if len(a.Resources) == 0 {
		return resource == "*"
	}
	if resource == "*" {
		return false
	}
	ok, _ := a.MatchesResource(resource)
	return ok
}

// TestCheckNoNewAccessSound: for generated pairs of policies, whenever the check says
// PASS, no request of the oracle's (actions x resources x contexts) is allowed by the new
// policy and not by the existing one. It also needs both answers to occur, so that it
// cannot pass by failing everything or passing everything.
func TestCheckNoNewAccessSound(t *testing.T) {
	r := rand.New(rand.NewSource(18))
	const pairs = 150
	deadline := time.Now().Add(2 * time.Minute)
	passes, fails, witnessed := 0, 0, 0
	for i := 0; i < pairs && time.Now().Before(deadline); i++ {
		newDoc, oldDoc := genPolicy(r), genPolicy(r)
		if r.Intn(3) == 0 {
			oldDoc = widen(r, newDoc) // the new policy within the existing one, most of the time
		}
		out, err := CheckNoNewAccess(CheckNoNewAccessInput{NewPolicyDocument: newDoc, ExistingPolicyDocument: oldDoc, PolicyType: IdentityPolicy})
		if err != nil {
			t.Fatalf("%v\nnew %s\nold %s", err, newDoc, oldDoc)
		}
		np, _ := policy.Parse([]byte(newDoc), policy.Identity)
		op, _ := policy.Parse([]byte(oldDoc), policy.Identity)
		newAccess := ""
		for _, a := range oracleActions {
			for _, res := range oracleResources {
				if !relevant(a, res) {
					continue
				}
				for _, ctx := range oracleContexts {
					if newAccess == "" && oracleAllows(t, np, a, res, ctx) && !oracleAllows(t, op, a, res, ctx) {
						newAccess = a + " on " + res
					}
				}
			}
		}
		switch out.Result {
		case Pass:
			passes++
			if newAccess != "" {
				t.Errorf("PASS, but the new policy allows %s and the existing one does not:\nnew %s\nold %s", newAccess, newDoc, oldDoc)
			}
		case Fail:
			fails++
			if newAccess != "" {
				witnessed++
			}
		}
	}
	t.Logf("%d PASS, %d FAIL (%d of them with new access the oracle found)", passes, fails, witnessed)
	if n := passes + fails; n >= 16 && (passes < n/8 || fails < n/8 || witnessed < fails/2) {
		t.Fatalf("%d PASS and %d FAIL: the generator must bring both", passes, fails)
	}
}

// widen makes a policy that allows at least what doc allows, most of the time: its Allow
// statements, each also allowing another action, and none of its Deny statements.
func widen(r *rand.Rand, docText string) string {
	var d struct {
		Version   string
		Statement []map[string]any
	}
	_ = json.Unmarshal([]byte(docText), &d)
	var out []map[string]any
	for _, st := range d.Statement {
		if st["Effect"] == "Deny" {
			continue
		}
		if r.Intn(2) == 0 {
			delete(st, "Condition")
		}
		if acts, ok := st["Action"].([]any); ok {
			st["Action"] = append(acts, genActions[r.Intn(len(genActions))])
		}
		out = append(out, st)
	}
	if len(out) == 0 {
		out = append(out, map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
	}
	data, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": out})
	return string(data)
}

// TestCheckAccessNotGrantedSound: whenever the check says PASS, no request of the access
// (its actions on the oracle's resources it names) is allowed by the policy in any context.
func TestCheckAccessNotGrantedSound(t *testing.T) {
	r := rand.New(rand.NewSource(1811))
	const count = 150
	deadline := time.Now().Add(2 * time.Minute)
	passes, fails := 0, 0
	for i := 0; i < count && time.Now().Before(deadline); i++ {
		doc := genPolicy(r)
		acc := Access{Actions: []string{oracleActions[r.Intn(len(oracleActions))]}}
		if r.Intn(2) == 0 {
			acc.Resources = []string{oracleResources[1+r.Intn(len(oracleResources)-1)]}
		}
		out, err := CheckAccessNotGranted(CheckAccessNotGrantedInput{PolicyDocument: doc, Access: []Access{acc}, PolicyType: IdentityPolicy})
		if err != nil {
			t.Fatalf("%v\n%s", err, doc)
		}
		p, _ := policy.Parse([]byte(doc), policy.Identity)
		granted := ""
		resources := acc.Resources
		if resources == nil {
			resources = oracleResources
		}
		for _, res := range resources {
			if !relevant(acc.Actions[0], res) {
				continue
			}
			for _, ctx := range oracleContexts {
				if granted == "" && oracleAllows(t, p, acc.Actions[0], res, ctx) {
					granted = acc.Actions[0] + " on " + res
				}
			}
		}
		if out.Result == Pass {
			passes++
			if granted != "" {
				t.Errorf("PASS, but the policy allows %s:\n%s", granted, doc)
			}
		} else {
			fails++
		}
	}
	t.Logf("%d PASS, %d FAIL", passes, fails)
	if n := passes + fails; n >= 16 && (passes < n/8 || fails < n/8) {
		t.Fatalf("%d PASS and %d FAIL: the generator must bring both", passes, fails)
	}
}
