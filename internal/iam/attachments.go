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
	max, err := in.Page.maxItems()
	if err != nil {
		return PageOf[PolicyEntity]{}, err
	}
	after, err := decodeMarker(in.Page.Marker)
	if err != nil {
		return PageOf[PolicyEntity]{}, err
	}
	out := PageOf[PolicyEntity]{Items: []PolicyEntity{}}
	err = s.view(ctx, func(tx docstore.Tx) error {
		var p ManagedPolicy
		if err := getManagedPolicy(tx, in.Account, in.PolicyARN, &p); err != nil {
			return err
		}
		arn := p.ARN()
		kind := PolicyHolder("")
		switch in.EntityFilter {
		case "":
		case "User", "Role", "Group":
			kind = PolicyHolder(strings.ToLower(in.EntityFilter))
		default:
			return nil // policies hold no policies
		}
		base := arn + pathNameSep
		cursor := ""
		if after != "" {
			cursor = base + after
		}
		var lastID string
		return tx.List(colPolicyHolder, in.Account, holderPrefix(arn, kind), cursor, func(id string, raw []byte) error {
			var use holderUse
			if err := json.Unmarshal(raw, &use); err != nil {
				return err
			}
			if !(in.UsageFilter != "PermissionsBoundary" && use.Attached) && !(in.UsageFilter != "PermissionsPolicy" && use.Boundary) {
				return nil
			}
			rest := id[len(base):] // the kind's digit and the entity's store id
			e, ok, err := holderEntity(tx, in.Account, rest, prefix)
			if err != nil || !ok {
				return err
			}
			if len(out.Items) == max {
				out.IsTruncated, out.Marker = true, encodeMarker(lastID)
				return docstore.ErrStop
			}
			out.Items, lastID = append(out.Items, e), rest
			return nil
		})
	})
	if err != nil {
		return PageOf[PolicyEntity]{}, err
	}
	return out, nil
}

// holderEntity reads the entity a holder index id names (rest: the kind's digit and its
// store id), reporting false when it is gone or its path does not start with prefix.
func holderEntity(tx docstore.Tx, account, rest, prefix string) (PolicyEntity, bool, error) {
	var h PolicyHolder
	for k, digit := range holderDigits {
		if strings.HasPrefix(rest, digit) {
			h = k
		}
	}
	if h == "" {
		return PolicyEntity{}, false, nil
	}
	d := h.newDoc()
	err := tx.Get(docstore.Key{Collection: d.kind().collection, Account: account, ID: rest[1:]}, d)
	if errors.Is(err, docstore.ErrNotFound) {
		return PolicyEntity{}, false, nil
	}
	if err != nil || !strings.HasPrefix(d.entityPath(), prefix) {
		return PolicyEntity{}, false, err
	}
	e := PolicyEntity{Kind: h, Name: d.entityName()}
	switch v := d.(type) {
	case *User:
		e.ID = v.ID
	case *Group:
		e.ID = v.ID
	case *Role:
		e.ID = v.ID
	}
	return e, true, nil
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
