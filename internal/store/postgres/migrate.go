package postgres

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrateLock is the session advisory lock key migrations run under ("iamd" "mig").
const migrateLock int64 = 0x69616d64_6d6967

type migration struct {
	name string
	sql  string
}

func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	out := make([]migration, 0, len(names))
	for _, n := range names {
		b, err := migrationFiles.ReadFile(n)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{name: n[len("migrations/"):], sql: string(b)})
	}
	return out, nil
}

// migrate brings the schema up to date, holding the migration lock so that processes
// opening the database together apply each migration once.
func migrate(ctx context.Context, pool *pgxpool.Pool) error {
	known, err := migrations()
	if err != nil {
		return fail("read migrations", err)
	}
	c, err := pool.Acquire(ctx)
	if err != nil {
		return fail("connect", err)
	}
	defer c.Release()
	if _, err := c.Exec(ctx, "SELECT pg_advisory_lock($1)", migrateLock); err != nil {
		return fail("take the migration lock", err)
	}
	defer func() {
		if _, err := c.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrateLock); err != nil {
			c.Conn().Close(context.Background()) // closing the session releases the lock
		}
	}()
	if _, err := c.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name       text PRIMARY KEY,
		applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return fail("create schema_migrations", err)
	}
	rows, err := c.Query(ctx, "SELECT name FROM schema_migrations")
	if err != nil {
		return fail("read schema_migrations", err)
	}
	applied, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fail("read schema_migrations", err)
	}
	for _, a := range applied {
		if !slices.ContainsFunc(known, func(m migration) bool { return m.name == a }) {
			return fmt.Errorf("postgres: the database records migration %q, which this iamd does not know: it was written by a newer iamd", a)
		}
	}
	for _, m := range known {
		if slices.Contains(applied, m.name) {
			continue
		}
		err := pgx.BeginFunc(ctx, c, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, "INSERT INTO schema_migrations (name) VALUES ($1)", m.name)
			return err
		})
		if err != nil {
			return fail("migration "+m.name, err)
		}
	}
	return nil
}
