package opmodel

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// route is an operation's request URI, parsed for matching.
type route struct {
	op       *Operation
	segments []segment      // the path's, without a trailing empty one
	query    []queryLiteral // the request URI's query part
	literals int            // how many segments are literal
	required []Member       // required querystring and header members
}

// segment is a path segment of a request URI: a literal, a {Label} or a greedy {Label+}.
type segment struct {
	literal string
	label   string
	greedy  bool
}

// queryLiteral is a key of a request URI's query part, with the value it must have when set.
type queryLiteral struct {
	key, value string
	hasValue   bool
}

// parseRoutes parses the service's operations' request URIs.
func (s *Service) parseRoutes() error {
	for _, op := range s.Operations {
		r := &route{op: op}
		path, query, _ := strings.Cut(op.RequestURI, "?")
		if !strings.HasPrefix(path, "/") {
			return fmt.Errorf("%s: request URI %q does not start with /", op.Name, op.RequestURI)
		}
		for _, part := range splitPath(path) {
			seg := segment{literal: part}
			if strings.HasPrefix(part, "{") && strings.HasSuffix(part, "}") {
				seg = segment{label: strings.TrimSuffix(part[1:len(part)-1], "+"), greedy: strings.HasSuffix(part, "+}")}
			} else if strings.ContainsAny(part, "{}") {
				return fmt.Errorf("%s: request URI %q has a label inside a segment", op.Name, op.RequestURI)
			} else {
				r.literals++
			}
			r.segments = append(r.segments, seg)
		}
		if n := len(r.segments); n > 0 && r.segments[n-1] == (segment{}) {
			r.segments = r.segments[:n-1]
		}
		for _, kv := range strings.Split(query, "&") {
			if kv != "" {
				k, v, hasValue := strings.Cut(kv, "=")
				r.query = append(r.query, queryLiteral{k, v, hasValue})
			}
		}
		for _, m := range op.Input {
			if m.Required && (m.Location == "querystring" || m.Location == "header") {
				r.required = append(r.required, m)
			}
		}
		s.routes = append(s.routes, r)
	}
	return nil
}

// splitPath is a path's segments between slashes, none for "/".
func splitPath(path string) []string {
	if path = strings.TrimPrefix(path, "/"); path == "" {
		return nil
	}
	return strings.Split(path, "/")
}

// MatchREST is the operation of a REST service (rest-json, rest-xml) that a request with
// this method, path (as sent, escaped: r.URL.EscapedPath()) and query calls, and the values
// of its request URI's labels by label name, unescaped. It is MatchRESTRequest without
// headers: an operation told apart by a required header (CopyObject) needs that.
func (s *Service) MatchREST(method, path string, query url.Values) (*Operation, map[string]string) {
	return s.MatchRESTRequest(method, path, query, nil)
}

// MatchRESTRequest is the operation whose method and request URI match the request's:
// literal segments, {Label} (one non-empty segment), greedy {Label+} (one or more segments,
// slashes kept) and the request URI's query part ("?uploads", "?list-type=2"), which must be
// present in query. A trailing slash the request URI lacks is ignored ("/bucket/" is the
// bucket). Of several matches the most specific wins: more literal query keys, then more
// literal segments, then fewer of its required query and header members missing, then more
// of them present (PUT /b/k is PutObject; with an x-amz-copy-source header, CopyObject; with
// ?partNumber=1&uploadId=x, UploadPart), then one not deprecated. The labels are by label
// name (a uri member's WireName), unescaped. nil when none matches.
func (s *Service) MatchRESTRequest(method, path string, query url.Values, header http.Header) (*Operation, map[string]string) {
	var best *route
	var bestLabels map[string]string
	var bestScore score
	for _, r := range s.routes {
		if r.op.Method != method || !r.queryMatches(query) {
			continue
		}
		labels, ok := r.matchPath(path)
		if !ok {
			continue
		}
		if sc := r.score(query, header); best == nil || sc.beats(bestScore) {
			best, bestLabels, bestScore = r, labels, sc
		}
	}
	if best == nil {
		return nil, nil
	}
	return best.op, bestLabels
}

// queryMatches reports whether the request's query has every key of the request URI's
// query part, with its value where it sets one.
func (r *route) queryMatches(query url.Values) bool {
	for _, q := range r.query {
		values, ok := query[q.key]
		if !ok || (q.hasValue && !contains(values, q.value)) {
			return false
		}
	}
	return true
}

func contains(values []string, v string) bool {
	for _, x := range values {
		if x == v {
			return true
		}
	}
	return false
}

// matchPath matches an escaped request path against the route's segments, first as it is,
// then without its trailing slash.
func (r *route) matchPath(path string) (map[string]string, bool) {
	parts := splitPath(path)
	labels := map[string]string{}
	if matchSegments(r.segments, parts, labels) {
		return labels, true
	}
	if n := len(parts); n > 0 && parts[n-1] == "" {
		clear(labels)
		if matchSegments(r.segments, parts[:n-1], labels) {
			return labels, true
		}
	}
	return nil, false
}

// matchSegments matches escaped path parts against segments, setting labels; a greedy label
// takes as many parts as leave the rest matching, the most first.
func matchSegments(segs []segment, parts []string, labels map[string]string) bool {
	if len(segs) == 0 {
		return len(parts) == 0
	}
	if len(parts) == 0 {
		return false
	}
	seg := segs[0]
	if !seg.greedy {
		value, err := url.PathUnescape(parts[0])
		switch {
		case err != nil, seg.label == "" && value != seg.literal, seg.label != "" && value == "":
			return false
		}
		if seg.label != "" {
			labels[seg.label] = value
		}
		return matchSegments(segs[1:], parts[1:], labels)
	}
	for n := len(parts) - len(segs) + 1; n >= 1; n-- {
		value, err := url.PathUnescape(strings.Join(parts[:n], "/"))
		if err != nil || value == "" {
			continue
		}
		if matchSegments(segs[1:], parts[n:], labels) {
			labels[seg.label] = value
			return true
		}
	}
	return false
}

// score is how specifically a matching route fits a request.
type score struct {
	queryLiterals, pathLiterals, missing, present int
	deprecated                                    bool
}

func (r *route) score(query url.Values, header http.Header) score {
	sc := score{queryLiterals: len(r.query), pathLiterals: r.literals, deprecated: r.op.Deprecated}
	for _, m := range r.required {
		var ok bool
		if m.Location == "header" {
			ok = header.Get(m.WireName()) != ""
		} else {
			_, ok = query[m.WireName()]
		}
		if ok {
			sc.present++
		} else {
			sc.missing++
		}
	}
	return sc
}

// beats reports whether a is more specific than b.
func (a score) beats(b score) bool {
	switch {
	case a.queryLiterals != b.queryLiterals:
		return a.queryLiterals > b.queryLiterals
	case a.pathLiterals != b.pathLiterals:
		return a.pathLiterals > b.pathLiterals
	case a.missing != b.missing:
		return a.missing < b.missing
	case a.present != b.present:
		return a.present > b.present
	}
	return b.deprecated && !a.deprecated
}
