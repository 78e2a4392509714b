package authz_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/testutil"
)

// world is a small account the randomized tests write to at random: users, groups, roles
// with sessions, and managed policies with several versions each.
type world struct {
	s        *testutil.Stack
	users    []string
	groups   []string
	roles    []string
	policies []string // ARNs
	docs     []string
	callers  []*authz.Caller
}

func newWorld(t testing.TB) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{s: testutil.New(t)}
	w.docs = []string{allowDoc(actionA), allowDoc(actionB), denyDoc(actionA), testutil.AllowAll, allowDoc("iam:*")}
	for i := range 4 {
		name := fmt.Sprintf("u%d", i)
		w.users = append(w.users, name)
		w.callers = append(w.callers, w.s.User(t, name, ""))
	}
	for i := range 3 {
		name := fmt.Sprintf("g%d", i)
		w.groups = append(w.groups, name)
		_, err := w.s.IAM.CreateGroup(ctx, acct, name, "")
		must(t, err)
	}
	for i := range 2 {
		name := fmt.Sprintf("r%d", i)
		w.roles = append(w.roles, name)
		r := w.s.Role(t, name, "", testutil.TrustEC2)
		w.callers = append(w.callers, session(t, r, "open", fmt.Sprintf("ASIAOPEN%d", i), testutil.AllowAll),
			session(t, r, "narrow", fmt.Sprintf("ASIANARROW%d", i), allowDoc(actionB)))
	}
	for i := range 3 {
		arn := managed(t, w.s, fmt.Sprintf("p%d", i), w.docs[i])
		w.policies = append(w.policies, arn)
		for _, doc := range w.docs[1:4] { // v2..v4
			_, err := w.s.IAM.CreatePolicyVersion(ctx, acct, arn, doc, false)
			must(t, err)
		}
	}
	return w
}

// write makes one random write (some are refused, as IAM would refuse them: that changes
// nothing and is fine).
func (w *world) write(ctx context.Context, rnd *rand.Rand) string {
	svc := w.s.IAM
	pick := func(list []string) string { return list[rnd.IntN(len(list))] }
	user, group, role, pol, doc := pick(w.users), pick(w.groups), pick(w.roles), pick(w.policies), pick(w.docs)
	inline := pick([]string{"p1", "p2"})
	holders := []iam.PolicyHolder{iam.HolderUser, iam.HolderGroup, iam.HolderRole}
	holder := holders[rnd.IntN(3)]
	holderName := map[iam.PolicyHolder]string{iam.HolderUser: user, iam.HolderGroup: group, iam.HolderRole: role}[holder]
	switch rnd.IntN(14) {
	case 0:
		_ = svc.PutUserPolicy(ctx, acct, user, inline, doc)
		return "PutUserPolicy " + user
	case 1:
		_ = svc.DeleteUserPolicy(ctx, acct, user, inline)
		return "DeleteUserPolicy " + user
	case 2:
		_ = svc.PutGroupPolicy(ctx, acct, group, inline, doc)
		return "PutGroupPolicy " + group
	case 3:
		_ = svc.DeleteGroupPolicy(ctx, acct, group, inline)
		return "DeleteGroupPolicy " + group
	case 4:
		_ = svc.PutRolePolicy(ctx, acct, role, inline, doc)
		return "PutRolePolicy " + role
	case 5:
		_ = svc.DeleteRolePolicy(ctx, acct, role, inline)
		return "DeleteRolePolicy " + role
	case 6:
		_ = svc.AttachPolicy(ctx, acct, holder, holderName, pol)
		return "AttachPolicy " + holderName
	case 7:
		_ = svc.DetachPolicy(ctx, acct, holder, holderName, pol)
		return "DetachPolicy " + holderName
	case 8:
		_ = svc.AddUserToGroup(ctx, acct, group, user)
		return "AddUserToGroup " + user
	case 9:
		_ = svc.RemoveUserFromGroup(ctx, acct, group, user)
		return "RemoveUserFromGroup " + user
	case 10:
		_ = svc.SetDefaultPolicyVersion(ctx, acct, pol, fmt.Sprintf("v%d", 1+rnd.IntN(4)))
		return "SetDefaultPolicyVersion " + pol
	case 11:
		if rnd.IntN(2) == 0 {
			_ = svc.PutUserPermissionsBoundary(ctx, acct, user, pol)
			return "PutUserPermissionsBoundary " + user
		}
		_ = svc.DeleteUserPermissionsBoundary(ctx, acct, user)
		return "DeleteUserPermissionsBoundary " + user
	case 12:
		if rnd.IntN(2) == 0 {
			_ = svc.PutRolePermissionsBoundary(ctx, acct, role, pol)
			return "PutRolePermissionsBoundary " + role
		}
		_ = svc.DeleteRolePermissionsBoundary(ctx, acct, role)
		return "DeleteRolePermissionsBoundary " + role
	default:
		_ = svc.UpdateAssumeRolePolicy(ctx, acct, role, testutil.TrustEC2)
		return "UpdateAssumeRolePolicy " + role
	}
}

// check compares every caller's cached decisions with an uncached Authorizer's.
func (w *world) check(t testing.TB, az *authz.Authorizer, what string) {
	t.Helper()
	for _, c := range w.callers {
		for _, action := range []string{actionA, actionB, "iam:GetUser"} {
			sameAsFresh(t, w.s, az, c, request(action), what)
		}
	}
}

// After each of a series of random writes, every cached decision is the one an Authorizer
// with nothing cached makes.
func TestCacheRandomWritesMatchUncached(t *testing.T) {
	ctx := context.Background()
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rnd := rand.New(rand.NewPCG(seed, 1))
	w := newWorld(t)
	az := authz.New(w.s.IAM)
	w.check(t, az, "before any write")
	for i := range 150 {
		what := w.write(ctx, rnd)
		w.check(t, az, fmt.Sprintf("write %d (%s), seed %d", i, what, seed))
	}
	if st := az.Stats(); st.Hits == 0 || st.Rebuilds == 0 {
		t.Errorf("stats %+v: the test exercised neither hits nor rebuilds", st)
	}
}

// Decisions made while writes commit concurrently settle on the uncached decision once the
// writes stop: no change committed during a rebuild is missed.
func TestCacheConcurrentWritesSettle(t *testing.T) {
	ctx := context.Background()
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	w := newWorld(t)
	az := authz.New(w.s.IAM, authz.CacheSize(4)) // small: evictions race with the rest too
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				for _, c := range w.callers {
					if _, err := az.Decide(ctx, c, request(actionA)); err != nil {
						t.Error(err)
						return
					}
				}
			}
		}()
	}
	rnd := rand.New(rand.NewPCG(seed, 99))
	for range 60 {
		w.write(ctx, rnd)
	}
	close(stop)
	wg.Wait()
	w.check(t, az, fmt.Sprintf("after concurrent writes, seed %d", seed))
}
