package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// tx is a docstore.Tx on one PostgreSQL transaction, on a connection of its own. Like the
// transaction it stands for, it is for the goroutine running fn, and only until fn returns.
type tx struct {
	ctx   context.Context
	conn  *pgxpool.Conn
	begin string // the BEGIN still to send with the first statement ("" once sent)
	write bool   // an Update's
	done  bool   // fn has returned
	err   error
	wrote map[docstore.Key]struct{} // the documents changed, for the change feed
}

// beginWrite begins an Update's transaction and takes the write lock, in one round trip.
// READ COMMITTED: each statement's snapshot is taken after the lock was granted, so it sees
// every Update committed before (REPEATABLE READ would take it at the lock's statement,
// before the lock).
func (t *tx) beginWrite() error {
	b := &pgx.Batch{}
	b.Queue(beginUpdate)
	b.Queue("SELECT pg_advisory_xact_lock($1)", writeLock)
	br := t.conn.SendBatch(t.ctx, b)
	_, err := br.Exec()
	if err == nil {
		_, err = br.Exec()
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return ctxErr(t.ctx, fail("begin and take the write lock", err))
	}
	return nil
}

// end rolls back what is left of the transaction and gives the connection back (the pool
// closes one left in a transaction or broken).
func (t *tx) end() {
	if t.begin == "" && t.conn.Conn().PgConn().TxStatus() != 'I' {
		_, _ = t.conn.Exec(context.WithoutCancel(t.ctx), "ROLLBACK")
	}
	t.conn.Release()
}

// query runs a query, sending the pending BEGIN in the same round trip. finish is to be
// called once rows are read; on an error both are done.
func (t *tx) query(sql string, args ...any) (rows pgx.Rows, finish func() error, err error) {
	if t.begin == "" {
		rows, err := t.conn.Query(t.ctx, sql, args...)
		return rows, func() error { return nil }, err
	}
	b := &pgx.Batch{}
	b.Queue(t.begin)
	b.Queue(sql, args...)
	t.begin = ""
	br := t.conn.SendBatch(t.ctx, b)
	if _, err := br.Exec(); err != nil {
		br.Close()
		return nil, nil, err
	}
	rows, err = br.Query()
	if err != nil {
		br.Close()
		return nil, nil, err
	}
	return rows, br.Close, nil
}

// queryRow runs a query of one row into dest, reporting whether there was one.
func (t *tx) queryRow(dest []any, sql string, args ...any) (found bool, err error) {
	rows, finish, err := t.query(sql, args...)
	if err != nil {
		return false, err
	}
	if rows.Next() {
		found = true
		err = rows.Scan(dest...)
	}
	rows.Close()
	if err == nil {
		err = rows.Err()
	}
	if ferr := finish(); err == nil {
		err = ferr
	}
	return found, err
}

var _ docstore.Tx = (*tx)(nil)

// List reads this many documents at a time at first, doubling up to listBatchMax. No
// statement is open while fn runs, so fn may use the Tx.
const (
	listBatchMin = 16
	listBatchMax = 512
)

func (t *tx) ready() error {
	if t.done {
		return errTxDone
	}
	if t.err != nil {
		return t.err
	}
	return t.ctx.Err()
}

// poison records a database error for every later call and for Update.
func (t *tx) poison(op string, k docstore.Key, err error) error {
	t.err = ctxErr(t.ctx, fmt.Errorf("postgres: %s %q/%q/%q: %w", op, k.Collection, k.Account, k.ID, err))
	return t.err
}

func (t *tx) writable() error {
	if err := t.ready(); err != nil {
		return err
	}
	if !t.write {
		return ErrReadOnly
	}
	return nil
}

// changed notes a document written, once the database has changed it.
func (t *tx) changed(k docstore.Key) {
	if t.wrote == nil {
		t.wrote = map[docstore.Key]struct{}{}
	}
	t.wrote[k] = struct{}{}
}

func b(s string) []byte { return []byte(s) }

func (t *tx) Get(k docstore.Key, v any) error {
	if err := t.ready(); err != nil {
		return err
	}
	var raw []byte
	found, err := t.queryRow([]any{&raw}, "SELECT body FROM documents WHERE collection = $1 AND account = $2 AND id = $3",
		b(k.Collection), b(k.Account), b(k.ID))
	if err != nil {
		return t.poison("get", k, err)
	}
	if !found {
		return docstore.ErrNotFound
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("postgres: decode %q/%q/%q: %w", k.Collection, k.Account, k.ID, err)
	}
	return nil
}

func encode(k docstore.Key, v any) ([]byte, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("postgres: encode %q/%q/%q: %w", k.Collection, k.Account, k.ID, err)
	}
	return body, nil
}

// exec runs a write statement and returns how many documents it changed.
func (t *tx) exec(op string, k docstore.Key, sql string, args ...any) (int64, error) {
	tag, err := t.conn.Exec(t.ctx, sql, args...)
	if err != nil {
		return 0, t.poison(op, k, err)
	}
	return tag.RowsAffected(), nil
}

func (t *tx) Insert(k docstore.Key, v any) error {
	if err := t.writable(); err != nil {
		return err
	}
	body, err := encode(k, v)
	if err != nil {
		return err
	}
	n, err := t.exec("insert", k, "INSERT INTO documents (collection, account, id, body) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
		b(k.Collection), b(k.Account), b(k.ID), body)
	if err != nil {
		return err
	}
	if n == 0 {
		return docstore.ErrConflict
	}
	t.changed(k)
	return nil
}

func (t *tx) Put(k docstore.Key, v any) error {
	if err := t.writable(); err != nil {
		return err
	}
	body, err := encode(k, v)
	if err != nil {
		return err
	}
	if _, err := t.exec("put", k, `INSERT INTO documents (collection, account, id, body) VALUES ($1, $2, $3, $4)
		ON CONFLICT (collection, account, id) DO UPDATE SET body = EXCLUDED.body`,
		b(k.Collection), b(k.Account), b(k.ID), body); err != nil {
		return err
	}
	t.changed(k)
	return nil
}

func (t *tx) Delete(k docstore.Key) error {
	if err := t.writable(); err != nil {
		return err
	}
	n, err := t.exec("delete", k, "DELETE FROM documents WHERE collection = $1 AND account = $2 AND id = $3",
		b(k.Collection), b(k.Account), b(k.ID))
	if err != nil {
		return err
	}
	if n == 0 {
		return docstore.ErrNotFound
	}
	t.changed(k)
	return nil
}

// idRange is the condition and arguments selecting the ids from start that begin with
// prefix, after the collection and account ($1, $2).
func idRange(collection, account, prefix, start string) (string, []any) {
	args := []any{b(collection), b(account), b(start)}
	where := "collection = $1 AND account = $2 AND id >= $3"
	if end, ok := docstore.PrefixEnd(prefix); ok {
		where += " AND id < $4"
		args = append(args, b(end))
	}
	return where, args
}

type row struct {
	id  string
	raw []byte
}

func (t *tx) List(collection, account, prefix, after string, fn func(id string, raw []byte) error) error {
	if err := t.ready(); err != nil {
		return err
	}
	k := docstore.Key{Collection: collection, Account: account, ID: prefix + "*"}
	start := docstore.ListStart(prefix, after)
	for batch := listBatchMin; ; batch = min(2*batch, listBatchMax) {
		if err := t.ready(); err != nil {
			return err
		}
		where, args := idRange(collection, account, prefix, start)
		args = append(args, batch)
		rows, finish, err := t.query(fmt.Sprintf("SELECT id, body FROM documents WHERE %s ORDER BY id LIMIT $%d", where, len(args)), args...)
		if err != nil {
			return t.poison("list", k, err)
		}
		got, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (row, error) {
			var id, raw []byte
			err := r.Scan(&id, &raw)
			return row{id: string(id), raw: raw}, err
		})
		if ferr := finish(); err == nil {
			err = ferr
		}
		if err != nil {
			return t.poison("list", k, err)
		}
		for _, r := range got {
			if err := t.ready(); err != nil {
				return err
			}
			if err := fn(r.id, r.raw); err != nil {
				if errors.Is(err, docstore.ErrStop) {
					return nil
				}
				return err
			}
		}
		if len(got) < batch {
			return nil
		}
		start = got[len(got)-1].id + "\x00"
	}
}

func (t *tx) Count(collection, account, prefix string) (int, error) {
	if err := t.ready(); err != nil {
		return 0, err
	}
	where, args := idRange(collection, account, prefix, prefix)
	var n int
	if _, err := t.queryRow([]any{&n}, "SELECT count(*) FROM documents WHERE "+where, args...); err != nil {
		return 0, t.poison("count", docstore.Key{Collection: collection, Account: account, ID: prefix + "*"}, err)
	}
	return n, nil
}
