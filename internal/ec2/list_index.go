package ec2

import (
	"context"
	"encoding/json"
	"errors"
	"sync"

	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/pagecursor"
)

// colAssociation indexes the instances' profile associations by association id, as
// DescribeIamInstanceProfileAssociations lists them and as the association calls name
// them: ids REGION/ASSOCIATION-ID, each document the instance's id. It is kept in the
// transaction of every change to an instance's profile (syncAssociation), so that a page of
// associations, and finding one, reads what it lists.
const colAssociation = "ec2.association"

// colListIndexes records, per account, that the association index was built for its
// instances (a data directory made before it has associations without entries).
const (
	colListIndexes     = "ec2.list-indexes"
	listIndexesID      = "built"
	listIndexesVersion = 1
)

func associationKey(account, region, associationID string) docstore.Key {
	return docstore.Key{Collection: colAssociation, Account: account, ID: region + "/" + associationID}
}

// syncAssociation moves an instance's entry in the association index from its association
// before a change (nil for none) to the one after.
func syncAssociation(tx docstore.Tx, inst *Instance, before *Association) error {
	beforeID, afterID := "", ""
	if before != nil {
		beforeID = before.ID
	}
	if inst.Profile != nil {
		afterID = inst.Profile.ID
	}
	if beforeID == afterID {
		return nil
	}
	if beforeID != "" {
		if err := tx.Delete(associationKey(inst.Account, inst.Region, beforeID)); err != nil && !isNotFound(err) {
			return err
		}
	}
	if afterID != "" {
		return tx.Put(associationKey(inst.Account, inst.Region, afterID), inst.ID)
	}
	return nil
}

// profileOf is a copy of an instance's association before a change (nil for none).
func profileOf(inst *Instance) *Association {
	if inst.Profile == nil {
		return nil
	}
	p := *inst.Profile
	return &p
}

// builtIndexes remembers the accounts whose association index is known to be built.
type builtIndexes struct{ accounts sync.Map }

// ensureListIndexes builds the account's association index once for a data directory (the
// record of it is kept in the store, and in memory); once built it costs nothing.
func (s *Service) ensureListIndexes(ctx context.Context, account string) error {
	if _, ok := s.indexes.accounts.Load(account); ok {
		return nil
	}
	record := docstore.Key{Collection: colListIndexes, Account: account, ID: listIndexesID}
	err := pagecursor.BuildOnce(ctx, s.store, record, listIndexesVersion, func(tx docstore.Tx) error {
		return rebuildAssociations(tx, account)
	})
	if err != nil {
		return err
	}
	s.indexes.accounts.Store(account, true)
	return nil
}

// rebuildAssociations replaces an account's association index with the associations its
// instances hold.
func rebuildAssociations(tx docstore.Tx, account string) error {
	if err := pagecursor.Clear(tx, colAssociation, account); err != nil {
		return err
	}
	return tx.List(colInstance, account, "", "", func(_ string, raw []byte) error {
		var inst Instance
		if err := json.Unmarshal(raw, &inst); err != nil {
			return err
		}
		return syncAssociation(tx, &inst, nil)
	})
}

func isNotFound(err error) bool { return errors.Is(err, docstore.ErrNotFound) }
