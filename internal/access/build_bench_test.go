package access

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/testutil"
)

// fill makes n users and n roles in the default account: user i may assume roles
// team-i-*, role i trusts the account, and every fifth role may put policies on the
// team's roles.
func fill(tb testing.TB, s *testutil.Stack, n int) {
	tb.Helper()
	ctx := context.Background()
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`
	for i := range n {
		name := fmt.Sprintf("team-%d-role", i)
		if _, err := s.IAM.CreateRole(ctx, iam.CreateRoleInput{Account: testutil.Account, Name: name, AssumeRolePolicy: trust}); err != nil {
			tb.Fatal(err)
		}
		doc := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::team-%d/*"}]}`, i)
		if i%5 == 0 {
			doc = fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PutRolePolicy","Resource":"arn:aws:iam::123456789012:role/team-%d-*"}]}`, i)
		}
		if err := s.IAM.PutRolePolicy(ctx, testutil.Account, name, "p", doc); err != nil {
			tb.Fatal(err)
		}
		s.User(tb, fmt.Sprintf("user-%d", i), fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::123456789012:role/team-%d-*"}]}`, i))
	}
}

// fillDense makes n users and n roles each allowed every IAM action and sts:AssumeRole
// everywhere: the worst case, every pair asked about every edge kind.
func fillDense(tb testing.TB, s *testutil.Stack, n int) {
	tb.Helper()
	ctx := context.Background()
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:*","sts:AssumeRole"],"Resource":"*"},{"Effect":"Deny","Action":"iam:CreateAccessKey","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}]}`
	for i := range n {
		name := fmt.Sprintf("dense-%d-role", i)
		if _, err := s.IAM.CreateRole(ctx, iam.CreateRoleInput{Account: testutil.Account, Name: name, AssumeRolePolicy: trust}); err != nil {
			tb.Fatal(err)
		}
		if err := s.IAM.PutRolePolicy(ctx, testutil.Account, name, "p", doc); err != nil {
			tb.Fatal(err)
		}
		s.User(tb, fmt.Sprintf("dense-user-%d", i), doc)
	}
}

// BenchmarkBuildDense is BenchmarkBuild's worst case.
func BenchmarkBuildDense(b *testing.B) {
	for _, n := range []int{50, 100} {
		b.Run(fmt.Sprint(2*n, "principals"), func(b *testing.B) {
			s := testutil.New(b)
			fillDense(b, s, n)
			builder := New(s.IAM, nil, "us-east-1", Limits{})
			b.ResetTimer()
			var decisions int
			start := time.Now()
			for range b.N {
				g, err := builder.Build(context.Background(), Scope{})
				if err != nil {
					b.Fatal(err)
				}
				decisions = g.Decisions
			}
			elapsed := time.Since(start)
			b.ReportMetric(float64(decisions), "decisions/op")
			b.ReportMetric(float64(elapsed.Nanoseconds())/float64(b.N)/float64(decisions), "ns/decision")
		})
	}
}

// BenchmarkBuild builds the graph of 2n principals: about (2n)² × 8 decisions.
func BenchmarkBuild(b *testing.B) {
	for _, n := range []int{50, 200} {
		b.Run(fmt.Sprint(2*n, "principals"), func(b *testing.B) {
			s := testutil.New(b)
			fill(b, s, n)
			builder := New(s.IAM, nil, "us-east-1", Limits{})
			b.ResetTimer()
			var decisions int
			start := time.Now()
			for range b.N {
				g, err := builder.Build(context.Background(), Scope{})
				if err != nil {
					b.Fatal(err)
				}
				decisions = g.Decisions
			}
			elapsed := time.Since(start)
			b.ReportMetric(float64(decisions), "decisions/op")
			b.ReportMetric(float64(elapsed.Nanoseconds())/float64(b.N)/float64(decisions), "ns/decision")
		})
	}
}

// TestBuildBound: a build past its bound of principals is refused, and one past its bound
// of decisions is marked truncated.
func TestBuildBound(t *testing.T) {
	s := testutil.New(t)
	fill(t, s, 6)
	if _, err := New(s.IAM, nil, "us-east-1", Limits{MaxPrincipals: 5}).Build(context.Background(), Scope{}); err == nil {
		t.Fatal("12 principals built under a bound of 5")
	}
	g, err := New(s.IAM, nil, "us-east-1", Limits{MaxDecisions: 10}).Build(context.Background(), Scope{})
	if err != nil {
		t.Fatal(err)
	}
	if !g.Truncated || g.Decisions > 20 {
		t.Fatalf("truncated %v after %d decisions", g.Truncated, g.Decisions)
	}
	g, err = New(s.IAM, nil, "us-east-1", Limits{MaxEdges: 3}).Build(context.Background(), Scope{})
	if err != nil {
		t.Fatal(err)
	}
	if !g.Truncated || len(g.Edges) > 3 {
		t.Fatalf("truncated %v with %d edges", g.Truncated, len(g.Edges))
	}
	g, err = New(s.IAM, nil, "us-east-1", Limits{}).Build(context.Background(), Scope{})
	if err != nil || g.Truncated {
		t.Fatalf("%v, truncated %v", err, g.Truncated)
	}
	// user-3 reaches team-3-role; team-0-role may rewrite itself.
	if ans, _ := g.Can("arn:aws:iam::123456789012:user/user-3", "s3:GetObject", "arn:aws:s3:::team-3/k"); !ans.Allowed || ans.ActingAs != "arn:aws:iam::123456789012:role/team-3-role" {
		t.Errorf("user-3: %+v", ans)
	}
	if ans, _ := g.Can("arn:aws:iam::123456789012:user/user-3", "s3:GetObject", "arn:aws:s3:::team-4/k"); ans.Allowed {
		t.Errorf("user-3 reads team-4's bucket: %+v", ans)
	}
	if ans, _ := g.Can("arn:aws:iam::123456789012:user/user-0", "s3:GetObject", "arn:aws:s3:::team-4/k"); !ans.Allowed || len(ans.Control) == 0 {
		t.Errorf("user-0, through team-0-role rewriting itself, reads anything: %+v", ans)
	}
}
