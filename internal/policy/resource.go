package policy

import (
	"strings"

	"github.com/iamd-dev/iamd/internal/arn"
)

// resourcePattern is one value of a Resource or NotResource element, or of an Arn*
// condition. ARN values are matched part by part, as AWS does: a wildcard never crosses the
// colons between partition, service, region, account and resource, but crosses anything
// (slashes, colons) inside the resource part.
type resourcePattern struct {
	all   bool       // "*"
	parts [6]pattern // "arn", partition, service, region, account, resource
	whole pattern    // a value without six parts: matched as a whole
	isARN bool
	// head is "arn:PARTITION:SERVICE:REGION:ACCOUNT:" when those parts are plain text, so
	// that they compare as one string.
	head string
}

func compileResource(v string, variables bool) resourcePattern {
	if v == "*" {
		return resourcePattern{all: true}
	}
	opts := patternOptions{wildcards: true, variables: variables}
	r := resourcePattern{whole: compilePattern(v, opts)}
	parts, ok := splitTokens(r.whole.toks)
	if !ok {
		return r
	}
	r.isARN = true
	head, plain := "", true
	for i, toks := range parts {
		r.parts[i] = pattern{toks: toks}
		r.parts[i].classify()
		if i < 5 {
			plain = plain && r.parts[i].shape == shapeExact
			head += r.parts[i].lit + ":"
		}
	}
	if plain {
		r.head = head
	}
	return r
}

// splitTokens splits a token list at the first five colons of its literal text (colons inside
// variables, such as ${aws:username}, do not count).
func splitTokens(toks []token) (parts [6][]token, ok bool) {
	n := 0
	for _, t := range toks {
		if t.kind != tokLiteral || n == 5 {
			parts[n] = append(parts[n], t)
			continue
		}
		text := t.text
		for n < 5 {
			i := strings.IndexByte(text, ':')
			if i < 0 {
				break
			}
			if i > 0 {
				parts[n] = append(parts[n], token{kind: tokLiteral, text: text[:i]})
			}
			text = text[i+1:]
			n++
		}
		if text != "" {
			parts[n] = append(parts[n], token{kind: tokLiteral, text: text})
		}
	}
	return parts, n == 5
}

// splitResource finds the parts of a request's resource ARN.
func splitResource(s string) ([6]int, bool) { return arn.Split(s) }

// match reports whether the resource s (with part offsets from splitResource) matches.
func (r *resourcePattern) match(s string, start [6]int, isARN bool, ctx *Context) bool {
	if r.all {
		return true
	}
	if !r.isARN || !isARN {
		return r.whole.match(s, ctx, false)
	}
	if r.head != "" {
		return s[:start[5]] == r.head && r.parts[5].match(s[start[5]:], ctx, false)
	}
	for i := range r.parts {
		if !r.parts[i].match(arn.Part(s, start, i), ctx, false) {
			return false
		}
	}
	return true
}

// resourcesMatch applies a statement's Resource or NotResource element.
func (st *Statement) resourcesMatch(req *Request) bool {
	if st.Resource == nil && st.NotResource == nil {
		return true // trust policies name no resource: the role is the resource
	}
	hit := false
	for i := range st.resources {
		r := &st.resources[i]
		switch {
		case !req.resourceWildcard:
			hit = r.match(req.Resource, req.resourceParts, req.resourceIsARN, &req.Context)
		case (st.Effect == Allow) == (st.NotResource == nil):
			// An Allow applies where it may overlap the request; a NotResource of a Deny
			// spares the request only where it may overlap it.
			hit = r.intersectsRequest(req)
		default:
			// A Deny applies only to a request wholly inside it; a NotResource of an Allow
			// leaves out only a request wholly inside it.
			hit = r.coversRequest(req)
		}
		if hit {
			break
		}
	}
	if st.NotResource != nil {
		return !hit
	}
	return hit
}
