package server

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sm "github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"

	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/secrets"
	"github.com/iamd-dev/iamd/internal/store/sqlite"
)

// pageSecretNames pages through ListSecrets with the paginator, checking every page's size,
// and returns the names in the order listed and the number of pages.
func pageSecretNames(t *testing.T, c *sm.Client, in *sm.ListSecretsInput) ([]string, int) {
	t.Helper()
	var names []string
	pages := 0
	p := sm.NewListSecretsPaginator(c, in)
	for p.HasMorePages() && pages < 1000 {
		out, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if in.MaxResults != nil && len(out.SecretList) > int(*in.MaxResults) {
			t.Fatalf("a page of %d secrets, MaxResults %d", len(out.SecretList), *in.MaxResults)
		}
		for _, s := range out.SecretList {
			names = append(names, aws.ToString(s.Name))
		}
	}
	return names, pages
}

// pagingSecretNames are created in this order, which is neither name order nor its reverse.
var pagingSecretNames = []string{
	"prod/db", "app-b", "prod/api", "App-a", "dev/db", "prod/cache", "zeta", "prod/db-replica",
	"alpha", "dev/api", "prod", "prod/queue", "beta", "prod/web",
}

func TestListSecretsPagesInEveryOrder(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.sm(ts.root)
	for i, name := range pagingSecretNames {
		var tags []smtypes.Tag
		if i%3 == 0 {
			tags = append(tags, smtypes.Tag{Key: aws.String("team"), Value: aws.String("data")})
		}
		createSecret(t, c, name, "v", tags...)
	}
	// The account's first secret recorded its indexes as complete: no list builds them.
	err := ts.srv.store.View(ctx, func(tx docstore.Tx) error {
		var v int
		return tx.Get(docstore.Key{Collection: "secrets.list-indexes", Account: DefaultAccountID, ID: "built"}, &v)
	})
	if err != nil {
		t.Fatalf("the list index record of a fresh account: %v", err)
	}
	// One scheduled for deletion: listed only with IncludePlannedDeletion.
	if _, err := c.DeleteSecret(ctx, &sm.DeleteSecretInput{SecretId: aws.String("prod/cache")}); err != nil {
		t.Fatal(err)
	}
	live := slices.DeleteFunc(slices.Clone(pagingSecretNames), func(n string) bool { return n == "prod/cache" })
	byName := slices.Clone(live)
	slices.Sort(byName)
	reversed := func(s []string) []string { s = slices.Clone(s); slices.Reverse(s); return s }
	keep := func(s []string, f func(string) bool) []string {
		return slices.DeleteFunc(slices.Clone(s), func(n string) bool { return !f(n) })
	}
	prod := func(n string) bool { return strings.HasPrefix(n, "prod/") }
	nameFilter := func(v ...string) []smtypes.Filter {
		return []smtypes.Filter{{Key: smtypes.FilterNameStringTypeName, Values: v}}
	}
	for _, tc := range []struct {
		label   string
		in      sm.ListSecretsInput
		want    []string
		planned bool
	}{
		{label: "default order: creation date ascending", want: live},
		{label: "created asc", in: sm.ListSecretsInput{SortOrder: smtypes.SortOrderTypeAsc}, want: live},
		{label: "created desc", in: sm.ListSecretsInput{SortOrder: smtypes.SortOrderTypeDesc}, want: reversed(live)},
		{label: "name asc", in: sm.ListSecretsInput{SortBy: smtypes.SortByTypeName}, want: byName},
		{label: "name desc", in: sm.ListSecretsInput{SortBy: smtypes.SortByTypeName, SortOrder: smtypes.SortOrderTypeDesc}, want: reversed(byName)},
		{label: "name prefix, created asc", in: sm.ListSecretsInput{Filters: nameFilter("prod/")}, want: keep(live, prod)},
		{label: "name prefix, created desc", in: sm.ListSecretsInput{Filters: nameFilter("prod/"), SortOrder: smtypes.SortOrderTypeDesc}, want: reversed(keep(live, prod))},
		{label: "name prefix, name asc", in: sm.ListSecretsInput{Filters: nameFilter("prod/"), SortBy: smtypes.SortByTypeName}, want: keep(byName, prod)},
		{label: "name prefix, name desc", in: sm.ListSecretsInput{Filters: nameFilter("prod/"), SortBy: smtypes.SortByTypeName, SortOrder: smtypes.SortOrderTypeDesc}, want: reversed(keep(byName, prod))},
		{label: "name prefix of the empty tail, name desc", in: sm.ListSecretsInput{Filters: nameFilter("prod"), SortBy: smtypes.SortByTypeName, SortOrder: smtypes.SortOrderTypeDesc},
			want: reversed(keep(byName, func(n string) bool { return strings.HasPrefix(n, "prod") }))},
		{label: "negated name, name asc", in: sm.ListSecretsInput{Filters: nameFilter("!prod"), SortBy: smtypes.SortByTypeName},
			want: keep(byName, func(n string) bool { return !strings.HasPrefix(n, "prod") })},
		{label: "two name prefixes, created desc", in: sm.ListSecretsInput{Filters: nameFilter("dev/", "app"), SortOrder: smtypes.SortOrderTypeDesc},
			want: reversed(keep(live, func(n string) bool { return strings.HasPrefix(n, "dev/") || strings.HasPrefix(n, "app") }))},
		{label: "tag key, created asc", in: sm.ListSecretsInput{Filters: []smtypes.Filter{{Key: smtypes.FilterNameStringTypeTagKey, Values: []string{"team"}}}},
			want: []string{"prod/db", "App-a", "zeta", "dev/api", "beta"}},
		{label: "planned deletion included", in: sm.ListSecretsInput{IncludePlannedDeletion: aws.Bool(true)}, want: pagingSecretNames, planned: true},
		{label: "no match", in: sm.ListSecretsInput{Filters: nameFilter("nothing/")}},
	} {
		for _, size := range []int32{1, 3, 100} {
			in := tc.in
			in.MaxResults = aws.Int32(size)
			got, pages := pageSecretNames(t, c, &in)
			if !slices.Equal(got, tc.want) {
				t.Errorf("%s, MaxResults %d: %v, want %v", tc.label, size, got, tc.want)
			}
			if wantPages := max(1, (len(tc.want)+int(size)-1)/int(size)); pages != wantPages {
				t.Errorf("%s, MaxResults %d: %d pages, want %d", tc.label, size, pages, wantPages)
			}
		}
	}
	// A token of one order is refused in another, as is one iamd did not make.
	out, err := c.ListSecrets(ctx, &sm.ListSecretsInput{MaxResults: aws.Int32(2)})
	if err != nil || out.NextToken == nil {
		t.Fatalf("first page: %+v %v", out, err)
	}
	_, err = c.ListSecrets(ctx, &sm.ListSecretsInput{MaxResults: aws.Int32(2), NextToken: out.NextToken, SortOrder: smtypes.SortOrderTypeDesc})
	wantError(t, err, "InvalidNextTokenException", 400, "")
	_, err = c.ListSecrets(ctx, &sm.ListSecretsInput{NextToken: aws.String("bm90IGEgdG9rZW4")})
	wantError(t, err, "InvalidNextTokenException", 400, "")
	_, err = c.ListSecrets(ctx, &sm.ListSecretsInput{MaxResults: aws.Int32(101)})
	wantError(t, err, "InvalidParameterException", 400, "")
	// A secret deleted for good leaves the lists; one created again lists by its new date.
	if _, err := c.DeleteSecret(ctx, &sm.DeleteSecretInput{SecretId: aws.String("app-b"), ForceDeleteWithoutRecovery: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	createSecret(t, c, "app-b", "again")
	got, _ := pageSecretNames(t, c, &sm.ListSecretsInput{MaxResults: aws.Int32(4), SortOrder: smtypes.SortOrderTypeDesc})
	want := append([]string{"app-b"}, reversed(slices.DeleteFunc(slices.Clone(live), func(n string) bool { return n == "app-b" }))...)
	if !slices.Equal(got, want) {
		t.Fatalf("after re-creating app-b: %v, want %v", got, want)
	}
}

// TestListSecretsPagingIsStableUnderInserts pages through the secrets in both creation
// orders while another client creates more: each secret that existed before is listed once,
// in order, and none twice.
func TestListSecretsPagingIsStableUnderInserts(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.sm(ts.root)
	var before []string
	for i := range 30 {
		name := fmt.Sprintf("before/%02d", 29-i)
		createSecret(t, c, name, "v")
		before = append(before, name)
	}
	for _, order := range []smtypes.SortOrderType{smtypes.SortOrderTypeAsc, smtypes.SortOrderTypeDesc} {
		var wg sync.WaitGroup
		stop := make(chan struct{})
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				select {
				case <-stop:
					return
				default:
				}
				_, err := c.CreateSecret(ctx, &sm.CreateSecretInput{Name: aws.String(fmt.Sprintf("during-%s/%03d", order, i)), SecretString: aws.String("v")})
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
		var got []string
		p := sm.NewListSecretsPaginator(c, &sm.ListSecretsInput{MaxResults: aws.Int32(4), SortOrder: order})
		for pages := 0; p.HasMorePages() && pages < 500; pages++ {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range out.SecretList {
				got = append(got, aws.ToString(s.Name))
			}
			time.Sleep(2 * time.Millisecond) // let the writer in between pages
		}
		close(stop)
		wg.Wait()
		seen := map[string]bool{}
		var old []string
		for _, n := range got {
			if seen[n] {
				t.Fatalf("%s: %s listed twice", order, n)
			}
			seen[n] = true
			if strings.HasPrefix(n, "before/") {
				old = append(old, n)
			}
		}
		want := slices.Clone(before)
		if order == smtypes.SortOrderTypeDesc {
			slices.Reverse(want)
		}
		if !slices.Equal(old, want) {
			t.Fatalf("%s: the secrets made before: %v, want %v", order, old, want)
		}
	}
}

// TestStartListsSecretsOfAnOldDataDirectory writes secrets as the code before the list
// indexes did (the documents alone, no index entries, no record), then lists them through a
// server started on the data directory.
func TestStartListsSecretsOfAnOldDataDirectory(t *testing.T) {
	dir := t.TempDir()
	ts := startServer(t, dir)
	ts.stop()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	names := []string{"old/c", "old/a", "old/b", "other"}
	err = st.Update(ctx, func(tx docstore.Tx) error {
		for i, name := range names {
			when := base.Add(time.Duration(i) * time.Minute)
			sec := secrets.Secret{UID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), Account: DefaultAccountID, Region: "us-east-1",
				Name: name, Suffix: "AbCdEf", Created: when, Serial: int64(i + 1), LastChanged: when}
			if err := tx.Insert(docstore.Key{Collection: "secrets.secret", Account: DefaultAccountID, ID: "us-east-1/" + name}, &sec); err != nil {
				return err
			}
		}
		return tx.Put(docstore.Key{Collection: "secrets.serial", Account: DefaultAccountID, ID: "secrets"}, map[string]int64{"last": int64(len(names))})
	})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	ts = startServer(t, dir)
	c := ts.sm(ts.root)
	got, _ := pageSecretNames(t, c, &sm.ListSecretsInput{MaxResults: aws.Int32(1)})
	if !slices.Equal(got, names) {
		t.Fatalf("created order: %v, want %v", got, names)
	}
	got, _ = pageSecretNames(t, c, &sm.ListSecretsInput{MaxResults: aws.Int32(2), SortBy: smtypes.SortByTypeName, SortOrder: smtypes.SortOrderTypeDesc,
		Filters: []smtypes.Filter{{Key: smtypes.FilterNameStringTypeName, Values: []string{"old/"}}}})
	if !slices.Equal(got, []string{"old/c", "old/b", "old/a"}) {
		t.Fatalf("name desc under old/: %v", got)
	}
	// New secrets and deletions go on from the built indexes.
	createSecret(t, c, "new", "v")
	if _, err := c.DeleteSecret(ctx, &sm.DeleteSecretInput{SecretId: aws.String("old/a"), ForceDeleteWithoutRecovery: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	got, _ = pageSecretNames(t, c, &sm.ListSecretsInput{MaxResults: aws.Int32(3), SortOrder: smtypes.SortOrderTypeDesc})
	if !slices.Equal(got, []string{"new", "other", "old/b", "old/c"}) {
		t.Fatalf("after a create and a delete: %v", got)
	}
}
