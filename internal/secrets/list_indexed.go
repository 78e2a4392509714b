package secrets

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/pagecursor"
)

// listOrder is one order ListSecrets reads from an index (list_index.go).
type listOrder struct {
	tag        string // begins its NextTokens, so that a token is refused in another order
	collection string // the index; colSecret for ascending names
	prefix     string // the ids of the region's entries (and of a name prefix) begin so
}

// orderOf is the index and key prefix that serve a ListSecrets call: creation date (the
// default) or name, ascending or descending. A single name filter value (a prefix, not
// negated) under name order is a key prefix of the index.
func orderOf(in ListInput) listOrder {
	region := in.Region + "/"
	desc := in.SortOrder == "desc"
	if in.SortBy != "name" {
		if desc {
			return listOrder{"cd", colByCreatedDesc, region}
		}
		return listOrder{"ca", colByCreated, region}
	}
	name := keyedNamePrefix(in.Filters)
	if desc {
		return listOrder{"nd", colByNameDesc, region + pagecursor.ReversePrefix(pagecursor.Key(name))}
	}
	return listOrder{"na", colSecret, region + name}
}

// keyedNamePrefix is the name prefix every listed secret must begin with, when the filters
// say so plainly (one "name" filter of one value, not negated); "" otherwise.
func keyedNamePrefix(fs []Filter) string {
	prefix := ""
	for _, f := range fs {
		if f.Key == "name" && len(f.Values) == 1 && !strings.HasPrefix(f.Values[0], "!") {
			prefix = f.Values[0]
		}
	}
	return prefix
}

// nameFilters are the filters that read the name alone: an index entry, which holds the
// name, is checked against them before its secret is read.
func nameFilters(fs []Filter) []Filter {
	var out []Filter
	for _, f := range fs {
		if f.Key == "name" {
			out = append(out, f)
		}
	}
	return out
}

// listIndexed reads one page from the index of the call's order, after the NextToken's
// cursor: each entry's secret is read and checked (list_index.go's listable) until the page
// and one more are found. Filters that no key serves are checked on the way, so that such a
// list reads until its page is filled (and, for a filter that few secrets pass, up to the
// whole region: docs/SCALE.md).
func (s *Service) listIndexed(ctx context.Context, in ListInput, max int) ([]*Secret, string, error) {
	order := orderOf(in)
	after := ""
	if in.NextToken != "" {
		cursor, ok := pagecursor.Decode(in.NextToken)
		tag, id, _ := strings.Cut(cursor, "|")
		if !ok || tag != order.tag || !strings.HasPrefix(id, in.Region+"/") {
			return nil, "", errInvalidNextToken()
		}
		after = id
	}
	byName := nameFilters(in.Filters)
	var out []*Secret
	var next string
	err := s.store.View(ctx, func(tx docstore.Tx) error {
		now := s.clock()
		read := 0 // secrets read through the index
		walk := func(after string, fn func(id string, raw []byte) error) error {
			return tx.List(order.collection, in.Account, order.prefix, after, fn)
		}
		take := func(_ string, raw []byte) (*Secret, bool, error) {
			if order.collection == colSecret {
				return listable(tx, raw, in, now)
			}
			var name string
			if err := json.Unmarshal(raw, &name); err != nil {
				return nil, false, err
			}
			if len(byName) > 0 && !matchesAll(&Secret{Name: name}, byName) {
				return nil, false, nil
			}
			if read++; read > sparseAfter && len(in.Filters) > 0 {
				return nil, false, errSparse
			}
			var doc json.RawMessage
			if err := tx.Get(secretKey(in.Account, in.Region, name), &doc); isNotFound(err) {
				return nil, false, nil
			} else if err != nil {
				return nil, false, err
			}
			return listable(tx, doc, in, now)
		}
		var err error
		out, next, err = pagecursor.Collect(walk, after, max, take)
		if errors.Is(err, errSparse) {
			out, next, err = scanSorted(tx, in, order, after, max, now)
		}
		return err
	})
	if err != nil {
		return nil, "", err
	}
	if next != "" {
		next = pagecursor.Encode(order.tag + "|" + next)
	}
	return out, next, nil
}

// sparseAfter is how many secrets a filtered list reads through its index, one document
// read each, before it reads the region's secrets in one pass instead (scanSorted): a filter
// that few secrets pass would otherwise cost a read per secret.
var sparseAfter = 2000 // a variable for the tests

// errSparse ends an index walk that has read sparseAfter secrets.
var errSparse = errors.New("secrets: a sparse filter")

// scanSorted serves a page of a filtered list in an index's order by one pass over the
// region's secret documents (in name order, read in batches): it keeps those that pass and
// whose index entry is after the cursor, the least max+1 of them, and cuts the page. It costs
// the region, as every page did before the indexes, but only for a filter that few secrets
// pass.
func scanSorted(tx docstore.Tx, in ListInput, order listOrder, after string, max int, now time.Time) ([]*Secret, string, error) {
	type entry struct {
		id  string
		sec *Secret
	}
	var kept []entry
	trim := func() {
		slices.SortFunc(kept, func(a, b entry) int { return strings.Compare(a.id, b.id) })
		kept = kept[:min(len(kept), max+1)]
	}
	err := tx.List(colSecret, in.Account, in.Region+"/", "", func(_ string, raw []byte) error {
		sec, keep, err := listable(tx, raw, in, now)
		if err != nil || !keep {
			return err
		}
		if id := indexEntries(sec)[order.collection]; id > after {
			kept = append(kept, entry{id, sec})
			if len(kept) > 4*(max+1) {
				trim()
			}
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	trim()
	out := make([]*Secret, 0, min(len(kept), max))
	for _, e := range kept[:min(len(kept), max)] {
		out = append(out, e.sec)
	}
	next := ""
	if len(kept) > max {
		next = kept[max-1].id
	}
	return out, next, nil
}
