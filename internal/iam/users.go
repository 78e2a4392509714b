package iam

import (
	"context"
	"errors"
	"strings"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/docstore"
)

// maxUsersPerAccount is the UsersPerAccount quota (IAM User Guide, "IAM and AWS STS
// quotas"); the other limits of users are in userKind (entities.go).
const maxUsersPerAccount = 5000

// CreateUserInput is CreateUser's parameters.
type CreateUserInput struct {
	Account             string
	Name                string
	Path                string
	PermissionsBoundary string
	Tags                []Tag
}

// CreateUser creates a user.
func (s *Service) CreateUser(ctx context.Context, in CreateUserInput) (*User, error) {
	if err := userKind.checkName(in.Name); err != nil {
		return nil, err
	}
	path, err := checkPath(in.Path, "path")
	if err != nil {
		return nil, err
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	u := &User{Account: in.Account, Name: in.Name, ID: newID(prefixUser), Path: path, CreateDate: s.clock(), Tags: in.Tags}
	err = s.update(ctx, func(tx docstore.Tx) error {
		var existing User
		if err := tx.Get(key(colUser, in.Account, in.Name), &existing); err == nil {
			return awserr.EntityAlreadyExists("User with name %s already exists.", in.Name)
		} else if !errors.Is(err, docstore.ErrNotFound) {
			return err
		}
		n, err := listCount(tx, colUser, in.Account)
		if err != nil {
			return err
		}
		if n >= maxUsersPerAccount {
			return awserr.LimitExceeded("Cannot exceed quota for UsersPerAccount: %d", maxUsersPerAccount)
		}
		if in.PermissionsBoundary != "" {
			if err := s.useAsBoundary(tx, in.Account, in.PermissionsBoundary, 1); err != nil {
				return err
			}
			u.PermissionsBoundary = in.PermissionsBoundary
		}
		partition, err := partitionOf(tx, in.Account)
		if err != nil {
			return err
		}
		u.Partition = stored(partition)
		err = tx.Insert(key(colUser, in.Account, in.Name), u)
		if errors.Is(err, docstore.ErrConflict) {
			return awserr.EntityAlreadyExists("User with name %s already exists.", in.Name)
		}
		if err != nil {
			return err
		}
		if err := syncHolders(tx, in.Account, nil, u); err != nil {
			return err
		}
		return listedAdd(tx, colUser, in.Account, u.Path, u.Name)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// GetUser returns a user.
func (s *Service) GetUser(ctx context.Context, account, name string) (*User, error) {
	var u User
	if err := s.viewEntity(ctx, account, name, &u); err != nil {
		return nil, err
	}
	return &u, nil
}

// getUser reads a user (getEntity).
func getUser(tx docstore.Tx, account, name string, u *User) error {
	return getEntity(tx, account, name, u)
}

func noSuchUser(name string) error { return userKind.noSuchEntity(name) }

// changeUser reads a user, lets fn change it, and stores it, in one transaction.
func (s *Service) changeUser(ctx context.Context, account, name string, fn func(tx docstore.Tx, u *User) error) (*User, error) {
	var u User
	if err := s.changeEntity(ctx, account, name, &u, func(tx docstore.Tx) error { return fn(tx, &u) }); err != nil {
		return nil, err
	}
	return &u, nil
}

// ListUsers lists users whose path starts with pathPrefix, in name order.
func (s *Service) ListUsers(ctx context.Context, account, pathPrefix string, p Page) (PageOf[User], error) {
	prefix, err := checkPathPrefix(pathPrefix)
	if err != nil {
		return PageOf[User]{}, err
	}
	var page PageOf[User]
	err = s.view(ctx, func(tx docstore.Tx) (err error) {
		page, err = pageListed[User](tx, colUser, account, prefix, p, nil)
		return err
	})
	return page, err
}

// UpdateUser renames a user and/or changes its path ("" keeps each). A renamed user keeps
// its group memberships, access keys and policies.
func (s *Service) UpdateUser(ctx context.Context, account, name, newName, newPath string) (*User, error) {
	if err := userKind.checkExistingName(name); err != nil {
		return nil, err
	}
	if newName != "" {
		if err := checkName(newName, "newUserName", userKind.maxName); err != nil {
			return nil, err
		}
	}
	if newPath != "" {
		if _, err := checkPath(newPath, "newPath"); err != nil {
			return nil, err
		}
	}
	var u User
	err := s.update(ctx, func(tx docstore.Tx) error {
		if err := getUser(tx, account, name, &u); err != nil {
			return err
		}
		before := u
		oldPath := u.Path
		if newPath != "" {
			u.Path = newPath
		}
		oldName := u.Name
		if newName != "" {
			if err := listedMove(tx, colUser, account, oldPath, oldName, u.Path, newName); err != nil {
				return err
			}
		} else if err := listedMove(tx, colUser, account, oldPath, oldName, u.Path, oldName); err != nil {
			return err
		}
		if newName != "" {
			renamed := u
			renamed.Name = newName
			if err := syncHolders(tx, account, &before, &renamed); err != nil {
				return err
			}
		}
		if newName == "" || newName == oldName {
			return tx.Put(key(colUser, account, oldName), &u)
		}
		u.Name = newName
		if strings.EqualFold(oldName, newName) {
			// Only the case changes: the document keeps its key.
			if err := tx.Put(key(colUser, account, newName), &u); err != nil {
				return err
			}
		} else {
			err := tx.Insert(key(colUser, account, newName), &u)
			if errors.Is(err, docstore.ErrConflict) {
				return awserr.EntityAlreadyExists("User with name %s already exists.", newName)
			}
			if err != nil {
				return err
			}
			if err := tx.Delete(key(colUser, account, oldName)); err != nil {
				return err
			}
		}
		for _, gname := range u.Groups {
			var g Group
			if err := tx.Get(key(colGroup, account, gname), &g); err != nil {
				if errors.Is(err, docstore.ErrNotFound) {
					continue
				}
				return err
			}
			g.Members = renameIn(g.Members, oldName, newName)
			if err := tx.Put(key(colGroup, account, g.Name), &g); err != nil {
				return err
			}
		}
		if err := renameLoginProfile(tx, account, oldName, newName); err != nil {
			return err
		}
		return renameKeyOwner(tx, account, oldName, newName)
	})
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// DeleteUser deletes a user that has no login profile, access keys, MFA devices, signing
// certificates, SSH public keys, service-specific credentials, policies or group memberships.
func (s *Service) DeleteUser(ctx context.Context, account, name string) error {
	return s.update(ctx, func(tx docstore.Tx) error {
		var u User
		if err := getUser(tx, account, name, &u); err != nil {
			return err
		}
		keys, err := tx.Count(colUserAccessKey, account, userKeyPrefix(u.Name))
		if err != nil {
			return err
		}
		password, err := hasLoginProfile(tx, account, u.Name)
		if err != nil {
			return err
		}
		devices, err := devicesOf(tx, account, u.ID)
		if err != nil {
			return err
		}
		if keys == 0 && !password && len(devices) == 0 {
			// Signing certificates, SSH public keys and service-specific credentials
			// (user_credentials_conflict.go) block the deletion too.
			if err := credentialsConflict(tx, account, &u); err != nil {
				return err
			}
		}
		switch {
		case password:
			return awserr.DeleteConflict("Cannot delete entity, must delete login profile first.")
		case keys > 0:
			return awserr.DeleteConflict("Cannot delete entity, must delete access keys first.")
		case len(devices) > 0:
			return awserr.DeleteConflict("Cannot delete entity, must delete MFA device first.")
		case len(u.InlinePolicies) > 0:
			return awserr.DeleteConflict("Cannot delete entity, must delete policies first.")
		case len(u.AttachedPolicies) > 0:
			return awserr.DeleteConflict("Cannot delete entity, must detach all policies first.")
		case len(u.Groups) > 0:
			return awserr.DeleteConflict("Cannot delete entity, must remove users from group first.")
		}
		if u.PermissionsBoundary != "" {
			if err := s.useAsBoundary(tx, account, u.PermissionsBoundary, -1); err != nil && !isNoSuchEntity(err) {
				return err
			}
		}
		if err := forgetAccess(tx, account, u.ID); err != nil {
			return err
		}
		if err := tx.Delete(key(colUser, account, u.Name)); err != nil {
			return err
		}
		if err := syncHolders(tx, account, &u, nil); err != nil {
			return err
		}
		return listedRemove(tx, colUser, account, u.Path, u.Name)
	})
}

// PutUserPolicy adds or replaces an inline policy of a user.
func (s *Service) PutUserPolicy(ctx context.Context, account, userName, policyName, document string) error {
	return s.putInlinePolicy(ctx, &User{}, account, userName, policyName, document)
}

// GetUserPolicy returns an inline policy of a user.
func (s *Service) GetUserPolicy(ctx context.Context, account, userName, policyName string) (string, error) {
	return s.getInlinePolicy(ctx, &User{}, account, userName, policyName)
}

// DeleteUserPolicy deletes an inline policy of a user.
func (s *Service) DeleteUserPolicy(ctx context.Context, account, userName, policyName string) error {
	return s.deleteInlinePolicy(ctx, &User{}, account, userName, policyName)
}

// ListUserPolicies lists the names of a user's inline policies in order.
func (s *Service) ListUserPolicies(ctx context.Context, account, userName string, p Page) (PageOf[string], error) {
	return s.listInlinePolicies(ctx, &User{}, account, userName, p)
}

// TagUser adds or replaces tags of a user.
func (s *Service) TagUser(ctx context.Context, account, name string, tags []Tag) error {
	return s.tagEntity(ctx, &User{}, account, name, tags)
}

// UntagUser removes tags of a user by key.
func (s *Service) UntagUser(ctx context.Context, account, name string, keys []string) error {
	return s.untagEntity(ctx, &User{}, account, name, keys)
}

// ListUserTags lists a user's tags in the order they were added.
func (s *Service) ListUserTags(ctx context.Context, account, name string, p Page) (PageOf[Tag], error) {
	return s.listEntityTags(ctx, &User{}, account, name, p)
}

// PutUserPermissionsBoundary sets (or replaces) the managed policy that bounds a user's
// permissions.
func (s *Service) PutUserPermissionsBoundary(ctx context.Context, account, name, policyARN string) error {
	if err := userKind.checkName(name); err != nil {
		return err
	}
	if policyARN == "" {
		return constraint(policyARN, "permissionsBoundary", "Member must have length greater than or equal to 20")
	}
	_, err := s.changeUser(ctx, account, name, func(tx docstore.Tx, u *User) error {
		if u.PermissionsBoundary == policyARN {
			return nil
		}
		if err := s.useAsBoundary(tx, account, policyARN, 1); err != nil {
			return err
		}
		if u.PermissionsBoundary != "" {
			if err := s.useAsBoundary(tx, account, u.PermissionsBoundary, -1); err != nil && !isNoSuchEntity(err) {
				return err
			}
		}
		u.PermissionsBoundary = policyARN
		return nil
	})
	return err
}

// DeleteUserPermissionsBoundary removes a user's permissions boundary (nothing happens when
// it has none).
func (s *Service) DeleteUserPermissionsBoundary(ctx context.Context, account, name string) error {
	if err := userKind.checkName(name); err != nil {
		return err
	}
	_, err := s.changeUser(ctx, account, name, func(tx docstore.Tx, u *User) error {
		if u.PermissionsBoundary == "" {
			return nil
		}
		if err := s.useAsBoundary(tx, account, u.PermissionsBoundary, -1); err != nil && !isNoSuchEntity(err) {
			return err
		}
		u.PermissionsBoundary = ""
		return nil
	})
	return err
}

// renameIn replaces a name (found without regard to case) in a list of names.
func renameIn(names []string, from, to string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		if strings.EqualFold(n, from) {
			n = to
		}
		out[i] = n
	}
	return out
}

// removeName drops a name (found without regard to case) from a list of names.
func removeName(names []string, name string) []string {
	var out []string
	for _, n := range names {
		if !strings.EqualFold(n, name) {
			out = append(out, n)
		}
	}
	return out
}

func containsName(names []string, name string) bool {
	for _, n := range names {
		if strings.EqualFold(n, name) {
			return true
		}
	}
	return false
}
