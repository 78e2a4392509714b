package iam

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/secretbox"
)

// Collections of the IAM documents. Names are folded to lower case in ids: IAM names are
// unique without regard to case.
const (
	colAccount         = "iam.account"
	colUser            = "iam.user"
	colGroup           = "iam.group"
	colRole            = "iam.role"
	colPolicy          = "iam.policy"
	colInstanceProfile = "iam.instance-profile"
	colAccessKey       = "iam.access-key" // account "": ids are global
)

// Service is the IAM domain over a store.
type Service struct {
	store docstore.Store
	box   *secretbox.Box
	now   func() time.Time
	// changes numbers committed changes and records the documents each wrote, so that
	// callers caching anything derived from IAM state (compiled policies) know when to drop
	// it (changes.go).
	changes    *changeLog
	keyUses    useThrottle  // of access keys, by id
	roleUses   useThrottle  // of roles, by account and name
	accessUses useThrottle  // of services and actions, by account, entity id and action (last_accessed.go)
	bindings   bindingCache // what bound policy principals resolve to (principal_bindings.go)
}

// New makes the service. now is the clock (time.Now outside tests).
func New(store docstore.Store, box *secretbox.Box, now func() time.Time) *Service {
	return &Service{store: store, box: box, now: now, changes: newChangeLog()}
}

// Generation changes whenever IAM state changes.
func (s *Service) Generation() uint64 { return s.changes.seq.Load() }

// update runs a write transaction and, when it commits, moves the generation on and marks
// the documents it wrote changed.
func (s *Service) update(ctx context.Context, fn func(docstore.Tx) error) error {
	wtx := &writeTx{}
	err := s.store.Update(ctx, func(tx docstore.Tx) error {
		*wtx = writeTx{Tx: tx} // anew at each attempt, should the store retry
		return fn(wtx)
	})
	if err == nil {
		s.committed(wtx.wrote)
	}
	return err
}

func (s *Service) view(ctx context.Context, fn func(docstore.Tx) error) error {
	return s.store.View(ctx, fn)
}

// clock returns the current time at AWS's precision (seconds, UTC).
func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Second) }

func key(collection, account, name string) docstore.Key {
	return docstore.Key{Collection: collection, Account: account, ID: strings.ToLower(name)}
}

// listDocs decodes the documents of a collection in an account, in id order, keeping those
// keep accepts.
func listDocs[T any](tx docstore.Tx, collection, account string, keep func(*T) bool) ([]T, error) {
	var out []T
	err := tx.List(collection, account, "", "", func(_ string, raw []byte) error {
		var v T
		if err := json.Unmarshal(raw, &v); err != nil {
			return err
		}
		if keep(&v) {
			out = append(out, v)
		}
		return nil
	})
	return out, err
}
