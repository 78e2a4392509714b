package iam

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/iamd-dev/iamd/internal/docstore"
)

// The record that the list indexes (list_index.go) have been built for the data directory:
// a data directory made before them has entities without path index entries or counters.
const (
	colListIndexes     = "iam.list-indexes"
	listIndexesID      = "built"
	listIndexesVersion = 1
)

// BuildListIndexes builds the path indexes and counters of the listed collections and the
// policy holder index (policy_holders.go) for every account, once for a data directory (the record of it is kept in the store), so that a data
// directory made before them lists and counts what it holds. Every write keeps them from
// then on. It is safe to call at every start: once built, it reads one document.
func (s *Service) BuildListIndexes(ctx context.Context) error {
	var version int
	err := s.view(ctx, func(tx docstore.Tx) error {
		err := tx.Get(docstore.Key{Collection: colListIndexes, ID: listIndexesID}, &version)
		if errors.Is(err, docstore.ErrNotFound) {
			return nil
		}
		return err
	})
	if err != nil || version >= listIndexesVersion {
		return err
	}
	var accounts []string
	err = s.view(ctx, func(tx docstore.Tx) error {
		return tx.List(colAccount, "", "", "", func(id string, _ []byte) error {
			accounts = append(accounts, id)
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("iam: listing accounts: %w", err)
	}
	for _, account := range accounts {
		for _, collection := range listedCollections {
			if err := s.store.Update(ctx, func(tx docstore.Tx) error { return rebuildListIndex(tx, collection, account) }); err != nil {
				return fmt.Errorf("iam: building the list index of %s of account %s: %w", collection, account, err)
			}
		}
		if err := s.store.Update(ctx, func(tx docstore.Tx) error { return rebuildPoliciesInUse(tx, account) }); err != nil {
			return fmt.Errorf("iam: building the index of the policies in use of account %s: %w", account, err)
		}
		if err := s.store.Update(ctx, func(tx docstore.Tx) error { return rebuildHolderIndex(tx, account) }); err != nil {
			return fmt.Errorf("iam: building the policy holder index of account %s: %w", account, err)
		}
	}
	return s.store.Update(ctx, func(tx docstore.Tx) error {
		return tx.Put(docstore.Key{Collection: colListIndexes, ID: listIndexesID}, listIndexesVersion)
	})
}

// rebuildListIndex replaces a collection's path index and counter in an account with those
// of the documents it holds.
func rebuildListIndex(tx docstore.Tx, collection, account string) error {
	var stale []string
	err := tx.List(collection+pathIndexSuffix, account, "", "", func(id string, _ []byte) error {
		stale = append(stale, id)
		return nil
	})
	if err != nil {
		return err
	}
	for _, id := range stale {
		if err := tx.Delete(docstore.Key{Collection: collection + pathIndexSuffix, Account: account, ID: id}); err != nil {
			return err
		}
	}
	// One document at a time (List's fn may write), so that a collection of millions is
	// not held in memory.
	n := 0
	err = tx.List(collection, account, "", "", func(_ string, raw []byte) error {
		var d struct{ Path, Name string }
		if err := json.Unmarshal(raw, &d); err != nil {
			return err
		}
		n++
		return tx.Put(docstore.Key{Collection: collection + pathIndexSuffix, Account: account, ID: pathIndexID(d.Path, d.Name)}, struct{}{})
	})
	if err != nil {
		return err
	}
	return tx.Put(docstore.Key{Collection: colListCount, Account: account, ID: collection}, n)
}

// rebuildHolderIndex replaces an account's policy holder index with that of the users,
// groups and roles it holds.
func rebuildHolderIndex(tx docstore.Tx, account string) error {
	var stale []string
	err := tx.List(colPolicyHolder, account, "", "", func(id string, _ []byte) error {
		stale = append(stale, id)
		return nil
	})
	if err != nil {
		return err
	}
	for _, id := range stale {
		if err := tx.Delete(docstore.Key{Collection: colPolicyHolder, Account: account, ID: id}); err != nil {
			return err
		}
	}
	if err := tx.Put(docstore.Key{Collection: colListCount, Account: account, ID: attachmentsCounted}, 0); err != nil {
		return err
	}
	for _, h := range []PolicyHolder{HolderUser, HolderGroup, HolderRole} {
		err := tx.List(h.newDoc().kind().collection, account, "", "", func(_ string, raw []byte) error {
			d := h.newDoc()
			if err := json.Unmarshal(raw, d); err != nil {
				return err
			}
			return syncHolders(tx, account, nil, d)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// rebuildPoliciesInUse replaces an account's indexes of the customer managed policies in
// use with those of the policies it holds.
func rebuildPoliciesInUse(tx docstore.Tx, account string) error {
	for _, col := range []string{policiesInUse, policiesInUse + pathIndexSuffix} {
		var stale []string
		err := tx.List(col, account, "", "", func(id string, _ []byte) error {
			stale = append(stale, id)
			return nil
		})
		if err != nil {
			return err
		}
		for _, id := range stale {
			if err := tx.Delete(docstore.Key{Collection: col, Account: account, ID: id}); err != nil {
				return err
			}
		}
	}
	return tx.List(colPolicy, account, "", "", func(_ string, raw []byte) error {
		var p ManagedPolicy
		if err := json.Unmarshal(raw, &p); err != nil {
			return err
		}
		return syncPolicyInUse(tx, account, &p)
	})
}
