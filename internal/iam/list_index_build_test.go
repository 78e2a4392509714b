package iam

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/secretbox"
	"github.com/iamd-dev/iamd/internal/store/sqlite"
)

// openDirService opens the SQLite store of dir and a Service over it.
func openDirService(t *testing.T, dir string) (*Service, func()) {
	t.Helper()
	store, err := sqlite.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	box, err := secretbox.New(make([]byte, secretbox.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	return New(store, box, time.Now), func() { store.Close() }
}

// TestBuildListIndexesUpgradesAnOldDataDirectory makes a data directory as the code before
// the list indexes did (the documents alone), reopens it, builds the indexes and lists.
func TestBuildListIndexesUpgradesAnOldDataDirectory(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, closeStore := openDirService(t, dir)
	if _, _, err := s.EnsureAccount(ctx, ugAccount, "old", nil); err != nil {
		t.Fatal(err)
	}
	opsARN := PolicyARN("", ugAccount, "/p0/", "Ops")
	// The documents as the code before stored them: no path index entries, no counters.
	err := s.store.Update(ctx, func(tx docstore.Tx) error {
		for i := range 25 {
			name, path := fmt.Sprintf("Role%02d", i), fmt.Sprintf("/p%d/", i%3)
			r := &Role{Account: ugAccount, Name: name, ID: newID(prefixRole), Path: path, AssumeRolePolicy: `{"Version":"2012-10-17","Statement":[]}`, MaxSessionDuration: 3600}
			u := &User{Account: ugAccount, Name: "user" + name, ID: newID(prefixUser), Path: path}
			if i == 4 {
				u.AttachedPolicies = []string{opsARN}
				r.PermissionsBoundary = opsARN
			}
			if err := tx.Insert(key(colUser, ugAccount, u.Name), u); err != nil {
				return err
			}
			if err := tx.Insert(key(colRole, ugAccount, name), r); err != nil {
				return err
			}
		}
		g := &Group{Account: ugAccount, Name: "Devs", ID: newID(prefixGroup), Path: "/p1/"}
		if err := tx.Insert(key(colGroup, ugAccount, g.Name), g); err != nil {
			return err
		}
		ip := &InstanceProfile{Account: ugAccount, Name: "Web", ID: newID(prefixInstanceProfile), Path: "/p2/"}
		if err := tx.Insert(key(colInstanceProfile, ugAccount, ip.Name), ip); err != nil {
			return err
		}
		mp := &ManagedPolicy{Account: ugAccount, Name: "Ops", ID: newID(prefixPolicy), Path: "/p0/", DefaultVersion: "v1",
			AttachmentCount: 1, BoundaryUseCount: 1,
			Versions: []PolicyVersion{{ID: "v1", Document: `{"Version":"2012-10-17","Statement":[]}`}}}
		return tx.Insert(key(colPolicy, ugAccount, mp.Name), mp)
	})
	if err != nil {
		t.Fatal(err)
	}
	closeStore()

	s, closeStore = openDirService(t, dir)
	defer closeStore()
	if err := s.BuildListIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	var got []string
	p := Page{MaxItems: 3}
	for pages := 0; ; pages++ {
		page, err := s.ListRoles(ctx, ugAccount, "/p1/", p)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.Items {
			got = append(got, r.Name)
		}
		if !page.IsTruncated {
			break
		}
		p.Marker = page.Marker
	}
	var want []string
	for i := 1; i < 25; i += 3 {
		want = append(want, fmt.Sprintf("Role%02d", i))
	}
	if !slices.Equal(got, want) {
		t.Fatalf("roles under /p1/: %v, want %v", got, want)
	}
	users, err := s.ListUsers(ctx, ugAccount, "/p2/", Page{})
	if err != nil || len(users.Items) != 8 {
		t.Fatalf("users under /p2/: %d %v", len(users.Items), err)
	}
	groups, err := s.ListGroups(ctx, ugAccount, "/p1/", Page{})
	if err != nil || len(groups.Items) != 1 {
		t.Fatalf("groups under /p1/: %+v %v", groups, err)
	}
	profiles, err := s.ListInstanceProfiles(ctx, ugAccount, "/p2/", Page{})
	if err != nil || len(profiles.Items) != 1 {
		t.Fatalf("profiles under /p2/: %+v %v", profiles, err)
	}
	policies, err := s.ListPolicies(ctx, ListPoliciesInput{Account: ugAccount, Scope: "Local", PathPrefix: "/p0/"})
	if err != nil || len(policies.Items) != 1 {
		t.Fatalf("policies under /p0/: %+v %v", policies, err)
	}
	counts := map[string]int{}
	summary, err := s.GetAccountSummary(ctx, ugAccount)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range summary {
		counts[e.Key] = e.Value
	}
	for k, v := range map[string]int{"Roles": 25, "Users": 25, "Groups": 1, "InstanceProfiles": 1, "Policies": 1, "PolicyVersionsInUse": 1} {
		if counts[k] != v {
			t.Errorf("%s = %d, want %d", k, counts[k], v)
		}
	}
	inUse, err := s.ListPolicies(ctx, ListPoliciesInput{Account: ugAccount, Scope: "Local", OnlyAttached: true})
	if err != nil || len(inUse.Items) != 1 || inUse.Items[0].Name != "Ops" {
		t.Fatalf("policies in use: %+v %v", inUse, err)
	}
	holders, err := s.ListEntitiesForPolicy(ctx, ListEntitiesForPolicyInput{Account: ugAccount, PolicyARN: opsARN})
	if err != nil || len(holders.Items) != 2 || holders.Items[0].Name != "Role04" || holders.Items[1].Name != "userRole04" {
		t.Fatalf("entities for Ops: %+v %v", holders, err)
	}
	// The counters go on from the built ones.
	if err := s.DeleteUser(ctx, ugAccount, "userRole00"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateRole(ctx, CreateRoleInput{Account: ugAccount, Name: "New", Path: "/p1/", AssumeRolePolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`}); err != nil {
		t.Fatal(err)
	}
	summary, err = s.GetAccountSummary(ctx, ugAccount)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range summary {
		counts[e.Key] = e.Value
	}
	if counts["Users"] != 24 || counts["Roles"] != 26 {
		t.Fatalf("after a delete and a create: Users %d, Roles %d", counts["Users"], counts["Roles"])
	}

	// Built once: the record keeps a second start from building again (a document stored
	// behind the indexes' back now stays unlisted under a prefix).
	err = s.store.Update(ctx, func(tx docstore.Tx) error {
		u := &User{Account: ugAccount, Name: "stray", ID: newID(prefixUser), Path: "/p2/"}
		return tx.Insert(key(colUser, ugAccount, u.Name), u)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.BuildListIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	users, err = s.ListUsers(ctx, ugAccount, "/p2/", Page{})
	if err != nil || len(users.Items) != 8 {
		t.Fatalf("users under /p2/ after a second build: %d %v", len(users.Items), err)
	}
}
