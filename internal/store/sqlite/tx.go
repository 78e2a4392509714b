package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/iamd-dev/iamd/internal/docstore"
)

// tx is a docstore.Tx on one connection. Like the transaction it stands for, it is for the
// goroutine running fn, and only until fn returns.
type tx struct {
	ctx   context.Context
	c     *conn
	write bool  // an Update's
	done  bool  // fn has returned
	err   error // the first database error, which poisons the transaction
}

var _ docstore.Tx = (*tx)(nil)

// List reads this many documents at a time at first, doubling up to listBatchMax: a List
// ended by ErrStop after a few documents reads few, and a long one makes few queries.
// No statement is open while fn runs, so fn may use the Tx.
const (
	listBatchMin = 16
	listBatchMax = 512
)

// fail wraps a database error.
func fail(op string, err error) error {
	return fmt.Errorf("sqlite: %s: %w", op, err)
}

// ready returns the error a call must return before it touches the database, if any.
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
	if t.ctx.Err() != nil && errors.Is(err, t.ctx.Err()) {
		t.err = err
	} else {
		t.err = fail(fmt.Sprintf("%s %q/%q/%q", op, k.Collection, k.Account, k.ID), err)
	}
	return t.err
}

func (t *tx) Get(k docstore.Key, v any) error {
	if err := t.ready(); err != nil {
		return err
	}
	rows, err := t.c.get.QueryContext(context.Background(), k.Collection, k.Account, k.ID)
	if err != nil {
		return t.poison("get", k, err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return t.poison("get", k, err)
		}
		return docstore.ErrNotFound
	}
	var raw sql.RawBytes // valid until rows.Close: decoded before, and never copied
	if err := rows.Scan(&raw); err != nil {
		return t.poison("get", k, err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("sqlite: decode %q/%q/%q: %w", k.Collection, k.Account, k.ID, err)
	}
	return nil
}

// exec runs one of the write statements with args and returns how many documents it
// changed.
func (t *tx) exec(op string, s *sql.Stmt, k docstore.Key, args ...any) (int64, error) {
	res, err := s.ExecContext(context.Background(), args...)
	if err != nil {
		return 0, t.poison(op, k, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, t.poison(op, k, err)
	}
	return n, nil
}

// writable returns the error a write must return before it touches the database, if any.
func (t *tx) writable() error {
	if err := t.ready(); err != nil {
		return err
	}
	if !t.write {
		return ErrReadOnly
	}
	return nil
}

func encode(k docstore.Key, v any) ([]byte, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("sqlite: encode %q/%q/%q: %w", k.Collection, k.Account, k.ID, err)
	}
	return body, nil
}

func (t *tx) Insert(k docstore.Key, v any) error {
	if err := t.writable(); err != nil {
		return err
	}
	body, err := encode(k, v)
	if err != nil {
		return err
	}
	n, err := t.exec("insert", t.c.insert, k, k.Collection, k.Account, k.ID, body)
	if err == nil && n == 0 {
		return docstore.ErrConflict
	}
	return err
}

func (t *tx) Put(k docstore.Key, v any) error {
	if err := t.writable(); err != nil {
		return err
	}
	body, err := encode(k, v)
	if err != nil {
		return err
	}
	_, err = t.exec("put", t.c.put, k, k.Collection, k.Account, k.ID, body)
	return err
}

func (t *tx) Delete(k docstore.Key) error {
	if err := t.writable(); err != nil {
		return err
	}
	n, err := t.exec("delete", t.c.del, k, k.Collection, k.Account, k.ID)
	if err == nil && n == 0 {
		return docstore.ErrNotFound
	}
	return err
}

// List calls fn with each document in id order. raw is fn's to keep.
func (t *tx) List(collection, account, prefix, after string, fn func(id string, raw []byte) error) error {
	if err := t.ready(); err != nil {
		return err
	}
	k := docstore.Key{Collection: collection, Account: account, ID: prefix}
	from := docstore.ListStart(prefix, after)
	end, bounded := docstore.PrefixEnd(prefix)
	if bounded && from >= end {
		return nil
	}
	type doc struct {
		id  string
		raw []byte
	}
	var batch []doc
	for size := listBatchMin; ; size = min(2*size, listBatchMax) {
		var rows *sql.Rows
		var err error
		if bounded {
			rows, err = t.c.listTo.QueryContext(t.ctx, collection, account, from, end)
		} else {
			rows, err = t.c.list.QueryContext(t.ctx, collection, account, from)
		}
		if err != nil {
			return t.poison("list", k, err)
		}
		batch = batch[:0]
		for len(batch) < size && rows.Next() {
			var d doc
			if err := rows.Scan(&d.id, &d.raw); err != nil {
				rows.Close()
				return t.poison("list", k, err)
			}
			batch = append(batch, d)
		}
		if err := rows.Err(); err != nil {
			return t.poison("list", k, err)
		}
		if err := rows.Close(); err != nil {
			return t.poison("list", k, err)
		}
		for _, d := range batch {
			if err := t.ready(); err != nil {
				return err
			}
			if err := fn(d.id, d.raw); err != nil {
				if errors.Is(err, docstore.ErrStop) {
					return nil
				}
				return err
			}
		}
		if len(batch) < size {
			return nil
		}
		from = batch[len(batch)-1].id + "\x00"
	}
}

func (t *tx) Count(collection, account, prefix string) (int, error) {
	if err := t.ready(); err != nil {
		return 0, err
	}
	var row *sql.Row
	if end, bounded := docstore.PrefixEnd(prefix); bounded {
		row = t.c.countTo.QueryRowContext(t.ctx, collection, account, prefix, end)
	} else {
		row = t.c.count.QueryRowContext(t.ctx, collection, account, prefix)
	}
	var n int
	if err := row.Scan(&n); err != nil {
		return 0, t.poison("count", docstore.Key{Collection: collection, Account: account, ID: prefix}, err)
	}
	return n, nil
}
