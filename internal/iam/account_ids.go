package iam

import (
	"context"

	"github.com/iamd-dev/iamd/internal/docstore"
)

// AccountIDs returns the id of every account this server holds, in id order, for readers
// that look across accounts (the access graph, a rotation of the master key).
func (s *Service) AccountIDs(ctx context.Context) ([]string, error) {
	var ids []string
	err := s.view(ctx, func(tx docstore.Tx) error {
		ids = ids[:0]
		return tx.List(colAccount, "", "", "", func(id string, _ []byte) error {
			ids = append(ids, id)
			return nil
		})
	})
	return ids, err
}
