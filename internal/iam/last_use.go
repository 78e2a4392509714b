package iam

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/iamd-dev/iamd/internal/docstore"
)

// useInterval is how often, at most, the last use of one access key or role is written.
const useInterval = time.Minute

// maxTracked bounds a useThrottle: past it, entries older than useInterval are dropped.
const maxTracked = 4096

// useThrottle remembers when the last use of a key or role was last written, so that a busy
// one is written at most once per useInterval.
type useThrottle struct {
	sync.Mutex
	last map[string]time.Time
}

// due reports whether a use at now should be written, and if so remembers it.
func (u *useThrottle) due(id string, now time.Time) bool {
	u.Lock()
	defer u.Unlock()
	if t, ok := u.last[id]; ok && !now.Before(t) && now.Sub(t) < useInterval {
		return false
	}
	if u.last == nil {
		u.last = map[string]time.Time{}
	}
	u.last[id] = now
	if len(u.last) > maxTracked {
		for x, t := range u.last {
			if now.Sub(t) >= useInterval || now.Before(t) {
				delete(u.last, x)
			}
		}
	}
	return true
}

// forget drops what due remembered, after a failed write.
func (u *useThrottle) forget(id string) {
	u.Lock()
	delete(u.last, id)
	u.Unlock()
}

// NoteRoleUse records that a session of the role made a request in a region (GetRole's
// RoleLastUsed). Like NoteAccessKeyUse it writes at most once a minute per role and does
// not move the generation.
func (s *Service) NoteRoleUse(ctx context.Context, account, roleName, roleID, region string) error {
	id := account + "/" + strings.ToLower(roleName) + "/" + roleID
	if !s.roleUses.due(id, s.now()) {
		return nil
	}
	err := s.store.Update(ctx, func(tx docstore.Tx) error {
		var r Role
		k := key(colRole, account, roleName)
		err := tx.Get(k, &r)
		if errors.Is(err, docstore.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if r.ID != roleID {
			return nil // a session of an earlier role of that name: not this role's use
		}
		r.LastUsed = &RoleLastUsed{Date: s.clock(), Region: region}
		return tx.Put(k, &r)
	})
	if err != nil {
		s.roleUses.forget(id)
	}
	return err
}
