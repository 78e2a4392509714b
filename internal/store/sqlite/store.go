package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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

	gmu     sync.Mutex
	waiting int    // Updates waiting for the writer
	group   *group // the writer's open transaction, if any: only wsem's holder sets it
	commits int64  // groups committed, guarded by gmu too

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
// database, and when ctx ends before fn has returned (Update returns ctx.Err()).
//
// Concurrent Updates commit in groups (see the package doc): Update returns nil only once
// the group's COMMIT, and its fsync, have made the transaction durable. Once fn has
// returned nil and the transaction joined its group, Update waits for that commit
// whatever ctx does, so that it never reports a transaction the group then commits as
// not done.
func (s *Store) Update(ctx context.Context, fn func(docstore.Tx) error) (err error) {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.leave()
	s.gmu.Lock()
	s.waiting++
	s.gmu.Unlock()
	select {
	case s.wsem <- struct{}{}:
	case <-ctx.Done():
		s.gmu.Lock()
		s.waiting--
		// The group's members may have left its commit to this Update: someone must
		// take the writer after the holder, if there is one, and commit.
		orphan := s.waiting == 0 && s.group != nil
		s.gmu.Unlock()
		if orphan {
			go func() {
				s.wsem <- struct{}{}
				s.release()
			}()
		}
		return ctx.Err()
	}
	s.gmu.Lock()
	s.waiting--
	s.gmu.Unlock()
	g, err := func() (*group, error) {
		defer s.release() // also while a panic in fn unwinds
		return s.join(ctx, fn)
	}()
	if err != nil {
		return err
	}
	<-g.done
	return g.err
}

// join runs fn, on the writer wsem's holder owns, as the next member of the open group or
// as the first of a new one, and returns the group once fn's writes are in it. A
// transaction that fails takes back its own writes only: those of the members before it
// stay for their commit, unless SQLite has rolled the whole transaction back, which
// aborts the group.
func (s *Store) join(ctx context.Context, fn func(docstore.Tx) error) (_ *group, err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c := s.writer
	s.gmu.Lock()
	g := s.group
	s.gmu.Unlock()
	first := g == nil
	if first {
		if err := c.start(); err != nil {
			return nil, err
		}
		g = &group{done: make(chan struct{})}
		s.gmu.Lock()
		s.group = g
		s.gmu.Unlock()
	} else if err := execStmt(c.savepoint); err != nil {
		s.abort(g, err)
		return nil, fail("savepoint", err)
	}
	t := &tx{ctx: ctx, c: c, write: true}
	joined := false
	// Deferred, so that it also runs while a panic in fn unwinds, which then goes on.
	defer func() {
		t.done = true
		if joined {
			return
		}
		if first { // alone in the transaction: roll it all back
			s.gmu.Lock()
			s.group = nil
			s.gmu.Unlock()
			if rerr := c.end(); rerr != nil {
				err = errors.Join(err, rerr)
			}
			return
		}
		rerr := execStmt(c.rollbackTo)
		if rerr == nil {
			rerr = execStmt(c.release)
		}
		if rerr != nil {
			s.abort(g, rerr)
			err = errors.Join(err, fail("rollback to savepoint", rerr))
		}
	}()
	if err := fn(t); err != nil {
		return nil, err
	}
	if t.err != nil {
		return nil, t.err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !first {
		if err := execStmt(c.release); err != nil {
			return nil, fail("release savepoint", err)
		}
	}
	joined = true
	s.gmu.Lock()
	g.members++
	s.gmu.Unlock()
	return g, nil
}

// release gives the writer back, first committing the open group unless another Update is
// waiting to join it and it has room.
func (s *Store) release() {
	s.gmu.Lock()
	g := s.group
	commit := g != nil && (s.waiting == 0 || g.members >= maxGroup)
	if commit {
		s.group = nil
		s.commits++
	}
	s.gmu.Unlock()
	if commit {
		if err := execStmt(s.writer.commit); err != nil {
			g.err = fail("commit", err)
			if rerr := s.writer.end(); rerr != nil {
				g.err = errors.Join(g.err, rerr)
			}
		}
		close(g.done)
	}
	<-s.wsem
}

// abort rolls the open group back, on the writer wsem's holder owns, failing its members.
func (s *Store) abort(g *group, cause error) {
	s.gmu.Lock()
	s.group = nil
	s.gmu.Unlock()
	g.err = fmt.Errorf("sqlite: rolled back with a transaction of the same group commit: %w", cause)
	if rerr := s.writer.end(); rerr != nil {
		g.err = errors.Join(g.err, rerr)
	}
	close(g.done)
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
