package accessanalyzer

import (
	"encoding/json"
	"math/rand"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/policy"
)

var (
	genPrincipals = []any{"*", map[string]any{"AWS": "111122223333"}, map[string]any{"AWS": "arn:aws:iam::111122223333:role/R"},
		map[string]any{"AWS": []string{"arn:aws:iam::444455556666:root", "arn:aws:iam::111122223333:role/R"}},
		map[string]any{"AWS": "arn:aws:iam::444455556666:root"}, map[string]any{"AWS": "*"}}
	genResourceActions = []string{"s3:GetObject", "s3:PutObject", "s3:Get*", "s3:*", "sqs:SendMessage", "sqs:*"}
	genBucketResources = []string{"arn:aws:s3:::b/*", "arn:aws:s3:::b*", "arn:aws:s3:::b/x", "arn:aws:s3:::*",
		"arn:aws:sqs:us-east-1:123456789012:q*", "*"}
	// Callers of other accounts, so that the resource policy alone decides (their own
	// identity policies allow everything).
	oracleCallers = []string{"arn:aws:sts::111122223333:assumed-role/R/s", "arn:aws:iam::111122223333:user/u",
		"arn:aws:sts::444455556666:assumed-role/X/s", "arn:aws:iam::777777777777:user/z"}
	oracleResourceActions   = []string{"s3:GetObject", "s3:PutObject", "s3:GetBucketPolicy", "s3:DeleteObject", "sqs:SendMessage", "sqs:ReceiveMessage"}
	oracleResourceResources = []string{"arn:aws:s3:::b/x", "arn:aws:s3:::b/y", "arn:aws:s3:::bb/x", "arn:aws:s3:::b", "arn:aws:s3:::c/x",
		"arn:aws:sqs:us-east-1:123456789012:q1", "arn:aws:sqs:us-east-1:123456789012:other"}
)

func genResourcePolicy(r *rand.Rand) string {
	var sts []map[string]any
	for i := 0; i < 1+r.Intn(3); i++ {
		st := map[string]any{"Effect": "Allow", "Action": []string{genResourceActions[r.Intn(len(genResourceActions))]},
			"Resource": []string{genBucketResources[r.Intn(len(genBucketResources))]}}
		if r.Intn(4) == 0 {
			st["Effect"] = "Deny"
		}
		if r.Intn(10) == 0 {
			st["NotPrincipal"] = genPrincipals[1+r.Intn(4)]
		} else {
			st["Principal"] = genPrincipals[r.Intn(len(genPrincipals))]
		}
		if r.Intn(4) == 0 {
			st["Condition"] = genConditions[r.Intn(len(genConditions))]
		}
		sts = append(sts, st)
	}
	data, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": sts})
	return string(data)
}

var allowAll = mustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, policy.Identity)

func mustParse(doc string, kind policy.Kind) *policy.Policy {
	p, err := policy.Parse([]byte(doc), kind)
	if err != nil {
		panic(err)
	}
	return p
}

// resourceOracle asks the engine whether a caller of another account may act on the
// resource under the resource policy, its own identity policies allowing everything.
func resourceOracle(t *testing.T, p *policy.Policy, caller, action, resource string, ctx map[string]string) bool {
	prin, err := policy.ParsePrincipal(caller)
	if err != nil {
		t.Fatal(err)
	}
	var c policy.Context
	for k, v := range ctx {
		c.Set(k, v)
	}
	req := policy.NewRequest(prin, action, resource, "123456789012", c)
	return policy.Evaluate(&policy.Set{Identity: []*policy.Policy{allowAll}, Resource: p}, req).Result == policy.Allowed
}

// TestCheckNoNewAccessSoundForResourcePolicies: for generated pairs of resource policies,
// whenever the check says PASS, no caller of the oracle's may do what the new policy allows
// and the existing one does not.
func TestCheckNoNewAccessSoundForResourcePolicies(t *testing.T) {
	r := rand.New(rand.NewSource(1812))
	const pairs = 150
	deadline := time.Now().Add(2 * time.Minute)
	passes, fails, witnessed := 0, 0, 0
	for i := 0; i < pairs && time.Now().Before(deadline); i++ {
		newDoc, oldDoc := genResourcePolicy(r), genResourcePolicy(r)
		if r.Intn(3) == 0 {
			oldDoc = newDoc
		}
		out, err := CheckNoNewAccess(CheckNoNewAccessInput{NewPolicyDocument: newDoc, ExistingPolicyDocument: oldDoc, PolicyType: ResourcePolicy})
		if err != nil {
			t.Fatalf("%v\nnew %s\nold %s", err, newDoc, oldDoc)
		}
		np, op := mustParse(newDoc, policy.Resource), mustParse(oldDoc, policy.Resource)
		newAccess := ""
		for _, caller := range oracleCallers {
			for _, a := range oracleResourceActions {
				for _, res := range oracleResourceResources {
					if !relevant(a, res) {
						continue
					}
					for _, ctx := range oracleContexts {
						if newAccess == "" && resourceOracle(t, np, caller, a, res, ctx) && !resourceOracle(t, op, caller, a, res, ctx) {
							newAccess = caller + " " + a + " on " + res
						}
					}
				}
			}
		}
		if out.Result == Pass {
			passes++
			if newAccess != "" {
				t.Errorf("PASS, but the new policy lets %s and the existing one does not:\nnew %s\nold %s", newAccess, newDoc, oldDoc)
			}
		} else {
			fails++
			if newAccess != "" {
				witnessed++
			} else if testing.Verbose() && fails-witnessed <= 12 {
				t.Logf("FAIL the oracle does not confirm: %s\nnew %s\nold %s", out.Reasons[0].Description, newDoc, oldDoc)
			}
		}
	}
	t.Logf("%d PASS, %d FAIL (%d of them with new access the oracle found)", passes, fails, witnessed)
	if n := passes + fails; n >= 16 && (passes < n/8 || fails < n/8 || witnessed < fails/2) {
		t.Fatalf("%d PASS and %d FAIL: the generator must bring both", passes, fails)
	}
}
