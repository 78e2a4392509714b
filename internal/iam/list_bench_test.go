package iam

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/secretbox"
	"github.com/iamd-dev/iamd/internal/store/sqlite"
)

const benchAccount = "123456789012"

// benchRoles is a Service over a real SQLite store holding n roles, written to the store
// directly (as CreateRole stores them, indexes included) in large transactions.
func benchRoles(b *testing.B, n int) *Service {
	b.Helper()
	ctx := context.Background()
	store, err := sqlite.Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	box, err := secretbox.New(make([]byte, secretbox.KeySize))
	if err != nil {
		b.Fatal(err)
	}
	s := New(store, box, time.Now)
	if _, _, err := s.EnsureAccount(ctx, benchAccount, "bench", nil); err != nil {
		b.Fatal(err)
	}
	const batch = 5000
	for start := 0; start < n; start += batch {
		err := store.Update(ctx, func(tx docstore.Tx) error {
			for i := start; i < min(start+batch, n); i++ {
				r := &Role{
					Account: benchAccount, Name: fmt.Sprintf("Role-%07d", i), ID: newID(prefixRole),
					Path: fmt.Sprintf("/team%d/", i%10), CreateDate: time.Now().UTC(),
					AssumeRolePolicy:   `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
					MaxSessionDuration: 3600,
					InlinePolicies:     map[string]string{"p": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`},
				}
				if err := insertRoleDoc(tx, r); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return s
}

func benchListRolesPage(b *testing.B, n int) {
	s := benchRoles(b, n)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		page, err := s.ListRoles(ctx, benchAccount, "", Page{MaxItems: 100})
		if err != nil || len(page.Items) != 100 {
			b.Fatal(err, len(page.Items))
		}
	}
}

// BenchmarkListRolesPage1k and BenchmarkListRolesPage100k list one page of 100 roles.
func BenchmarkListRolesPage1k(b *testing.B)   { benchListRolesPage(b, 1000) }
func BenchmarkListRolesPage100k(b *testing.B) { benchListRolesPage(b, 100_000) }

// BenchmarkListRolesPathPrefix100k lists one page of the roles under one of ten paths.
func BenchmarkListRolesPathPrefix100k(b *testing.B) {
	s := benchRoles(b, 100_000)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		page, err := s.ListRoles(ctx, benchAccount, "/team3/", Page{MaxItems: 100})
		if err != nil || len(page.Items) != 100 {
			b.Fatal(err, len(page.Items))
		}
	}
}

// BenchmarkListRolesAllPages100k pages through 100,000 roles, 1,000 a page, and reports
// the time of the first and the last tenth of the pages, which are the same when the
// time per page is flat.
func BenchmarkListRolesAllPages100k(b *testing.B) {
	s := benchRoles(b, 100_000)
	ctx := context.Background()
	b.ResetTimer()
	var first, last time.Duration
	for i := 0; i < b.N; i++ {
		p := Page{MaxItems: 1000}
		for n := 0; ; n++ {
			t0 := time.Now()
			page, err := s.ListRoles(ctx, benchAccount, "", p)
			if err != nil {
				b.Fatal(err)
			}
			switch d := time.Since(t0); {
			case n < 10:
				first += d
			case n >= 90:
				last += d
			}
			if !page.IsTruncated {
				break
			}
			p.Marker = page.Marker
		}
	}
	b.ReportMetric(float64(first.Microseconds())/float64(10*b.N), "µs/first-page")
	b.ReportMetric(float64(last.Microseconds())/float64(10*b.N), "µs/last-page")
}

// BenchmarkCountRoles100k is the store's Count over 100,000 roles (an index range scan in
// SQLite), which the quotas and GetAccountSummary would pay on every call without counters.
func BenchmarkCountRoles100k(b *testing.B) {
	s := benchRoles(b, 100_000)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		err := s.view(ctx, func(tx docstore.Tx) error {
			n, err := tx.Count(colRole, benchAccount, "")
			if n != 100_000 {
				return fmt.Errorf("count %d", n)
			}
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

func insertRoleDoc(tx docstore.Tx, r *Role) error {
	if err := tx.Insert(key(colRole, r.Account, r.Name), r); err != nil {
		return err
	}
	return listedAdd(tx, colRole, r.Account, r.Path, r.Name)
}

// BenchmarkAuthorizationDetailsRolesPage100k reads one page of 100 roles of
// GetAccountAuthorizationDetails over 100,000 roles.
func BenchmarkAuthorizationDetailsRolesPage100k(b *testing.B) {
	s := benchRoles(b, 100_000)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d, err := s.GetAccountAuthorizationDetails(ctx, benchAccount, []string{"Role"}, Page{MaxItems: 100})
		if err != nil || len(d.Roles) != 100 {
			b.Fatal(err)
		}
	}
}

// BenchmarkAccountSummary100k is GetAccountSummary over 100,000 roles: counters, no scan.
func BenchmarkAccountSummary100k(b *testing.B) {
	s := benchRoles(b, 100_000)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.GetAccountSummary(ctx, benchAccount); err != nil {
			b.Fatal(err)
		}
	}
}
