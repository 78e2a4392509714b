// Package postgres implements docstore.Store on a PostgreSQL database through pgx
// (github.com/jackc/pgx/v5), so that several iamd processes (replicas) can share one
// database. It also implements docstore.ChangeFeed, which tells each replica what the
// others committed.
//
// # Durability
//
// Every connection runs with synchronous_commit on: COMMIT returns once the transaction's
// WAL is flushed (and, with synchronous standbys configured, replicated), so an Update that
// returned nil survives a crash of the database server.
//
// # Concurrency
//
// Updates are serialized across every process sharing the database, as SQLite serializes
// them within its one process: each write transaction runs at READ COMMITTED and begins with
// pg_advisory_xact_lock on a constant key, held until it commits or rolls back, so that its
// statements (each taking a snapshot after the lock was granted) see every Update committed
// before it. Read-check-write sequences (a quota counted, then a document inserted; a name
// checked unique) therefore hold under concurrent writers on different replicas. Within a
// process a one-slot semaphore, which a context can stop waiting for, lets only one Update
// at a time hold a connection, so waiting writers do not take the readers' connections.
//
// View runs in a REPEATABLE READ READ ONLY transaction: one snapshot for all its reads,
// never blocked by writers.
//
// Round trips are few: a View's BEGIN is sent with its first statement, in one pipeline (a
// View that reads nothing sends nothing), an Update's with the write lock, and its change
// row, notification and COMMIT together. A View of one Get is two round trips, an Update
// that reads and writes one document four. The pool holds up to 16 connections (4 per CPU
// on larger machines) unless the URL's pool_max_conns says otherwise.
//
// A database error inside a transaction (not ErrNotFound or ErrConflict, which change
// nothing: Insert is ON CONFLICT DO NOTHING) poisons it, as PostgreSQL aborts the
// transaction: every later call of the Tx returns the same error and Update returns it
// instead of committing, whatever fn returns.
//
// # Contexts
//
// A context is honoured while waiting for the in-process writer slot, for a connection, for
// the advisory lock (pgx cancels the statement), before and during every Tx call, and
// before COMMIT: a transaction whose context ends before it commits is rolled back and
// returns the context's error. COMMIT itself runs unbound by the context, so that Update
// always knows whether the transaction committed.
//
// # Change feed
//
// Each Update that wrote documents inserts, in its own transaction, a row into the table
// changes (its sequence number, its Store's random origin id and the keys it wrote) and
// calls pg_notify('iamd_changes', ...), delivered at commit. Since Updates are serialized,
// sequence numbers are taken and committed in order: a snapshot that sees a change sees
// every earlier one. Each Store keeps one connection LISTENing, and signals Wake when
// another Store committed. Rows older than ten minutes, or beyond the latest 100,000, are
// pruned (the newest is always kept); the greatest seq pruned is recorded so that
// ChangesSince reports docstore.ErrChangesPruned to a reader that fell behind it.
//
// # Schema
//
// The schema is built by the migrations in migrations/*.sql, embedded in the binary and
// applied in file-name order, each once and in its own transaction, as recorded in the
// table schema_migrations, under a session advisory lock so that replicas starting together
// do not race. Open refuses a database that records a migration this binary does not know,
// as one written by a newer iamd.
package postgres
