package iam

import (
	"encoding/json"
	"errors"
	"strings"

	"github.com/iamd-dev/iamd/internal/docstore"
)

// The holder index answers ListEntitiesForPolicy from the store without reading every user,
// group and role: one document per managed policy and entity that uses it, with the id
// holderID(policy ARN, kind, name), kept in the same transaction as every change to the
// entity's attached policies, its permissions boundary, its name, or its existence. Its ids
// are in ListEntitiesForPolicy's order: groups, then roles, then users, each by name.
const colPolicyHolder = "iam.policy-holder"

// attachmentsCounted is the id, in colListCount, of the account's number of managed policy
// attachments to its users, groups and roles (GetAccountSummary's PolicyVersionsInUse), kept
// with the holder index.
const attachmentsCounted = "attachments"

// holderUse is a holder index document: how the entity uses the policy.
type holderUse struct {
	Attached bool `json:"attached,omitempty"`
	Boundary bool `json:"boundary,omitempty"`
}

// holderDigits order the kinds in a holder id.
var holderDigits = map[PolicyHolder]string{HolderGroup: "0", HolderRole: "1", HolderUser: "2"}

// holderOf is the kind of an entity document.
func holderOf(d entityDoc) PolicyHolder {
	switch d.(type) {
	case *User:
		return HolderUser
	case *Group:
		return HolderGroup
	}
	return HolderRole
}

// holderPrefix is the start of the holder ids of a policy, of one kind when h is not "".
func holderPrefix(policyARN string, h PolicyHolder) string {
	return policyARN + pathNameSep + holderDigits[h]
}

func holderID(policyARN string, h PolicyHolder, name string) string {
	return holderPrefix(policyARN, h) + strings.ToLower(name)
}

// holderUses is how an entity document uses managed policies, by ARN.
func holderUses(d entityDoc) map[string]holderUse {
	if d == nil {
		return nil
	}
	out := map[string]holderUse{}
	for _, a := range *d.attachedPolicies() {
		u := out[a]
		u.Attached = true
		out[a] = u
	}
	if b := boundaryOf(d); b != "" {
		u := out[b]
		u.Boundary = true
		out[b] = u
	}
	return out
}

// attachedCount is the number of managed policies attached to an entity (0 for nil).
func attachedCount(d entityDoc) int {
	if d == nil {
		return 0
	}
	return len(*d.attachedPolicies())
}

func boundaryOf(d entityDoc) string {
	switch v := d.(type) {
	case *User:
		return v.PermissionsBoundary
	case *Role:
		return v.PermissionsBoundary
	}
	return ""
}

// syncHolders brings the holder index from what before (nil for a new entity) to what after
// (nil for a deleted one) uses; the two are the same entity, possibly renamed.
func syncHolders(tx docstore.Tx, account string, before, after entityDoc) error {
	was, is := holderUses(before), holderUses(after)
	sameName := before != nil && after != nil && before.entityName() == after.entityName()
	if delta := attachedCount(after) - attachedCount(before); delta != 0 {
		if err := addListCount(tx, attachmentsCounted, account, delta); err != nil {
			return err
		}
	}
	for arn, u := range was {
		if after != nil && is[arn] == u && sameName {
			continue
		}
		err := tx.Delete(docstore.Key{Collection: colPolicyHolder, Account: account, ID: holderID(arn, holderOf(before), before.entityName())})
		if err != nil && !errors.Is(err, docstore.ErrNotFound) {
			return err
		}
	}
	for arn, u := range is {
		if before != nil && was[arn] == u && sameName {
			continue
		}
		if err := tx.Put(docstore.Key{Collection: colPolicyHolder, Account: account, ID: holderID(arn, holderOf(after), after.entityName())}, u); err != nil {
			return err
		}
	}
	return nil
}

// storedEntity reads the stored version of an entity document (nil when there is none).
func storedEntity(tx docstore.Tx, account string, d entityDoc) (entityDoc, error) {
	old := holderOf(d).newDoc()
	err := tx.Get(key(d.kind().collection, account, d.entityName()), old)
	if errors.Is(err, docstore.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return old, nil
}

// attachedHolders reads the users, groups and roles a managed policy is attached to, from
// the holder index.
func attachedHolders(tx docstore.Tx, account, policyARN string) ([]entityDoc, error) {
	var ids []string
	err := tx.List(colPolicyHolder, account, holderPrefix(policyARN, ""), "", func(id string, raw []byte) error {
		var use holderUse
		if err := json.Unmarshal(raw, &use); err != nil {
			return err
		}
		if use.Attached {
			ids = append(ids, id[len(holderPrefix(policyARN, "")):])
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var out []entityDoc
	for _, rest := range ids {
		for h, digit := range holderDigits {
			if !strings.HasPrefix(rest, digit) {
				continue
			}
			d := h.newDoc()
			err := tx.Get(docstore.Key{Collection: d.kind().collection, Account: account, ID: rest[1:]}, d)
			if errors.Is(err, docstore.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			out = append(out, d)
		}
	}
	return out, nil
}
