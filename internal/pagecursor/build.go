package pagecursor

import (
	"context"
	"errors"

	"github.com/iamd-dev/iamd/internal/docstore"
)

// BuildOnce builds an index once for a data directory: unless the record (a document
// holding a version number) says a build of version or later was done, it runs build and
// stores the record, in one write transaction, so that writes made meanwhile are either
// before the build (and read by it) or after (and keep the built index themselves). The
// build runs to its end once begun, whatever becomes of ctx: a long build cut off by each
// caller's deadline would never end.
func BuildOnce(ctx context.Context, store docstore.Store, record docstore.Key, version int, build func(tx docstore.Tx) error) error {
	ctx = context.WithoutCancel(ctx)
	built := func(tx docstore.Tx) (bool, error) {
		var have int
		err := tx.Get(record, &have)
		if errors.Is(err, docstore.ErrNotFound) {
			return false, nil
		}
		return err == nil && have >= version, err
	}
	var done bool
	err := store.View(ctx, func(tx docstore.Tx) error {
		var err error
		done, err = built(tx)
		return err
	})
	if err != nil || done {
		return err
	}
	return store.Update(ctx, func(tx docstore.Tx) error {
		if done, err := built(tx); err != nil || done {
			return err // built by another caller meanwhile
		}
		if err := build(tx); err != nil {
			return err
		}
		return tx.Put(record, version)
	})
}

// Clear deletes every document of a collection in an account (an index about to be
// rebuilt), reading their ids first.
func Clear(tx docstore.Tx, collection, account string) error {
	var ids []string
	if err := tx.List(collection, account, "", "", func(id string, _ []byte) error {
		ids = append(ids, id)
		return nil
	}); err != nil {
		return err
	}
	for _, id := range ids {
		if err := tx.Delete(docstore.Key{Collection: collection, Account: account, ID: id}); err != nil {
			return err
		}
	}
	return nil
}
