package iam

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/docstore"
)

// The listed collections (users, groups, roles, customer managed policies, instance
// profiles) keep, in the same transaction as every change to one of their documents, what
// their List calls and quotas need, so that a page costs a page and a count costs a read:
//
//   - a path index: the collection's name with pathIndexSuffix, one empty document per
//     entity with the id pathIndexID(path, name), so that the entities whose path starts with
//     a PathPrefix are the ids starting with it, in path then name order;
//   - a counter: the document colListCount/account/collection holding the number of the
//     collection's documents in the account (GetAccountSummary, the per-account quotas).
//
// Without a PathPrefix (or with "/", every path) a list reads the collection itself, in id
// order: ids are lower-cased names, so that is AWS's case-insensitive name order.
const (
	pathIndexSuffix = ".by-path"
	colListCount    = "iam.list-count"
	// pathNameSep separates the path from the name in a path index id: a space, which
	// neither paths ([\u0021-\u007F]) nor names hold, and which sorts below every character
	// of both, so that a path's own entities come before those of the paths below it.
	pathNameSep = " "
)

// policiesInUse is the base of the two indexes of the customer managed policies in use
// (attached to an entity or one's permissions boundary), for ListPolicies' OnlyAttached: one
// by name (policiesInUse, ids the lower-cased names) and one by path (policiesInUse with
// pathIndexSuffix), kept by putPolicy, through which every change to a policy's use goes.
const policiesInUse = colPolicy + ".in-use"

// syncPolicyInUse files a customer managed policy in, or takes it out of, the indexes of
// the policies in use.
func syncPolicyInUse(tx docstore.Tx, account string, p *ManagedPolicy) error {
	keys := []docstore.Key{
		{Collection: policiesInUse, Account: account, ID: strings.ToLower(p.Name)},
		{Collection: policiesInUse + pathIndexSuffix, Account: account, ID: pathIndexID(p.Path, p.Name)},
	}
	for _, k := range keys {
		var err error
		if p.AttachmentCount > 0 || p.BoundaryUseCount > 0 {
			err = tx.Put(k, struct{}{})
		} else if err = tx.Delete(k); errors.Is(err, docstore.ErrNotFound) {
			err = nil
		}
		if err != nil {
			return fmt.Errorf("iam: indexing the use of policy %s of account %s: %w", p.Name, account, err)
		}
	}
	return nil
}

// listedCollections are the collections kept with a path index and a counter.
var listedCollections = []string{colUser, colGroup, colRole, colPolicy, colInstanceProfile}

// pathIndexID is the id of an entity's path index entry.
func pathIndexID(path, name string) string {
	return path + pathNameSep + strings.ToLower(name)
}

// nameOfPathIndexID is the (lower-cased) name in a path index id.
func nameOfPathIndexID(id string) string {
	return id[strings.LastIndex(id, pathNameSep)+len(pathNameSep):]
}

// listedAdd records a new entity of a listed collection: its path index entry and one more
// in the account's count.
func listedAdd(tx docstore.Tx, collection, account, path, name string) error {
	if err := tx.Put(docstore.Key{Collection: collection + pathIndexSuffix, Account: account, ID: pathIndexID(path, name)}, struct{}{}); err != nil {
		return fmt.Errorf("iam: indexing %s %s of account %s: %w", collection, name, account, err)
	}
	return addListCount(tx, collection, account, 1)
}

// listedRemove forgets a deleted entity of a listed collection.
func listedRemove(tx docstore.Tx, collection, account, path, name string) error {
	err := tx.Delete(docstore.Key{Collection: collection + pathIndexSuffix, Account: account, ID: pathIndexID(path, name)})
	if err != nil && !errors.Is(err, docstore.ErrNotFound) {
		return fmt.Errorf("iam: unindexing %s %s of account %s: %w", collection, name, account, err)
	}
	return addListCount(tx, collection, account, -1)
}

// listedMove moves an entity's path index entry when it is renamed or its path changes.
func listedMove(tx docstore.Tx, collection, account, oldPath, oldName, newPath, newName string) error {
	if pathIndexID(oldPath, oldName) == pathIndexID(newPath, newName) {
		return nil
	}
	err := tx.Delete(docstore.Key{Collection: collection + pathIndexSuffix, Account: account, ID: pathIndexID(oldPath, oldName)})
	if err != nil && !errors.Is(err, docstore.ErrNotFound) {
		return err
	}
	return tx.Put(docstore.Key{Collection: collection + pathIndexSuffix, Account: account, ID: pathIndexID(newPath, newName)}, struct{}{})
}

// listCount returns how many documents of a listed collection the account has.
func listCount(tx docstore.Tx, collection, account string) (int, error) {
	var n int
	err := tx.Get(docstore.Key{Collection: colListCount, Account: account, ID: collection}, &n)
	if errors.Is(err, docstore.ErrNotFound) {
		return 0, nil
	}
	return n, err
}

func addListCount(tx docstore.Tx, collection, account string, delta int) error {
	n, err := listCount(tx, collection, account)
	if err != nil {
		return err
	}
	return tx.Put(docstore.Key{Collection: colListCount, Account: account, ID: collection}, max(n+delta, 0))
}

// decodeMarker returns the store cursor a Marker carries.
func decodeMarker(marker string) (string, error) {
	if marker == "" {
		return "", nil
	}
	after, err := base64.RawURLEncoding.DecodeString(marker)
	if err != nil || len(after) == 0 {
		return "", awserr.InvalidInput("Invalid Marker.")
	}
	return string(after), nil
}

func encodeMarker(cursor string) string { return base64.RawURLEncoding.EncodeToString([]byte(cursor)) }

// listedDoc is what pageListed needs of a listed document.
type listedDoc interface{ listedPath() string }

func (u *User) listedPath() string            { return u.Path }
func (g *Group) listedPath() string           { return g.Path }
func (r *Role) listedPath() string            { return r.Path }
func (p *ManagedPolicy) listedPath() string   { return p.Path }
func (p *InstanceProfile) listedPath() string { return p.Path }

// pageListed reads one page of a listed collection's documents whose path starts with
// prefix (and that keep, when not nil, accepts), reading at most the page and one more
// document (plus those keep refuses): without a prefix from the collection in name order,
// with one from the path index in path then name order. The Marker is the store cursor
// of the page's last document.
func pageListed[T any, PT interface {
	*T
	listedDoc
}](tx docstore.Tx, collection, account, prefix string, p Page, keep func(PT) bool) (PageOf[T], error) {
	max, err := p.maxItems()
	if err != nil {
		return PageOf[T]{}, err
	}
	after, err := decodeMarker(p.Marker)
	if err != nil {
		return PageOf[T]{}, err
	}
	items, ids, err := readListed[T, PT](tx, collection, collection, account, prefix, after, max+1, keep)
	if err != nil {
		return PageOf[T]{}, err
	}
	out := PageOf[T]{Items: items}
	if len(items) > max {
		out.Items, out.IsTruncated, out.Marker = items[:max], true, encodeMarker(ids[max-1])
	}
	return out, nil
}

// readListed reads up to limit documents of a listed collection whose path starts with
// prefix (and that keep, when not nil, accepts) after the store cursor `after`, with their
// cursors: without a prefix ("/") the collection's ids in name order, with one the path
// index's, in path then name order. index is the collection itself, or the base of another
// pair of indexes by name and by path of some of its documents (policiesInUse).
func readListed[T any, PT interface {
	*T
	listedDoc
}](tx docstore.Tx, collection, index, account, prefix, after string, limit int, keep func(PT) bool) ([]T, []string, error) {
	var items []T
	var ids []string
	take := func(id string, v *T) error {
		if !strings.HasPrefix(PT(v).listedPath(), prefix) || (keep != nil && !keep(PT(v))) {
			return nil
		}
		items, ids = append(items, *v), append(ids, id)
		if len(items) == limit {
			return docstore.ErrStop
		}
		return nil
	}
	read := func(id, docID string) error {
		var v T
		err := tx.Get(docstore.Key{Collection: collection, Account: account, ID: docID}, &v)
		if errors.Is(err, docstore.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		return take(id, &v)
	}
	var err error
	switch {
	case prefix == "/" && index != collection:
		err = tx.List(index, account, "", after, func(id string, _ []byte) error { return read(id, id) })
	case prefix == "/":
		err = tx.List(collection, account, "", after, func(id string, raw []byte) error {
			var v T
			if err := json.Unmarshal(raw, &v); err != nil {
				return err
			}
			return take(id, &v)
		})
	default:
		err = tx.List(index+pathIndexSuffix, account, prefix, after, func(id string, _ []byte) error {
			return read(id, nameOfPathIndexID(id))
		})
	}
	if err != nil {
		return nil, nil, err
	}
	return items, ids, nil
}
