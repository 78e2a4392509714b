package iam

import (
	"encoding/base64"
	"fmt"
	"strconv"

	"github.com/iamd-dev/iamd/internal/awserr"
)

// Page asks for one page of a List call.
type Page struct {
	Marker   string // from the previous page's NextMarker; "" for the first page
	MaxItems int    // 0 for AWS's default of 100
}

// PageOf is one page of results.
type PageOf[T any] struct {
	Items       []T
	IsTruncated bool
	Marker      string // the Marker for the next page when truncated
}

// Bounds of MaxItems (maxItemsType), the same for every List call.
const (
	defaultMaxItems = 100
	maxMaxItems     = 1000
)

// maxItems returns the page's size, validating MaxItems.
func (p Page) maxItems() (int, error) {
	n := p.MaxItems
	if n == 0 {
		n = defaultMaxItems
	}
	if n < 1 || n > maxMaxItems {
		return 0, constraint(strconv.Itoa(n), "maxItems", fmt.Sprintf("Member must have value between 1 and %d", maxMaxItems))
	}
	return n, nil
}

// check validates MaxItems, for the List calls that look an entity up first: a parameter
// out of bounds is refused before the entity is read, as AWS validates every parameter
// before it acts.
func (p Page) check() error {
	_, err := p.maxItems()
	return err
}

// paginate cuts items (already in order, each with its sort id) into the requested page. It
// serves the lists of what one entity holds, which are small; the lists of an account's
// users, groups, roles, policies and instance profiles read only their page from the store
// instead (pageListed, list_index.go).
func paginate[T any](items []T, idOf func(T) string, p Page) (PageOf[T], error) {
	max, err := p.maxItems()
	if err != nil {
		return PageOf[T]{}, err
	}
	start := 0
	if p.Marker != "" {
		after, err := base64.RawURLEncoding.DecodeString(p.Marker)
		if err != nil {
			return PageOf[T]{}, awserr.InvalidInput("Invalid Marker.")
		}
		for start < len(items) && idOf(items[start]) <= string(after) {
			start++
		}
	}
	end := min(start+max, len(items))
	out := PageOf[T]{Items: items[start:end]}
	if end < len(items) {
		out.IsTruncated = true
		out.Marker = base64.RawURLEncoding.EncodeToString([]byte(idOf(items[end-1])))
	}
	return out, nil
}

// paginateInOrder pages items kept in no particular order (tags, in the order they were
// added) by their position.
func paginateInOrder[T any](items []T, p Page) (PageOf[T], error) {
	type indexed struct {
		i    int
		item T
	}
	all := make([]indexed, len(items))
	for i, it := range items {
		all[i] = indexed{i, it}
	}
	page, err := paginate(all, func(x indexed) string { return fmt.Sprintf("%08d", x.i) }, p)
	if err != nil {
		return PageOf[T]{}, err
	}
	out := PageOf[T]{IsTruncated: page.IsTruncated, Marker: page.Marker, Items: make([]T, len(page.Items))}
	for i, x := range page.Items {
		out.Items[i] = x.item
	}
	return out, nil
}
