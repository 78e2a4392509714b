package iam

import (
	"context"
	"errors"

	"github.com/iamd-dev/iamd/internal/arn"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/docstore"
)

// The ARNs calls are authorized on. A call that acts on an existing entity is authorized on
// that entity's real ARN, as stored (its path and the spelling of its name included): the
// request names it by a name alone, or by an ARN that may differ from the stored one in
// ways the lookup tolerates. A call on an entity that does not exist is authorized on the
// ARN AWS uses for an unknown name (the default path), so that a caller without the
// permission learns nothing about what exists. Each lookup is one store read.

// EntityKind is a kind of IAM entity named by a name.
type EntityKind string

// Kinds of entities named by a name.
const (
	KindUser            EntityKind = "user"
	KindGroup           EntityKind = "group"
	KindRole            EntityKind = "role"
	KindInstanceProfile EntityKind = "instance-profile"
)

func (k EntityKind) collection() string {
	switch k {
	case KindUser:
		return colUser
	case KindGroup:
		return colGroup
	case KindInstanceProfile:
		return colInstanceProfile
	}
	return colRole
}

// entityName is what every entity document stores of its ARN.
type entityName struct {
	Account   string `json:"account"`
	Partition string `json:"partition"`
	Name      string `json:"name"`
	Path      string `json:"path"`
}

// ResourceARN is the ARN of the entity of the kind with the name: its stored ARN when it
// exists, else the ARN of the name under the default path "/". A failed read is an error
// (never a guess that could authorize on the wrong ARN).
func (s *Service) ResourceARN(ctx context.Context, account string, kind EntityKind, name string) (string, error) {
	e, ok, err := s.storedName(ctx, account, kind, name)
	switch {
	case err != nil:
		return "", err
	case ok:
		return entityARN(e.Partition, e.Account, string(kind), e.Path, e.Name), nil
	}
	return entityARN(e.Partition, account, string(kind), "/", name), nil
}

// storedName reads the account, name and path of an entity (ok false when there is none);
// its Partition is the entity's, or the account's when there is none.
func (s *Service) storedName(ctx context.Context, account string, kind EntityKind, name string) (entityName, bool, error) {
	var e entityName
	err := s.view(ctx, func(tx docstore.Tx) error {
		if name != "" {
			if err := tx.Get(key(kind.collection(), account, name), &e); err == nil && e.Name != "" {
				return nil
			} else if err != nil && !errors.Is(err, docstore.ErrNotFound) {
				return err
			}
		}
		e = entityName{}
		p, err := partitionOf(tx, account)
		e.Partition = p
		return err
	})
	switch {
	case err != nil:
		return e, false, err
	case e.Name == "":
		return e, false, nil
	}
	if e.Account == "" {
		e.Account = account
	}
	e.Partition = arn.OrDefault(e.Partition)
	if e.Path == "" {
		e.Path = "/"
	}
	return e, true, nil
}

// PolicyResourceARN is the ARN of the managed policy a PolicyArn names, as the service
// resolves it (an AWS managed policy, or one of the account's): the stored policy's ARN,
// or the ARN as given when there is no such policy (or the ARN is not valid: the call then
// fails after authorization, as on AWS).
func (s *Service) PolicyResourceARN(ctx context.Context, account, policyARN string) (string, error) {
	var p ManagedPolicy
	err := s.view(ctx, func(tx docstore.Tx) error { return findManagedPolicy(tx, account, policyARN, &p) })
	switch {
	case err == nil:
		return p.ARN(), nil
	case errors.Is(err, docstore.ErrNotFound):
		return policyARN, nil
	}
	if _, ok := awserr.As(err); ok {
		return policyARN, nil // not a valid policy ARN: no policy has it
	}
	return "", err
}

// PrincipalResourceARN is the ARN of the user, group or role an ARN of the account names
// (SimulatePrincipalPolicy's PolicySourceArn): the stored entity's ARN when one exists with
// that name under that path (names compare without regard to case, as IAM resolves them),
// or the ARN as given.
func (s *Service) PrincipalResourceARN(ctx context.Context, account, entity string) (string, error) {
	kind, path, name, ok := splitEntityARN(arn.PartitionOfARN(entity), account, entity)
	if !ok {
		return entity, nil
	}
	e, found, err := s.storedName(ctx, account, EntityKind(kind), name)
	switch {
	case err != nil:
		return "", err
	case !found || e.Path != path:
		return entity, nil
	}
	if e.Partition != arn.PartitionOfARN(entity) {
		return entity, nil // another partition's ARN names nothing of the account
	}
	return entityARN(e.Partition, e.Account, kind, e.Path, e.Name), nil
}
