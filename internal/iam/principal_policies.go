package iam

import (
	"context"
	"errors"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/managedpolicies"
)

// NamedPolicy is a policy document with the name it is known by (an inline policy's name or
// a managed policy's ARN).
type NamedPolicy struct {
	Name     string
	Document string
}

// PrincipalPolicies are the documents that decide what a user or role may do.
type PrincipalPolicies struct {
	// ID is the unique id of the user or role read (AIDA..., AROA...): a caller bound to
	// another id was issued for an entity since deleted, whatever now bears its name.
	ID       string
	Identity []NamedPolicy // inline and attached, the user's groups' too
	Boundary *NamedPolicy  // nil without a permissions boundary
	// Depends are the documents read (the entity's, its groups', its managed policies'):
	// the policies are current while Service.Current(Depends) holds. They are set when the
	// entity was not found too.
	Depends Dependencies
}

// UserPolicies returns the policies of a user, with those of its groups.
func (s *Service) UserPolicies(ctx context.Context, account, name string) (PrincipalPolicies, error) {
	var out PrincipalPolicies
	err := s.viewTracked(ctx, &out.Depends, func(tx docstore.Tx) error {
		var u User
		if err := tx.Get(key(colUser, account, name), &u); err != nil {
			return err
		}
		out.ID = u.ID
		if err := s.collect(tx, account, u.InlinePolicies, u.AttachedPolicies, &out); err != nil {
			return err
		}
		for _, gname := range u.Groups {
			var g Group
			if err := tx.Get(key(colGroup, account, gname), &g); err != nil {
				if errors.Is(err, docstore.ErrNotFound) {
					continue
				}
				return err
			}
			if err := s.collect(tx, account, g.InlinePolicies, g.AttachedPolicies, &out); err != nil {
				return err
			}
		}
		return s.boundary(tx, account, u.PermissionsBoundary, &out)
	})
	return out, err
}

// RolePolicies returns the policies of a role.
func (s *Service) RolePolicies(ctx context.Context, account, name string) (PrincipalPolicies, error) {
	var out PrincipalPolicies
	err := s.viewTracked(ctx, &out.Depends, func(tx docstore.Tx) error {
		var r Role
		if err := tx.Get(key(colRole, account, name), &r); err != nil {
			return err
		}
		out.ID = r.ID
		if err := s.collect(tx, account, r.InlinePolicies, r.AttachedPolicies, &out); err != nil {
			return err
		}
		return s.boundary(tx, account, r.PermissionsBoundary, &out)
	})
	return out, err
}

func (s *Service) collect(tx docstore.Tx, account string, inline map[string]string, attached []string, out *PrincipalPolicies) error {
	return s.eachPolicy(tx, account, inline, attached, func(name, arn, doc string) {
		if arn != "" {
			name = arn
		}
		out.Identity = append(out.Identity, NamedPolicy{Name: name, Document: doc})
	})
}

// eachPolicy calls add with each inline policy (its name, no ARN) in name order, then each
// attached managed policy that still exists (its ARN) in attachment order.
func (s *Service) eachPolicy(tx docstore.Tx, account string, inline map[string]string, attached []string, add func(name, arn, doc string)) error {
	for _, name := range sortedNames(inline) {
		add(name, "", inline[name])
	}
	for _, arn := range attached {
		doc, err := s.defaultDocument(tx, account, arn)
		if err != nil {
			return err
		}
		if doc != "" {
			add("", arn, doc)
		}
	}
	return nil
}

func (s *Service) boundary(tx docstore.Tx, account, arn string, out *PrincipalPolicies) error {
	if arn == "" {
		return nil
	}
	doc, err := s.defaultDocument(tx, account, arn)
	if err != nil {
		return err
	}
	out.Boundary = &NamedPolicy{Name: arn, Document: doc}
	return nil
}

// defaultDocument returns the default version's document of a managed policy ("" when it no
// longer exists).
func (s *Service) defaultDocument(tx docstore.Tx, account, arn string) (string, error) {
	if mp, ok := managedpolicies.Lookup(arn); ok {
		return mp.DocumentIn(partitionOfARN(arn)), nil
	}
	name, ok := policyNameFromARN(account, arn)
	if !ok {
		return "", nil
	}
	var p ManagedPolicy
	if err := tx.Get(key(colPolicy, account, name), &p); err != nil {
		if errors.Is(err, docstore.ErrNotFound) {
			return "", nil
		}
		return "", err
	}
	for _, v := range p.Versions {
		if v.ID == p.DefaultVersion {
			return v.Document, nil
		}
	}
	return "", nil
}

// PolicyDocument returns the default version's document of a customer managed policy of
// the account or of an AWS managed policy, for session policies passed by ARN.
func (s *Service) PolicyDocument(ctx context.Context, account, policyARN string) (string, error) {
	var doc string
	err := s.view(ctx, func(tx docstore.Tx) (err error) {
		doc, err = s.defaultDocument(tx, account, policyARN)
		return err
	})
	if err == nil && doc == "" {
		return "", awserr.NoSuchEntity("Policy %s does not exist or is not attachable.", policyARN)
	}
	return doc, err
}
