package iam

import (
	"context"
	"encoding/json"
	"errors"
	"sort"
	"strings"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/managedpolicies"
)

// maxAttachedPolicies is the PoliciesPerRole, PoliciesPerUser and PoliciesPerGroup quota:
// managed policies attached to one entity.
const maxAttachedPolicies = 10

// PolicyHolder is the kind of entity managed policies are attached to.
type PolicyHolder string

// The entities managed policies attach to.
const (
	HolderRole  PolicyHolder = "role"
	HolderUser  PolicyHolder = "user"
	HolderGroup PolicyHolder = "group"
)

// AttachedPolicy is a managed policy as ListAttached*Policies shows it.
type AttachedPolicy struct {
	Name string
	ARN  string
}

// PolicyEntity is a user, group or role a managed policy is attached to or bounds.
type PolicyEntity struct {
	Kind PolicyHolder
	Name string
	ID   string
}

// newDoc returns an empty document of the holder's kind.
func (h PolicyHolder) newDoc() entityDoc {
	switch h {
	case HolderUser:
		return &User{}
	case HolderGroup:
		return &Group{}
	}
	return &Role{}
}

// checkHolderName validates the entity's name as the attached-policy APIs take it: their
// RoleName, UserName (userNameType, 64 characters) or GroupName.
func (h PolicyHolder) checkHolderName(name string) error {
	return h.newDoc().kind().checkName(name)
}

// loadHolder reads a role, user or group, with AWS's error when it does not exist.
func loadHolder(tx docstore.Tx, account string, h PolicyHolder, name string) (entityDoc, error) {
	d := h.newDoc()
	if err := getEntity(tx, account, name, d); err != nil {
		return nil, err
	}
	return d, nil
}

// AttachPolicy attaches a managed policy to a role, user or group. Attaching a policy that
// is attached already changes nothing.
func (s *Service) AttachPolicy(ctx context.Context, account string, h PolicyHolder, name, policyARN string) error {
	if err := h.checkHolderName(name); err != nil {
		return err
	}
	if err := checkPolicyARN(policyARN); err != nil {
		return err
	}
	return s.update(ctx, func(tx docstore.Tx) error {
		d, err := loadHolder(tx, account, h, name)
		if err != nil {
			return err
		}
		if err := protectedRole(d); err != nil {
			return err
		}
		var p ManagedPolicy
		if err := findManagedPolicy(tx, account, policyARN, &p); err != nil {
			if errors.Is(err, docstore.ErrNotFound) {
				return awserr.NoSuchEntity("Policy %s does not exist or is not attachable.", policyARN)
			}
			return err
		}
		attached := d.attachedPolicies()
		for _, a := range *attached {
			if a == policyARN {
				return nil
			}
		}
		if len(*attached) >= maxAttachedPolicies {
			return awserr.LimitExceeded("Cannot exceed quota for %s: %d", d.kind().attachedPoliciesQuota, maxAttachedPolicies)
		}
		*attached = append(*attached, policyARN)
		p.AttachmentCount++
		if err := putPolicy(tx, account, &p); err != nil {
			return err
		}
		return putEntity(tx, account, d)
	})
}

// DetachPolicy detaches a managed policy from a role, user or group.
func (s *Service) DetachPolicy(ctx context.Context, account string, h PolicyHolder, name, policyARN string) error {
	if err := h.checkHolderName(name); err != nil {
		return err
	}
	if err := checkPolicyARN(policyARN); err != nil {
		return err
	}
	return s.update(ctx, func(tx docstore.Tx) error {
		d, err := loadHolder(tx, account, h, name)
		if err != nil {
			return err
		}
		if err := protectedRole(d); err != nil {
			return err
		}
		attached := d.attachedPolicies()
		i := -1
		for j, a := range *attached {
			if a == policyARN {
				i = j
			}
		}
		if i < 0 {
			return awserr.NoSuchEntity("Policy %s was not found.", policyARN)
		}
		*attached = append((*attached)[:i:i], (*attached)[i+1:]...)
		if len(*attached) == 0 {
			*attached = nil
		}
		var p ManagedPolicy
		switch err := findManagedPolicy(tx, account, policyARN, &p); {
		case err == nil:
			if p.AttachmentCount > 0 {
				p.AttachmentCount--
			}
			if err := putPolicy(tx, account, &p); err != nil {
				return err
			}
		case !errors.Is(err, docstore.ErrNotFound):
			return err
		}
		return putEntity(tx, account, d)
	})
}

// ListAttachedPolicies lists the managed policies attached to a role, user or group whose
// path starts with pathPrefix, in name order.
func (s *Service) ListAttachedPolicies(ctx context.Context, account string, h PolicyHolder, name, pathPrefix string, p Page) (PageOf[AttachedPolicy], error) {
	if err := h.checkHolderName(name); err != nil {
		return PageOf[AttachedPolicy]{}, err
	}
	prefix, err := checkPolicyPath(pathPrefix, "pathPrefix")
	if err != nil {
		return PageOf[AttachedPolicy]{}, err
	}
	if err := p.check(); err != nil {
		return PageOf[AttachedPolicy]{}, err
	}
	var items []AttachedPolicy
	err = s.view(ctx, func(tx docstore.Tx) error {
		d, err := loadHolder(tx, account, h, name)
		if err != nil {
			return err
		}
		for _, a := range *d.attachedPolicies() {
			path, pname := splitPolicyARN(a)
			if strings.HasPrefix(path, prefix) {
				items = append(items, AttachedPolicy{Name: pname, ARN: a})
			}
		}
		return nil
	})
	if err != nil {
		return PageOf[AttachedPolicy]{}, err
	}
	sortID := func(a AttachedPolicy) string { return strings.ToLower(a.Name) + "\x00" + a.ARN }
	sort.Slice(items, func(i, j int) bool { return sortID(items[i]) < sortID(items[j]) })
	out, err := paginate(items, sortID, p)
	if out.Items == nil {
		out.Items = []AttachedPolicy{}
	}
	return out, err
}

// splitPolicyARN returns the path and the name of a managed policy from its ARN
// (arn:aws:iam::ACCOUNT:policy/PATH/NAME).
func splitPolicyARN(policyARN string) (path, name string) {
	i := strings.Index(policyARN, ":policy/")
	if i < 0 {
		return "/", lastPathSegment(policyARN)
	}
	rest := policyARN[i+len(":policy"):] // /PATH/NAME
	j := strings.LastIndexByte(rest, '/')
	return rest[:j+1], rest[j+1:]
}

// ListEntitiesForPolicyInput is ListEntitiesForPolicy's parameters.
type ListEntitiesForPolicyInput struct {
	Account      string
	PolicyARN    string
	EntityFilter string // "", User, Role, Group, LocalManagedPolicy or AWSManagedPolicy
	PathPrefix   string
	UsageFilter  string // "", PermissionsPolicy or PermissionsBoundary
	Page         Page
}

// ListEntitiesForPolicy lists the groups, roles and users (in that order, each by name) that
// a managed policy is attached to, or bounds, or both when no usage filter is given.
func (s *Service) ListEntitiesForPolicy(ctx context.Context, in ListEntitiesForPolicyInput) (PageOf[PolicyEntity], error) {
	if err := checkEnumParam(in.EntityFilter, "entityFilter", "User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy"); err != nil {
		return PageOf[PolicyEntity]{}, err
	}
	if err := checkEnumParam(in.UsageFilter, "policyUsageFilter", "PermissionsPolicy", "PermissionsBoundary"); err != nil {
		return PageOf[PolicyEntity]{}, err
	}
	prefix, err := checkPathPrefix(in.PathPrefix)
	if err != nil {
		return PageOf[PolicyEntity]{}, err
	}
	type item struct {
		sortID string
		e      PolicyEntity
	}
	var items []item
	err = s.view(ctx, func(tx docstore.Tx) error {
		var p ManagedPolicy
		if err := getManagedPolicy(tx, in.Account, in.PolicyARN, &p); err != nil {
			return err
		}
		arn := p.ARN()
		uses := func(attached []string, boundary string) bool {
			asPolicy := in.UsageFilter != "PermissionsBoundary" && holdsPolicyARN(attached, arn)
			asBoundary := in.UsageFilter != "PermissionsPolicy" && boundary == arn
			return asPolicy || asBoundary
		}
		want := func(kind string) bool { return in.EntityFilter == "" || in.EntityFilter == kind }
		scan := func(col, order string, kind PolicyHolder, fn func(raw []byte) (PolicyEntity, string, bool, error)) error {
			return tx.List(col, in.Account, "", "", func(_ string, raw []byte) error {
				e, path, ok, err := fn(raw)
				if err != nil || !ok || !strings.HasPrefix(path, prefix) {
					return err
				}
				e.Kind = kind
				items = append(items, item{order + strings.ToLower(e.Name), e})
				return nil
			})
		}
		if want("Group") {
			err := scan(colGroup, "0", HolderGroup, func(raw []byte) (PolicyEntity, string, bool, error) {
				var g Group
				err := json.Unmarshal(raw, &g)
				return PolicyEntity{Name: g.Name, ID: g.ID}, g.Path, uses(g.AttachedPolicies, ""), err
			})
			if err != nil {
				return err
			}
		}
		if want("Role") {
			err := scan(colRole, "1", HolderRole, func(raw []byte) (PolicyEntity, string, bool, error) {
				var r Role
				err := json.Unmarshal(raw, &r)
				return PolicyEntity{Name: r.Name, ID: r.ID}, r.Path, uses(r.AttachedPolicies, r.PermissionsBoundary), err
			})
			if err != nil {
				return err
			}
		}
		if want("User") {
			err := scan(colUser, "2", HolderUser, func(raw []byte) (PolicyEntity, string, bool, error) {
				var u User
				err := json.Unmarshal(raw, &u)
				return PolicyEntity{Name: u.Name, ID: u.ID}, u.Path, uses(u.AttachedPolicies, u.PermissionsBoundary), err
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return PageOf[PolicyEntity]{}, err
	}
	sort.Slice(items, func(i, j int) bool { return items[i].sortID < items[j].sortID })
	page, err := paginate(items, func(it item) string { return it.sortID }, in.Page)
	if err != nil {
		return PageOf[PolicyEntity]{}, err
	}
	out := PageOf[PolicyEntity]{IsTruncated: page.IsTruncated, Marker: page.Marker, Items: []PolicyEntity{}}
	for _, it := range page.Items {
		out.Items = append(out.Items, it.e)
	}
	return out, nil
}

func holdsPolicyARN(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// PutRolePermissionsBoundary sets or replaces a role's permissions boundary.
func (s *Service) PutRolePermissionsBoundary(ctx context.Context, account, roleName, policyARN string) error {
	if err := roleKind.checkName(roleName); err != nil {
		return err
	}
	if err := checkPolicyARN(policyARN); err != nil {
		return err
	}
	if _, ok := policyNameFromARN(account, policyARN); !ok && !managedpolicies.IsAWSManaged(policyARN) {
		return awserr.NoSuchEntity("Scope ARN: %s does not exist or is not attachable.", policyARN)
	}
	_, err := s.changeRole(ctx, account, roleName, func(tx docstore.Tx, r *Role) error {
		if err := protectedRole(r); err != nil {
			return err
		}
		if r.PermissionsBoundary == policyARN {
			return nil
		}
		if err := s.useAsBoundary(tx, account, policyARN, 1); err != nil {
			return err
		}
		if r.PermissionsBoundary != "" {
			if err := s.useAsBoundary(tx, account, r.PermissionsBoundary, -1); err != nil && !isNoSuchEntity(err) {
				return err
			}
		}
		r.PermissionsBoundary = policyARN
		return nil
	})
	return err
}

// DeleteRolePermissionsBoundary removes a role's permissions boundary.
func (s *Service) DeleteRolePermissionsBoundary(ctx context.Context, account, roleName string) error {
	_, err := s.changeRole(ctx, account, roleName, func(tx docstore.Tx, r *Role) error {
		if err := protectedRole(r); err != nil {
			return err
		}
		if r.PermissionsBoundary == "" {
			return awserr.NoSuchEntity("The role with name %s does not have a permissions boundary.", r.Name)
		}
		if err := s.useAsBoundary(tx, account, r.PermissionsBoundary, -1); err != nil && !isNoSuchEntity(err) {
			return err
		}
		r.PermissionsBoundary = ""
		return nil
	})
	return err
}
