package iam

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/iamd-dev/iamd/internal/docstore"
)

// Service and action last-accessed data (IAM User Guide, "Refine permissions in AWS using
// last accessed information"): per user and role, when it last made a request of each
// service and each action, and from which region. AWS counts every attempt, allowed or
// denied ("The service last accessed data includes all attempts to access an AWS API, not
// just the successful ones"), and so does iamd: every request its policies decide.

// colAccess holds one document per user or role, by account and unique id (AIDA..., AROA...):
// a later entity of the same name starts with no history, as AWS tracks entities by id.
const colAccess = "iam.last-accessed"

// entityAccess is what one user or role last accessed.
type entityAccess struct {
	Account  string                    `json:"account"`
	EntityID string                    `json:"entityId"`
	Services map[string]*serviceAccess `json:"services"` // by namespace, lower case
}

// serviceAccess is the last access of one service, with its actions'.
type serviceAccess struct {
	accessMark
	Actions map[string]accessMark `json:"actions,omitempty"` // by action name as AWS spells it
}

// accessMark is when and from where something was last accessed.
type accessMark struct {
	Time   time.Time `json:"time"`
	Region string    `json:"region"`
}

// NoteServiceAccess records that the user or role with the unique id made a request for the
// action ("s3:GetObject") in a region. Like NoteRoleUse it writes at most once a minute per
// entity and action and does not move the generation; callers that are neither a user nor a
// role (the root user, an anonymous caller) are not tracked, as AWS tracks IAM entities only.
func (s *Service) NoteServiceAccess(ctx context.Context, account, entityID, action, region string) error {
	if !strings.HasPrefix(entityID, prefixUser) && !strings.HasPrefix(entityID, prefixRole) {
		return nil
	}
	service, name, ok := strings.Cut(action, ":")
	if !ok || service == "" || name == "" {
		return nil
	}
	service = strings.ToLower(service)
	id := account + "/" + entityID + "/" + strings.ToLower(action)
	if !s.accessUses.due(id, s.now()) {
		return nil
	}
	mark := accessMark{Time: s.clock(), Region: region}
	err := s.store.Update(ctx, func(tx docstore.Tx) error {
		k := key(colAccess, account, entityID)
		var a entityAccess
		switch err := tx.Get(k, &a); {
		case errors.Is(err, docstore.ErrNotFound):
			a = entityAccess{Account: account, EntityID: entityID}
		case err != nil:
			return err
		}
		if a.Services == nil {
			a.Services = map[string]*serviceAccess{}
		}
		sa := a.Services[service]
		if sa == nil {
			sa = &serviceAccess{}
			a.Services[service] = sa
		}
		if !mark.Time.Before(sa.Time) {
			sa.accessMark = mark
		}
		if sa.Actions == nil {
			sa.Actions = map[string]accessMark{}
		}
		if prev, ok := sa.Actions[name]; !ok || !mark.Time.Before(prev.Time) {
			sa.Actions[name] = mark
		}
		return tx.Put(k, &a)
	})
	if err != nil {
		s.accessUses.forget(id)
	}
	return err
}

// forgetAccess deletes what a deleted user or role last accessed.
func forgetAccess(tx docstore.Tx, account, entityID string) error {
	if err := tx.Delete(key(colAccess, account, entityID)); err != nil && !errors.Is(err, docstore.ErrNotFound) {
		return err
	}
	return nil
}

// entityAccesses reads what each of the entities last accessed, by unique id.
func entityAccesses(tx docstore.Tx, account string, entities []accessEntity) (map[string]*entityAccess, error) {
	out := map[string]*entityAccess{}
	for _, e := range entities {
		var a entityAccess
		switch err := tx.Get(key(colAccess, account, e.ID), &a); {
		case errors.Is(err, docstore.ErrNotFound):
			continue
		case err != nil:
			return nil, err
		}
		if a.EntityID == e.ID {
			out[e.ID] = &a
		}
	}
	return out, nil
}
