package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"

	msqlite "modernc.org/sqlite"
)

// Backup writes a consistent copy of the database kept in dir to dest, which must not
// exist, while a Store (another process's `iamd serve`) may have dir open and be writing.
//
// It does not take DIR/iamd.lock: that lock keeps out a second writer, and Backup only
// reads. It opens the database read-only in WAL mode (the server keeps it in WAL mode) and
// runs VACUUM INTO, which reads one snapshot in one read transaction: every transaction
// committed before it began is in the copy, none after. The server's writes go on
// meanwhile; only its checkpoints wait for the copy's snapshot to end. The copy holds the
// database only: the master key lives outside it (DATA/master.key or --master-key), so the
// secrets and keys it holds stay sealed.
func Backup(ctx context.Context, dir, dest string) error {
	src := filepath.Join(dir, dbName)
	if _, err := os.Stat(src); err != nil {
		return fmt.Errorf("sqlite: no database in %s: %w", dir, err)
	}
	// Create the copy with mode 0600 ourselves: VACUUM INTO accepts an empty file, and
	// would otherwise create it readable by others.
	f, err := os.OpenFile(dest, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("sqlite: create backup: %w", err)
	}
	f.Close()
	ok := false
	defer func() {
		if !ok {
			os.Remove(dest)
		}
	}()
	db, err := openReadOnly(src, false)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", dest); err != nil {
		return fmt.Errorf("sqlite: back up: %w", err)
	}
	if err := syncFile(dest); err != nil {
		return err
	}
	ok = true
	return nil
}

// Restore checks that file is an iamd database this version can open (CheckBackup), then
// copies it into dir as its database. dir must be empty or not exist: Restore never
// replaces or mixes with existing state. The master key is not in file: whoever starts
// `iamd serve` on dir gives it the key the backed-up server used.
func Restore(ctx context.Context, file, dir string) error {
	if err := CheckBackup(ctx, file); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("sqlite: create directory: %w", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	if len(entries) > 0 {
		return fmt.Errorf("sqlite: %s is not empty: restore only into an empty data directory", dir)
	}
	lock, err := lockDir(dir) // keep a server from starting on dir meanwhile
	if err != nil {
		return err
	}
	defer lock.Close()
	dst := filepath.Join(dir, dbName)
	tmp := dst + ".restore"
	if err := copyFile(file, tmp); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, dst); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("sqlite: %w", err)
	}
	return syncDir(dir)
}

// CheckBackup reports an error unless file is a sound iamd database: not in WAL mode (a
// live database's file, whose latest commits may sit in its -wal beside it), SQLite's
// quick check passes, and its schema_migrations holds only migrations this iamd knows, the first
// among them, with the documents table present.
func CheckBackup(ctx context.Context, file string) error {
	if err := checkNotWAL(file); err != nil {
		return err
	}
	db, err := openReadOnly(file, true)
	if err != nil {
		return err
	}
	defer db.Close()
	notOurs := func(why string, err error) error {
		if err != nil {
			return fmt.Errorf("sqlite: %s is not an iamd database: %s: %w", file, why, err)
		}
		return fmt.Errorf("sqlite: %s is not an iamd database: %s", file, why)
	}
	var check string
	if err := db.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&check); err != nil {
		return notOurs("cannot read it", err)
	}
	if check != "ok" {
		return notOurs("integrity check: "+check, nil)
	}
	rows, err := db.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return notOurs("no schema_migrations", err)
	}
	applied := map[string]bool{}
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return notOurs("schema_migrations", err)
		}
		applied[v] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return notOurs("schema_migrations", err)
	}
	ms, err := migrations()
	if err != nil {
		return err
	}
	known := map[string]bool{}
	for _, m := range ms {
		known[m.version] = true
	}
	for v := range applied {
		if !known[v] {
			return fmt.Errorf("sqlite: %s has migration %q, which this iamd does not know: it was written by a newer version", file, v)
		}
	}
	if len(ms) == 0 || !applied[ms[0].version] {
		return notOurs("schema_migrations lacks the first migration", nil)
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM documents`).Scan(&n); err != nil {
		return notOurs("no documents table", err)
	}
	return nil
}

// checkNotWAL refuses a file in WAL mode: bytes 18 and 19 of a database header are 2 then.
func checkNotWAL(file string) error {
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	defer f.Close()
	var h [20]byte
	if _, err := io.ReadFull(f, h[:]); err == nil && string(h[:16]) == "SQLite format 3\x00" && (h[18] == 2 || h[19] == 2) {
		return fmt.Errorf("sqlite: %s is a live database in WAL mode, not a backup: make one with iamd backup", file)
	}
	return nil
}

// openReadOnly opens path read-only. immutable tells SQLite that nothing else writes the
// file (a backup at rest), so that it creates no -shm or -wal beside it.
func openReadOnly(path string, immutable bool) (*sql.DB, error) {
	q := url.Values{}
	q.Set("mode", "ro")
	if immutable {
		q.Set("immutable", "1")
	}
	q.Add("_pragma", "busy_timeout(10000)")
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path), RawQuery: q.Encode()}
	if u.Path[0] != '/' {
		u.Path = "/" + u.Path
	}
	connector, err := msqlite.NewConnector(u.String())
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	db := sql.OpenDB(connector)
	db.SetMaxOpenConns(1)
	return db, nil
}

// copyFile copies src to a new file dst with mode 0600 and makes it durable.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	_, err = io.Copy(out, in)
	if serr := out.Sync(); err == nil {
		err = serr
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sqlite: copy: %w", err)
	}
	return nil
}

// syncFile fsyncs the file at path.
func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil && !errors.Is(err, os.ErrInvalid) {
		return fmt.Errorf("sqlite: sync: %w", err)
	}
	return nil
}
