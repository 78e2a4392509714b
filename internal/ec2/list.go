package ec2

import (
	"slices"
	"strings"

	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/pagecursor"
)

// The EC2 lists (DescribeInstances, DescribeIamInstanceProfileAssociations) read their page
// from the store after the NextToken's cursor, an id: the instances of a region in instance
// id order, the associations from their index (list_index.go) in association id order. A
// filter on ids without wildcards reads those ids by key instead.

// instanceCursor is the instance id a DescribeInstances NextToken carries ("" for none).
func instanceCursor(token string) (string, error) {
	if token == "" {
		return "", nil
	}
	id, ok := pagecursor.Decode(token)
	if !ok || !ValidInstanceID(id) {
		return "", invalidNextToken()
	}
	return id, nil
}

// regionCursor is the store cursor of an id within a region's documents.
func regionCursor(region, id string) string {
	if id == "" {
		return ""
	}
	return region + "/" + id
}

// keyedValues returns the values of the filters named name when every one of them is a
// literal (no wildcard): the ids to read by key, sorted and deduplicated; nil when no such
// filter is given or one has a wildcard. Several filters of the name each must match: the
// ids are those all of them name.
func keyedValues(filters []Filter, name string) []string {
	var ids []string
	seen := 0
	for _, f := range filters {
		if f.Name != name {
			continue
		}
		for _, v := range f.Values {
			if strings.ContainsAny(v, "*?") {
				return nil
			}
		}
		if seen == 0 {
			ids = slices.Clone(f.Values)
		} else {
			ids = slices.DeleteFunc(ids, func(id string) bool { return !slices.Contains(f.Values, id) })
		}
		seen++
	}
	if seen == 0 {
		return nil
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if ids == nil {
		ids = []string{} // filters that no id passes: nothing to read
	}
	return ids
}

// instanceWalk walks a region's instance documents in id order: all of them, or, when ids
// is not nil, those with the ids (read by key; the missing ones skipped).
func (s *Service) instanceWalk(tx docstore.Tx, account, region string, ids []string) pagecursor.Walk {
	if ids == nil {
		return func(after string, fn func(id string, raw []byte) error) error {
			return tx.List(colInstance, account, region+"/", after, fn)
		}
	}
	return keyWalk(tx, colInstance, account, region, ids)
}

// keyWalk walks the documents of the ids (sorted) of a region's collection, by key.
func keyWalk(tx docstore.Tx, collection, account, region string, ids []string) pagecursor.Walk {
	return func(after string, fn func(id string, raw []byte) error) error {
		for _, id := range ids {
			key := region + "/" + id
			if key <= after {
				continue
			}
			var raw rawDoc
			err := tx.Get(docstore.Key{Collection: collection, Account: account, ID: key}, &raw)
			if isNotFound(err) {
				continue
			}
			if err == nil {
				err = fn(key, raw)
			}
			if pagecursor.IsStop(err) {
				return nil
			}
			if err != nil {
				return err
			}
		}
		return nil
	}
}

// rawDoc keeps a document's JSON as read.
type rawDoc []byte

// UnmarshalJSON keeps the JSON.
func (r *rawDoc) UnmarshalJSON(b []byte) error {
	*r = append((*r)[:0], b...)
	return nil
}
