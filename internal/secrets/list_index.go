package secrets

import (
	"context"
	"encoding/json"
	"sync"

	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/pagecursor"
)

// ListSecrets' orders are kept as indexes, written in the transaction that makes or purges
// a secret document (a secret's creation date, serial and name never change), so that a page
// costs a page:
//
//   - by creation date, ascending (colByCreated) and descending (colByCreatedDesc): ids
//     REGION/KEY, KEY the order-preserving key of (created, serial, name), reversed for the
//     descending one;
//   - by name, descending (colByNameDesc): REGION/reversed key of the name. Ascending name
//     order is the secrets collection itself (ids REGION/NAME).
//
// Each entry's document is the secret's name. A name prefix (the "name" filter) is a key
// prefix of the name orders.
const (
	colByCreated     = "secrets.by-created"
	colByCreatedDesc = "secrets.by-created-desc"
	colByNameDesc    = "secrets.by-name-desc"
	// colListIndexes records, per account, that the indexes were built for its secrets
	// (a data directory made before them has secrets without entries).
	colListIndexes     = "secrets.list-indexes"
	listIndexesID      = "built"
	listIndexesVersion = 1
)

// createdKey is a secret's key in creation order: ListSecrets' default order (creation date,
// then the order secrets were made in, then name).
func createdKey(sec *Secret) string {
	return pagecursor.Int64(sec.Created.UnixMilli()) + pagecursor.Int64(sec.Serial) + pagecursor.Key(sec.Name)
}

// indexEntries are the ids of a secret's entries, by index.
func indexEntries(sec *Secret) map[string]string {
	region := sec.Region + "/"
	return map[string]string{
		colByCreated:     region + createdKey(sec),
		colByCreatedDesc: region + pagecursor.Reverse(createdKey(sec)),
		colByNameDesc:    region + pagecursor.Reverse(pagecursor.Key(sec.Name)),
	}
}

// indexSecret files a new secret document in the list indexes.
func (s *Service) indexSecret(tx docstore.Tx, sec *Secret) error {
	if err := s.noteFreshAccount(tx, sec.Account); err != nil {
		return err
	}
	return indexEntriesOf(tx, sec)
}

// indexEntriesOf puts a secret's entries in the list indexes.
func indexEntriesOf(tx docstore.Tx, sec *Secret) error {
	for col, id := range indexEntries(sec) {
		if err := tx.Put(docstore.Key{Collection: col, Account: sec.Account, ID: id}, sec.Name); err != nil {
			return err
		}
	}
	return nil
}

// unindexSecret takes a secret document that goes out of the list indexes.
func unindexSecret(tx docstore.Tx, sec *Secret) error {
	for col, id := range indexEntries(sec) {
		if err := tx.Delete(docstore.Key{Collection: col, Account: sec.Account, ID: id}); err != nil && !isNotFound(err) {
			return err
		}
	}
	return nil
}

// listIndexes remembers the accounts whose indexes are known to be built.
type listIndexes struct{ built sync.Map }

// noteFreshAccount records, in the transaction of an account's first secret, that its list
// indexes are complete: an account without secret documents has nothing to build, and every
// secret it makes from then on is indexed as it is made. An account that holds secrets
// without the record (a data directory made before the indexes) is left to
// ensureListIndexes. Once the record is known, it costs nothing.
func (s *Service) noteFreshAccount(tx docstore.Tx, account string) error {
	if _, ok := s.indexes.built.Load(account); ok {
		return nil
	}
	record := docstore.Key{Collection: colListIndexes, Account: account, ID: listIndexesID}
	var version int
	if err := tx.Get(record, &version); err == nil {
		s.indexes.built.Store(account, true)
		return nil
	} else if !isNotFound(err) {
		return err
	}
	empty := true
	if err := tx.List(colSecret, account, "", "", func(string, []byte) error {
		empty = false
		return docstore.ErrStop
	}); err != nil {
		return err
	}
	if !empty {
		return nil
	}
	return tx.Put(record, listIndexesVersion)
}

// ensureListIndexes builds the account's list indexes once for a data directory: a data
// directory made before them lists its secrets from the first ListSecrets on. The build runs
// to its end once begun, whatever becomes of the call that began it (a long build cut off by
// each caller's timeout would never end). Once built (the record of it is kept in the
// store, and in memory), it costs nothing.
func (s *Service) ensureListIndexes(ctx context.Context, account string) error {
	if _, ok := s.indexes.built.Load(account); ok {
		return nil
	}
	record := docstore.Key{Collection: colListIndexes, Account: account, ID: listIndexesID}
	err := pagecursor.BuildOnce(ctx, s.store, record, listIndexesVersion, func(tx docstore.Tx) error {
		return rebuildListIndexes(tx, account)
	})
	if err != nil {
		return err
	}
	s.indexes.built.Store(account, true)
	return nil
}

// rebuildListIndexes replaces an account's list indexes with those of the secret documents
// it holds, reading them one at a time.
func rebuildListIndexes(tx docstore.Tx, account string) error {
	for _, col := range []string{colByCreated, colByCreatedDesc, colByNameDesc} {
		if err := pagecursor.Clear(tx, col, account); err != nil {
			return err
		}
	}
	return tx.List(colSecret, account, "", "", func(_ string, raw []byte) error {
		var sec Secret
		if err := json.Unmarshal(raw, &sec); err != nil {
			return err
		}
		return indexEntriesOf(tx, &sec)
	})
}
