package iam

import (
	"encoding/base64"
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

// paginate cuts items (already in order, each with its sort id) into the requested page.
func paginate[T any](items []T, idOf func(T) string, p Page) (PageOf[T], error) {
	max := p.MaxItems
	if max == 0 {
		max = 100
	}
	if max < 1 || max > 1000 {
		return PageOf[T]{}, constraint(strconv.Itoa(max), "maxItems", "Member must have value between 1 and 1000")
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
