package postgres

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/jackc/pgx/v5/pgxpool"
)

// writeLock is the transaction advisory lock key every Update takes first ("iamd" "wri").
const writeLock int64 = 0x69616d64_777269

// Store is a docstore.Store and a docstore.ChangeFeed on a PostgreSQL database. It is safe
// for concurrent use. An Update's fn must not call Update on the same Store.
type Store struct {
	pool   *pgxpool.Pool
	origin string        // this Store's id in the change rows
	wsem   chan struct{} // holding its one slot is being this process's writer

	wake         chan struct{} // Wake's
	stopListen   context.CancelFunc
	listenerDone chan struct{}
	lastPrune    atomic.Int64 // unix nanoseconds of the last prune by this Store

	mu     sync.Mutex
	idle   *sync.Cond // broadcast when active drops to zero
	active int
	closed bool
}

var (
	_ docstore.Store      = (*Store)(nil)
	_ docstore.ChangeFeed = (*Store)(nil)
)

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

// ctxErr returns ctx's error in place of err when ctx has ended (a statement pgx cancelled
// fails with the server's "canceling statement" error, not the context's).
func ctxErr(ctx context.Context, err error) error {
	if cerr := ctx.Err(); cerr != nil && err != nil {
		if errors.Is(err, cerr) {
			return err
		}
		return errors.Join(cerr, err)
	}
	return err
}

// Statements that begin the transactions. A View's BEGIN goes with its first statement, in
// one round trip; an Update's with the write lock.
const (
	beginView   = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
	beginUpdate = "BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE"
)

// View runs fn in a read-only transaction on one snapshot of the database. The Tx's Insert,
// Put and Delete return ErrReadOnly.
func (s *Store) View(ctx context.Context, fn func(docstore.Tx) error) error {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.leave()
	if err := ctx.Err(); err != nil {
		return err
	}
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return ctxErr(ctx, fail("connect", err))
	}
	t := &tx{ctx: ctx, conn: conn, begin: beginView}
	// Deferred, so that it also runs while a panic in fn unwinds, which then goes on.
	defer func() {
		t.done = true
		t.end()
	}()
	if err := fn(t); err != nil {
		return err
	}
	if t.err != nil {
		return t.err
	}
	return ctx.Err()
}

// Update runs fn in a read-write transaction, serialized with every other Update on the
// database, and commits it when fn returns nil. It rolls back, changing nothing, when fn
// returns an error (which Update returns), when fn panics (the panic goes on once rolled
// back), when a call of the Tx failed in the database, and when ctx ends before the commit
// (Update returns ctx.Err()).
func (s *Store) Update(ctx context.Context, fn func(docstore.Tx) error) error {
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
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return ctxErr(ctx, fail("connect", err))
	}
	t := &tx{ctx: ctx, conn: conn, write: true}
	defer func() {
		t.done = true
		t.end()
	}()
	if err := t.beginWrite(); err != nil {
		return err
	}
	if err := fn(t); err != nil {
		return err
	}
	if t.err != nil {
		return t.err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.commit(t)
}

// Close waits for the transactions running to end, then stops listening and closes the
// connections. View and Update return ErrClosed from its call on. Closing twice is a no-op.
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
	if s.stopListen != nil {
		s.stopListen()
		<-s.listenerDone
	}
	s.pool.Close()
	return nil
}
