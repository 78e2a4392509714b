package authz_test

import (
	"context"
	"testing"

	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/testutil"
)

// The account's grant stands in for an identity policy allowing the action: it allows what
// the caller's policies leave implicitly denied, but not past an explicit Deny or a
// permissions boundary that does not allow it, and only on the resource it names.
func TestAuthorizeGranted(t *testing.T) {
	s := testutil.New(t)
	ctx := context.Background()
	const deny = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:ChangePassword","Resource":"*"}]}`
	const onlyS3 = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
	plain := s.User(t, "plain", "")
	denied := s.User(t, "denied", deny)
	bounded := s.User(t, "bounded", "")
	if _, err := s.IAM.CreatePolicy(ctx, iam.CreatePolicyInput{Account: testutil.Account, Name: "only-s3", Document: onlyS3}); err != nil {
		t.Fatal(err)
	}
	if err := s.IAM.PutUserPermissionsBoundary(ctx, testutil.Account, "bounded", "arn:aws:iam::"+testutil.Account+":policy/only-s3"); err != nil {
		t.Fatal(err)
	}
	odd, err := s.IAM.CreateUser(ctx, iam.CreateUserInput{Account: testutil.Account, Name: "odd", Path: "/${aws:userid}/*/"})
	if err != nil {
		t.Fatal(err)
	}
	oddCaller := testutil.Caller(t, odd.ARN(), testutil.Account, odd.ID, odd.Name)
	on := func(c *authz.Caller) authz.Request {
		return authz.Request{Action: "iam:ChangePassword", Resource: c.Principal.ID}
	}
	for _, tc := range []struct {
		name    string
		caller  *authz.Caller
		req     authz.Request
		granted bool
		allowed bool
	}{
		{"no grant", plain, on(plain), false, false},
		{"granted", plain, on(plain), true, true},
		{"granted, explicit deny", denied, on(denied), true, false},
		{"granted, boundary without the action", bounded, on(bounded), true, false},
		{"granted, a path that reads as a variable", oddCaller, on(oddCaller), true, true},
	} {
		err := s.Authz.AuthorizeGranted(ctx, tc.caller, tc.req, tc.granted)
		if _, isAWS := awserr.As(err); err != nil && !isAWS {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if (err == nil) != tc.allowed {
			t.Errorf("%s: %v, want allowed %v", tc.name, err, tc.allowed)
		}
	}
}
