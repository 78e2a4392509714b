package catalog

import (
	"regexp"
	"strings"
)

// keySet finds condition keys by name, including keys with a variable part such as
// aws:RequestTag/${TagKey}, s3:ExistingObjectTag/<key> or aws:PrincipalTag/tag-key.
type keySet struct {
	exact    map[string]ConditionKey // lower-case name
	variable []variableKey
	patterns []keyPattern // the data's own regular expressions for such keys
}

type variableKey struct {
	prefix, suffix string // lower case, around the variable part
	key            ConditionKey
}

type keyPattern struct {
	re   *regexp.Regexp
	name string // the key it stands for
}

func (s *keySet) add(k ConditionKey) {
	if prefix, suffix, ok := splitVariable(k.Name); ok {
		s.variable = append(s.variable, variableKey{strings.ToLower(prefix), strings.ToLower(suffix), k})
		return
	}
	if s.exact == nil {
		s.exact = map[string]ConditionKey{}
	}
	s.exact[strings.ToLower(k.Name)] = k
}

// splitVariable finds the variable part of a key name: ${...}, <...>, or a final
// "/tag-key" as the global keys spell it.
func splitVariable(name string) (prefix, suffix string, ok bool) {
	if i := strings.Index(name, "${"); i >= 0 {
		if j := strings.IndexByte(name[i:], '}'); j > 0 {
			return name[:i], name[i+j+1:], true
		}
	}
	if i := strings.IndexByte(name, '<'); i >= 0 {
		if j := strings.IndexByte(name[i:], '>'); j > 0 {
			return name[:i], name[i+j+1:], true
		}
	}
	if strings.HasSuffix(name, "/tag-key") {
		return strings.TrimSuffix(name, "tag-key"), "", true
	}
	return "", "", false
}

func (s *keySet) find(name string) (ConditionKey, bool) {
	lower := strings.ToLower(name)
	if k, ok := s.exact[lower]; ok {
		return k, true
	}
	for _, v := range s.variable {
		if len(lower) > len(v.prefix)+len(v.suffix) && strings.HasPrefix(lower, v.prefix) && strings.HasSuffix(lower, v.suffix) {
			return v.key, true
		}
	}
	for _, p := range s.patterns {
		if p.re.MatchString(name) {
			if k, ok := s.exact[strings.ToLower(p.name)]; ok {
				return k, true
			}
			for _, v := range s.variable {
				if v.key.Name == p.name {
					return v.key, true
				}
			}
			return ConditionKey{Name: p.name, Type: "String"}, true
		}
	}
	return ConditionKey{}, false
}

// keyMatches reports whether a key as the catalog lists it (possibly with a variable part)
// is the key a policy names.
func keyMatches(listed, name string) bool {
	if prefix, suffix, ok := splitVariable(listed); ok {
		return len(name) > len(prefix)+len(suffix) &&
			strings.EqualFold(name[:len(prefix)], prefix) && strings.EqualFold(name[len(name)-len(suffix):], suffix)
	}
	return strings.EqualFold(listed, name)
}

// GlobalKey returns a global condition key by name (any case).
func (c *Catalog) GlobalKey(name string) (ConditionKey, bool) { return c.globals.find(name) }

// ConditionKey returns the service's condition key by name (any case).
func (s *Service) ConditionKey(name string) (ConditionKey, bool) { return s.keys.find(name) }

// Key returns a condition key by name, global or of the service its prefix names, with
// its type.
func (c *Catalog) Key(name string) (ConditionKey, bool) {
	if k, ok := c.globals.find(name); ok {
		return k, true
	}
	prefix, _, ok := strings.Cut(name, ":")
	if !ok {
		return ConditionKey{}, false
	}
	if s := c.Service(prefix); s != nil {
		if k, ok := s.keys.find(name); ok {
			return k, true
		}
	}
	return c.all.find(name)
}

// KeyApplies reports whether a condition key can be present in a request for the action:
// a global key, a key the action lists, or a key of one of its resource types.
func (c *Catalog) KeyApplies(a *Action, name string) bool {
	if _, ok := c.globals.find(name); ok {
		return true
	}
	for _, k := range a.ConditionKeys {
		if keyMatches(k, name) {
			return true
		}
	}
	for _, r := range a.Resources {
		for _, k := range r.ConditionKeys {
			if keyMatches(k, name) {
				return true
			}
		}
		if r.Type != nil {
			for _, k := range r.Type.ConditionKeys {
				if keyMatches(k, name) {
					return true
				}
			}
		}
	}
	return false
}
