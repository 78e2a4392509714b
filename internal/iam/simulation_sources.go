package iam

import (
	"context"
	"errors"
	"strings"

	"github.com/iamd-dev/iamd/internal/arn"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/docstore"
)

// SourcePolicy is one policy of a principal as the policy simulator names it: inline
// policies as KIND_ENTITY_POLICY (user_alice_ReadOnly, group_admins_All, role_Tower_Policy),
// managed policies by their name.
type SourcePolicy struct {
	ID       string
	ARN      string // managed policies only
	Document string
}

// SimulationSource is what SimulatePrincipalPolicy simulates for a user, group or role: its
// identity policies (a user's with its groups'), and its permissions boundary.
type SimulationSource struct {
	Kind     string // "user", "group" or "role"
	Name     string
	ARN      string
	Identity []SourcePolicy
	Boundary *SourcePolicy // nil without a boundary (groups never have one)
}

// SimulationPolicies reads the policies of the user, group or role the ARN names, in the
// account. An ARN of another kind, or of another account, is InvalidInput; a principal
// that does not exist (or exists under another path) is NoSuchEntity.
func (s *Service) SimulationPolicies(ctx context.Context, account, sourceARN string) (*SimulationSource, error) {
	partition, err := s.Partition(ctx, account)
	if err != nil {
		return nil, err
	}
	kind, path, name, ok := splitEntityARN(partition, account, sourceARN)
	if !ok {
		return nil, awserr.InvalidInput("Invalid ARN: %s. The ARN must name a user, group or role of the account.", sourceARN)
	}
	out := &SimulationSource{Kind: kind, Name: name, ARN: sourceARN}
	notFound := awserr.NoSuchEntity("The %s with name %s cannot be found.", kind, name)
	err = s.view(ctx, func(tx docstore.Tx) error {
		switch kind {
		case "user":
			var u User
			if err := tx.Get(key(colUser, account, name), &u); err != nil {
				return err
			}
			if u.Path != path {
				return notFound
			}
			if err := s.collectSources(tx, account, "user", u.Name, u.InlinePolicies, u.AttachedPolicies, out); err != nil {
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
				if err := s.collectSources(tx, account, "group", g.Name, g.InlinePolicies, g.AttachedPolicies, out); err != nil {
					return err
				}
			}
			return s.boundarySource(tx, account, u.PermissionsBoundary, out)
		case "group":
			var g Group
			if err := tx.Get(key(colGroup, account, name), &g); err != nil {
				return err
			}
			if g.Path != path {
				return notFound
			}
			return s.collectSources(tx, account, "group", g.Name, g.InlinePolicies, g.AttachedPolicies, out)
		default:
			var r Role
			if err := tx.Get(key(colRole, account, name), &r); err != nil {
				return err
			}
			if r.Path != path {
				return notFound
			}
			if err := s.collectSources(tx, account, "role", r.Name, r.InlinePolicies, r.AttachedPolicies, out); err != nil {
				return err
			}
			return s.boundarySource(tx, account, r.PermissionsBoundary, out)
		}
	})
	if errors.Is(err, docstore.ErrNotFound) {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Service) collectSources(tx docstore.Tx, account, kind, entity string, inline map[string]string, attached []string, out *SimulationSource) error {
	return s.eachPolicy(tx, account, inline, attached, func(name, arn, doc string) {
		id := kind + "_" + entity + "_" + name
		if arn != "" {
			id = lastPathSegment(arn)
		}
		out.Identity = append(out.Identity, SourcePolicy{ID: id, ARN: arn, Document: doc})
	})
}

func (s *Service) boundarySource(tx docstore.Tx, account, arn string, out *SimulationSource) error {
	if arn == "" {
		return nil
	}
	doc, err := s.defaultDocument(tx, account, arn)
	if err != nil || doc == "" {
		return err
	}
	out.Boundary = &SourcePolicy{ID: lastPathSegment(arn), ARN: arn, Document: doc}
	return nil
}

// splitEntityARN reads arn:PARTITION:iam::ACCOUNT:KIND/PATH/NAME for a user, group or role of
// the account in the partition.
func splitEntityARN(partition, account, s string) (kind, path, name string, ok bool) {
	prefix := arn.IAM(partition, account, "")
	if !strings.HasPrefix(s, prefix) {
		return "", "", "", false
	}
	rest := s[len(prefix):]
	slash := strings.IndexByte(rest, '/')
	if slash < 0 {
		return "", "", "", false
	}
	kind = rest[:slash]
	if kind != "user" && kind != "group" && kind != "role" {
		return "", "", "", false
	}
	pathName := rest[slash:]
	last := strings.LastIndexByte(pathName, '/')
	path, name = pathName[:last+1], pathName[last+1:]
	if name == "" {
		return "", "", "", false
	}
	return kind, path, name, true
}
