package iam

import (
	"context"
	"errors"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/policy"
)

// Role quotas (IAM User Guide, "IAM and AWS STS quotas").
const (
	maxTrustPolicySize      = 2048  // ACLSizePerRole
	maxRoleInlinePolicySize = 10240 // all inline policies of a role together
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
	if err := checkName(in.Name, "roleName", 64); err != nil {
		return nil, err
	}
	path, err := checkPath(in.Path, "path")
	if err != nil {
		return nil, err
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
		err = tx.Insert(key(colRole, in.Account, in.Name), r)
		if errors.Is(err, docstore.ErrConflict) {
			return awserr.EntityAlreadyExists("Role with name %s already exists.", in.Name)
		}
		return err
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

func getRole(tx docstore.Tx, account, name string, r *Role) error {
	if err := checkName(name, "roleName", 64); err != nil {
		return err
	}
	err := tx.Get(key(colRole, account, name), r)
	if errors.Is(err, docstore.ErrNotFound) {
		return awserr.NoSuchEntity("The role with name %s cannot be found.", name)
	}
	return err
}

// changeRole reads a role, lets fn change it, and stores it, in one transaction.
func (s *Service) changeRole(ctx context.Context, account, name string, fn func(tx docstore.Tx, r *Role) error) (*Role, error) {
	var r Role
	err := s.update(ctx, func(tx docstore.Tx) error {
		if err := getRole(tx, account, name, &r); err != nil {
			return err
		}
		if err := fn(tx, &r); err != nil {
			return err
		}
		return tx.Put(key(colRole, account, name), &r)
	})
	if err != nil {
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
		return tx.Delete(key(colRole, account, name))
	})
}

// ListRoles lists roles whose path starts with pathPrefix, in name order.
func (s *Service) ListRoles(ctx context.Context, account, pathPrefix string, p Page) (PageOf[Role], error) {
	prefix, err := checkPathPrefix(pathPrefix)
	if err != nil {
		return PageOf[Role]{}, err
	}
	var roles []Role
	err = s.view(ctx, func(tx docstore.Tx) (err error) {
		roles, err = listDocs(tx, colRole, account, func(r *Role) bool { return strings.HasPrefix(r.Path, prefix) })
		for i := 0; err == nil && i < len(roles); i++ {
			err = showTrust(tx, &roles[i])
		}
		return err
	})
	if err != nil {
		return PageOf[Role]{}, err
	}
	return paginate(roles, func(r Role) string { return strings.ToLower(r.Name) }, p)
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
	if err := checkName(policyName, "policyName", 128); err != nil {
		return err
	}
	if err := checkPolicy(document, policy.Identity); err != nil {
		return err
	}
	_, err := s.changeRole(ctx, account, roleName, func(_ docstore.Tx, r *Role) error {
		next := putInline(r.InlinePolicies, policyName, document)
		if inlineSize(next) > maxRoleInlinePolicySize {
			return awserr.LimitExceeded("Maximum policy size of %d bytes exceeded for role %s", maxRoleInlinePolicySize, r.Name)
		}
		r.InlinePolicies = next
		return nil
	})
	return err
}

// GetRolePolicy returns an inline policy of a role.
func (s *Service) GetRolePolicy(ctx context.Context, account, roleName, policyName string) (string, error) {
	r, err := s.GetRole(ctx, account, roleName)
	if err != nil {
		return "", err
	}
	if doc, ok := inlineGet(r.InlinePolicies, policyName); ok {
		return doc, nil
	}
	return "", awserr.NoSuchEntity("The role policy with name %s cannot be found.", policyName)
}

// DeleteRolePolicy deletes an inline policy of a role.
func (s *Service) DeleteRolePolicy(ctx context.Context, account, roleName, policyName string) error {
	_, err := s.changeRole(ctx, account, roleName, func(_ docstore.Tx, r *Role) error {
		name, ok := inlineName(r.InlinePolicies, policyName)
		if !ok {
			return awserr.NoSuchEntity("The role policy with name %s cannot be found.", policyName)
		}
		delete(r.InlinePolicies, name)
		return nil
	})
	return err
}

// ListRolePolicies lists the names of a role's inline policies in order.
func (s *Service) ListRolePolicies(ctx context.Context, account, roleName string, p Page) (PageOf[string], error) {
	r, err := s.GetRole(ctx, account, roleName)
	if err != nil {
		return PageOf[string]{}, err
	}
	return paginate(sortedNames(r.InlinePolicies), strings.ToLower, p)
}

// TagRole adds or replaces tags of a role.
func (s *Service) TagRole(ctx context.Context, account, name string, tags []Tag) error {
	if err := checkTags(tags); err != nil {
		return err
	}
	_, err := s.changeRole(ctx, account, name, func(_ docstore.Tx, r *Role) error {
		r.Tags = mergeTags(r.Tags, tags)
		return checkTags(r.Tags)
	})
	return err
}

// UntagRole removes tags of a role by key.
func (s *Service) UntagRole(ctx context.Context, account, name string, keys []string) error {
	_, err := s.changeRole(ctx, account, name, func(_ docstore.Tx, r *Role) error {
		r.Tags = removeTags(r.Tags, keys)
		return nil
	})
	return err
}

// ListRoleTags lists a role's tags.
func (s *Service) ListRoleTags(ctx context.Context, account, name string, p Page) (PageOf[Tag], error) {
	r, err := s.GetRole(ctx, account, name)
	if err != nil {
		return PageOf[Tag]{}, err
	}
	return paginateInOrder(r.Tags, p)
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

// Inline policies are kept by name; IAM finds them without regard to case.

func putInline(m map[string]string, name, doc string) map[string]string {
	out := make(map[string]string, len(m)+1)
	for k, v := range m {
		if !strings.EqualFold(k, name) {
			out[k] = v
		}
	}
	out[name] = doc
	return out
}

func inlineName(m map[string]string, name string) (string, bool) {
	for k := range m {
		if strings.EqualFold(k, name) {
			return k, true
		}
	}
	return "", false
}

func inlineGet(m map[string]string, name string) (string, bool) {
	k, ok := inlineName(m, name)
	return m[k], ok
}

func inlineSize(m map[string]string) int {
	n := 0
	for k, v := range m {
		n += len(k) + policySize(v)
	}
	return n
}

func sortedNames(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i]) < strings.ToLower(out[j]) })
	return out
}

func isNoSuchEntity(err error) bool {
	e, ok := awserr.As(err)
	return ok && e.Code == "NoSuchEntity"
}
