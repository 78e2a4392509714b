package tasks

import (
	"context"
	"encoding/json"
	"errors"
	"sync/atomic"

	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/pagecursor"
)

// Two indexes of the tasks, kept in the transactions that start and stop them, so that
// List reads its page and Run's clean-up reads what it deletes:
//
//   - colRunning: an account's running tasks in the order they were started (ids
//     STARTED/TASK-ID, STARTED the order-preserving key of the start time), each document
//     the task id;
//   - colStopped: the stopped tasks of every account in the order they stopped (ids
//     STOPPED/TASK-ID, account ""), so that the clean-up of the tasks stopped over an hour
//     ago stops at the first one that is not.
const (
	colRunning = "tasks.running"
	colStopped = "tasks.stopped"
	// colListIndexes records that the indexes were built for the data directory (one made
	// before them holds tasks without entries).
	colListIndexes     = "tasks.list-indexes"
	listIndexesID      = "built"
	listIndexesVersion = 1
)

func runningKey(rec *record) docstore.Key {
	return docstore.Key{Collection: colRunning, Account: rec.Account,
		ID: pagecursor.Int64(rec.StartedAt.UnixNano()) + "/" + rec.ID}
}

func stoppedKey(rec *record) docstore.Key {
	return docstore.Key{Collection: colStopped, ID: pagecursor.Int64(rec.Stop.At.UnixNano()) + "/" + rec.ID}
}

// indexTask files a task, as stored, in the index of its state.
func indexTask(tx docstore.Tx, rec *record) error {
	if rec.Stop != nil {
		return tx.Put(stoppedKey(rec), rec.ID)
	}
	return tx.Put(runningKey(rec), rec.ID)
}

// unindexRunning takes a task out of the running index (it stopped).
func unindexRunning(tx docstore.Tx, rec *record) error {
	if err := tx.Delete(runningKey(rec)); err != nil && !errors.Is(err, docstore.ErrNotFound) {
		return err
	}
	return nil
}

// indexesBuilt is set once the indexes are known to be built.
type indexesBuilt struct{ done atomic.Bool }

// ensureIndexes builds the indexes once for a data directory (the record of it is kept in
// the store, and in memory); once built it costs nothing.
func (s *Service) ensureIndexes(ctx context.Context) error {
	if s.indexes.done.Load() {
		return nil
	}
	record := docstore.Key{Collection: colListIndexes, ID: listIndexesID}
	if err := pagecursor.BuildOnce(ctx, s.store, record, listIndexesVersion, rebuildIndexes); err != nil {
		return err
	}
	s.indexes.done.Store(true)
	return nil
}

// rebuildIndexes replaces both indexes with the entries of the tasks stored.
func rebuildIndexes(tx docstore.Tx) error {
	if err := pagecursor.Clear(tx, colStopped, ""); err != nil {
		return err
	}
	// The running index is per account: its accounts are those of the tasks stored.
	accounts := map[string]bool{}
	if err := tx.List(collection, "", "", "", func(_ string, raw []byte) error {
		var rec record
		if err := json.Unmarshal(raw, &rec); err != nil {
			return err
		}
		accounts[rec.Account] = true
		return nil
	}); err != nil {
		return err
	}
	for account := range accounts {
		if err := pagecursor.Clear(tx, colRunning, account); err != nil {
			return err
		}
	}
	return tx.List(collection, "", "", "", func(_ string, raw []byte) error {
		var rec record
		if err := json.Unmarshal(raw, &rec); err != nil {
			return err
		}
		return indexTask(tx, &rec)
	})
}
