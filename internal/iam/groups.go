package iam

import (
	"context"
	"errors"
	"sort"
	"strings"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/docstore"
)

// Group quotas (IAM User Guide, "IAM and AWS STS quotas"); those every kind of entity has
// are in groupKind (entities.go).
const (
	maxGroupsPerAccount = 300 // GroupsPerAccount
	maxGroupsPerUser    = 10  // GroupsPerUser
)

// CreateGroup creates a group.
func (s *Service) CreateGroup(ctx context.Context, account, name, path string) (*Group, error) {
	if err := groupKind.checkName(name); err != nil {
		return nil, err
	}
	path, err := checkPath(path, "path")
	if err != nil {
		return nil, err
	}
	g := &Group{Account: account, Name: name, ID: newID(prefixGroup), Path: path, CreateDate: s.clock()}
	err = s.update(ctx, func(tx docstore.Tx) error {
		var existing Group
		if err := tx.Get(key(colGroup, account, name), &existing); err == nil {
			return awserr.EntityAlreadyExists("Group with name %s already exists.", name)
		} else if !errors.Is(err, docstore.ErrNotFound) {
			return err
		}
		n, err := listCount(tx, colGroup, account)
		if err != nil {
			return err
		}
		if n >= maxGroupsPerAccount {
			return awserr.LimitExceeded("Cannot exceed quota for GroupsPerAccount: %d", maxGroupsPerAccount)
		}
		partition, err := partitionOf(tx, account)
		if err != nil {
			return err
		}
		g.Partition = stored(partition)
		err = tx.Insert(key(colGroup, account, name), g)
		if errors.Is(err, docstore.ErrConflict) {
			return awserr.EntityAlreadyExists("Group with name %s already exists.", name)
		}
		if err != nil {
			return err
		}
		if err := syncHolders(tx, account, nil, g); err != nil {
			return err
		}
		return listedAdd(tx, colGroup, account, g.Path, g.Name)
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}

// GetGroup returns a group.
func (s *Service) GetGroup(ctx context.Context, account, name string) (*Group, error) {
	var g Group
	if err := s.viewEntity(ctx, account, name, &g); err != nil {
		return nil, err
	}
	return &g, nil
}

// GetGroupWithUsers returns a group and one page of its users, in name order.
func (s *Service) GetGroupWithUsers(ctx context.Context, account, name string, p Page) (*Group, PageOf[User], error) {
	var (
		g     Group
		users PageOf[User]
	)
	if err := groupKind.checkExistingName(name); err != nil {
		return nil, PageOf[User]{}, err
	}
	if err := p.check(); err != nil {
		return nil, PageOf[User]{}, err
	}
	err := s.view(ctx, func(tx docstore.Tx) error {
		if err := getGroup(tx, account, name, &g); err != nil {
			return err
		}
		names := sortedList(g.Members)
		page, err := paginate(names, strings.ToLower, p)
		if err != nil {
			return err
		}
		users = PageOf[User]{Items: []User{}, IsTruncated: page.IsTruncated, Marker: page.Marker}
		for _, n := range page.Items {
			var u User
			if err := tx.Get(key(colUser, account, n), &u); err != nil {
				if errors.Is(err, docstore.ErrNotFound) {
					continue
				}
				return err
			}
			users.Items = append(users.Items, u)
		}
		return nil
	})
	if err != nil {
		return nil, PageOf[User]{}, err
	}
	return &g, users, nil
}

// getGroup reads a group (getEntity).
func getGroup(tx docstore.Tx, account, name string, g *Group) error {
	return getEntity(tx, account, name, g)
}

// ListGroups lists groups whose path starts with pathPrefix, in name order.
func (s *Service) ListGroups(ctx context.Context, account, pathPrefix string, p Page) (PageOf[Group], error) {
	prefix, err := checkPathPrefix(pathPrefix)
	if err != nil {
		return PageOf[Group]{}, err
	}
	var page PageOf[Group]
	err = s.view(ctx, func(tx docstore.Tx) (err error) {
		page, err = pageListed[Group](tx, colGroup, account, prefix, p, nil)
		return err
	})
	return page, err
}

func groupSortID(g Group) string { return strings.ToLower(g.Name) }

// UpdateGroup renames a group and/or changes its path ("" keeps each). A renamed group
// keeps its members and policies.
func (s *Service) UpdateGroup(ctx context.Context, account, name, newName, newPath string) (*Group, error) {
	if err := groupKind.checkExistingName(name); err != nil {
		return nil, err
	}
	if newName != "" {
		if err := checkName(newName, "newGroupName", groupKind.maxName); err != nil {
			return nil, err
		}
	}
	if newPath != "" {
		if _, err := checkPath(newPath, "newPath"); err != nil {
			return nil, err
		}
	}
	var g Group
	err := s.update(ctx, func(tx docstore.Tx) error {
		if err := getGroup(tx, account, name, &g); err != nil {
			return err
		}
		before := g
		oldPath := g.Path
		if newPath != "" {
			g.Path = newPath
		}
		oldName := g.Name
		if newName != "" {
			if err := listedMove(tx, colGroup, account, oldPath, oldName, g.Path, newName); err != nil {
				return err
			}
		} else if err := listedMove(tx, colGroup, account, oldPath, oldName, g.Path, oldName); err != nil {
			return err
		}
		if newName != "" {
			renamed := g
			renamed.Name = newName
			if err := syncHolders(tx, account, &before, &renamed); err != nil {
				return err
			}
		}
		if newName == "" || newName == oldName {
			return tx.Put(key(colGroup, account, oldName), &g)
		}
		g.Name = newName
		if strings.EqualFold(oldName, newName) {
			if err := tx.Put(key(colGroup, account, newName), &g); err != nil {
				return err
			}
		} else {
			err := tx.Insert(key(colGroup, account, newName), &g)
			if errors.Is(err, docstore.ErrConflict) {
				return awserr.EntityAlreadyExists("Group with name %s already exists.", newName)
			}
			if err != nil {
				return err
			}
			if err := tx.Delete(key(colGroup, account, oldName)); err != nil {
				return err
			}
		}
		for _, uname := range g.Members {
			var u User
			if err := tx.Get(key(colUser, account, uname), &u); err != nil {
				if errors.Is(err, docstore.ErrNotFound) {
					continue
				}
				return err
			}
			u.Groups = renameIn(u.Groups, oldName, newName)
			if err := tx.Put(key(colUser, account, u.Name), &u); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &g, nil
}

// DeleteGroup deletes a group that has no members and no policies.
func (s *Service) DeleteGroup(ctx context.Context, account, name string) error {
	return s.update(ctx, func(tx docstore.Tx) error {
		var g Group
		if err := getGroup(tx, account, name, &g); err != nil {
			return err
		}
		switch {
		case len(g.Members) > 0:
			return awserr.DeleteConflict("Cannot delete entity, must remove users from group first.")
		case len(g.InlinePolicies) > 0:
			return awserr.DeleteConflict("Cannot delete entity, must delete policies first.")
		case len(g.AttachedPolicies) > 0:
			return awserr.DeleteConflict("Cannot delete entity, must detach all policies first.")
		}
		if err := tx.Delete(key(colGroup, account, g.Name)); err != nil {
			return err
		}
		if err := syncHolders(tx, account, &g, nil); err != nil {
			return err
		}
		return listedRemove(tx, colGroup, account, g.Path, g.Name)
	})
}

// AddUserToGroup makes a user a member of a group (nothing happens when it is one already).
// The user's Groups and the group's Members change together.
func (s *Service) AddUserToGroup(ctx context.Context, account, groupName, userName string) error {
	if err := checkMembership(groupName, userName); err != nil {
		return err
	}
	return s.update(ctx, func(tx docstore.Tx) error {
		var (
			g Group
			u User
		)
		if err := getGroup(tx, account, groupName, &g); err != nil {
			return err
		}
		if err := getUser(tx, account, userName, &u); err != nil {
			return err
		}
		if containsName(u.Groups, g.Name) && containsName(g.Members, u.Name) {
			return nil
		}
		if !containsName(u.Groups, g.Name) {
			if len(u.Groups) >= maxGroupsPerUser {
				return awserr.LimitExceeded("Cannot exceed quota for GroupsPerUser: %d", maxGroupsPerUser)
			}
			u.Groups = append(u.Groups, g.Name)
		}
		if !containsName(g.Members, u.Name) {
			g.Members = append(g.Members, u.Name)
		}
		if err := tx.Put(key(colUser, account, u.Name), &u); err != nil {
			return err
		}
		return tx.Put(key(colGroup, account, g.Name), &g)
	})
}

// RemoveUserFromGroup ends a user's membership of a group.
func (s *Service) RemoveUserFromGroup(ctx context.Context, account, groupName, userName string) error {
	if err := checkMembership(groupName, userName); err != nil {
		return err
	}
	return s.update(ctx, func(tx docstore.Tx) error {
		var (
			g Group
			u User
		)
		if err := getGroup(tx, account, groupName, &g); err != nil {
			return err
		}
		if err := getUser(tx, account, userName, &u); err != nil {
			return err
		}
		if !containsName(g.Members, u.Name) && !containsName(u.Groups, g.Name) {
			return noSuchUser(userName)
		}
		u.Groups = removeName(u.Groups, g.Name)
		g.Members = removeName(g.Members, u.Name)
		if err := tx.Put(key(colUser, account, u.Name), &u); err != nil {
			return err
		}
		return tx.Put(key(colGroup, account, g.Name), &g)
	})
}

// ListGroupsForUser lists the groups a user is in, in name order.
func (s *Service) ListGroupsForUser(ctx context.Context, account, userName string, p Page) (PageOf[Group], error) {
	if err := userKind.checkExistingName(userName); err != nil {
		return PageOf[Group]{}, err
	}
	if err := p.check(); err != nil {
		return PageOf[Group]{}, err
	}
	var groups []Group
	err := s.view(ctx, func(tx docstore.Tx) error {
		var u User
		if err := getUser(tx, account, userName, &u); err != nil {
			return err
		}
		for _, name := range u.Groups {
			var g Group
			if err := tx.Get(key(colGroup, account, name), &g); err != nil {
				if errors.Is(err, docstore.ErrNotFound) {
					continue
				}
				return err
			}
			groups = append(groups, g)
		}
		return nil
	})
	if err != nil {
		return PageOf[Group]{}, err
	}
	sort.Slice(groups, func(i, j int) bool { return groupSortID(groups[i]) < groupSortID(groups[j]) })
	return paginate(groups, groupSortID, p)
}

// PutGroupPolicy adds or replaces an inline policy of a group.
func (s *Service) PutGroupPolicy(ctx context.Context, account, groupName, policyName, document string) error {
	return s.putInlinePolicy(ctx, &Group{}, account, groupName, policyName, document)
}

// GetGroupPolicy returns an inline policy of a group.
func (s *Service) GetGroupPolicy(ctx context.Context, account, groupName, policyName string) (string, error) {
	return s.getInlinePolicy(ctx, &Group{}, account, groupName, policyName)
}

// DeleteGroupPolicy deletes an inline policy of a group.
func (s *Service) DeleteGroupPolicy(ctx context.Context, account, groupName, policyName string) error {
	return s.deleteInlinePolicy(ctx, &Group{}, account, groupName, policyName)
}

// ListGroupPolicies lists the names of a group's inline policies in order.
func (s *Service) ListGroupPolicies(ctx context.Context, account, groupName string, p Page) (PageOf[string], error) {
	return s.listInlinePolicies(ctx, &Group{}, account, groupName, p)
}

// checkMembership validates the parameters of AddUserToGroup and RemoveUserFromGroup.
func checkMembership(groupName, userName string) error {
	if err := groupKind.checkExistingName(groupName); err != nil {
		return err
	}
	return userKind.checkExistingName(userName)
}

// sortedList returns names sorted without regard to case.
func sortedList(names []string) []string {
	out := append([]string(nil), names...)
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i]) < strings.ToLower(out[j]) })
	return out
}
