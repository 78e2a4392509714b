package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	msqlite "modernc.org/sqlite"
)

// The files Open keeps in its directory.
const (
	dbName   = "iamd.db"
	lockName = "iamd.lock"
)

// Open opens the Store kept in dir, creating dir and the database as needed and bringing
// its schema up to date. It fails with ErrLocked while another Store has dir open. ctx
// bounds only the opening.
func Open(ctx context.Context, dir string, opts ...Option) (_ *Store, err error) {
	o := defaultOptions()
	for _, opt := range opts {
		opt(&o)
	}
	if dir == "" {
		return nil, errors.New("sqlite: no directory given")
	}
	dir, err = filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("sqlite: create directory: %w", err)
	}
	lock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	s := &Store{lock: lock, wsem: make(chan struct{}, 1)}
	s.idle = sync.NewCond(&s.mu)
	defer func() {
		if err != nil {
			s.shutdown()
		}
	}()

	path := filepath.Join(dir, dbName)
	created, err := prepareFile(path)
	if err != nil {
		return nil, err
	}

	// The writer: one connection, which also migrates the schema.
	if s.wdb, err = openDB(path, o, false, 1); err != nil {
		return nil, err
	}
	wc, err := takeConn(ctx, s.wdb)
	if err != nil {
		return nil, err
	}
	if err := checkWAL(ctx, wc); err != nil {
		wc.Close()
		return nil, err
	}
	if err := migrate(ctx, wc); err != nil {
		wc.Close()
		return nil, err
	}
	if s.writer, err = prepare(ctx, wc, true); err != nil {
		return nil, err
	}
	if created {
		// Make the new files' directory entries durable too.
		if err := syncDir(dir); err != nil {
			return nil, err
		}
	}

	// The readers.
	if s.rdb, err = openDB(path, o, true, o.readers); err != nil {
		return nil, err
	}
	s.readers = make(chan *conn, o.readers)
	for range o.readers {
		rc, err := takeConn(ctx, s.rdb)
		if err != nil {
			return nil, err
		}
		c, err := prepare(ctx, rc, false)
		if err != nil {
			return nil, err
		}
		s.allReaders = append(s.allReaders, c)
		s.readers <- c
	}
	return s, nil
}

// openDB opens a pool of n connections to path with the pragmas this package relies on.
func openDB(path string, o options, readOnly bool, n int) (*sql.DB, error) {
	q := url.Values{}
	pragma := func(p string) { q.Add("_pragma", p) }
	pragma("busy_timeout(" + strconv.FormatInt(o.busyTimeout.Milliseconds(), 10) + ")")
	pragma("synchronous(FULL)") // see the package doc: NORMAL can lose commits on power loss
	pragma("fullfsync(1)")
	pragma("checkpoint_fullfsync(1)")
	pragma("foreign_keys(1)")
	if readOnly {
		pragma("query_only(1)")
	} else {
		pragma("journal_mode(WAL)") // persistent: readers find the file in WAL mode
		pragma("journal_size_limit(67108864)")
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path), RawQuery: q.Encode()}
	if u.Path[0] != '/' {
		u.Path = "/" + u.Path // file:///C:/... on Windows
	}
	connector, err := msqlite.NewConnector(u.String())
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	db := sql.OpenDB(connector)
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	return db, nil
}

// checkWAL makes sure the journal_mode(WAL) pragma took: SQLite keeps the old mode, without
// an error, where it cannot use WAL (a VFS without shared memory).
func checkWAL(ctx context.Context, c *sql.Conn) error {
	var mode string
	if err := c.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return fmt.Errorf("sqlite: read journal_mode: %w", err)
	}
	if mode != "wal" {
		return fmt.Errorf("sqlite: the database is in journal mode %q, not WAL", mode)
	}
	return nil
}

// prepareFile creates the database file with mode 0600 before SQLite opens it (SQLite
// would use 0644, and gives the -wal and -shm files the database's mode), or takes the
// group and other bits off an existing one: it holds every account's state. It reports
// whether it created the file.
func prepareFile(path string) (created bool, err error) {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return false, fmt.Errorf("sqlite: create database: %w", err)
		}
		return true, f.Close()
	case err != nil:
		return false, fmt.Errorf("sqlite: %w", err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if p != path {
			if fi, err = os.Stat(p); err != nil {
				continue
			}
		}
		if perm := fi.Mode().Perm(); perm&0o077 != 0 {
			if err := os.Chmod(p, perm&^0o077); err != nil {
				return false, fmt.Errorf("sqlite: restrict mode of %s: %w", p, err)
			}
		}
	}
	return false, nil
}

// syncDir fsyncs a directory, making the entries of files created in it durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return fmt.Errorf("sqlite: sync directory: %w", err)
	}
	return nil
}
