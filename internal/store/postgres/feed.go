package postgres

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// The change feed's channel, and how long and how many changes are kept.
const (
	notifyChannel = "iamd_changes"
	keepFor       = 10 * time.Minute
	keepRows      = 100_000
	// pruneEvery is how often, at most, one Store prunes.
	pruneEvery = time.Minute
)

// commit commits the transaction, in one round trip with the row of its change in the feed
// (if it wrote anything), the notification PostgreSQL sends at commit, and now and then the
// pruning of old changes. It runs unbound by the context: Update has checked it, and must
// know whether the transaction committed.
func (s *Store) commit(t *tx) error {
	ctx := context.WithoutCancel(t.ctx)
	batch := &pgx.Batch{}
	if len(t.wrote) > 0 {
		keys := make([]docstore.Key, 0, len(t.wrote))
		for k := range t.wrote {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, compareKeys)
		cs, as, is := make([][]byte, len(keys)), make([][]byte, len(keys)), make([][]byte, len(keys))
		for i, k := range keys {
			cs[i], as[i], is[i] = b(k.Collection), b(k.Account), b(k.ID)
		}
		batch.Queue(`WITH c AS (INSERT INTO changes (origin, collections, accounts, ids) VALUES ($1, $2, $3, $4) RETURNING seq)
			SELECT seq, pg_notify($5, $1) FROM c`, s.origin, cs, as, is, notifyChannel)
		last := s.lastPrune.Load()
		if now := time.Now().UnixNano(); now-last >= int64(pruneEvery) && s.lastPrune.CompareAndSwap(last, now) {
			batch.Queue(pruneSQL, keepFor.Seconds(), int64(keepRows))
		}
	}
	batch.Queue("COMMIT")
	br := t.conn.SendBatch(ctx, batch)
	var err error
	for i := range batch.Len() {
		var tag pgconn.CommandTag
		tag, err = br.Exec()
		if err == nil && i == batch.Len()-1 && tag.String() != "COMMIT" {
			err = errors.New("the transaction was rolled back") // COMMIT of an aborted transaction
		}
		if err != nil {
			break
		}
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fail("commit", err)
	}
	return nil
}

// pruneSQL deletes the changes older than $1 seconds or beyond the latest $2, but never the
// newest (the one this transaction has just added), and records the greatest seq deleted.
const pruneSQL = `WITH head AS (SELECT max(seq) AS seq FROM changes),
	gone AS (DELETE FROM changes WHERE seq < (SELECT seq FROM head)
		AND (at < now() - make_interval(secs => $1) OR seq <= (SELECT seq FROM head) - $2)
		RETURNING seq)
	UPDATE changes_pruned SET through = GREATEST(through, (SELECT max(seq) FROM gone))
	WHERE EXISTS (SELECT 1 FROM gone)`

func compareKeys(x, y docstore.Key) int {
	if c := strings.Compare(x.Collection, y.Collection); c != 0 {
		return c
	}
	if c := strings.Compare(x.Account, y.Account); c != 0 {
		return c
	}
	return strings.Compare(x.ID, y.ID)
}

// Head returns the seq of the latest committed change, 0 for none: one index lookup.
func (s *Store) Head(ctx context.Context) (int64, error) {
	if err := s.enter(); err != nil {
		return 0, err
	}
	defer s.leave()
	var head int64
	if err := s.pool.QueryRow(ctx, "SELECT coalesce(max(seq), 0) FROM changes").Scan(&head); err != nil {
		return 0, ctxErr(ctx, fail("read the change feed's head", err))
	}
	return head, nil
}

// ChangesSince returns at most limit changes after the seq after, in order, or
// docstore.ErrChangesPruned when some of them have been pruned.
func (s *Store) ChangesSince(ctx context.Context, after int64, limit int) ([]docstore.Change, error) {
	if err := s.enter(); err != nil {
		return nil, err
	}
	defer s.leave()
	var out []docstore.Change
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		var through int64
		if err := tx.QueryRow(ctx, "SELECT through FROM changes_pruned").Scan(&through); err != nil {
			return err
		}
		if after < through {
			return docstore.ErrChangesPruned
		}
		rows, err := tx.Query(ctx, "SELECT seq, origin, collections, accounts, ids FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2", after, limit)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (docstore.Change, error) {
			var c docstore.Change
			var origin string
			var cs, as, is [][]byte
			if err := r.Scan(&c.Seq, &origin, &cs, &as, &is); err != nil {
				return c, err
			}
			c.Local = origin == s.origin
			c.Keys = make([]docstore.Key, len(cs))
			for i := range cs {
				c.Keys[i] = docstore.Key{Collection: string(cs[i]), Account: string(as[i]), ID: string(is[i])}
			}
			return c, nil
		})
		return err
	})
	if err == docstore.ErrChangesPruned {
		return nil, err
	}
	if err != nil {
		return nil, ctxErr(ctx, fail("read the change feed", err))
	}
	return out, nil
}

// Wake returns the channel signalled when another Store committed a change, or when this
// one may have missed being told (its listening connection was lost and made again).
func (s *Store) Wake() <-chan struct{} { return s.wake }

func (s *Store) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// listen keeps a connection LISTENing on the change channel until Close, making it again
// when it is lost (waiting longer each time, up to listenBackoffMax).
func (s *Store) listen() {
	ctx, cancel := context.WithCancel(context.Background())
	s.stopListen, s.listenerDone = cancel, make(chan struct{})
	go func() {
		defer close(s.listenerDone)
		backoff := listenBackoffMin
		for ctx.Err() == nil {
			if s.listenOnce(ctx) {
				backoff = listenBackoffMin
			}
			select {
			case <-ctx.Done():
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, listenBackoffMax)
		}
	}()
}

const (
	listenBackoffMin = 100 * time.Millisecond
	listenBackoffMax = 5 * time.Second
)

// listenOnce listens on one connection until it fails or ctx ends; it reports whether it
// got to listen.
func (s *Store) listenOnce(ctx context.Context) bool {
	c, err := pgx.ConnectConfig(ctx, s.pool.Config().ConnConfig.Copy())
	if err != nil {
		return false
	}
	defer c.Close(context.Background())
	if _, err := c.Exec(ctx, "LISTEN "+notifyChannel); err != nil {
		return false
	}
	s.signal() // what was committed while no one listened
	for {
		n, err := c.WaitForNotification(ctx)
		if err != nil {
			return true
		}
		if n.Payload != s.origin {
			s.signal()
		}
	}
}
