package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"sync"

	"github.com/iamd-dev/iamd/internal/docstore"
)

// Store is a docstore.Store on a SQLite database. It is safe for concurrent use. An
// Update's fn must not call Update on the same Store: it would wait for itself.
type Store struct {
	lock *os.File

	wdb    *sql.DB
	writer *conn
	wsem   chan struct{} // holding its one slot is owning the writer

	rdb        *sql.DB
	readers    chan *conn // the free readers
	allReaders []*conn

	mu     sync.Mutex
	idle   *sync.Cond // broadcast when active drops to zero
	active int        // transactions running
	closed bool
}

var _ docstore.Store = (*Store)(nil)

// enter counts a transaction in, unless the Store is closed.
func (s *Store) enter() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	s.active++
	return nil
}

func (s *Store) leave() {
	s.mu.Lock()
	s.active--
	if s.active == 0 {
		s.idle.Broadcast()
	}
	s.mu.Unlock()
}

// View runs fn in a read-only transaction on a snapshot of the database. The Tx's Insert,
// Put and Delete return ErrReadOnly.
func (s *Store) View(ctx context.Context, fn func(docstore.Tx) error) error {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.leave()
	var c *conn
	select {
	case c = <-s.readers:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { s.readers <- c }()
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := c.start(); err != nil {
		return err
	}
	t := &tx{ctx: ctx, c: c}
	// Deferred, so that it also runs while a panic in fn unwinds, which then goes on.
	defer func() {
		t.done = true
		c.end()
	}()
	if err := fn(t); err != nil {
		return err
	}
	if t.err != nil {
		return t.err
	}
	return ctx.Err()
}

// Update runs fn in a read-write transaction and commits it, durably, when fn returns nil.
// It rolls back, changing nothing, when fn returns an error (which Update returns), when
// fn panics (the panic goes on once rolled back), when a call of the Tx failed in the
// database, and when ctx ends first (Update returns ctx.Err()).
func (s *Store) Update(ctx context.Context, fn func(docstore.Tx) error) (err error) {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.leave()
	select {
	case s.wsem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s.wsem }()
	if err := ctx.Err(); err != nil {
		return err
	}
	c := s.writer
	if err := c.start(); err != nil {
		return err
	}
	t := &tx{ctx: ctx, c: c, write: true}
	committed := false
	// Deferred, so that it also runs while a panic in fn unwinds, which then goes on.
	defer func() {
		t.done = true
		if !committed {
			if rerr := c.end(); rerr != nil {
				err = errors.Join(err, rerr)
			}
		}
	}()
	if err := fn(t); err != nil {
		return err
	}
	if t.err != nil {
		return t.err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := execStmt(c.commit); err != nil {
		return fail("commit", err)
	}
	committed = true
	return nil
}

// Close waits for the transactions running to end, then closes the database and releases
// the directory. View and Update return ErrClosed from its call on. Closing twice is a
// no-op.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	for s.active > 0 {
		s.idle.Wait()
	}
	s.mu.Unlock()
	return s.shutdown()
}

// shutdown closes whatever Open got to open, readers first so that the writer's
// connection is the last one and checkpoints the write-ahead log into the database.
func (s *Store) shutdown() error {
	var errs []error
	for _, c := range s.allReaders {
		errs = append(errs, c.close())
	}
	if s.rdb != nil {
		errs = append(errs, s.rdb.Close())
	}
	if s.writer != nil {
		errs = append(errs, s.writer.close())
	}
	if s.wdb != nil {
		errs = append(errs, s.wdb.Close())
	}
	if s.lock != nil {
		errs = append(errs, s.lock.Close())
	}
	return errors.Join(errs...)
}
