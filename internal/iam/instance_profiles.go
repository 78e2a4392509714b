package iam

import (
	"context"
	"errors"
	"sort"
	"strings"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/docstore"
)

// Instance profile quotas (IAM User Guide, "IAM and AWS STS quotas").
const (
	maxRolesPerInstanceProfile    = 1 // InstanceSessionsPerInstanceProfile; AWS does not raise it
	maxInstanceProfileName        = 128
	maxInstanceProfilesPerAccount = 1000 // InstanceProfilesPerAccount
)

// InstanceProfileWithRoles is an instance profile with the documents of its roles, as
// GetInstanceProfile and the List calls show it.
type InstanceProfileWithRoles struct {
	Profile InstanceProfile
	Roles   []Role
}

// CreateInstanceProfileInput is CreateInstanceProfile's parameters.
type CreateInstanceProfileInput struct {
	Account string
	Name    string
	Path    string
	Tags    []Tag
}

// CreateInstanceProfile creates an instance profile with no role.
func (s *Service) CreateInstanceProfile(ctx context.Context, in CreateInstanceProfileInput) (*InstanceProfile, error) {
	if err := checkName(in.Name, "instanceProfileName", maxInstanceProfileName); err != nil {
		return nil, err
	}
	path, err := checkPath(in.Path, "path")
	if err != nil {
		return nil, err
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	p := &InstanceProfile{
		Account: in.Account, Name: in.Name, ID: newID(prefixInstanceProfile), Path: path,
		CreateDate: s.clock(), Tags: in.Tags,
	}
	err = s.update(ctx, func(tx docstore.Tx) error {
		n, err := listCount(tx, colInstanceProfile, in.Account)
		if err != nil {
			return err
		}
		if n >= maxInstanceProfilesPerAccount {
			return awserr.LimitExceeded("Cannot exceed quota for InstanceProfilesPerAccount: %d", maxInstanceProfilesPerAccount)
		}
		partition, err := partitionOf(tx, in.Account)
		if err != nil {
			return err
		}
		p.Partition = stored(partition)
		err = tx.Insert(key(colInstanceProfile, in.Account, in.Name), p)
		if errors.Is(err, docstore.ErrConflict) {
			return awserr.EntityAlreadyExists("Instance Profile %s already exists.", in.Name)
		}
		if err != nil {
			return err
		}
		return listedAdd(tx, colInstanceProfile, in.Account, p.Path, p.Name)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// GetInstanceProfile returns an instance profile with its role.
func (s *Service) GetInstanceProfile(ctx context.Context, account, name string) (*InstanceProfileWithRoles, error) {
	var out InstanceProfileWithRoles
	err := s.view(ctx, func(tx docstore.Tx) error {
		if err := getInstanceProfile(tx, account, name, &out.Profile); err != nil {
			return err
		}
		roles, err := profileRoles(tx, &out.Profile)
		out.Roles = roles
		return err
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

func getInstanceProfile(tx docstore.Tx, account, name string, p *InstanceProfile) error {
	if err := checkName(name, "instanceProfileName", maxInstanceProfileName); err != nil {
		return err
	}
	err := tx.Get(key(colInstanceProfile, account, name), p)
	if errors.Is(err, docstore.ErrNotFound) {
		return awserr.NoSuchEntity("Instance Profile %s cannot be found.", name)
	}
	return err
}

// profileRoles reads the roles of a profile (skipping any that no longer exist), their
// trust policies as AWS shows them.
func profileRoles(tx docstore.Tx, p *InstanceProfile) ([]Role, error) {
	var out []Role
	for _, name := range p.Roles {
		var r Role
		if err := tx.Get(key(colRole, p.Account, name), &r); err != nil {
			if errors.Is(err, docstore.ErrNotFound) {
				continue
			}
			return nil, err
		}
		if err := showTrust(tx, &r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// changeInstanceProfile reads a profile, lets fn change it, and stores it, in one transaction.
func (s *Service) changeInstanceProfile(ctx context.Context, account, name string, fn func(tx docstore.Tx, p *InstanceProfile) error) error {
	return s.update(ctx, func(tx docstore.Tx) error {
		var p InstanceProfile
		if err := getInstanceProfile(tx, account, name, &p); err != nil {
			return err
		}
		if err := fn(tx, &p); err != nil {
			return err
		}
		return tx.Put(key(colInstanceProfile, account, name), &p)
	})
}

// DeleteInstanceProfile deletes an instance profile that has no role.
func (s *Service) DeleteInstanceProfile(ctx context.Context, account, name string) error {
	return s.update(ctx, func(tx docstore.Tx) error {
		var p InstanceProfile
		if err := getInstanceProfile(tx, account, name, &p); err != nil {
			return err
		}
		if len(p.Roles) > 0 {
			return awserr.DeleteConflict("Cannot delete entity, must remove roles from instance profile first.")
		}
		if err := tx.Delete(key(colInstanceProfile, account, name)); err != nil {
			return err
		}
		return listedRemove(tx, colInstanceProfile, account, p.Path, p.Name)
	})
}

// ListInstanceProfiles lists the profiles whose path starts with pathPrefix, in name order.
func (s *Service) ListInstanceProfiles(ctx context.Context, account, pathPrefix string, p Page) (PageOf[InstanceProfileWithRoles], error) {
	prefix, err := checkPathPrefix(pathPrefix)
	if err != nil {
		return PageOf[InstanceProfileWithRoles]{}, err
	}
	var out PageOf[InstanceProfileWithRoles]
	err = s.view(ctx, func(tx docstore.Tx) error {
		page, err := pageListed[InstanceProfile](tx, colInstanceProfile, account, prefix, p, nil)
		if err != nil {
			return err
		}
		out, err = withProfileRoles(tx, page)
		return err
	})
	return out, err
}

// ListInstanceProfilesForRole lists the profiles a role is in, in name order.
func (s *Service) ListInstanceProfilesForRole(ctx context.Context, account, roleName string, p Page) (PageOf[InstanceProfileWithRoles], error) {
	var out PageOf[InstanceProfileWithRoles]
	err := s.view(ctx, func(tx docstore.Tx) error {
		var r Role
		if err := getRole(tx, account, roleName, &r); err != nil {
			return err
		}
		profiles, err := rolesProfiles(tx, &r)
		if err != nil {
			return err
		}
		out, err = profilePage(tx, profiles, p)
		return err
	})
	return out, err
}

// rolesProfiles reads the profiles a role is in, in name order (skipping any that no longer
// exist).
func rolesProfiles(tx docstore.Tx, r *Role) ([]InstanceProfile, error) {
	var out []InstanceProfile
	for _, name := range r.InstanceProfiles {
		var ip InstanceProfile
		if err := tx.Get(key(colInstanceProfile, r.Account, name), &ip); err != nil {
			if errors.Is(err, docstore.ErrNotFound) {
				continue
			}
			return nil, err
		}
		out = append(out, ip)
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name) })
	return out, nil
}

// profilePage cuts the profiles (in name order) into the page, with the roles of those on it.
func profilePage(tx docstore.Tx, profiles []InstanceProfile, p Page) (PageOf[InstanceProfileWithRoles], error) {
	page, err := paginate(profiles, func(ip InstanceProfile) string { return strings.ToLower(ip.Name) }, p)
	if err != nil {
		return PageOf[InstanceProfileWithRoles]{}, err
	}
	return withProfileRoles(tx, page)
}

// withProfileRoles adds their roles to a page of profiles.
func withProfileRoles(tx docstore.Tx, page PageOf[InstanceProfile]) (PageOf[InstanceProfileWithRoles], error) {
	out := PageOf[InstanceProfileWithRoles]{IsTruncated: page.IsTruncated, Marker: page.Marker}
	for i := range page.Items {
		roles, err := profileRoles(tx, &page.Items[i])
		if err != nil {
			return PageOf[InstanceProfileWithRoles]{}, err
		}
		out.Items = append(out.Items, InstanceProfileWithRoles{Profile: page.Items[i], Roles: roles})
	}
	return out, nil
}

// AddRoleToInstanceProfile puts a role in a profile that has none; the profile and the role
// record each other in one transaction.
func (s *Service) AddRoleToInstanceProfile(ctx context.Context, account, profileName, roleName string) error {
	if err := checkName(profileName, "instanceProfileName", maxInstanceProfileName); err != nil {
		return err
	}
	if err := roleKind.checkName(roleName); err != nil {
		return err
	}
	return s.changeInstanceProfile(ctx, account, profileName, func(tx docstore.Tx, p *InstanceProfile) error {
		var r Role
		if err := getRole(tx, account, roleName, &r); err != nil {
			return err
		}
		if err := protectedRole(&r); err != nil {
			return err
		}
		if len(p.Roles) >= maxRolesPerInstanceProfile {
			return awserr.LimitExceeded("Cannot exceed quota for InstanceSessionsPerInstanceProfile: %d", maxRolesPerInstanceProfile)
		}
		p.Roles = append(p.Roles, r.Name)
		if !ipNamesContain(r.InstanceProfiles, p.Name) {
			r.InstanceProfiles = append(r.InstanceProfiles, p.Name)
		}
		return tx.Put(key(colRole, account, r.Name), &r)
	})
}

// RemoveRoleFromInstanceProfile takes a role out of a profile, from both sides in one
// transaction.
func (s *Service) RemoveRoleFromInstanceProfile(ctx context.Context, account, profileName, roleName string) error {
	if err := checkName(profileName, "instanceProfileName", maxInstanceProfileName); err != nil {
		return err
	}
	if err := roleKind.checkName(roleName); err != nil {
		return err
	}
	return s.changeInstanceProfile(ctx, account, profileName, func(tx docstore.Tx, p *InstanceProfile) error {
		var r Role
		roleErr := getRole(tx, account, roleName, &r)
		if roleErr != nil && !isNoSuchEntity(roleErr) {
			return roleErr
		}
		if !ipNamesContain(p.Roles, roleName) {
			return awserr.NoSuchEntity("The role with name %s cannot be found.", roleName)
		}
		if roleErr == nil {
			if err := protectedRole(&r); err != nil {
				return err
			}
		}
		p.Roles = ipNamesWithout(p.Roles, roleName)
		if roleErr != nil {
			return nil // the role is gone: only the profile still named it
		}
		r.InstanceProfiles = ipNamesWithout(r.InstanceProfiles, p.Name)
		return tx.Put(key(colRole, account, r.Name), &r)
	})
}

// TagInstanceProfile adds or replaces tags of an instance profile.
func (s *Service) TagInstanceProfile(ctx context.Context, account, name string, tags []Tag) error {
	if err := checkTags(tags); err != nil {
		return err
	}
	return s.changeInstanceProfile(ctx, account, name, func(_ docstore.Tx, p *InstanceProfile) error {
		return addTags(&p.Tags, tags)
	})
}

// UntagInstanceProfile removes tags of an instance profile by key.
func (s *Service) UntagInstanceProfile(ctx context.Context, account, name string, keys []string) error {
	if err := checkTagKeys(keys); err != nil {
		return err
	}
	return s.changeInstanceProfile(ctx, account, name, func(_ docstore.Tx, p *InstanceProfile) error {
		removeTags(&p.Tags, keys)
		return nil
	})
}

// ListInstanceProfileTags lists the tags of an instance profile in key order.
func (s *Service) ListInstanceProfileTags(ctx context.Context, account, name string, p Page) (PageOf[Tag], error) {
	var ip InstanceProfile
	if err := s.view(ctx, func(tx docstore.Tx) error { return getInstanceProfile(tx, account, name, &ip) }); err != nil {
		return PageOf[Tag]{}, err
	}
	tags := append([]Tag(nil), ip.Tags...)
	sort.Slice(tags, func(i, j int) bool { return strings.ToLower(tags[i].Key) < strings.ToLower(tags[j].Key) })
	return paginate(tags, func(t Tag) string { return strings.ToLower(t.Key) }, p)
}

func ipNamesContain(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

func ipNamesWithout(list []string, s string) []string {
	var out []string
	for _, v := range list {
		if !strings.EqualFold(v, s) {
			out = append(out, v)
		}
	}
	return out
}
