package iam

import (
	"errors"
	"sort"
	"strings"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/docstore"
)

// accessEntity is a user or role whose requests count in a last-accessed report.
type accessEntity struct {
	Kind string // "user" or "role"
	Name string
	ID   string
	Path string
	ARN  string
}

// grantingPolicy is one permissions policy of an identity, as
// ListPoliciesGrantingServiceAccess shows it.
type grantingPolicy struct {
	Name       string
	Type       string // INLINE or MANAGED
	ARN        string // managed policies
	EntityType string // USER, GROUP or ROLE: the entity an inline policy is embedded in
	EntityName string
	Document   string
}

// accessTarget is what a report is about: a user, group, role or managed policy, its
// permissions policies, and the users and roles whose requests it reports.
type accessTarget struct {
	Kind     string // user, group, role or policy
	ARN      string
	Policies []grantingPolicy
	Entities []accessEntity
}

func (t *accessTarget) documents() []string {
	out := make([]string, len(t.Policies))
	for i, p := range t.Policies {
		out[i] = p.Document
	}
	return out
}

func userEntity(u *User) accessEntity {
	return accessEntity{Kind: "user", Name: u.Name, ID: u.ID, Path: u.Path, ARN: u.ARN()}
}

func roleEntity(r *Role) accessEntity {
	return accessEntity{Kind: "role", Name: r.Name, ID: r.ID, Path: r.Path, ARN: r.ARN()}
}

// checkARNParam validates an Arn parameter (arnType: 20 to 2048 characters).
func checkARNParam(value, member string) error {
	switch {
	case len(value) < 20:
		return constraint(value, member, "Member must have length greater than or equal to 20")
	case len(value) > 2048:
		return constraint(value, member, "Member must have length less than or equal to 2048")
	}
	return nil
}

// loadAccessTarget reads the user, group or role an ARN of the account names (and, with
// policies set, a managed policy), with AWS's NoSuchEntity when there is none.
func (s *Service) loadAccessTarget(tx docstore.Tx, account, arn string, policies bool) (*accessTarget, error) {
	if policies && strings.Contains(arn, ":policy/") {
		return s.policyTarget(tx, account, arn)
	}
	partition, err := partitionOf(tx, account)
	if err != nil {
		return nil, err
	}
	kind, path, name, ok := splitEntityARN(partition, account, arn)
	if !ok {
		return nil, awserr.InvalidInput("Invalid ARN: %s.", arn)
	}
	notFound := awserr.NoSuchEntity("The %s with name %s cannot be found.", kind, name)
	read := func(collection string, doc entityDoc) error {
		err := tx.Get(key(collection, account, name), doc)
		switch {
		case errors.Is(err, docstore.ErrNotFound):
			return notFound
		case err != nil:
			return err
		case doc.entityPath() != path:
			return notFound
		}
		return nil
	}
	t := &accessTarget{Kind: kind, ARN: arn}
	switch kind {
	case "user":
		var u User
		if err := read(colUser, &u); err != nil {
			return nil, err
		}
		if err := s.addPolicies(tx, account, t, "USER", u.Name, u.InlinePolicies, u.AttachedPolicies); err != nil {
			return nil, err
		}
		for _, gname := range u.Groups {
			var g Group
			if err := tx.Get(key(colGroup, account, gname), &g); err != nil {
				if errors.Is(err, docstore.ErrNotFound) {
					continue
				}
				return nil, err
			}
			if err := s.addPolicies(tx, account, t, "GROUP", g.Name, g.InlinePolicies, g.AttachedPolicies); err != nil {
				return nil, err
			}
		}
		t.Entities = []accessEntity{userEntity(&u)}
	case "group":
		var g Group
		if err := read(colGroup, &g); err != nil {
			return nil, err
		}
		if err := s.addPolicies(tx, account, t, "GROUP", g.Name, g.InlinePolicies, g.AttachedPolicies); err != nil {
			return nil, err
		}
		members, err := groupMembers(tx, account, &g)
		if err != nil {
			return nil, err
		}
		t.Entities = members
	default:
		var r Role
		if err := read(colRole, &r); err != nil {
			return nil, err
		}
		if err := s.addPolicies(tx, account, t, "ROLE", r.Name, r.InlinePolicies, r.AttachedPolicies); err != nil {
			return nil, err
		}
		t.Entities = []accessEntity{roleEntity(&r)}
	}
	return t, nil
}

// addPolicies adds an entity's inline policies and attached managed policies to a target.
func (s *Service) addPolicies(tx docstore.Tx, account string, t *accessTarget, entityType, entityName string, inline map[string]string, attached []string) error {
	return s.eachPolicy(tx, account, inline, attached, func(name, arn, doc string) {
		if arn == "" {
			t.Policies = append(t.Policies, grantingPolicy{Name: name, Type: "INLINE", EntityType: entityType, EntityName: entityName, Document: doc})
			return
		}
		_, pname := splitPolicyARN(arn)
		t.Policies = append(t.Policies, grantingPolicy{Name: pname, Type: "MANAGED", ARN: arn, Document: doc})
	})
}

// policyTarget is a managed policy with the users and roles it is attached to, directly or
// through a group.
func (s *Service) policyTarget(tx docstore.Tx, account, arn string) (*accessTarget, error) {
	var p ManagedPolicy
	if err := getManagedPolicy(tx, account, arn, &p); err != nil {
		return nil, err
	}
	doc, err := s.defaultDocument(tx, account, arn)
	if err != nil {
		return nil, err
	}
	t := &accessTarget{Kind: "policy", ARN: arn, Policies: []grantingPolicy{{Name: p.Name, Type: "MANAGED", ARN: arn, Document: doc}}}
	seen := map[string]bool{}
	add := func(e accessEntity) {
		if !seen[e.ID] {
			seen[e.ID] = true
			t.Entities = append(t.Entities, e)
		}
	}
	holders, err := attachedHolders(tx, account, arn)
	if err != nil {
		return nil, err
	}
	for _, d := range holders {
		switch v := d.(type) {
		case *User:
			add(userEntity(v))
		case *Role:
			add(roleEntity(v))
		case *Group:
			members, err := groupMembers(tx, account, v)
			if err != nil {
				return nil, err
			}
			for _, m := range members {
				add(m)
			}
		}
	}
	sort.Slice(t.Entities, func(i, j int) bool { return t.Entities[i].ARN < t.Entities[j].ARN })
	return t, nil
}

// groupMembers reads a group's users.
func groupMembers(tx docstore.Tx, account string, g *Group) ([]accessEntity, error) {
	var out []accessEntity
	for _, name := range g.Members {
		var u User
		if err := tx.Get(key(colUser, account, name), &u); err != nil {
			if errors.Is(err, docstore.ErrNotFound) {
				continue
			}
			return nil, err
		}
		out = append(out, userEntity(&u))
	}
	return out, nil
}
