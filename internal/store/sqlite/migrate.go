package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strings"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

type migration struct {
	version string // the file name without .sql, such as "0001_documents"
	sql     string
}

// migrations returns the embedded migrations in file-name order.
func migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations") // sorted by name
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".sql")
		if !ok || e.IsDir() {
			continue
		}
		b, err := migrationFiles.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: name, sql: string(b)})
	}
	return ms, nil
}

// migrate brings the schema up to date on the writer connection c.
func migrate(ctx context.Context, c *sql.Conn) error {
	ms, err := migrations()
	if err != nil {
		return fmt.Errorf("sqlite: read migrations: %w", err)
	}
	if _, err := c.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    TEXT NOT NULL PRIMARY KEY,
		applied_at TEXT NOT NULL
	) WITHOUT ROWID, STRICT`); err != nil {
		return fmt.Errorf("sqlite: create schema_migrations: %w", err)
	}
	applied, err := appliedMigrations(ctx, c)
	if err != nil {
		return err
	}
	known := make(map[string]bool, len(ms))
	for _, m := range ms {
		known[m.version] = true
	}
	for v := range applied {
		if !known[v] {
			return fmt.Errorf("sqlite: the database has migration %q, which this iamd does not know: it was written by a newer version", v)
		}
	}
	for _, m := range ms {
		if applied[m.version] {
			continue
		}
		if err := applyMigration(ctx, c, m); err != nil {
			return fmt.Errorf("sqlite: migration %s: %w", m.version, err)
		}
	}
	return nil
}

func appliedMigrations(ctx context.Context, c *sql.Conn) (map[string]bool, error) {
	rows, err := c.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: read schema_migrations: %w", err)
	}
	defer rows.Close()
	applied := map[string]bool{}
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		applied[v] = true
	}
	return applied, rows.Err()
}

// applyMigration runs m and records it in one transaction, unless it turns out to be
// recorded already.
func applyMigration(ctx context.Context, c *sql.Conn, m migration) (err error) {
	if _, err := c.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return err
	}
	defer func() {
		if err != nil {
			if _, rerr := c.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); rerr != nil && !noTransaction(rerr) {
				err = errors.Join(err, rerr)
			}
		}
	}()
	var n int
	if err := c.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?1`, m.version).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		_, err := c.ExecContext(ctx, "COMMIT")
		return err
	}
	if _, err := c.ExecContext(ctx, m.sql); err != nil {
		return err
	}
	if _, err := c.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at)
		VALUES (?1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`, m.version); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	_, err = c.ExecContext(context.WithoutCancel(ctx), "COMMIT")
	return err
}

// noTransaction reports whether err is SQLite's answer to a ROLLBACK with no transaction
// open, as after SQLite rolled one back on its own.
func noTransaction(err error) bool {
	return strings.Contains(err.Error(), "no transaction is active")
}
