package simulate

import (
	"encoding/base64"
	"strconv"

	"github.com/iamd-dev/iamd/internal/awserr"
)

// defaultMaxItems is how many results a page holds when MaxItems is not sent.
const defaultMaxItems = 100

// page is one page of results: the indexes [start, end) of actions × resources, and the
// marker of the next page ("" for the last).
type page struct {
	start, end int
	marker     string
}

// pageOf cuts n results into the page MaxItems and Marker ask for; a marker is the index
// of the next page's first result.
func pageOf(n int, maxItems, marker *string) (page, error) {
	max := defaultMaxItems
	if maxItems != nil {
		v, err := strconv.Atoi(*maxItems)
		if err != nil || v < 1 || v > 1000 {
			return page{}, awserr.ValidationError("1 validation error detected: Value '%s' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000", *maxItems)
		}
		max = v
	}
	start := 0
	if marker != nil && *marker != "" {
		raw, err := base64.RawURLEncoding.DecodeString(*marker)
		if err != nil {
			return page{}, awserr.InvalidInput("Invalid Marker.")
		}
		start, err = strconv.Atoi(string(raw))
		if err != nil || start < 0 || start > n {
			return page{}, awserr.InvalidInput("Invalid Marker.")
		}
	}
	p := page{start: start, end: min(start+max, n)}
	if p.end < n {
		p.marker = base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(p.end)))
	}
	return p, nil
}
