package pagecursor

import (
	"context"
	"testing"

	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/store/sqlite"
)

// TestBuildOnceBuildsOncePerVersion builds an index on a real store: under a cancelled
// context (the build still runs), not again for the same version, again for a later one;
// Clear empties the index before a rebuild.
func TestBuildOnceBuildsOncePerVersion(t *testing.T) {
	store, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	record := docstore.Key{Collection: "test.built", ID: "built"}
	builds := 0
	build := func(tx docstore.Tx) error {
		builds++
		if err := Clear(tx, "test.index", "a"); err != nil {
			return err
		}
		return tx.Put(docstore.Key{Collection: "test.index", Account: "a", ID: Uint64(uint64(builds))}, builds)
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for i, step := range []struct{ version, builds int }{{1, 1}, {1, 1}, {2, 2}, {1, 2}} {
		ctx := context.Background()
		if i == 0 {
			ctx = cancelled
		}
		if err := BuildOnce(ctx, store, record, step.version, build); err != nil {
			t.Fatal(err)
		}
		if builds != step.builds {
			t.Fatalf("step %d: %d builds, want %d", i, builds, step.builds)
		}
	}
	err = store.View(context.Background(), func(tx docstore.Tx) error {
		n, err := tx.Count("test.index", "a", "")
		if err == nil && n != 1 {
			t.Errorf("%d index entries after two builds, want 1", n)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
