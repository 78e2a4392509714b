package iam

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/iamd-dev/iamd/internal/docstore"
)

// rootOwner is the owner key of the root user's credentials (signing certificates): it has
// no user id.
const rootOwner = "root"

// credentialOwner is the user (or root user) a signing certificate, SSH public key or
// service-specific credential belongs to. Its documents are keyed by the user's unique id,
// so that they follow a renamed user and are not inherited by a new user of the same name.
type credentialOwner struct {
	key  string // the user's id (AIDA...), or rootOwner
	name string // the user's name as stored; "" for the root user
}

// ownerOf finds the owner of credentials: the named user (which must exist) or, for
// userName "", the root user.
func ownerOf(tx docstore.Tx, account, userName string) (credentialOwner, error) {
	if userName == "" {
		return credentialOwner{key: rootOwner}, nil
	}
	var u User
	if err := getUser(tx, account, userName, &u); err != nil {
		return credentialOwner{}, err
	}
	return credentialOwner{key: u.ID, name: u.Name}, nil
}

// ownedKey is the key of an owner's credential with the id in a collection (the id folded
// to lower case: a caller's other spelling is found, then refused as AWS does).
func ownedKey(collection, account string, o credentialOwner, id string) docstore.Key {
	return docstore.Key{Collection: collection, Account: account, ID: o.key + "/" + strings.ToLower(id)}
}

// listOwned decodes an owner's credentials in a collection, ordered by less.
func listOwned[T any](tx docstore.Tx, collection, account string, o credentialOwner, less func(a, b *T) bool) ([]T, error) {
	var out []T
	err := tx.List(collection, account, o.key+"/", "", func(_ string, raw []byte) error {
		var v T
		if err := json.Unmarshal(raw, &v); err != nil {
			return err
		}
		out = append(out, v)
		return nil
	})
	sort.SliceStable(out, func(i, j int) bool { return less(&out[i], &out[j]) })
	return out, err
}

// countOwned counts an owner's credentials in a collection.
func countOwned(tx docstore.Tx, collection, account string, o credentialOwner) (int, error) {
	return tx.Count(collection, account, o.key+"/")
}

// seqID is the sort id of an owner's credential by its sequence number, for paginate.
func seqID(seq int) string { return fmt.Sprintf("%010d", seq) }

// nextSeq is the sequence number of an owner's next credential: one past the last of have.
func nextSeq[T any](have []T, seq func(*T) int) int {
	n := 0
	for i := range have {
		n = max(n, seq(&have[i]))
	}
	return n + 1
}
