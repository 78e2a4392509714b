// Package testutil builds the real parts iamd's tests run on, wired as the server wires them:
// a SQLite store in the test's temporary directory, a master key, the IAM domain with the
// default account, the authorizer, STS and encoded authorization messages; callers as the
// server authenticates them; and the checks of what an API answers them. Only tests import
// it.
package testutil

import (
	"context"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/authmsg"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/oidc"
	"github.com/iamd-dev/iamd/internal/policy"
	"github.com/iamd-dev/iamd/internal/secretbox"
	"github.com/iamd-dev/iamd/internal/store/sqlite"
	"github.com/iamd-dev/iamd/internal/sts"
)

// Account is the default account a Stack holds.
const Account = "123456789012"

// Policy documents the fixtures share.
const (
	// AllowAll allows every action on every resource.
	AllowAll = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	// TrustEC2 is a trust policy letting EC2 assume the role.
	TrustEC2 = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
)

// A Stack is the domain over a real store, closed when the test ends.
type Stack struct {
	Store *sqlite.Store
	Box   *secretbox.Box
	IAM   *iam.Service
	Authz *authz.Authorizer
	STS   *sts.Service
	Msgs  *authmsg.Codec
}

// New opens a store in t.TempDir() and wires the domain over it, with the default account.
func New(t testing.TB) *Stack {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	box, err := secretbox.New(make([]byte, secretbox.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	svc := iam.New(st, box, time.Now)
	if _, _, err := svc.EnsureAccount(ctx, Account, "default", nil); err != nil {
		t.Fatal(err)
	}
	az := authz.New(svc)
	return &Stack{
		Store: st, Box: box, IAM: svc, Authz: az,
		STS:  sts.New(svc, az, sts.NewSealer(box), oidc.NewVerifier(nil, time.Now), time.Now),
		Msgs: authmsg.NewCodec(box),
	}
}

// Root is the root user of an account, as its access key's caller.
func Root(t testing.TB, account string) *authz.Caller {
	t.Helper()
	return Caller(t, iam.RootARN("", account), account, account, "")
}

// User creates a user in the default account, with the inline policy "inline" when document
// is not "", and returns the caller its access key stands for.
func (s *Stack) User(t testing.TB, name, document string) *authz.Caller {
	t.Helper()
	return s.UserIn(t, Account, name, document)
}

// UserIn is User in another account (one the test made with the IAM service's
// EnsureAccount).
func (s *Stack) UserIn(t testing.TB, account, name, document string) *authz.Caller {
	t.Helper()
	ctx := context.Background()
	u, err := s.IAM.CreateUser(ctx, iam.CreateUserInput{Account: account, Name: name})
	if err != nil {
		t.Fatal(err)
	}
	if document != "" {
		if err := s.IAM.PutUserPolicy(ctx, account, name, "inline", document); err != nil {
			t.Fatal(err)
		}
	}
	return Caller(t, u.ARN(), account, u.ID, u.Name)
}

// Role creates a role in the default account, under path ("" for "/"), with the trust
// policy.
func (s *Stack) Role(t testing.TB, name, path, trust string) *iam.Role {
	t.Helper()
	r, err := s.IAM.CreateRole(context.Background(), iam.CreateRoleInput{Account: Account, Name: name, Path: path, AssumeRolePolicy: trust})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Caller is the caller of a long-term key of the principal (a user, or a root user when
// userName is "").
func Caller(t testing.TB, arn, account, userID, userName string) *authz.Caller {
	t.Helper()
	p, err := policy.ParsePrincipal(arn)
	if err != nil {
		t.Fatal(err)
	}
	return &authz.Caller{Principal: p, Account: account, UserID: userID, UserName: userName, EntityID: userID, Time: time.Now()}
}

// InRegion is the caller calling a regional service's region, as the server authenticates
// it (the region of the request's SigV4 scope).
func InRegion(c *authz.Caller, region string) *authz.Caller {
	c.Region = region
	return c
}

// Session is the caller a session token stands for, as the server authenticates it.
func (s *Stack) Session(t testing.TB, token string) *authz.Caller {
	t.Helper()
	sess, err := s.STS.Sealer().Open(token)
	if err != nil {
		t.Fatal(err)
	}
	c, err := sess.Caller()
	if err != nil {
		t.Fatal(err)
	}
	c.Time = time.Now()
	return c
}
