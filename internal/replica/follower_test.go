package replica

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/store/pgtest"
	"github.com/iamd-dev/iamd/internal/store/postgres"
	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// recorder is an Applier that keeps what it was told.
type recorder struct {
	mu      sync.Mutex
	changed []docstore.Key
	lost    int
}

func (r *recorder) Changed(keys []docstore.Key) {
	r.mu.Lock()
	r.changed = append(r.changed, keys...)
	r.mu.Unlock()
}

func (r *recorder) Lost() { r.mu.Lock(); r.lost++; r.mu.Unlock() }

func (r *recorder) keys() []docstore.Key {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.changed)
}

func open(t *testing.T, url string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func k(id string) docstore.Key {
	return docstore.Key{Collection: "iam.role", Account: "111122223333", ID: id}
}

func put(t *testing.T, s docstore.Store, keys ...docstore.Key) {
	t.Helper()
	err := s.Update(t.Context(), func(tx docstore.Tx) error {
		for _, key := range keys {
			if err := tx.Put(key, map[string]string{"id": key.ID}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestCatchUpAppliesOthersChanges writes through one store and catches up a follower of
// another: it is told of every key the other wrote, in order, and of none of its own.
func TestCatchUpAppliesOthersChanges(t *testing.T) {
	url := pgtest.Database(t)
	a, b := open(t, url), open(t, url)
	put(t, a, k("before")) // committed before the follower: not applied
	var rec recorder
	f, err := New(t.Context(), b, nil, &rec)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.CatchUp(t.Context()); err != nil || len(rec.keys()) != 0 {
		t.Fatalf("CatchUp with nothing new: %v, told %v", err, rec.keys())
	}
	var want []docstore.Key
	for i := range 3 {
		put(t, a, k(fmt.Sprint("a", i)))
		want = append(want, k(fmt.Sprint("a", i)))
		put(t, b, k(fmt.Sprint("b", i))) // B's own: not applied to B
		if err := f.CatchUp(t.Context()); err != nil {
			t.Fatal(err)
		}
		if got := rec.keys(); !slices.Equal(got, want) {
			t.Fatalf("after write %d, told %v, want %v", i, got, want)
		}
	}
	head, _ := b.Head(t.Context())
	if f.Applied() != head {
		t.Errorf("Applied = %d, want the head %d", f.Applied(), head)
	}
}

// TestCatchUpManyChanges applies more changes than one read of the feed takes.
func TestCatchUpManyChanges(t *testing.T) {
	url := pgtest.Database(t)
	a, b := open(t, url), open(t, url)
	var rec recorder
	f, err := New(t.Context(), b, nil, &rec)
	if err != nil {
		t.Fatal(err)
	}
	const n = batch + 37
	for i := range n {
		put(t, a, k(fmt.Sprintf("%04d", i)))
	}
	if err := f.CatchUp(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := len(rec.keys()); got != n {
		t.Errorf("told of %d keys, want %d", got, n)
	}
}

// TestCatchUpLost checks that a follower whose changes were pruned is told everything was
// lost and goes on from the head.
func TestCatchUpLost(t *testing.T) {
	url := pgtest.Database(t)
	a, b := open(t, url), open(t, url)
	var rec recorder
	f, err := New(t.Context(), b, nil, &rec)
	if err != nil {
		t.Fatal(err)
	}
	put(t, a, k("x"))
	put(t, a, k("y"))
	c, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	if _, err := c.Exec(t.Context(), "UPDATE changes_pruned SET through = (SELECT max(seq) FROM changes) - 1"); err != nil {
		t.Fatal(err)
	}
	if err := f.CatchUp(t.Context()); err != nil {
		t.Fatal(err)
	}
	if rec.lost != 1 {
		t.Errorf("Lost called %d times, want 1", rec.lost)
	}
	put(t, a, k("z"))
	if err := f.CatchUp(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := rec.keys(); !slices.Equal(got, []docstore.Key{k("z")}) {
		t.Errorf("after the loss, told %v, want [z]", got)
	}
}

// TestRunWakes checks that the background loop applies another store's change without
// anyone calling CatchUp.
func TestRunWakes(t *testing.T) {
	url := pgtest.Database(t)
	a, b := open(t, url), open(t, url)
	var rec recorder
	f, err := New(t.Context(), b, nil, &rec)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { f.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	put(t, a, k("woken"))
	deadline := time.Now().Add(10 * time.Second)
	for len(rec.keys()) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if got := rec.keys(); !slices.Equal(got, []docstore.Key{k("woken")}) {
		t.Errorf("the background loop applied %v within 10s, want [woken]", got)
	}
}
