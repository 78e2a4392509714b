package postgres

import (
	"context"
	"errors"
	"fmt"
	"os"
	osexec "os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/store/pgtest"
	"github.com/jackc/pgx/v5"
)

func open(t *testing.T, url string) *Store {
	t.Helper()
	s, err := Open(t.Context(), url)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

type item struct {
	N int `json:"n"`
}

func key(id string) docstore.Key { return docstore.Key{Collection: "c", Account: "a", ID: id} }

// exec runs a statement on the database directly.
func exec(t *testing.T, url, sql string, args ...any) {
	t.Helper()
	c, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	if _, err := c.Exec(t.Context(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func queryInt(t *testing.T, url, sql string) int64 {
	t.Helper()
	c, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	var n int64
	if err := c.QueryRow(t.Context(), sql).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

// TestMigrationsOnce opens the same database again and again, and from many pools at once:
// each migration is applied once, and what was committed stays.
func TestMigrationsOnce(t *testing.T) {
	url := pgtest.Database(t)
	known, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	const opens = 6
	var wg sync.WaitGroup
	errs := make(chan error, opens)
	for range opens {
		wg.Go(func() {
			s, err := Open(t.Context(), url)
			if err != nil {
				errs <- err
				return
			}
			errs <- s.Close()
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent Open: %v", err)
		}
	}
	for round := range 2 {
		s := open(t, url)
		if err := s.Update(t.Context(), func(tx docstore.Tx) error { return tx.Insert(key(fmt.Sprint(round)), item{N: round}) }); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		var n int
		if err := s.View(t.Context(), func(tx docstore.Tx) (err error) { n, err = tx.Count("c", "a", ""); return err }); err != nil {
			t.Fatal(err)
		}
		if n != round+1 {
			t.Errorf("round %d: %d documents, want %d", round, n, round+1)
		}
		s.Close()
	}
	if got := queryInt(t, url, "SELECT count(*) FROM schema_migrations"); got != int64(len(known)) {
		t.Errorf("schema_migrations has %d rows, want %d", got, len(known))
	}
}

// TestRefusesNewerDatabase checks that a database recording a migration this binary does
// not know is refused, naming it.
func TestRefusesNewerDatabase(t *testing.T) {
	url := pgtest.Database(t)
	open(t, url).Close()
	exec(t, url, "INSERT INTO schema_migrations (name) VALUES ('9999_from_the_future.sql')")
	_, err := Open(t.Context(), url)
	if err == nil || !strings.Contains(err.Error(), "9999_from_the_future.sql") || !strings.Contains(err.Error(), "newer iamd") {
		t.Errorf("Open = %v, want a refusal naming the unknown migration", err)
	}
}

// TestUnreachable checks that Open fails, quickly and clearly, when no server listens, and
// that the password is not in the error.
func TestUnreachable(t *testing.T) {
	pgtest.Need(t)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	_, err := Open(ctx, "postgres://iamd:s3cr3t-pw@127.0.0.1:1/iamd?sslmode=disable")
	if err == nil || !strings.Contains(err.Error(), "cannot reach the database server at 127.0.0.1:1") {
		t.Errorf("Open = %v, want cannot reach", err)
	}
	if err != nil && strings.Contains(err.Error(), "s3cr3t-pw") {
		t.Errorf("the error shows the password: %v", err)
	}
	if _, err := Open(ctx, "postgres://iamd:s3cr3t-pw@[::1"); err == nil || strings.Contains(err.Error(), "s3cr3t-pw") {
		t.Errorf("Open of a malformed URL = %v, want an error without the password", err)
	}
}

// TestTwoStoresSeeEachOther opens two Stores (two pools, as two replicas would) on one
// database: a write through one is seen by the next View of the other and by its change
// feed, marked not local; the writer's own feed marks it local.
func TestTwoStoresSeeEachOther(t *testing.T) {
	url := pgtest.Database(t)
	a, b := open(t, url), open(t, url)
	headB, err := b.Head(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		k := key(fmt.Sprint("k", i))
		if err := a.Update(t.Context(), func(tx docstore.Tx) error { return tx.Put(k, item{N: i}) }); err != nil {
			t.Fatal(err)
		}
		var got item
		if err := b.View(t.Context(), func(tx docstore.Tx) error { return tx.Get(k, &got) }); err != nil || got.N != i {
			t.Fatalf("B read %+v, %v after A wrote %d", got, err, i)
		}
		head, err := b.Head(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if head <= headB {
			t.Fatalf("B's head %d did not move past %d after A's write", head, headB)
		}
		changes, err := b.ChangesSince(t.Context(), headB, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(changes) != 1 || changes[0].Seq != head || changes[0].Local || len(changes[0].Keys) != 1 || changes[0].Keys[0] != k {
			t.Fatalf("B's changes since %d = %+v, want one non-local change of %v at %d", headB, changes, k, head)
		}
		own, err := a.ChangesSince(t.Context(), headB, 100)
		if err != nil || len(own) != 1 || !own[0].Local {
			t.Fatalf("A's own changes = %+v, %v, want one local change", own, err)
		}
		headB = head
	}
	// A transaction that writes nothing, or fails, records no change.
	_ = a.Update(t.Context(), func(tx docstore.Tx) error { return tx.Get(key("k0"), &item{}) })
	_ = a.Update(t.Context(), func(tx docstore.Tx) error {
		if err := tx.Put(key("x"), item{}); err != nil {
			return err
		}
		return errors.New("rolled back")
	})
	_ = a.Update(t.Context(), func(tx docstore.Tx) error { return tx.Insert(key("k0"), item{}) }) // ErrConflict
	if head, err := b.Head(t.Context()); err != nil || head != headB {
		t.Errorf("head = %d, %v after writes that changed nothing, want %d", head, err, headB)
	}
	// Several keys of one transaction come in one change, each once.
	err = a.Update(t.Context(), func(tx docstore.Tx) error {
		for _, id := range []string{"m", "n", "m"} {
			if err := tx.Put(key(id), item{}); err != nil {
				return err
			}
		}
		return tx.Delete(key("k1"))
	})
	if err != nil {
		t.Fatal(err)
	}
	changes, err := b.ChangesSince(t.Context(), headB, 100)
	if err != nil || len(changes) != 1 || len(changes[0].Keys) != 3 {
		t.Errorf("changes = %+v, %v, want one change of 3 keys", changes, err)
	}
}

// TestWake checks that a Store's Wake channel is signalled by another Store's commit.
func TestWake(t *testing.T) {
	url := pgtest.Database(t)
	a, b := open(t, url), open(t, url)
	drain := func(s *Store) {
		for {
			select {
			case <-s.Wake():
			case <-time.After(300 * time.Millisecond):
				return
			}
		}
	}
	drain(b) // the signal of its listener's start
	if err := a.Update(t.Context(), func(tx docstore.Tx) error { return tx.Put(key("w"), item{}) }); err != nil {
		t.Fatal(err)
	}
	select {
	case <-b.Wake():
	case <-time.After(10 * time.Second):
		t.Fatal("B was not woken by A's commit within 10s")
	}
}

// TestPrunedHorizon prunes the feed as an old one would be and checks that a reader behind
// the horizon is told so, and one past it is not.
func TestPrunedHorizon(t *testing.T) {
	url := pgtest.Database(t)
	s := open(t, url)
	for i := range 4 {
		if err := s.Update(t.Context(), func(tx docstore.Tx) error { return tx.Put(key(fmt.Sprint(i)), item{}) }); err != nil {
			t.Fatal(err)
		}
	}
	head, err := s.Head(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	exec(t, url, "UPDATE changes SET at = now() - interval '1 hour'")
	s.lastPrune.Store(0)
	if err := s.Update(t.Context(), func(tx docstore.Tx) error { return tx.Put(key("new"), item{}) }); err != nil {
		t.Fatal(err)
	}
	if n := queryInt(t, url, "SELECT count(*) FROM changes"); n != 1 {
		t.Errorf("%d changes kept after pruning, want the newest only", n)
	}
	if _, err := s.ChangesSince(t.Context(), head-1, 100); !errors.Is(err, docstore.ErrChangesPruned) {
		t.Errorf("ChangesSince(behind the horizon) = %v, want ErrChangesPruned", err)
	}
	changes, err := s.ChangesSince(t.Context(), head, 100)
	if err != nil || len(changes) != 1 || changes[0].Keys[0] != key("new") {
		t.Errorf("ChangesSince(the horizon) = %+v, %v, want the newest change", changes, err)
	}
	if h, err := s.Head(t.Context()); err != nil || h <= head {
		t.Errorf("Head = %d, %v after pruning, want past %d", h, err, head)
	}
}

// TestConcurrentWritersOnTwoStores checks that Updates are serialized across Stores: a quota
// checked and then used (at most `quota` documents) and a unique name hold when writers on
// two Stores race, and no increment of a shared counter is lost.
func TestConcurrentWritersOnTwoStores(t *testing.T) {
	url := pgtest.Database(t)
	stores := []*Store{open(t, url), open(t, url)}
	const quota, writers, each = 7, 6, 5
	var wg sync.WaitGroup
	var admitted, refused, wins atomic.Int32
	errQuota := errors.New("quota")
	for w := range writers {
		s := stores[w%2]
		wg.Go(func() {
			for i := range each {
				err := s.Update(t.Context(), func(tx docstore.Tx) error {
					n, err := tx.Count("q", "a", "")
					if err != nil {
						return err
					}
					if n >= quota {
						return errQuota
					}
					return tx.Insert(docstore.Key{Collection: "q", Account: "a", ID: fmt.Sprint(w, "-", i)}, item{})
				})
				switch {
				case err == nil:
					admitted.Add(1)
				case errors.Is(err, errQuota):
					refused.Add(1)
				default:
					t.Errorf("quota Update: %v", err)
				}
				err = s.Update(t.Context(), func(tx docstore.Tx) error {
					// A name is taken if no document has it (checked by Get, not by Insert's conflict).
					k := docstore.Key{Collection: "names", Account: "a", ID: fmt.Sprint("name", i)}
					if err := tx.Get(k, &item{}); err == nil {
						return docstore.ErrConflict
					} else if !errors.Is(err, docstore.ErrNotFound) {
						return err
					}
					return tx.Put(k, item{N: w})
				})
				if err == nil {
					wins.Add(1)
				} else if !errors.Is(err, docstore.ErrConflict) {
					t.Errorf("name Update: %v", err)
				}
				err = s.Update(t.Context(), func(tx docstore.Tx) error {
					var c item
					if err := tx.Get(key("counter"), &c); err != nil && !errors.Is(err, docstore.ErrNotFound) {
						return err
					}
					c.N++
					return tx.Put(key("counter"), c)
				})
				if err != nil {
					t.Errorf("counter Update: %v", err)
				}
			}
		})
	}
	wg.Wait()
	if admitted.Load() != quota || refused.Load() != writers*each-quota {
		t.Errorf("%d admitted and %d refused, want %d and %d", admitted.Load(), refused.Load(), quota, writers*each-quota)
	}
	if wins.Load() != each {
		t.Errorf("%d names taken, want %d (one per name)", wins.Load(), each)
	}
	var c item
	if err := stores[0].View(t.Context(), func(tx docstore.Tx) error { return tx.Get(key("counter"), &c) }); err != nil || c.N != writers*each {
		t.Errorf("counter = %d, %v, want %d", c.N, err, writers*each)
	}
}

// TestSynchronousCommit checks that the store's sessions run with synchronous_commit on,
// even when the database's default is off.
func TestSynchronousCommit(t *testing.T) {
	url := pgtest.Database(t)
	exec(t, url, "ALTER DATABASE "+strings.TrimPrefix(strings.Split(url[strings.LastIndex(url, "/"):], "?")[0], "/")+" SET synchronous_commit = off")
	s := open(t, url)
	c, err := s.pool.Acquire(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Release()
	var v string
	if err := c.QueryRow(t.Context(), "SHOW synchronous_commit").Scan(&v); err != nil || v != "on" {
		t.Errorf("synchronous_commit = %q, %v, want on", v, err)
	}
}

// TestUpdateWaitsForAnotherStoreUntilItsContextEnds holds an Update open on one Store: an
// Update on another Store waits for the database's write lock, gives up when its context
// does, and the Store goes on (its connection was not left in the aborted transaction).
func TestUpdateWaitsForAnotherStoreUntilItsContextEnds(t *testing.T) {
	url := pgtest.Database(t)
	a, b := open(t, url), open(t, url)
	holding, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- a.Update(t.Context(), func(tx docstore.Tx) error {
			if err := tx.Put(key("k"), item{N: 1}); err != nil {
				return err
			}
			close(holding)
			select {
			case <-release:
			case <-time.After(20 * time.Second):
			}
			return nil
		})
	}()
	<-holding
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := b.Update(ctx, func(tx docstore.Tx) error { return tx.Put(key("k"), item{N: 2}) })
	waited := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("B's Update = %v, want context.DeadlineExceeded", err)
	}
	if waited > 10*time.Second {
		t.Errorf("B's Update gave up after %v, its context after 200ms", waited)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatalf("A's Update: %v", err)
	}
	for i := range 5 { // more than once: every connection B's pool holds is usable
		if err := b.Update(t.Context(), func(tx docstore.Tx) error { return tx.Put(key("k"), item{N: 10 + i}) }); err != nil {
			t.Fatalf("B's Update after giving up: %v", err)
		}
	}
	var got item
	if err := a.View(t.Context(), func(tx docstore.Tx) error { return tx.Get(key("k"), &got) }); err != nil || got.N != 14 {
		t.Errorf("k = %+v, %v, want N 14", got, err)
	}
}

// TestConcurrentOpenFromProcesses opens one new database from several processes at once
// (this test binary run again): each migrates or finds it migrated, and writes.
func TestConcurrentOpenFromProcesses(t *testing.T) {
	url := pgtest.Database(t)
	const procs = 4
	var wg sync.WaitGroup
	outs := make([][]byte, procs)
	errs := make([]error, procs)
	for i := range procs {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
			defer cancel()
			cmd := osexec.CommandContext(ctx, os.Args[0], "-test.run=^TestChildOpens$", "-test.count=1")
			cmd.Env = append(os.Environ(), pgtest.ChildEnv+"="+url, fmt.Sprintf("IAMD_CHILD_ID=%d", i))
			outs[i], errs[i] = cmd.CombinedOutput()
		})
	}
	wg.Wait()
	for i := range procs {
		if errs[i] != nil || !strings.Contains(string(outs[i]), "PASS") {
			t.Errorf("process %d: %v\n%s", i, errs[i], outs[i])
		}
	}
	known, _ := migrations()
	if got := queryInt(t, url, "SELECT count(*) FROM schema_migrations"); got != int64(len(known)) {
		t.Errorf("schema_migrations has %d rows, want %d", got, len(known))
	}
	if got := queryInt(t, url, "SELECT count(*) FROM documents"); got != procs {
		t.Errorf("%d documents, want one from each of the %d processes", got, procs)
	}
}

// TestChildOpens is TestConcurrentOpenFromProcesses's child: it runs only in a process that
// test starts.
func TestChildOpens(t *testing.T) {
	url := os.Getenv(pgtest.ChildEnv)
	if url == "" {
		t.Skip("run by TestConcurrentOpenFromProcesses in a process of its own")
	}
	s, err := Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Update(t.Context(), func(tx docstore.Tx) error { return tx.Insert(key("child-"+os.Getenv("IAMD_CHILD_ID")), item{}) }); err != nil {
		t.Fatal(err)
	}
}
