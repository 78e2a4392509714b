package policy

import (
	"strings"

	"github.com/iamd-dev/iamd/internal/arn"
)

// A request's resource can itself be a pattern when a simulation asks about "*" or
// "arn:aws:s3:::bucket/*" rather than one resource. Then a Resource element applies when
// an Allow may apply to some of the resources the request names, and a Deny only when it
// applies to all of them: an answer of "allowed" then means "allowed for some resources,
// denied for none as a whole". Real requests never take this path.

// globItem is one character of a pattern: a rune, or a wildcard.
type globItem struct {
	r    rune
	star bool
	any  bool // ?
}

// globItems spells a pattern's tokens out as items, resolving variables; false when a
// variable has no value.
func globItems(toks []token, ctx *Context) ([]globItem, bool) {
	var out []globItem
	for i := range toks {
		t := &toks[i]
		switch t.kind {
		case tokStar:
			out = append(out, globItem{star: true})
		case tokQuestion:
			out = append(out, globItem{any: true})
		case tokLiteral:
			for _, r := range t.text {
				out = append(out, globItem{r: r})
			}
		case tokVariable:
			v, ok := t.resolve(ctx)
			if !ok {
				return nil, false
			}
			for _, r := range v {
				out = append(out, globItem{r: r})
			}
		}
	}
	return out, true
}

// intersects reports whether two glob patterns match at least one common string.
func intersects(a, b []globItem) bool {
	seen := make([]bool, (len(a)+1)*(len(b)+1))
	var walk func(i, j int) bool
	walk = func(i, j int) bool {
		k := i*(len(b)+1) + j
		if seen[k] {
			return false // explored already without success
		}
		seen[k] = true
		switch {
		case i == len(a) && j == len(b):
			return true
		case i < len(a) && a[i].star:
			return walk(i+1, j) || (j < len(b) && walk(i, j+1))
		case j < len(b) && b[j].star:
			return walk(i, j+1) || (i < len(a) && walk(i+1, j))
		case i == len(a) || j == len(b):
			return false
		case a[i].any || b[j].any || a[i].r == b[j].r:
			return walk(i+1, j+1)
		}
		return false
	}
	return walk(0, 0)
}

// intersectsRequest reports whether the pattern can name a resource the request's pattern
// names, part by part for ARNs.
func (r *resourcePattern) intersectsRequest(req *Request) bool {
	if r.all {
		return true
	}
	if req.Resource == "*" {
		// "*" stands for the action's resources: those of the action's service.
		if !r.isARN {
			return true
		}
		svc, ok := globItems(r.parts[2].toks, &req.Context)
		return ok && intersects(svc, literalItems(req.service()))
	}
	if !r.isARN || !req.resourceIsARN {
		mine, ok := globItems(r.whole.toks, &req.Context)
		return ok && intersects(mine, requestItems(req.Resource))
	}
	for i := range r.parts {
		mine, ok := globItems(r.parts[i].toks, &req.Context)
		if !ok || !intersects(mine, requestItems(arn.Part(req.Resource, req.resourceParts, i))) {
			return false
		}
	}
	return true
}

// coversRequest reports whether every resource the request's pattern names matches r.
// It is exact for "*" and for patterns that match the request's text as written.
func (r *resourcePattern) coversRequest(req *Request) bool {
	return r.all || (req.Resource != "*" && r.match(req.Resource, req.resourceParts, req.resourceIsARN, &req.Context))
}

func requestItems(s string) []globItem {
	out := make([]globItem, 0, len(s))
	for _, c := range s {
		switch c {
		case '*':
			out = append(out, globItem{star: true})
		case '?':
			out = append(out, globItem{any: true})
		default:
			out = append(out, globItem{r: c})
		}
	}
	return out
}

func literalItems(s string) []globItem {
	out := make([]globItem, 0, len(s))
	for _, c := range s {
		out = append(out, globItem{r: c})
	}
	return out
}

// hasWildcard reports whether a request's resource is a pattern.
func hasWildcard(s string) bool { return strings.ContainsAny(s, "*?") }
