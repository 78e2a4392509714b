package iam

import (
	"context"
	"strings"
	"testing"
	"time"
)

// PasswordStatuses is what a credential report reads of users' passwords.
func TestPasswordStatuses(t *testing.T) {
	s, clock := openUserTestService(t)
	ctx := context.Background()
	for _, name := range []string{"Ann", "Ben"} {
		if _, err := s.CreateUser(ctx, CreateUserInput{Account: ugAccount, Name: name}); err != nil {
			t.Fatal(err)
		}
	}
	created := clock.now()
	if _, err := s.CreateLoginProfile(ctx, CreateLoginProfileInput{Account: ugAccount, UserName: "ann", Password: "First-Pass-1", PasswordGiven: true}); err != nil {
		t.Fatal(err)
	}
	got, err := s.PasswordStatuses(ctx, ugAccount)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !got["Ann"].Enabled || !got["Ann"].LastChanged.Equal(created) || !got["Ann"].NextRotation.IsZero() {
		t.Fatalf("without a policy: %+v", got)
	}
	if _, ok := got["Ben"]; ok {
		t.Fatal("Ben has no password but is listed")
	}

	age := 90
	if err := s.UpdateAccountPasswordPolicy(ctx, UpdatePasswordPolicyInput{Account: ugAccount, MaxPasswordAge: &age, AllowUsersToChangePassword: true}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.PasswordStatuses(ctx, ugAccount); !got["Ann"].NextRotation.Equal(created.AddDate(0, 0, 90)) {
		t.Fatalf("with MaxPasswordAge 90: %+v", got["Ann"])
	}

	clock.advance(48 * time.Hour)
	if err := s.ChangePassword(ctx, ugAccount, "Ann", "First-Pass-1", "Second-Pass-2"); err != nil {
		t.Fatal(err)
	}
	changed := clock.now()
	if got, _ := s.PasswordStatuses(ctx, ugAccount); !got["Ann"].LastChanged.Equal(changed) || !got["Ann"].NextRotation.Equal(changed.AddDate(0, 0, 90)) {
		t.Fatalf("after ChangePassword: %+v", got["Ann"])
	}
	// The profile still shows its creation date.
	if p, err := s.GetLoginProfile(ctx, ugAccount, "Ann"); err != nil || !p.CreateDate.Equal(created) {
		t.Fatalf("GetLoginProfile %+v %v", p, err)
	}
}

// HardExpiry takes the account's grant of ChangePassword away from a user whose password
// expired; without it, an expired password may still be changed under the grant.
func TestSelfServiceAfterExpiry(t *testing.T) {
	s, clock := openUserTestService(t)
	ctx := context.Background()
	if _, err := s.CreateUser(ctx, CreateUserInput{Account: ugAccount, Name: "cy"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateLoginProfile(ctx, CreateLoginProfileInput{Account: ugAccount, UserName: "cy", Password: "First-Pass-1", PasswordGiven: true}); err != nil {
		t.Fatal(err)
	}
	grants := func() SelfServiceGrants {
		t.Helper()
		g, err := s.PasswordSelfService(ctx, ugAccount, "cy")
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	if g := grants(); g.ChangePassword || g.GetAccountPasswordPolicy {
		t.Fatalf("no policy, grants %+v", g)
	}
	age, hard := 1, true
	policy := UpdatePasswordPolicyInput{Account: ugAccount, AllowUsersToChangePassword: true, MaxPasswordAge: &age, HardExpiry: &hard}
	if err := s.UpdateAccountPasswordPolicy(ctx, policy); err != nil {
		t.Fatal(err)
	}
	if g := grants(); !g.ChangePassword || !g.GetAccountPasswordPolicy {
		t.Fatalf("before expiry, grants %+v", g)
	}
	clock.advance(25 * time.Hour)
	if g := grants(); g.ChangePassword || !g.GetAccountPasswordPolicy {
		t.Fatalf("expired under HardExpiry, grants %+v", g)
	}
	hard = false
	if err := s.UpdateAccountPasswordPolicy(ctx, policy); err != nil {
		t.Fatal(err)
	}
	if g := grants(); !g.ChangePassword {
		t.Fatalf("expired without HardExpiry, grants %+v", g)
	}
}

// A hash is salted: the same password hashes differently, and only the password matches.
func TestPasswordHash(t *testing.T) {
	a, err := hashPassword("Same-Pass-1")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := hashPassword("Same-Pass-1")
	if a == b || !strings.HasPrefix(a, "$argon2id$v=19$m=19456,t=2,p=1$") || strings.Contains(a, "Same-Pass-1") {
		t.Fatalf("hashes %q %q", a, b)
	}
	for pw, want := range map[string]bool{"Same-Pass-1": true, "same-pass-1": false, "Same-Pass-1 ": false, "": false} {
		if got, err := passwordMatches(a, pw); err != nil || got != want {
			t.Errorf("passwordMatches(%q) = %v %v, want %v", pw, got, err, want)
		}
	}
	if _, err := passwordMatches("$argon2id$v=19$m=0,t=2,p=1$AAAA$AAAA", "x"); err == nil {
		t.Error("a hash with zero memory was read")
	}
}

// A password change decided on a profile that changed before its write (the slow hashing
// runs outside the write transaction) is refused as EntityTemporarilyUnmodifiable, and
// changes nothing.
func TestConcurrentPasswordChangeIsRefused(t *testing.T) {
	s, _ := openUserTestService(t)
	ctx := context.Background()
	if _, err := s.CreateUser(ctx, CreateUserInput{Account: ugAccount, Name: "dee"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateLoginProfile(ctx, CreateLoginProfileInput{Account: ugAccount, UserName: "dee", Password: "First-Pass-1", PasswordGiven: true}); err != nil {
		t.Fatal(err)
	}
	stale, err := s.readPasswordState(ctx, ugAccount, "dee")
	if err != nil {
		t.Fatal(err)
	}
	second := "Second-Pass-2"
	if err := s.UpdateLoginProfile(ctx, UpdateLoginProfileInput{Account: ugAccount, UserName: "dee", Password: &second}); err != nil {
		t.Fatal(err)
	}
	err = s.changeLoginProfile(ctx, ugAccount, &stale, func(d *loginProfileDoc) { d.PasswordResetRequired = true })
	ugWantCode(t, err, "EntityTemporarilyUnmodifiable", "Login Profile for User dee cannot be modified while login profile is being modified.")
	if p, _ := s.GetLoginProfile(ctx, ugAccount, "dee"); p.PasswordResetRequired {
		t.Fatal("the stale change was written")
	}
	if err := s.ChangePassword(ctx, ugAccount, "dee", second, "Third-Pass-3"); err != nil {
		t.Fatalf("the second password: %v", err)
	}
}
