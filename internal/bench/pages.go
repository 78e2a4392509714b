package bench

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"net/url"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/iamd-dev/iamd/internal/awsclient"
)

// PageStats are the figures of an op that pages through a whole list, one request being
// one pass from the first page to the last: how the time of a page grows with its depth.
// A pass cut off by the run's deadline counts its pages but not itself.
type PageStats struct {
	Passes       int     `json:"passes"`       // complete passes
	PagesPerPass int     `json:"pagesPerPass"` // pages of the longest complete pass
	Pages        int     `json:"pages"`        // pages read, passes cut off included
	DeepestPage  int     `json:"deepestPage"`  // the highest page number reached (1-based)
	FirstPageMs  float64 `json:"firstPageP50Ms"`
	LastPageMs   float64 `json:"lastPageP50Ms"` // p50 of the deepest page reached
	PageP50Ms    float64 `json:"pageP50Ms"`     // p50 of every page
	// ByDepthMs is the p50 of the pages in each tenth of the depth reached, shallowest
	// first: flat when a page costs a page, rising when it costs the pages before it.
	ByDepthMs []float64 `json:"byDepthP50Ms"`
}

// pageRecorder collects the time of each page by its depth.
type pageRecorder struct {
	mu      sync.Mutex
	byDepth [][]time.Duration
	kept    int
	passes  int
	longest int
}

func (p *pageRecorder) page(depth int, d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for len(p.byDepth) <= depth {
		p.byDepth = append(p.byDepth, nil)
	}
	if p.kept < maxSamples {
		p.byDepth[depth] = append(p.byDepth[depth], d)
		p.kept++
	}
}

func (p *pageRecorder) pass(pages int) {
	p.mu.Lock()
	p.passes++
	p.longest = max(p.longest, pages)
	p.mu.Unlock()
}

func (p *pageRecorder) stats() PageStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := PageStats{Passes: p.passes, PagesPerPass: p.longest, DeepestPage: len(p.byDepth)}
	if len(p.byDepth) == 0 {
		return s
	}
	p50 := func(ds []time.Duration) float64 {
		ds = append([]time.Duration(nil), ds...)
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		return percentile(ds, 50)
	}
	var all []time.Duration
	for _, ds := range p.byDepth {
		all = append(all, ds...)
	}
	s.Pages = len(all)
	s.FirstPageMs, s.LastPageMs, s.PageP50Ms = p50(p.byDepth[0]), p50(p.byDepth[len(p.byDepth)-1]), p50(all)
	buckets := min(10, len(p.byDepth))
	for b := range buckets {
		var ds []time.Duration
		for _, d := range p.byDepth[b*len(p.byDepth)/buckets : (b+1)*len(p.byDepth)/buckets] {
			ds = append(ds, d...)
		}
		s.ByDepthMs = append(s.ByDepthMs, p50(ds))
	}
	return s
}

// Pages is an op whose every request pages through an IAM list (action, with params) from
// its first page to its last (IsTruncated false), maxItems at a time, with the Marker of
// each page; its Details are PageStats.
func Pages(c *awsclient.Client, action string, maxItems int, params url.Values) Op {
	rec := &pageRecorder{}
	run := func(ctx context.Context, _, _ int) error {
		marker := ""
		for depth := 0; ; depth++ {
			v := url.Values{"Action": {action}, "Version": {"2010-05-08"}, "MaxItems": {strconv.Itoa(maxItems)}}
			for k, vs := range params {
				v[k] = vs
			}
			if marker != "" {
				v.Set("Marker", marker)
			}
			t0 := time.Now()
			body, err := c.Query(ctx, "iam", v)
			if err != nil {
				return err
			}
			rec.page(depth, time.Since(t0))
			truncated, next, err := readPage(body)
			if err != nil {
				return err
			}
			if !truncated {
				rec.pass(depth + 1)
				return nil
			}
			if next == "" || next == marker {
				return errors.New("bench: " + action + " is truncated without a new Marker")
			}
			marker = next
		}
	}
	return Op{Run: run, Details: func() any { return rec.stats() }}
}

// readPage reads IsTruncated and Marker of a Query list response: the elements of that
// name right in its Result (<XResponse><XResult><IsTruncated>).
func readPage(body []byte) (truncated bool, marker string, err error) {
	d := xml.NewDecoder(bytes.NewReader(body))
	depth := 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return truncated, marker, nil
		}
		if err != nil {
			return false, "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 3 && (t.Name.Local == "IsTruncated" || t.Name.Local == "Marker") {
				var text string
				if err := d.DecodeElement(&text, &t); err != nil {
					return false, "", err
				}
				depth--
				if t.Name.Local == "IsTruncated" {
					truncated = text == "true"
				} else {
					marker = text
				}
			}
		case xml.EndElement:
			depth--
		}
	}
}
