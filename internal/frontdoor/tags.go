package frontdoor

import (
	"net/url"
	"sort"
	"strings"

	"github.com/iamd-dev/iamd/internal/opmodel"
)

// isTagMember reports whether an input member holds tags the request sets: Tags as a list of
// {Key, Value} or a map, EC2's TagSpecifications (each with its Tags).
func isTagMember(m opmodel.Member) bool {
	if m.Type != "list" && m.Type != "map" {
		return false
	}
	switch strings.ToLower(m.Name) {
	case "tags", "tagspecifications", "taglist", "tagslist":
		return true
	}
	return false
}

// isTagKeysMember reports whether an input member lists the keys of tags the request
// removes (UntagResource's TagKeys).
func isTagKeysMember(m opmodel.Member) bool {
	if m.Type != "list" {
		return false
	}
	switch strings.ToLower(m.Name) {
	case "tagkeys", "tagkeylist":
		return true
	}
	return false
}

// formTags reads the tags below a form member: Tags.member.N.Key/Value (query), Tag.N.Key/
// Value (ec2, and SQS, whose member is tags on the wire as Tag), TagSpecification.N.Tag.M.
// Key/Value.
func formTags(form url.Values, name string) map[string]string {
	var tags map[string]string
	names := []string{name}
	if singular, ok := strings.CutSuffix(name, "s"); ok {
		names = append(names, singular)
	}
	for _, n := range names {
		for _, g := range formGroups(form, n) {
			if key, value, ok := pairOf(g); ok {
				tags = mergeTags(tags, map[string]string{key: value})
			}
		}
	}
	return tags
}

// pairOf is the tag a group of fields spells, {Key, Value} in any case.
func pairOf(fields map[string]string) (key, value string, ok bool) {
	for f, v := range fields {
		switch {
		case strings.EqualFold(f, "key"):
			key, ok = v, true
		case strings.EqualFold(f, "value"):
			value = v
		}
	}
	return key, value, ok
}

// jsonTags reads the tags of a JSON member: an object of string values (a map), or a list
// of {Key, Value} objects, or of objects that hold such a list (TagSpecifications).
func jsonTags(v any) map[string]string {
	var tags map[string]string
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok {
				tags = mergeTags(tags, map[string]string{k: s})
			}
		}
	case []any:
		for _, x := range v {
			obj, ok := x.(map[string]any)
			if !ok {
				continue
			}
			fields := map[string]string{}
			for k, f := range obj {
				if s, ok := f.(string); ok {
					fields[k] = s
				} else if strings.EqualFold(k, "tags") {
					tags = mergeTags(tags, jsonTags(f))
				}
			}
			if key, value, ok := pairOf(fields); ok {
				tags = mergeTags(tags, map[string]string{key: value})
			}
		}
	}
	return tags
}

// mergeTags adds b's tags to a (made when nil).
func mergeTags(a, b map[string]string) map[string]string {
	if len(b) == 0 {
		return a
	}
	if a == nil {
		a = map[string]string{}
	}
	for k, v := range b {
		a[k] = v
	}
	return a
}

// tagKeys is the sorted set of the tags' keys and the keys listed.
func tagKeys(tags map[string]string, listed []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, k := range listed {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	for k := range tags {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}
