// Package sqlite implements docstore.Store on one SQLite database file, DIR/iamd.db,
// through the pure-Go driver modernc.org/sqlite (no cgo).
//
// # Durability
//
// The database runs in WAL mode with synchronous=FULL: every COMMIT appends the
// transaction to the write-ahead log and fsyncs the log before Update returns, so a
// transaction Update reports committed survives a crash of the process, of the kernel or
// of the power. synchronous=NORMAL, the usual companion of WAL, skips that fsync and syncs
// only at checkpoints: the database stays consistent, but a power loss may take back the
// last transactions that were reported committed, which docstore forbids (an access key
// handed to a caller and then forgotten, a rotated secret that reverts). fullfsync is on
// as well, so that macOS uses F_FULLFSYNC, the only call that empties a drive's cache
// there; it changes nothing on Linux.
//
// # Concurrency
//
// One writer connection runs every Update, one at a time: a one-slot semaphore, which a
// context can stop waiting for, serializes them, and each transaction begins with BEGIN
// IMMEDIATE so that it holds the write lock from its start and never fails midway
// upgrading a read lock.
//
// Updates that arrive together commit together (group commit): an Update whose fn has
// returned nil, finding others waiting for the writer, hands the writer on without
// committing, and the next runs in the same SQLite transaction inside a savepoint of its
// own; the last of the group, finding no one waiting (or the group at 64), commits once,
// one fsync for all. Every member's Update returns only after that COMMIT, so nothing
// acknowledged is less durable than before; a member that fails rolls back to its
// savepoint, taking back its own writes only; should SQLite have rolled the whole
// transaction back (an I/O error), every member of the group fails and nothing of it is
// stored. A lone Update runs as before: BEGIN, fn, COMMIT. Readers see a group's writes
// when it commits, all at once, in the order its members ran. View runs on a pool of read-only connections (PRAGMA query_only); under WAL each
// sees a consistent snapshot while the writer commits. Statements are prepared once per
// connection.
//
// A database error inside a transaction (not ErrNotFound or ErrConflict, which change
// nothing) poisons it: SQLite may have rolled the whole transaction back on its own, so
// every later call of the Tx returns the same error and Update returns it instead of
// committing, whatever fn returns.
//
// # Contexts
//
// A context is honoured while waiting for the writer or for a reader, before every Tx
// call, during List and Count (which may scan, and which SQLite interrupts), and before
// COMMIT: a transaction whose context ends before it commits is rolled back and returns
// the context's error. Point reads and writes by key are not interrupted once started:
// they take microseconds, and watching a context costs the driver a goroutine each.
//
// # Files
//
// Open creates DIR (0700) and iamd.db (0600; SQLite gives its -wal and -shm files the
// same mode) and takes an exclusive flock on DIR/iamd.lock for as long as the Store is
// open, so a second Store on the same directory, in this process or another, fails to
// Open with ErrLocked instead of sharing the file behind the first one's back.
//
// # Schema
//
// The schema is built by the migrations in migrations/*.sql, embedded in the binary and
// applied in file-name order, each once and in its own transaction, as recorded in the
// table schema_migrations. Open refuses a database that records a migration this binary
// does not know, as one written by a newer iamd.
package sqlite
