package iam

import (
	"context"
	"errors"
	"fmt"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/docstore"
)

// entityKind describes one kind of IAM identity (user, group or role) to the code the three
// share: inline policies, tags, attached policies, reading and changing one. Each kind is
// described once, below, with AWS's names and limits (IAM API reference; IAM User Guide,
// "IAM and AWS STS quotas").
type entityKind struct {
	noun       string // in AWS's messages: "The role with name X cannot be found."
	collection string
	nameMember string // the name parameter in ValidationError texts: userName, roleName, groupName
	// maxName bounds the kind's name type (userNameType, roleNameType, groupNameType), which
	// CreateX, UpdateX's new name, the attached-policy and permissions-boundary APIs take.
	// maxExistingName bounds the name the other APIs take to find one: for users that is
	// existingUserNameType, 128 characters to userNameType's 64.
	maxName, maxExistingName int
	maxInlinePolicySize      int    // all inline policies of one entity together, names included
	attachedPoliciesQuota    string // the quota's name in LimitExceeded texts
}

var (
	userKind = entityKind{
		noun: "user", collection: colUser, nameMember: "userName",
		maxName: 64, maxExistingName: 128,
		maxInlinePolicySize: 2048, attachedPoliciesQuota: "PoliciesPerUser",
	}
	groupKind = entityKind{
		noun: "group", collection: colGroup, nameMember: "groupName",
		maxName: 128, maxExistingName: 128,
		maxInlinePolicySize: 5120, attachedPoliciesQuota: "PoliciesPerGroup",
	}
	roleKind = entityKind{
		noun: "role", collection: colRole, nameMember: "roleName",
		maxName: 64, maxExistingName: 64,
		maxInlinePolicySize: 10240, attachedPoliciesQuota: "PoliciesPerRole",
	}
)

// checkName validates a name parameter of the kind's name type.
func (k *entityKind) checkName(name string) error {
	return checkName(name, k.nameMember, k.maxName)
}

// checkExistingName validates a name parameter that names an existing entity.
func (k *entityKind) checkExistingName(name string) error {
	return checkName(name, k.nameMember, k.maxExistingName)
}

func (k *entityKind) noSuchEntity(name string) error {
	return awserr.NoSuchEntity("The %s with name %s cannot be found.", k.noun, name)
}

// entityDoc is a stored user, group or role, as the code the kinds share reads it.
type entityDoc interface {
	kind() *entityKind
	entityName() string
	entityPath() string
	inlinePolicies() *map[string]string
	attachedPolicies() *[]string
}

// taggedEntityDoc is an entity of a kind that carries tags (users and roles).
type taggedEntityDoc interface {
	entityDoc
	tagList() *[]Tag
}

func (u *User) kind() *entityKind                  { return &userKind }
func (u *User) entityName() string                 { return u.Name }
func (u *User) entityPath() string                 { return u.Path }
func (u *User) inlinePolicies() *map[string]string { return &u.InlinePolicies }
func (u *User) attachedPolicies() *[]string        { return &u.AttachedPolicies }
func (u *User) tagList() *[]Tag                    { return &u.Tags }

func (g *Group) kind() *entityKind                  { return &groupKind }
func (g *Group) entityName() string                 { return g.Name }
func (g *Group) entityPath() string                 { return g.Path }
func (g *Group) inlinePolicies() *map[string]string { return &g.InlinePolicies }
func (g *Group) attachedPolicies() *[]string        { return &g.AttachedPolicies }

func (r *Role) kind() *entityKind                  { return &roleKind }
func (r *Role) entityName() string                 { return r.Name }
func (r *Role) entityPath() string                 { return r.Path }
func (r *Role) inlinePolicies() *map[string]string { return &r.InlinePolicies }
func (r *Role) attachedPolicies() *[]string        { return &r.AttachedPolicies }
func (r *Role) tagList() *[]Tag                    { return &r.Tags }

// getEntity reads the entity a name parameter names into doc, whose type says the kind: the
// name is validated as an existing entity's, and a missing entity is AWS's NoSuchEntity.
func getEntity(tx docstore.Tx, account, name string, doc entityDoc) error {
	k := doc.kind()
	if err := k.checkExistingName(name); err != nil {
		return err
	}
	err := tx.Get(key(k.collection, account, name), doc)
	switch {
	case errors.Is(err, docstore.ErrNotFound):
		return k.noSuchEntity(name)
	case err != nil:
		return fmt.Errorf("iam: reading %s %s of account %s: %w", k.noun, name, account, err)
	}
	return nil
}

// putEntity stores an entity under its name, with the holder index of the policies it uses
// (policy_holders.go).
func putEntity(tx docstore.Tx, account string, doc entityDoc) error {
	old, err := storedEntity(tx, account, doc)
	if err != nil {
		return fmt.Errorf("iam: reading %s %s of account %s: %w", doc.kind().noun, doc.entityName(), account, err)
	}
	if err := syncHolders(tx, account, old, doc); err != nil {
		return fmt.Errorf("iam: indexing the policies of %s %s of account %s: %w", doc.kind().noun, doc.entityName(), account, err)
	}
	if err := tx.Put(key(doc.kind().collection, account, doc.entityName()), doc); err != nil {
		return fmt.Errorf("iam: storing %s %s of account %s: %w", doc.kind().noun, doc.entityName(), account, err)
	}
	return nil
}

// viewEntity reads an entity (getEntity) in a read transaction of its own.
func (s *Service) viewEntity(ctx context.Context, account, name string, doc entityDoc) error {
	return s.view(ctx, func(tx docstore.Tx) error { return getEntity(tx, account, name, doc) })
}

// viewListed checks the name and the page of a listing of what an entity holds
// (ListUserPolicies, ListRoleTags, ...), then reads the entity into doc.
func (s *Service) viewListed(ctx context.Context, account, name string, doc entityDoc, p Page) error {
	if err := doc.kind().checkExistingName(name); err != nil {
		return err
	}
	if err := p.check(); err != nil {
		return err
	}
	return s.viewEntity(ctx, account, name, doc)
}

// changeEntity reads an entity into doc, lets change change it, and stores it, in one
// transaction.
func (s *Service) changeEntity(ctx context.Context, account, name string, doc entityDoc, change func(tx docstore.Tx) error) error {
	return s.update(ctx, func(tx docstore.Tx) error {
		if err := getEntity(tx, account, name, doc); err != nil {
			return err
		}
		if err := change(tx); err != nil {
			return err
		}
		return putEntity(tx, account, doc)
	})
}
