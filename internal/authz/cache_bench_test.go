package authz_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/policy"
	"github.com/iamd-dev/iamd/internal/testutil"
)

// BenchmarkDecisionsUnderWrites decides for many role sessions in turn, with no writes and
// under a steady trickle of IAM writes (to a role none of the callers is a session of).
// Run: go test ./internal/authz -run '^$' -bench DecisionsUnderWrites -benchtime 20000x
func BenchmarkDecisionsUnderWrites(b *testing.B) {
	ctx := context.Background()
	s := testutil.New(b)
	const principals = 1000
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:Get*","iam:List*"],"Resource":"*"},` +
		`{"Effect":"Deny","Action":"iam:Delete*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
	callers := make([]*authz.Caller, principals)
	for i := range principals {
		name := fmt.Sprintf("r%d", i)
		r := s.Role(b, name, "", testutil.TrustEC2)
		if err := s.IAM.PutRolePolicy(ctx, testutil.Account, name, "inline", doc); err != nil {
			b.Fatal(err)
		}
		p, err := policy.ParsePrincipal("arn:aws:sts::" + testutil.Account + ":assumed-role/" + name + "/s")
		if err != nil {
			b.Fatal(err)
		}
		callers[i] = &authz.Caller{Principal: p, Account: testutil.Account, EntityID: r.ID, AccessKeyID: fmt.Sprintf("ASIA%016d", i)}
	}
	s.Role(b, "written", "", testutil.TrustEC2)
	req := authz.Request{Action: "iam:GetRole", Resource: "arn:aws:iam::" + testutil.Account + ":role/x"}
	for _, rate := range []int{0, 100} {
		b.Run(fmt.Sprintf("writes=%d/s", rate), func(b *testing.B) {
			az := authz.New(s.IAM)
			for _, c := range callers {
				if _, err := az.Decide(ctx, c, req); err != nil {
					b.Fatal(err)
				}
			}
			stop := make(chan struct{})
			var wg sync.WaitGroup
			if rate > 0 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					tick := time.NewTicker(time.Second / time.Duration(rate))
					defer tick.Stop()
					for n := 0; ; n++ {
						select {
						case <-stop:
							return
						case <-tick.C:
							_ = s.IAM.TagRole(ctx, testutil.Account, "written", []iam.Tag{{Key: "n", Value: fmt.Sprint(n)}})
						}
					}
				}()
			}
			b.ResetTimer()
			for i := range b.N {
				d, err := az.Decide(ctx, callers[i%principals], req)
				if err != nil || d.Result != policy.Allowed {
					b.Fatal(d.Result, err)
				}
			}
			b.StopTimer()
			close(stop)
			wg.Wait()
		})
	}
}
