package iam

import (
	"context"
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"sync"

	"github.com/iamd-dev/iamd/internal/arn"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/policy"
)

// Principal bindings. AWS stores the IAM users and roles that a resource-based policy (a
// role's trust policy, a secret's resource policy) names as the unique ids of the entities
// holding those ARNs when the policy is saved, and refuses a policy naming a user or role
// that does not exist. Shown again, each id is turned back into its entity's ARN (the
// current one: a renamed user's new name); an id whose entity is gone is shown as the id
// itself, and matches no caller, not even a new entity of the same name (IAM User Guide,
// "Creating a role to delegate permissions to an IAM user", and the Principal element).
//
// iamd keeps the document as written and beside it the bindings {ARN as written → unique
// id}. A document read back (Shown) has each bound ARN whose entity is gone replaced by the
// id, and each whose entity was renamed replaced by the new ARN; the document evaluated
// (Effective) has the gone ones left out, so that they match nobody (the policy language
// has no use for a bare unique id). A policy stored before bindings existed has none, and
// its ARNs match whoever holds them, as they did, until it is next written.

// invalidPrincipal is IAM's refusal of a principal that names no existing user or role.
func invalidPrincipal(value string) error {
	b, _ := json.Marshal(value)
	return awserr.MalformedPolicyDocument(`Invalid principal in policy: "AWS":` + string(b))
}

// entityRef is a user or role ARN taken apart.
type entityRef struct {
	kind      string // "user" or "role"
	partition string
	account   string
	path      string
	name      string
}

// parseEntityARN reads a principal that names an IAM user or role; ok is false for every
// other principal (accounts, sessions, federated users, services, "*").
func parseEntityARN(v string) (entityRef, bool) {
	p, err := policy.ParsePrincipal(v)
	if err != nil || p.Kind != policy.User && p.Kind != policy.Role {
		return entityRef{}, false
	}
	a, err := arn.Parse(v)
	if err != nil {
		return entityRef{}, false
	}
	kind, rest, _ := strings.Cut(a.Resource, "/")
	cut := strings.LastIndexByte(rest, '/')
	return entityRef{kind: kind, partition: a.Partition, account: a.Account, path: "/" + rest[:cut+1], name: rest[cut+1:]}, true
}

// entity is what a bound principal's ARN or id finds: the entity's unique id, ARN and path.
type entity struct{ id, arn, path string }

// byName finds the user or role of ref's account and name ("" id when there is none).
func (ref entityRef) byName(tx docstore.Tx) (entity, error) {
	var (
		e   entity
		err error
	)
	if ref.kind == "user" {
		var u User
		if err = tx.Get(key(colUser, ref.account, ref.name), &u); err == nil && arn.OrDefault(u.Partition) == ref.partition {
			e = entity{u.ID, u.ARN(), u.Path}
		}
	} else {
		var r Role
		if err = tx.Get(key(colRole, ref.account, ref.name), &r); err == nil && arn.OrDefault(r.Partition) == ref.partition {
			e = entity{r.ID, r.ARN(), r.Path}
		}
	}
	if errors.Is(err, docstore.ErrNotFound) {
		return entity{}, nil
	}
	return e, err
}

// lookupPrincipal finds the entity an ARN names now: its name and its path must match.
func lookupPrincipal(tx docstore.Tx, ref entityRef) (entity, error) {
	e, err := ref.byName(tx)
	if err != nil || e.id == "" {
		return e, err
	}
	if e.path != ref.path {
		return entity{}, nil // another path: not the entity the ARN names
	}
	return e, nil
}

// bindPrincipals binds each user and role ARN the document's Principal and NotPrincipal
// elements name to its entity's unique id; a name that no entity holds is IAM's
// MalformedPolicyDocument "Invalid principal in policy". nil when the document names none.
func bindPrincipals(tx docstore.Tx, doc string) (map[string]string, error) {
	elems, err := findAWSPrincipals(doc)
	if err != nil {
		return nil, err
	}
	var b map[string]string
	for _, el := range elems {
		for _, it := range el.items {
			if _, done := b[it.value]; done {
				continue
			}
			if other, err := ofAnotherPartition(tx, it.value); err != nil || other {
				if err == nil {
					err = invalidPrincipal(it.value)
				}
				return nil, err
			}
			ref, ok := parseEntityARN(it.value)
			if !ok {
				continue
			}
			e, err := lookupPrincipal(tx, ref)
			if err != nil {
				return nil, err
			}
			if e.id == "" {
				return nil, invalidPrincipal(it.value)
			}
			if b == nil {
				b = map[string]string{}
			}
			b[it.value] = e.id
		}
	}
	return b, nil
}

// ofAnotherPartition reports whether a principal's ARN names an account this server holds in
// another partition than the account's own: no such principal exists (IAM refuses principals
// of another partition, which roles and resource policies cannot delegate to).
func ofAnotherPartition(tx docstore.Tx, principal string) (bool, error) {
	a, err := arn.Parse(principal)
	if err != nil || !arn.IsAccountID(a.Account) {
		return false, nil
	}
	var acct Account
	switch err := tx.Get(docstore.Key{Collection: colAccount, ID: a.Account}, &acct); {
	case errors.Is(err, docstore.ErrNotFound):
		return false, nil
	case err != nil:
		return false, err
	}
	return arn.OrDefault(acct.Partition) != a.Partition, nil
}

// BindPrincipals binds the users and roles a resource-based policy names (see
// bindPrincipals), for a service that stores such policies beside its resources.
func (s *Service) BindPrincipals(ctx context.Context, doc string) (map[string]string, error) {
	var b map[string]string
	err := s.view(ctx, func(tx docstore.Tx) (err error) {
		b, err = bindPrincipals(tx, doc)
		return err
	})
	return b, err
}

// boundEntity finds the entity a binding names now, by its id: at the ARN bound, or, for a
// user, wherever a rename has taken it within its account. Roles cannot be renamed.
func boundEntity(tx docstore.Tx, bound, id string) (entity, error) {
	ref, ok := parseEntityARN(bound)
	if !ok {
		return entity{}, nil
	}
	e, err := ref.byName(tx)
	if err != nil || e.id == id {
		return e, err
	}
	if ref.kind != "user" {
		return entity{}, nil
	}
	found := entity{}
	err = tx.List(colUser, ref.account, "", "", func(_ string, raw []byte) error {
		var u struct {
			ID        string `json:"id"`
			Partition string `json:"partition"`
			Path      string `json:"path"`
			Name      string `json:"name"`
		}
		if err := json.Unmarshal(raw, &u); err != nil {
			return err
		}
		if u.ID == id && arn.OrDefault(u.Partition) == ref.partition {
			found = entity{u.ID, UserARN(u.Partition, ref.account, u.Path, u.Name), u.Path}
		}
		return nil
	})
	return found, err
}

// resolver finds the entity a binding names now: its ARN, or "" when it is gone.
type resolver func(bound, id string) (string, error)

func txResolver(tx docstore.Tx) resolver {
	return func(bound, id string) (string, error) {
		e, err := boundEntity(tx, bound, id)
		return e.arn, err
	}
}

// rewriteBound is the document as its bindings make it now: each bound ARN whose entity
// holds another ARN (renamed) becomes that ARN, and each whose entity is gone becomes its
// id (shown) or is left out (the document evaluated). It returns doc itself when nothing
// changed.
func rewriteBound(doc string, bindings map[string]string, shown bool, current resolver) (string, error) {
	if len(bindings) == 0 {
		return doc, nil
	}
	elems, err := findAWSPrincipals(doc)
	if err != nil {
		return "", err
	}
	type edit struct {
		start, end int
		text       string
	}
	var edits []edit
	for _, el := range elems {
		var (
			itemEdits []edit
			kept      []string // the element's principals, for an array rebuilt without the gone
			dropped   bool
		)
		for _, it := range el.items {
			text := doc[it.start:it.end]
			if id, bound := bindings[it.value]; bound {
				now, err := current(it.value, id)
				if err != nil {
					return "", err
				}
				switch {
				case now == it.value:
				case now != "":
					text = quote(now)
					itemEdits = append(itemEdits, edit{it.start, it.end, text})
				case shown:
					text = quote(id)
					itemEdits = append(itemEdits, edit{it.start, it.end, text})
				default:
					dropped = true
					continue
				}
			}
			kept = append(kept, text)
		}
		if dropped {
			edits = append(edits, edit{el.start, el.end, "[" + strings.Join(kept, ",") + "]"})
		} else {
			edits = append(edits, itemEdits...)
		}
	}
	if len(edits) == 0 {
		return doc, nil
	}
	sort.Slice(edits, func(i, j int) bool { return edits[i].start < edits[j].start })
	var out strings.Builder
	last := 0
	for _, e := range edits {
		out.WriteString(doc[last:e.start])
		out.WriteString(e.text)
		last = e.end
	}
	out.WriteString(doc[last:])
	return out.String(), nil
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// ShownPolicy is a stored resource-based policy as AWS shows it: a principal whose entity
// is gone appears as the entity's unique id, a renamed user under its new ARN.
func (s *Service) ShownPolicy(ctx context.Context, doc string, bindings map[string]string) (string, error) {
	if len(bindings) == 0 {
		return doc, nil
	}
	var out string
	err := s.view(ctx, func(tx docstore.Tx) (err error) {
		out, err = rewriteBound(doc, bindings, true, txResolver(tx))
		return err
	})
	return out, err
}

// EffectivePolicy is a stored resource-based policy as it is evaluated: a principal whose
// entity is gone is left out (it matches no caller), a renamed user is named by its new
// ARN. What it finds is kept until IAM next changes.
func (s *Service) EffectivePolicy(ctx context.Context, doc string, bindings map[string]string) (string, error) {
	if len(bindings) == 0 {
		return doc, nil
	}
	gen := s.Generation()
	return rewriteBound(doc, bindings, false, func(bound, id string) (string, error) {
		return s.bindings.current(gen, bound, id, func() (string, error) {
			var e entity
			err := s.view(ctx, func(tx docstore.Tx) (err error) {
				e, err = boundEntity(tx, bound, id)
				return err
			})
			return e.arn, err
		})
	})
}

// showTrust replaces a role's trust policy, read to be shown, by the policy as AWS shows it.
func showTrust(tx docstore.Tx, r *Role) error {
	doc, err := rewriteBound(r.AssumeRolePolicy, r.TrustBindings, true, txResolver(tx))
	if err != nil {
		return err
	}
	r.AssumeRolePolicy = doc
	return nil
}

// RoleTrust returns a role as stored and its trust policy compiled as it is evaluated (see
// EffectivePolicy), for the assumption of the role. The compiled policy is kept until IAM
// next changes.
func (s *Service) RoleTrust(ctx context.Context, account, name string) (*Role, *policy.Policy, error) {
	gen := s.Generation()
	var (
		r     Role
		trust *policy.Policy
		doc   string
	)
	err := s.view(ctx, func(tx docstore.Tx) (err error) {
		if err := getRole(tx, account, name, &r); err != nil {
			return err
		}
		if trust = s.bindings.trust(gen, r.ID, r.AssumeRolePolicy); trust != nil {
			return nil
		}
		doc, err = rewriteBound(r.AssumeRolePolicy, r.TrustBindings, false, func(bound, id string) (string, error) {
			return s.bindings.current(gen, bound, id, func() (string, error) {
				e, err := boundEntity(tx, bound, id)
				return e.arn, err
			})
		})
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	if trust == nil {
		if trust, err = policy.Parse([]byte(doc), policy.Trust); err != nil {
			return nil, nil, err
		}
		trust.Name = "trust policy of " + r.ARN()
		s.bindings.keepTrust(gen, r.ID, r.AssumeRolePolicy, trust)
	}
	return &r, trust, nil
}

// maxBindingCache bounds each map of bindingCache.
const maxBindingCache = 4096

// bindingCache keeps, for one IAM generation, what bound principals resolve to and the
// compiled trust policies built from them. A result found at an older generation than the
// cache's is not kept; a newer generation empties it.
type bindingCache struct {
	mu       sync.Mutex
	gen      uint64
	entities map[string]string         // bound ARN \x00 id -> current ARN ("" gone)
	trusts   map[string]*policy.Policy // role id \x00 document -> compiled
}

// at readies the cache for generation gen, reporting whether it holds that generation.
func (c *bindingCache) at(gen uint64) bool {
	switch {
	case gen < c.gen:
		return false
	case gen > c.gen || c.entities == nil:
		c.gen = gen
		c.entities = map[string]string{}
		c.trusts = map[string]*policy.Policy{}
	}
	return true
}

// current resolves a binding through the cache, calling find on a miss.
func (c *bindingCache) current(gen uint64, bound, id string, find func() (string, error)) (string, error) {
	k := bound + "\x00" + id
	c.mu.Lock()
	if c.at(gen) {
		if v, ok := c.entities[k]; ok {
			c.mu.Unlock()
			return v, nil
		}
	}
	c.mu.Unlock()
	v, err := find()
	if err != nil {
		return "", err
	}
	c.mu.Lock()
	if c.at(gen) {
		if len(c.entities) >= maxBindingCache {
			clear(c.entities)
		}
		c.entities[k] = v
	}
	c.mu.Unlock()
	return v, nil
}

func (c *bindingCache) trust(gen uint64, roleID, doc string) *policy.Policy {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.at(gen) {
		return nil
	}
	return c.trusts[roleID+"\x00"+doc]
}

func (c *bindingCache) keepTrust(gen uint64, roleID, doc string, p *policy.Policy) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.at(gen) {
		return
	}
	if len(c.trusts) >= maxBindingCache {
		clear(c.trusts)
	}
	c.trusts[roleID+"\x00"+doc] = p
}
