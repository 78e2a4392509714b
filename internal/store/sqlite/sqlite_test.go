package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) docstore.Store {
		s, err := Open(t.Context(), t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func open(t *testing.T, dir string, opts ...Option) *Store {
	t.Helper()
	s, err := Open(t.Context(), dir, opts...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

type item struct {
	Name string `json:"name"`
}

var k1 = docstore.Key{Collection: "c", Account: "a", ID: "1"}

// TestReopen checks that what was committed survives Close and Open, and that reopening
// applies no migration twice.
func TestReopen(t *testing.T) {
	dir := t.TempDir()
	for round := range 3 {
		s := open(t, dir)
		err := s.Update(t.Context(), func(tx docstore.Tx) error {
			return tx.Insert(docstore.Key{Collection: "c", Account: "a", ID: strconv.Itoa(round)}, item{Name: "round"})
		})
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		var n int
		err = s.View(t.Context(), func(tx docstore.Tx) (err error) {
			n, err = tx.Count("c", "a", "")
			return err
		})
		if err != nil || n != round+1 {
			t.Fatalf("round %d: Count = %d, %v; want %d", round, n, err, round+1)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	ms, _ := migrations()
	if got := applied(t, dir); !slices.Equal(got, versions(ms)) {
		t.Errorf("schema_migrations = %q, want %q", got, versions(ms))
	}
}

func versions(ms []migration) []string {
	var vs []string
	for _, m := range ms {
		vs = append(vs, m.version)
	}
	return vs
}

// applied reads schema_migrations of the closed store in dir.
func applied(t *testing.T, dir string) []string {
	t.Helper()
	db := rawDB(t, dir)
	rows, err := db.Query(`SELECT version FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var vs []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		vs = append(vs, v)
	}
	return vs
}

// rawDB opens the database of a closed store directly.
func rawDB(t *testing.T, dir string) *sql.DB {
	t.Helper()
	db, err := openDB(filepath.Join(dir, dbName), defaultOptions(), false, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestNewerDatabaseRefused(t *testing.T) {
	dir := t.TempDir()
	open(t, dir).Close()
	if _, err := rawDB(t, dir).Exec(`INSERT INTO schema_migrations VALUES ('9999_future', 'x')`); err != nil {
		t.Fatal(err)
	}
	_, err := Open(t.Context(), dir)
	if err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("Open of a database from a newer iamd = %v", err)
	}
	// The failed Open released the directory.
	if _, err := rawDB(t, dir).Exec(`DELETE FROM schema_migrations WHERE version = '9999_future'`); err != nil {
		t.Fatal(err)
	}
	open(t, dir).Close()
}

func TestFileModes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state", "iamd")
	s := open(t, dir)
	defer s.Close()
	if err := s.Update(t.Context(), func(tx docstore.Tx) error { return tx.Put(k1, item{}) }); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]os.FileMode{
		"":              0o700 | os.ModeDir,
		dbName:          0o600,
		dbName + "-wal": 0o600,
		dbName + "-shm": 0o600,
		lockName:        0o600,
	} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if got := fi.Mode() &^ (os.ModeSetgid | os.ModeSticky); got != want {
			t.Errorf("%s has mode %v, want %v", filepath.Join(dir, name), got, want)
		}
	}
}

func TestExistingFileModeTightened(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, dbName)
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	open(t, dir).Close()
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("database mode after Open = %v, %v; want 0600", fi.Mode(), err)
	}
}

func TestSecondOpenLocked(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	_, err := Open(t.Context(), dir)
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open = %v, want ErrLocked", err)
	}
	if !strings.Contains(err.Error(), "pid "+strconv.Itoa(os.Getpid())) {
		t.Errorf("second Open error %q does not name the holder", err)
	}
	// The first store is unharmed.
	if err := s.Update(t.Context(), func(tx docstore.Tx) error { return tx.Put(k1, item{Name: "x"}) }); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, dir)
	defer s.Close()
	var got item
	if err := s.View(t.Context(), func(tx docstore.Tx) error { return tx.Get(k1, &got) }); err != nil || got.Name != "x" {
		t.Errorf("after reopening: %+v, %v", got, err)
	}
}

// TestPragmas checks that every connection runs with the settings the package relies on.
func TestPragmas(t *testing.T) {
	s := open(t, t.TempDir(), WithReaders(2), WithBusyTimeout(1500*time.Millisecond))
	defer s.Close()
	check := func(name string, c *conn, pragma, want string) {
		var got string
		if err := c.c.QueryRowContext(t.Context(), "PRAGMA "+pragma).Scan(&got); err != nil {
			t.Fatalf("%s: PRAGMA %s: %v", name, pragma, err)
		}
		if got != want {
			t.Errorf("%s: PRAGMA %s = %s, want %s", name, pragma, got, want)
		}
	}
	conns := map[string]*conn{"writer": s.writer}
	for i, c := range s.allReaders {
		conns[fmt.Sprint("reader ", i)] = c
	}
	if len(s.allReaders) != 2 {
		t.Errorf("%d readers, want 2", len(s.allReaders))
	}
	for name, c := range conns {
		check(name, c, "journal_mode", "wal")
		check(name, c, "synchronous", "2") // FULL
		check(name, c, "foreign_keys", "1")
		check(name, c, "busy_timeout", "1500")
		if c == s.writer {
			check(name, c, "query_only", "0")
		} else {
			check(name, c, "query_only", "1")
		}
	}
}

// TestOddIDs stores ids that are not valid UTF-8 or hold NULs: ids are byte strings, and
// List's ranges must hold for them too.
func TestOddIDs(t *testing.T) {
	s := open(t, t.TempDir())
	defer s.Close()
	ids := []string{"a", "a\x00", "a\x00b", "a\x01", "a\xfe", "a\xff", "a\xff\xff", "a\xff\xffz", "b", "\xff", "\xff\xff", "\xff\xff\x00"}
	err := s.Update(t.Context(), func(tx docstore.Tx) error {
		for _, id := range ids {
			if err := tx.Insert(docstore.Key{Collection: "c", Account: "a", ID: id}, item{Name: "x"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, prefix := range []string{"", "a", "a\x00", "a\xff", "a\xff\xff", "\xff", "\xff\xff", "\xff\xff\xff"} {
		for _, after := range []string{"", "a", "a\x00", "a\xfe", "a\xff", "\xff"} {
			var want []string
			for _, id := range ids {
				if strings.HasPrefix(id, prefix) && (after == "" || id > after) {
					want = append(want, id)
				}
			}
			var got []string
			var n int
			err := s.View(t.Context(), func(tx docstore.Tx) (err error) {
				if n, err = tx.Count("c", "a", prefix); err != nil {
					return err
				}
				return tx.List("c", "a", prefix, after, func(id string, _ []byte) error {
					got = append(got, id)
					return nil
				})
			})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, want) {
				t.Errorf("List(prefix %q, after %q) = %q, want %q", prefix, after, got, want)
			}
			if wantN := len(expectPrefix(ids, prefix)); n != wantN {
				t.Errorf("Count(prefix %q) = %d, want %d", prefix, n, wantN)
			}
		}
	}
}

func expectPrefix(ids []string, prefix string) []string {
	var out []string
	for _, id := range ids {
		if strings.HasPrefix(id, prefix) {
			out = append(out, id)
		}
	}
	return out
}

// TestCloseWaits checks that Close lets a running transaction finish.
func TestCloseWaits(t *testing.T) {
	s := open(t, t.TempDir())
	inside, release := make(chan struct{}), make(chan struct{})
	viewErr := make(chan error, 1)
	go func() {
		viewErr <- s.View(context.Background(), func(tx docstore.Tx) error {
			close(inside)
			<-release
			err := tx.Get(k1, &item{})
			if errors.Is(err, docstore.ErrNotFound) {
				err = nil
			}
			return err
		})
	}()
	<-inside
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	select {
	case err := <-closed:
		t.Fatalf("Close returned (%v) while a View ran", err)
	case <-time.After(50 * time.Millisecond):
	}
	if err := s.Update(t.Context(), func(docstore.Tx) error { return nil }); !errors.Is(err, ErrClosed) {
		t.Errorf("Update while closing = %v, want ErrClosed", err)
	}
	close(release)
	if err := <-viewErr; err != nil {
		t.Errorf("View: %v", err)
	}
	if err := <-closed; err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}
