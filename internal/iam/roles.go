package iam

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/policy"
)

// Role limits (IAM User Guide, "IAM and AWS STS quotas"; IAM API reference); those every
// kind of entity has are in roleKind (entities.go).
const (
	maxTrustPolicySize      = 2048 // ACLSizePerRole
	defaultSessionDuration  = 3600
	maxSessionDurationLimit = 43200
)

// CreateRoleInput is CreateRole's parameters.
type CreateRoleInput struct {
	Account             string
	Name                string
	Path                string
	AssumeRolePolicy    string
	Description         string
	MaxSessionDuration  int // 0 for the default of one hour
	PermissionsBoundary string
	Tags                []Tag
}

// CreateRole creates a role.
func (s *Service) CreateRole(ctx context.Context, in CreateRoleInput) (*Role, error) {
	if err := roleKind.checkName(in.Name); err != nil {
		return nil, err
	}
	path, err := checkPath(in.Path, "path")
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(path, serviceRolePath) {
		return nil, awserr.InvalidInput("Path prefix '%s' can only be used for AWS Service linked Roles", serviceRolePath)
	}
	if err := checkTrustPolicy(in.AssumeRolePolicy); err != nil {
		return nil, err
	}
	if err := checkRoleDescription(in.Description); err != nil {
		return nil, err
	}
	duration := in.MaxSessionDuration
	if duration == 0 {
		duration = defaultSessionDuration
	}
	if err := checkSessionDuration(duration); err != nil {
		return nil, err
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	r := &Role{
		Account: in.Account, Name: in.Name, ID: newID(prefixRole), Path: path, CreateDate: s.clock(),
		AssumeRolePolicy: in.AssumeRolePolicy, Description: in.Description, MaxSessionDuration: duration,
		Tags: in.Tags,
	}
	err = s.update(ctx, func(tx docstore.Tx) error {
		bindings, err := bindPrincipals(tx, in.AssumeRolePolicy)
		if err != nil {
			return err
		}
		r.TrustBindings = bindings
		if in.PermissionsBoundary != "" {
			if err := s.useAsBoundary(tx, in.Account, in.PermissionsBoundary, 1); err != nil {
				return err
			}
			r.PermissionsBoundary = in.PermissionsBoundary
		}
		partition, err := partitionOf(tx, in.Account)
		if err != nil {
			return err
		}
		r.Partition = stored(partition)
		err = tx.Insert(key(colRole, in.Account, in.Name), r)
		if errors.Is(err, docstore.ErrConflict) {
			return awserr.EntityAlreadyExists("Role with name %s already exists.", in.Name)
		}
		if err != nil {
			return err
		}
		if err := syncHolders(tx, in.Account, nil, r); err != nil {
			return err
		}
		return listedAdd(tx, colRole, in.Account, r.Path, r.Name)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// GetRole returns a role, its trust policy as AWS shows it (principal_bindings.go).
func (s *Service) GetRole(ctx context.Context, account, name string) (*Role, error) {
	var r Role
	err := s.view(ctx, func(tx docstore.Tx) error {
		if err := getRole(tx, account, name, &r); err != nil {
			return err
		}
		return showTrust(tx, &r)
	})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// getRole reads a role (getEntity).
func getRole(tx docstore.Tx, account, name string, r *Role) error {
	return getEntity(tx, account, name, r)
}

// changeRole reads a role, lets fn change it, and stores it, in one transaction.
func (s *Service) changeRole(ctx context.Context, account, name string, fn func(tx docstore.Tx, r *Role) error) (*Role, error) {
	var r Role
	if err := s.changeEntity(ctx, account, name, &r, func(tx docstore.Tx) error { return fn(tx, &r) }); err != nil {
		return nil, err
	}
	return &r, nil
}

// DeleteRole deletes a role that is in no instance profile and has no policies.
func (s *Service) DeleteRole(ctx context.Context, account, name string) error {
	return s.update(ctx, func(tx docstore.Tx) error {
		var r Role
		if err := getRole(tx, account, name, &r); err != nil {
			return err
		}
		if err := protectedRole(&r); err != nil {
			return err
		}
		switch {
		case len(r.InstanceProfiles) > 0:
			return awserr.DeleteConflict("Cannot delete entity, must remove roles from instance profile first.")
		case len(r.InlinePolicies) > 0:
			return awserr.DeleteConflict("Cannot delete entity, must delete policies first.")
		case len(r.AttachedPolicies) > 0:
			return awserr.DeleteConflict("Cannot delete entity, must detach all policies first.")
		}
		if r.PermissionsBoundary != "" {
			if err := s.useAsBoundary(tx, account, r.PermissionsBoundary, -1); err != nil && !isNoSuchEntity(err) {
				return err
			}
		}
		if err := forgetAccess(tx, account, r.ID); err != nil {
			return err
		}
		if err := tx.Delete(key(colRole, account, name)); err != nil {
			return err
		}
		if err := syncHolders(tx, account, &r, nil); err != nil {
			return err
		}
		return listedRemove(tx, colRole, account, r.Path, r.Name)
	})
}

// ListRoles lists roles whose path starts with pathPrefix, in name order.
func (s *Service) ListRoles(ctx context.Context, account, pathPrefix string, p Page) (PageOf[Role], error) {
	prefix, err := checkPathPrefix(pathPrefix)
	if err != nil {
		return PageOf[Role]{}, err
	}
	var page PageOf[Role]
	err = s.view(ctx, func(tx docstore.Tx) (err error) {
		page, err = pageListed[Role](tx, colRole, account, prefix, p, nil)
		for i := 0; err == nil && i < len(page.Items); i++ {
			err = showTrust(tx, &page.Items[i])
		}
		return err
	})
	if err != nil {
		return PageOf[Role]{}, err
	}
	return page, nil
}

// UpdateRole changes a role's description and maximum session duration; empty values keep
// what the role has.
func (s *Service) UpdateRole(ctx context.Context, account, name string, description *string, maxSessionDuration int) (*Role, error) {
	if description != nil {
		if err := checkRoleDescription(*description); err != nil {
			return nil, err
		}
	}
	if maxSessionDuration != 0 {
		if err := checkSessionDuration(maxSessionDuration); err != nil {
			return nil, err
		}
	}
	r, err := s.changeRole(ctx, account, name, func(_ docstore.Tx, r *Role) error {
		if maxSessionDuration != 0 {
			// A service-linked role's description is the account's to change; the rest
			// is the service's.
			if err := protectedRole(r); err != nil {
				return err
			}
		}
		if description != nil {
			r.Description = *description
		}
		if maxSessionDuration != 0 {
			r.MaxSessionDuration = maxSessionDuration
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return r, s.view(ctx, func(tx docstore.Tx) error { return showTrust(tx, r) })
}

// UpdateAssumeRolePolicy replaces a role's trust policy, binding the users and roles it
// names anew.
func (s *Service) UpdateAssumeRolePolicy(ctx context.Context, account, name, document string) error {
	if err := checkTrustPolicy(document); err != nil {
		return err
	}
	_, err := s.changeRole(ctx, account, name, func(tx docstore.Tx, r *Role) error {
		if err := protectedRole(r); err != nil {
			return err
		}
		bindings, err := bindPrincipals(tx, document)
		if err != nil {
			return err
		}
		r.AssumeRolePolicy, r.TrustBindings = document, bindings
		return nil
	})
	return err
}

// PutRolePolicy adds or replaces an inline policy of a role.
func (s *Service) PutRolePolicy(ctx context.Context, account, roleName, policyName, document string) error {
	return s.putInlinePolicy(ctx, &Role{}, account, roleName, policyName, document)
}

// GetRolePolicy returns an inline policy of a role.
func (s *Service) GetRolePolicy(ctx context.Context, account, roleName, policyName string) (string, error) {
	return s.getInlinePolicy(ctx, &Role{}, account, roleName, policyName)
}

// DeleteRolePolicy deletes an inline policy of a role.
func (s *Service) DeleteRolePolicy(ctx context.Context, account, roleName, policyName string) error {
	return s.deleteInlinePolicy(ctx, &Role{}, account, roleName, policyName)
}

// ListRolePolicies lists the names of a role's inline policies in order.
func (s *Service) ListRolePolicies(ctx context.Context, account, roleName string, p Page) (PageOf[string], error) {
	return s.listInlinePolicies(ctx, &Role{}, account, roleName, p)
}

// TagRole adds or replaces tags of a role.
func (s *Service) TagRole(ctx context.Context, account, name string, tags []Tag) error {
	return s.tagEntity(ctx, &Role{}, account, name, tags)
}

// UntagRole removes tags of a role by key.
func (s *Service) UntagRole(ctx context.Context, account, name string, keys []string) error {
	return s.untagEntity(ctx, &Role{}, account, name, keys)
}

// ListRoleTags lists a role's tags in the order they were added.
func (s *Service) ListRoleTags(ctx context.Context, account, name string, p Page) (PageOf[Tag], error) {
	return s.listEntityTags(ctx, &Role{}, account, name, p)
}

func checkTrustPolicy(doc string) error {
	if err := checkPolicy(doc, policy.Trust); err != nil {
		return err
	}
	if policySize(doc) > maxTrustPolicySize {
		return awserr.LimitExceeded("Cannot exceed quota for ACLSizePerRole: %d", maxTrustPolicySize)
	}
	return nil
}

// checkDescription checks a policy's or role's description against the 1000 characters
// both APIs allow.
func checkDescription(d string) error {
	if len(d) > 1000 && utf8.RuneCountInString(d) > 1000 {
		return constraint(d, "description", "Member must have length less than or equal to 1000")
	}
	return nil
}

// checkRoleDescription is checkDescription with the pattern the role APIs add: tab, line
// breaks and printable Latin-1 (no NUL, no other control characters, no invalid UTF-8).
func checkRoleDescription(d string) error {
	if err := checkDescription(d); err != nil {
		return err
	}
	for _, r := range d {
		if !(r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0x7E || r >= 0xA1 && r <= 0xFF) {
			return constraint(d, "description", `Member must satisfy regular expression pattern: [\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*`)
		}
	}
	return nil
}

func checkSessionDuration(seconds int) error {
	switch {
	case seconds < defaultSessionDuration:
		return constraint(strconv.Itoa(seconds), "maxSessionDuration", "Member must have value greater than or equal to 3600")
	case seconds > maxSessionDurationLimit:
		return constraint(strconv.Itoa(seconds), "maxSessionDuration", "Member must have value less than or equal to 43200")
	}
	return nil
}

func isNoSuchEntity(err error) bool {
	e, ok := awserr.As(err)
	return ok && e.Code == "NoSuchEntity"
}
