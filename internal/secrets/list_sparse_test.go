package secrets

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"
)

// TestSparseFilterPagesTheSameByEitherRead lists a filter that few secrets pass, in every
// indexed order, a page at a time, once reading through the index alone and once switching
// to a pass over the region after a few secrets (as a sparse filter does): the pages are
// the same, and every secret that passes is listed once, in order.
func TestSparseFilterPagesTheSameByEitherRead(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	var tagged []string
	for i := range 40 {
		name := fmt.Sprintf("s/%02d", (i*7)%40) // made in no name order
		in := CreateInput{Account: acct, Region: region, Name: name, Token: fmt.Sprintf("token-%032d", i), Value: Value{String: str("v")}}
		if i%6 == 1 {
			in.Tags = []Tag{{Key: "rare", Value: "x"}}
			tagged = append(tagged, name)
		}
		if _, err := f.svc.Create(ctx, in, allow); err != nil {
			t.Fatal(err)
		}
		f.clock.add(time.Millisecond)
	}
	filters := []Filter{{Key: "tag-key", Values: []string{"rare"}}}
	page := func(in ListInput) []string {
		var got []string
		for pages := 0; pages < 50; pages++ {
			list, next, err := f.svc.List(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range list {
				got = append(got, s.Name)
			}
			if next == "" {
				return got
			}
			in.NextToken = next
		}
		t.Fatal("no last page")
		return nil
	}
	byName := slices.Sorted(slices.Values(tagged))
	reversed := func(s []string) []string { s = slices.Clone(s); slices.Reverse(s); return s }
	defer func(n int) { sparseAfter = n }(sparseAfter)
	for _, after := range []int{1000, 3} {
		sparseAfter = after
		for _, tc := range []struct {
			in   ListInput
			want []string
		}{
			{ListInput{}, tagged},
			{ListInput{SortOrder: "desc"}, reversed(tagged)},
			{ListInput{SortBy: "name", SortOrder: "desc"}, reversed(byName)},
			{ListInput{SortBy: "name"}, byName},
		} {
			in := tc.in
			in.Account, in.Region, in.Filters, in.MaxResults = acct, region, filters, 2
			if got := page(in); !slices.Equal(got, tc.want) {
				t.Errorf("switch after %d, %s %s: %v, want %v", after, in.SortBy, in.SortOrder, got, tc.want)
			}
		}
	}
}
