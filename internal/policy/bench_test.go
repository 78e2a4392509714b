package policy

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

func mustParseFile(tb testing.TB, path string, kind Kind) *Policy {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	p, err := Parse(data, kind)
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	return p
}

func mustRequest(tb testing.TB, principal, action, resource string, kv ...string) *Request {
	tb.Helper()
	p, err := ParsePrincipal(principal)
	if err != nil {
		tb.Fatal(err)
	}
	var ctx Context
	for i := 0; i+1 < len(kv); i += 2 {
		ctx.Set(kv[i], kv[i+1])
	}
	return NewRequest(p, action, resource, "", ctx)
}

// hundredStatements builds a policy of 100 statements with wildcard actions, ARN patterns,
// variables and conditions, the last of which matches the benchmark's request.
func hundredStatements(tb testing.TB) *Policy {
	var b strings.Builder
	b.WriteString(`{"Version":"2012-10-17","Statement":[`)
	for i := 0; i < 100; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"Sid":"S%d","Effect":"Allow","Action":["s3:Get*","s3:List*","dynamodb:Query"],`+
			`"Resource":"arn:aws:s3:::bucket-%d/${aws:username}/*",`+
			`"Condition":{"StringEquals":{"aws:PrincipalTag/team":"team-%d"},"IpAddress":{"aws:SourceIp":"10.%d.0.0/16"}}}`, i, i, i, i)
	}
	b.WriteString(`]}`)
	p, err := Parse([]byte(b.String()), Identity)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func benchmarkDecision(b *testing.B, set *Set, req *Request, want Result) {
	var d Decision
	EvaluateInto(&d, set, req)
	if d.Result != want {
		b.Fatalf("decision %v, want %v", d.Result, want)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		EvaluateInto(&d, set, req)
	}
}

func BenchmarkTowerRolePolicy(b *testing.B) {
	set := &Set{Identity: []*Policy{mustParseFile(b, "testdata/seeds/tower-role-policy.json", Identity)}}
	session := "arn:aws:sts::123456789012:assumed-role/Tower-Role/i-0abc"
	b.Run("allow-exact-action", func(b *testing.B) {
		benchmarkDecision(b, set, mustRequest(b, session, "batch:SubmitJob", "arn:aws:batch:us-east-1:123456789012:job-queue/q"), Allowed)
	})
	b.Run("allow-object-pattern", func(b *testing.B) {
		benchmarkDecision(b, set, mustRequest(b, session, "s3:GetObject", "arn:aws:s3:::tower-bucket-01/data/sample.bam"), Allowed)
	})
	b.Run("implicit-deny", func(b *testing.B) {
		benchmarkDecision(b, set, mustRequest(b, session, "s3:GetObject", "arn:aws:s3:::other-bucket/x"), ImplicitDeny)
	})
}

func BenchmarkParallelClusterUserPolicy(b *testing.B) {
	set := &Set{Identity: []*Policy{mustParseFile(b, "testdata/seeds/parallelcluster-user-policy.json", Identity)}}
	user := "arn:aws:iam::123456789012:user/pcluster-admin"
	b.Run("allow-passrole", func(b *testing.B) {
		benchmarkDecision(b, set, mustRequest(b, user, "iam:PassRole", "arn:aws:iam::123456789012:role/parallelcluster-head"), Allowed)
	})
	b.Run("implicit-deny-passrole", func(b *testing.B) {
		benchmarkDecision(b, set, mustRequest(b, user, "iam:PassRole", "arn:aws:iam::123456789012:role/admin"), ImplicitDeny)
	})
}

func BenchmarkHundredStatements(b *testing.B) {
	set := &Set{Identity: []*Policy{hundredStatements(b)}}
	req := mustRequest(b, "arn:aws:iam::123456789012:user/alice", "s3:GetObject", "arn:aws:s3:::bucket-99/alice/report.csv",
		"aws:PrincipalTag/team", "team-99", "aws:SourceIp", "10.99.3.4")
	benchmarkDecision(b, set, req, Allowed)
}

func BenchmarkParse(b *testing.B) {
	data, err := os.ReadFile("testdata/seeds/parallelcluster-user-policy.json")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(data, Identity); err != nil {
			b.Fatal(err)
		}
	}
}

// TestEvaluateAllocatesNothing holds the hot path to its promise: a prepared request
// evaluated into a reused Decision allocates nothing, for seed policies and a large one.
func TestEvaluateAllocatesNothing(t *testing.T) {
	cases := []struct {
		name string
		set  *Set
		req  *Request
	}{
		{"tower", &Set{Identity: []*Policy{mustParseFile(t, "testdata/seeds/tower-role-policy.json", Identity)}},
			mustRequest(t, "arn:aws:sts::123456789012:assumed-role/Tower-Role/i-0abc", "s3:PutObject", "arn:aws:s3:::tower-bucket-02/a/b")},
		{"parallelcluster", &Set{Identity: []*Policy{mustParseFile(t, "testdata/seeds/parallelcluster-user-policy.json", Identity)}},
			mustRequest(t, "arn:aws:iam::123456789012:user/u", "iam:PassRole", "arn:aws:iam::123456789012:role/parallelcluster-x")},
		{"hundred", &Set{Identity: []*Policy{hundredStatements(t)}},
			mustRequest(t, "arn:aws:iam::123456789012:user/alice", "s3:GetObject", "arn:aws:s3:::bucket-99/alice/r",
				"aws:PrincipalTag/team", "team-99", "aws:SourceIp", "10.99.3.4")},
	}
	for _, c := range cases {
		var d Decision
		EvaluateInto(&d, c.set, c.req) // warm the Decision's slices
		if d.Result != Allowed {
			t.Fatalf("%s: decision %v, want allowed", c.name, d.Result)
		}
		if n := testing.AllocsPerRun(100, func() { EvaluateInto(&d, c.set, c.req) }); n != 0 {
			t.Errorf("%s: %v allocations per decision, want 0", c.name, n)
		}
	}
}
