package secrets

import (
	"context"
	"slices"
	"testing"
)

// TestListKeepsCreationOrderWithinAMillisecond: secrets made at the same instant (the
// fixture's clock stands still) are listed in the order they were made, not by name, and
// in reverse for a descending list.
func TestListKeepsCreationOrderWithinAMillisecond(t *testing.T) {
	f := newFixture(t)
	made := []string{"prod/db", "prod/api", "dev/db"}
	for _, name := range made {
		f.create(t, name, "v")
	}
	for _, tc := range []struct {
		order string
		want  []string
	}{
		{"", made},
		{"asc", made},
		{"desc", []string{"dev/db", "prod/api", "prod/db"}},
	} {
		list, _, err := f.svc.List(context.Background(), ListInput{Account: acct, Region: region, SortOrder: tc.order})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, s := range list {
			got = append(got, s.Name)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("order %q: %v, want %v", tc.order, got, tc.want)
		}
	}
}
