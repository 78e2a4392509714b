package iam

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/secretbox"
	"github.com/iamd-dev/iamd/internal/store/sqlite"
)

const ugAccount = "123456789012"

// ugClock is a settable clock for the tests of users, groups and access keys.
type ugClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *ugClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *ugClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// openUserTestService is a Service over a real SQLite store with the test account.
func openUserTestService(t *testing.T) (*Service, *ugClock) {
	t.Helper()
	ctx := context.Background()
	store, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	box, err := secretbox.New(make([]byte, secretbox.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	clock := &ugClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	s := New(store, box, clock.now)
	if _, _, err := s.EnsureAccount(ctx, ugAccount, "test", nil); err != nil {
		t.Fatal(err)
	}
	return s, clock
}

func ugWantCode(t *testing.T, err error, code, message string) {
	t.Helper()
	e, ok := awserr.As(err)
	if !ok || e.Code != code {
		t.Fatalf("error %v, want %s", err, code)
	}
	if message != "" && e.Message != message {
		t.Fatalf("message %q, want %q", e.Message, message)
	}
}

func TestRenameUserKeepsGroupsAndKeys(t *testing.T) {
	s, _ := openUserTestService(t)
	ctx := context.Background()
	if _, err := s.CreateUser(ctx, CreateUserInput{Account: ugAccount, Name: "bob"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateGroup(ctx, ugAccount, "devs", "/"); err != nil {
		t.Fatal(err)
	}
	if err := s.AddUserToGroup(ctx, ugAccount, "devs", "bob"); err != nil {
		t.Fatal(err)
	}
	key, err := s.CreateAccessKey(ctx, ugAccount, "bob")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateUser(ctx, ugAccount, "bob", "robert", "/eng/"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetUser(ctx, ugAccount, "bob"); err == nil {
		t.Fatal("the old name still exists")
	}
	u, err := s.GetUser(ctx, ugAccount, "robert")
	if err != nil || u.ARN() != "arn:aws:iam::123456789012:user/eng/robert" || len(u.Groups) != 1 {
		t.Fatalf("renamed user %+v %v", u, err)
	}
	g, users, err := s.GetGroupWithUsers(ctx, ugAccount, "devs", Page{})
	if err != nil || len(g.Members) != 1 || g.Members[0] != "robert" || len(users.Items) != 1 || users.Items[0].Name != "robert" {
		t.Fatalf("group after rename %+v %+v %v", g, users, err)
	}
	keys, err := s.ListAccessKeys(ctx, ugAccount, "robert", Page{})
	if err != nil || len(keys.Items) != 1 || keys.Items[0].ID != key.ID || keys.Items[0].UserName != "robert" {
		t.Fatalf("keys after rename %+v %v", keys, err)
	}
	_, caller, err := s.LookupAccessKey(ctx, key.ID)
	if err != nil || caller.ARN != "arn:aws:iam::123456789012:user/eng/robert" {
		t.Fatalf("key owner after rename %+v %v", caller, err)
	}
	// The key blocks deletion under the new name, and is found by it.
	ugWantCode(t, s.DeleteUser(ctx, ugAccount, "robert"), "DeleteConflict", "Cannot delete entity, must delete access keys first.")
	if err := s.DeleteAccessKey(ctx, ugAccount, "robert", key.ID); err != nil {
		t.Fatal(err)
	}
	ugWantCode(t, s.DeleteUser(ctx, ugAccount, "robert"), "DeleteConflict", "Cannot delete entity, must remove users from group first.")

	// A change of case only keeps the document and its links.
	if _, err := s.UpdateUser(ctx, ugAccount, "robert", "Robert", ""); err != nil {
		t.Fatal(err)
	}
	groups, err := s.ListGroupsForUser(ctx, ugAccount, "ROBERT", Page{})
	if err != nil || len(groups.Items) != 1 {
		t.Fatalf("groups after a case change %+v %v", groups, err)
	}
	g, _ = s.GetGroup(ctx, ugAccount, "devs")
	if g.Members[0] != "Robert" {
		t.Fatalf("members after a case change %v", g.Members)
	}
}

func TestRenameUserOntoAnother(t *testing.T) {
	s, _ := openUserTestService(t)
	ctx := context.Background()
	for _, n := range []string{"a", "b"} {
		if _, err := s.CreateUser(ctx, CreateUserInput{Account: ugAccount, Name: n}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := s.UpdateUser(ctx, ugAccount, "a", "B", "")
	ugWantCode(t, err, "EntityAlreadyExists", "User with name B already exists.")
}

func TestRenameGroupKeepsMembers(t *testing.T) {
	s, _ := openUserTestService(t)
	ctx := context.Background()
	if _, err := s.CreateUser(ctx, CreateUserInput{Account: ugAccount, Name: "bob"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateGroup(ctx, ugAccount, "devs", ""); err != nil {
		t.Fatal(err)
	}
	if err := s.AddUserToGroup(ctx, ugAccount, "devs", "bob"); err != nil {
		t.Fatal(err)
	}
	if err := s.PutGroupPolicy(ctx, ugAccount, "devs", "p", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}}`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateGroup(ctx, ugAccount, "devs", "engineers", "/x/"); err != nil {
		t.Fatal(err)
	}
	u, _ := s.GetUser(ctx, ugAccount, "bob")
	if len(u.Groups) != 1 || u.Groups[0] != "engineers" {
		t.Fatalf("user groups %v", u.Groups)
	}
	pp, err := s.UserPolicies(ctx, ugAccount, "bob")
	if err != nil || len(pp.Identity) != 1 {
		t.Fatalf("policies through the renamed group %+v %v", pp, err)
	}
	if err := s.RemoveUserFromGroup(ctx, ugAccount, "engineers", "bob"); err != nil {
		t.Fatal(err)
	}
	ugWantCode(t, s.RemoveUserFromGroup(ctx, ugAccount, "engineers", "bob"), "NoSuchEntity", "The user with name bob cannot be found.")
	ugWantCode(t, s.DeleteGroup(ctx, ugAccount, "engineers"), "DeleteConflict", "Cannot delete entity, must delete policies first.")
}

func TestInlinePolicyQuotas(t *testing.T) {
	s, _ := openUserTestService(t)
	ctx := context.Background()
	if _, err := s.CreateUser(ctx, CreateUserInput{Account: ugAccount, Name: "bob"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateGroup(ctx, ugAccount, "devs", ""); err != nil {
		t.Fatal(err)
	}
	// A document of n non-space characters (and as much white space, which is not counted).
	doc := func(n int) string {
		head := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::123456789012:user/`
		tail := `"}}`
		name := strings.Repeat("a", n-len(head)-len(tail))
		return strings.ReplaceAll(head, ",", ",   ") + name + tail
	}
	// Policy name "p" counts one character.
	if err := s.PutUserPolicy(ctx, ugAccount, "bob", "p", doc(2047)); err != nil {
		t.Fatalf("a policy at the quota: %v", err)
	}
	ugWantCode(t, s.PutUserPolicy(ctx, ugAccount, "bob", "q", doc(200)), "LimitExceeded", "Maximum policy size of 2048 bytes exceeded for user bob")
	if err := s.PutGroupPolicy(ctx, ugAccount, "devs", "p", doc(5119)); err != nil {
		t.Fatalf("a group policy at the quota: %v", err)
	}
	ugWantCode(t, s.PutGroupPolicy(ctx, ugAccount, "devs", "p", doc(5120)), "LimitExceeded", "Maximum policy size of 5120 bytes exceeded for group devs")
}

func TestAccessKeyQuotaAndRootKeys(t *testing.T) {
	s, _ := openUserTestService(t)
	ctx := context.Background()
	if _, err := s.CreateUser(ctx, CreateUserInput{Account: ugAccount, Name: "bob"}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := s.CreateAccessKey(ctx, ugAccount, "bob"); err != nil {
			t.Fatal(err)
		}
	}
	_, err := s.CreateAccessKey(ctx, ugAccount, "bob")
	ugWantCode(t, err, "LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2")

	// The root user has the key EnsureAccount made: one more is allowed, not two.
	root, err := s.CreateAccessKey(ctx, ugAccount, "")
	if err != nil || root.UserName != "" || len(root.SecretAccessKey) != 40 || !strings.HasPrefix(root.ID, "AKIA") {
		t.Fatalf("root key %+v %v", root, err)
	}
	_, err = s.CreateAccessKey(ctx, ugAccount, "")
	ugWantCode(t, err, "LimitExceeded", "")
	keys, err := s.ListAccessKeys(ctx, ugAccount, "", Page{})
	if err != nil || len(keys.Items) != 2 {
		t.Fatalf("root keys %+v %v", keys, err)
	}
	// A root key is not bob's.
	ugWantCode(t, s.DeleteAccessKey(ctx, ugAccount, "bob", root.ID), "NoSuchEntity", "The Access Key with id "+root.ID+" cannot be found.")
	if err := s.UpdateAccessKey(ctx, ugAccount, "", root.ID, "Inactive"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.LookupAccessKey(ctx, root.ID); err != ErrUnknownKey {
		t.Fatalf("an inactive key authenticates: %v", err)
	}
	ugWantCode(t, s.UpdateAccessKey(ctx, ugAccount, "", root.ID, "Disabled"), "ValidationError", "")
}

func TestNoteAccessKeyUseIsThrottled(t *testing.T) {
	s, clock := openUserTestService(t)
	ctx := context.Background()
	if _, err := s.CreateUser(ctx, CreateUserInput{Account: ugAccount, Name: "bob"}); err != nil {
		t.Fatal(err)
	}
	k, err := s.CreateAccessKey(ctx, ugAccount, "bob")
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.AccessKeyInfo(ctx, ugAccount, k.ID)
	if err != nil || info.LastUsed != nil || info.UserName != "bob" {
		t.Fatalf("new key %+v %v", info, err)
	}
	gen := s.Generation()
	first := clock.now()
	if err := s.NoteAccessKeyUse(ctx, k.ID, "us-east-1", "iam"); err != nil {
		t.Fatal(err)
	}
	clock.advance(30 * time.Second)
	if err := s.NoteAccessKeyUse(ctx, k.ID, "eu-west-1", "sts"); err != nil {
		t.Fatal(err)
	}
	info, _ = s.AccessKeyInfo(ctx, ugAccount, k.ID)
	if info.LastUsed == nil || !info.LastUsed.Date.Equal(first) || info.LastUsed.Region != "us-east-1" || info.LastUsed.Service != "iam" {
		t.Fatalf("last use within the minute %+v", info.LastUsed)
	}
	clock.advance(31 * time.Second)
	if err := s.NoteAccessKeyUse(ctx, k.ID, "eu-west-1", "sts"); err != nil {
		t.Fatal(err)
	}
	info, _ = s.AccessKeyInfo(ctx, ugAccount, k.ID)
	if info.LastUsed.Region != "eu-west-1" || info.LastUsed.Service != "sts" || !info.LastUsed.Date.Equal(clock.now()) {
		t.Fatalf("last use after the minute %+v", info.LastUsed)
	}
	if s.Generation() != gen {
		t.Fatal("noting a key's use moved the generation")
	}
	// A deleted key is not brought back.
	if err := s.DeleteAccessKey(ctx, ugAccount, "bob", k.ID); err != nil {
		t.Fatal(err)
	}
	clock.advance(2 * time.Minute)
	if err := s.NoteAccessKeyUse(ctx, k.ID, "us-east-1", "iam"); err != nil {
		t.Fatal(err)
	}
	_, err = s.AccessKeyInfo(ctx, ugAccount, k.ID)
	ugWantCode(t, err, "NoSuchEntity", "")
}

func TestGroupsPerUserQuota(t *testing.T) {
	s, _ := openUserTestService(t)
	ctx := context.Background()
	if _, err := s.CreateUser(ctx, CreateUserInput{Account: ugAccount, Name: "bob"}); err != nil {
		t.Fatal(err)
	}
	for i := range 11 {
		name := "g" + string(rune('a'+i))
		if _, err := s.CreateGroup(ctx, ugAccount, name, ""); err != nil {
			t.Fatal(err)
		}
		err := s.AddUserToGroup(ctx, ugAccount, name, "bob")
		if i < 10 && err != nil {
			t.Fatal(err)
		}
		if i == 10 {
			ugWantCode(t, err, "LimitExceeded", "Cannot exceed quota for GroupsPerUser: 10")
		}
	}
	// Adding again is not an error and changes nothing.
	if err := s.AddUserToGroup(ctx, ugAccount, "GA", "BOB"); err != nil {
		t.Fatal(err)
	}
	u, _ := s.GetUser(ctx, ugAccount, "bob")
	if len(u.Groups) != 10 {
		t.Fatalf("groups %v", u.Groups)
	}
	page, err := s.ListGroupsForUser(ctx, ugAccount, "bob", Page{MaxItems: 4})
	if err != nil || len(page.Items) != 4 || !page.IsTruncated || page.Items[0].Name != "ga" {
		t.Fatalf("first page %+v %v", page, err)
	}
}
