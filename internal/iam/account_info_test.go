package iam

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/secretbox"
	"github.com/iamd-dev/iamd/internal/store/sqlite"
)

const (
	infoAccount = "123456789012"
	infoOther   = "210987654321"
	infoTrust   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
)

// openInfoTestService is a Service over SQLite in a temp dir with two accounts.
func openInfoTestService(t *testing.T) *Service {
	t.Helper()
	ctx := context.Background()
	store, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	box, err := secretbox.New(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	s := New(store, box, func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) })
	for _, id := range []string{infoAccount, infoOther} {
		if _, err := s.CreateAccount(ctx, id, ""); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// putDocs stores users, groups and policies as their own services would, which this file
// does not depend on (with their list indexes rebuilt, as the services keep them).
func putDocs(t *testing.T, s *Service, docs map[docstore.Key]any) {
	t.Helper()
	err := s.update(context.Background(), func(tx docstore.Tx) error {
		touched := map[[2]string]bool{}
		for k, v := range docs {
			if err := tx.Put(k, v); err != nil {
				return err
			}
			touched[[2]string{k.Collection, k.Account}] = true
		}
		for ca := range touched {
			if err := rebuildHolderIndex(tx, ca[1]); err != nil {
				return err
			}
			if err := rebuildPoliciesInUse(tx, ca[1]); err != nil {
				return err
			}
		}
		for _, c := range listedCollections {
			for ca := range touched {
				if ca[0] == c {
					if err := rebuildListIndex(tx, c, ca[1]); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestAuthorizationDetailsAndSummaryReadAllEntities(t *testing.T) {
	s := openInfoTestService(t)
	ctx := context.Background()
	now := s.clock()
	policyARN := PolicyARN("", infoAccount, "/ops/", "Launch")
	putDocs(t, s, map[docstore.Key]any{
		key(colUser, infoAccount, "alice"): &User{Account: infoAccount, Name: "alice", ID: "AIDAALICE", Path: "/", CreateDate: now,
			InlinePolicies: map[string]string{"inline": `{"Version":"2012-10-17","Statement":[]}`}, AttachedPolicies: []string{policyARN}, Groups: []string{"admins"}},
		key(colGroup, infoAccount, "admins"): &Group{Account: infoAccount, Name: "admins", ID: "AGPAADMINS", Path: "/", CreateDate: now,
			AttachedPolicies: []string{policyARN}, Members: []string{"alice"}},
		key(colPolicy, infoAccount, "Launch"): &ManagedPolicy{Account: infoAccount, Name: "Launch", ID: "ANPALAUNCH", Path: "/ops/", CreateDate: now, UpdateDate: now,
			DefaultVersion: "v2", NextVersion: 3, AttachmentCount: 2,
			Versions: []PolicyVersion{{ID: "v1", Document: "{}", CreateDate: now}, {ID: "v2", Document: "{}", CreateDate: now}}},
	})
	if _, err := s.CreateRole(ctx, CreateRoleInput{Account: infoAccount, Name: "Tower-Role", AssumeRolePolicy: infoTrust}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateInstanceProfile(ctx, CreateInstanceProfileInput{Account: infoAccount, Name: "Tower-Instance"}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddRoleToInstanceProfile(ctx, infoAccount, "Tower-Instance", "Tower-Role"); err != nil {
		t.Fatal(err)
	}

	d, err := s.GetAccountAuthorizationDetails(ctx, infoAccount, nil, Page{})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Users) != 1 || d.Users[0].Groups[0] != "admins" || len(d.Groups) != 1 || len(d.Roles) != 1 || len(d.Policies) != 1 {
		t.Fatalf("details %+v", d)
	}
	if ips := d.Roles[0].InstanceProfiles; len(ips) != 1 || ips[0].Profile.Name != "Tower-Instance" || len(ips[0].Roles) != 1 {
		t.Fatalf("role's profiles %+v", ips)
	}

	// One marker pages through users, groups, roles and policies in that order.
	var order []string
	p := Page{MaxItems: 1}
	for {
		d, err := s.GetAccountAuthorizationDetails(ctx, infoAccount, nil, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range d.Users {
			order = append(order, "user:"+u.Name)
		}
		for _, g := range d.Groups {
			order = append(order, "group:"+g.Name)
		}
		for _, r := range d.Roles {
			order = append(order, "role:"+r.Role.Name)
		}
		for _, mp := range d.Policies {
			order = append(order, "policy:"+mp.Name)
		}
		if !d.IsTruncated {
			break
		}
		p.Marker = d.Marker
	}
	if got := len(order); got != 4 || order[0] != "user:alice" || order[1] != "group:admins" || order[2] != "role:Tower-Role" || order[3] != "policy:Launch" {
		t.Fatalf("paged order %v", order)
	}

	d, err = s.GetAccountAuthorizationDetails(ctx, infoAccount, []string{"Group", "LocalManagedPolicy"}, Page{})
	if err != nil || len(d.Users) != 0 || len(d.Roles) != 0 || len(d.Groups) != 1 || len(d.Policies) != 1 {
		t.Fatalf("filtered %+v %v", d, err)
	}
	if d, err := s.GetAccountAuthorizationDetails(ctx, infoOther, nil, Page{}); err != nil || len(d.Users)+len(d.Groups)+len(d.Roles)+len(d.Policies) != 0 {
		t.Fatalf("other account's details %+v %v", d, err)
	}

	entries, err := s.GetAccountSummary(ctx, infoAccount)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]int{}
	for _, e := range entries {
		if _, dup := m[e.Key]; dup {
			t.Fatalf("duplicate summary key %s", e.Key)
		}
		m[e.Key] = e.Value
	}
	for k, v := range map[string]int{"Users": 1, "Groups": 1, "Roles": 1, "Policies": 1, "InstanceProfiles": 1, "PolicyVersionsInUse": 2, "AccountAccessKeysPresent": 1} {
		if m[k] != v {
			t.Errorf("%s = %d, want %d", k, m[k], v)
		}
	}
}

func TestAccountAliasUniqueUnderConcurrency(t *testing.T) {
	s := openInfoTestService(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, acct := range []string{infoAccount, infoOther} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.CreateAccountAlias(ctx, acct, "contested")
		}()
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		if err == nil {
			won++
		} else if e, ok := awserr.As(err); !ok || e.Code != "EntityAlreadyExists" || e.Message != "The account alias contested already exists." {
			t.Fatalf("loser's error %v", err)
		}
	}
	if won != 1 {
		t.Fatalf("%d accounts got the alias", won)
	}
	held := 0
	for _, acct := range []string{infoAccount, infoOther} {
		p, err := s.ListAccountAliases(ctx, acct, Page{})
		if err != nil {
			t.Fatal(err)
		}
		held += len(p.Items)
	}
	if held != 1 {
		t.Fatalf("alias held by %d accounts", held)
	}
}

func TestInstanceProfileRoleLinksStayConsistent(t *testing.T) {
	s := openInfoTestService(t)
	ctx := context.Background()
	for _, name := range []string{"r1", "r2"} {
		if _, err := s.CreateRole(ctx, CreateRoleInput{Account: infoAccount, Name: name, AssumeRolePolicy: infoTrust}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.CreateInstanceProfile(ctx, CreateInstanceProfileInput{Account: infoAccount, Name: "p"}); err != nil {
		t.Fatal(err)
	}
	// Two roles race for the one place: exactly one gets it, on both sides.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, name := range []string{"r1", "r2"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.AddRoleToInstanceProfile(ctx, infoAccount, "p", name)
		}()
	}
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) {
		t.Fatalf("errors %v", errs)
	}
	p, err := s.GetInstanceProfile(ctx, infoAccount, "p")
	if err != nil || len(p.Profile.Roles) != 1 {
		t.Fatalf("profile %+v %v", p, err)
	}
	winner := p.Profile.Roles[0]
	for _, name := range []string{"r1", "r2"} {
		r, err := s.GetRole(ctx, infoAccount, name)
		if err != nil {
			t.Fatal(err)
		}
		if in := len(r.InstanceProfiles) == 1 && r.InstanceProfiles[0] == "p"; in != (name == winner) {
			t.Fatalf("role %s instance profiles %v (winner %s)", name, r.InstanceProfiles, winner)
		}
	}
	if err := s.RemoveRoleFromInstanceProfile(ctx, infoAccount, "P", winner); err != nil {
		t.Fatal(err)
	}
	r, _ := s.GetRole(ctx, infoAccount, winner)
	p, _ = s.GetInstanceProfile(ctx, infoAccount, "p")
	if len(r.InstanceProfiles) != 0 || len(p.Profile.Roles) != 0 {
		t.Fatalf("after removal: role %v profile %v", r.InstanceProfiles, p.Profile.Roles)
	}
	if err := s.DeleteRole(ctx, infoAccount, winner); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteInstanceProfile(ctx, infoAccount, "p"); err != nil {
		t.Fatal(err)
	}
}
