package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// The statements every connection prepares. ?1..?3 are always collection, account, id.
const (
	sqlGet = `SELECT body FROM documents WHERE collection = ?1 AND account = ?2 AND id = ?3`

	// List reads ids from ?3 on, below ?4 when the prefix has an upper end. It stops
	// reading after a batch rather than binding a LIMIT: SQLite recompiles a statement
	// whose LIMIT is bound anew, each time.
	sqlList    = `SELECT id, body FROM documents WHERE collection = ?1 AND account = ?2 AND id >= ?3 ORDER BY id`
	sqlListTo  = `SELECT id, body FROM documents WHERE collection = ?1 AND account = ?2 AND id >= ?3 AND id < ?4 ORDER BY id`
	sqlCount   = `SELECT count(*) FROM documents WHERE collection = ?1 AND account = ?2 AND id >= ?3`
	sqlCountTo = `SELECT count(*) FROM documents WHERE collection = ?1 AND account = ?2 AND id >= ?3 AND id < ?4`

	sqlInsert = `INSERT INTO documents (collection, account, id, body) VALUES (?1, ?2, ?3, ?4)
		ON CONFLICT DO NOTHING`
	sqlPut = `INSERT INTO documents (collection, account, id, body) VALUES (?1, ?2, ?3, ?4)
		ON CONFLICT (collection, account, id) DO UPDATE SET body = excluded.body`
	sqlDelete = `DELETE FROM documents WHERE collection = ?1 AND account = ?2 AND id = ?3`
)

// conn is one database connection, held for the Store's life, with its statements.
type conn struct {
	c                       *sql.Conn
	begin, commit, rollback *sql.Stmt
	savepoint, rollbackTo   *sql.Stmt // a group member's own part; nil on a reader
	release                 *sql.Stmt
	get, list, listTo       *sql.Stmt
	count, countTo          *sql.Stmt
	insert, put, del        *sql.Stmt // nil on a reader
	stmts                   []*sql.Stmt
}

// takeConn reserves a connection of db for good.
func takeConn(ctx context.Context, db *sql.DB) (*sql.Conn, error) {
	c, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("sqlite: connect: %w", err)
	}
	return c, nil
}

// prepare prepares c's statements: the write statements too when writer is set.
func prepare(ctx context.Context, c *sql.Conn, writer bool) (*conn, error) {
	cn := &conn{c: c}
	var err error
	p := func(dst **sql.Stmt, query string) {
		if err != nil {
			return
		}
		var s *sql.Stmt
		if s, err = c.PrepareContext(ctx, query); err == nil {
			*dst = s
			cn.stmts = append(cn.stmts, s)
		}
	}
	if writer {
		p(&cn.begin, "BEGIN IMMEDIATE")
	} else {
		p(&cn.begin, "BEGIN")
	}
	p(&cn.commit, "COMMIT")
	p(&cn.rollback, "ROLLBACK")
	p(&cn.get, sqlGet)
	p(&cn.list, sqlList)
	p(&cn.listTo, sqlListTo)
	p(&cn.count, sqlCount)
	p(&cn.countTo, sqlCountTo)
	if writer {
		p(&cn.insert, sqlInsert)
		p(&cn.put, sqlPut)
		p(&cn.del, sqlDelete)
		p(&cn.savepoint, "SAVEPOINT iamd_update")
		p(&cn.rollbackTo, "ROLLBACK TO iamd_update")
		p(&cn.release, "RELEASE iamd_update")
	}
	if err != nil {
		cn.close()
		return nil, fmt.Errorf("sqlite: prepare: %w", err)
	}
	return cn, nil
}

// execStmt runs one of c's statements without watching a context (see the package doc).
func execStmt(s *sql.Stmt) error {
	_, err := s.ExecContext(context.Background())
	return err
}

// start begins a transaction. Should c have been left in one, by a ROLLBACK that failed,
// it ends that one and tries again once.
func (c *conn) start() error {
	err := execStmt(c.begin)
	if err != nil && c.end() == nil {
		err = execStmt(c.begin)
	}
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	return nil
}

// end rolls back whatever transaction c has open, if any.
func (c *conn) end() error {
	if err := execStmt(c.rollback); err != nil && !noTransaction(err) {
		return fmt.Errorf("sqlite: rollback: %w", err)
	}
	return nil
}

func (c *conn) close() error {
	var errs []error
	for _, s := range c.stmts {
		errs = append(errs, s.Close())
	}
	errs = append(errs, c.c.Close())
	return errors.Join(errs...)
}
