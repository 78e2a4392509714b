package catalog

import "strings"

// Expand returns the actions an Action element's value stands for, in service then action
// name order: "*" is every action, "s3:Get*" every action of s3 whose name starts with Get.
// Wildcards (* and ?) may appear in the service prefix and the action name; matching folds
// case, as AWS does. A value without a colon (other than "*") matches nothing.
func (c *Catalog) Expand(pattern string) []*Action {
	var prefix, name string
	if pattern == "*" {
		prefix, name = "*", "*"
	} else {
		var ok bool
		if prefix, name, ok = strings.Cut(pattern, ":"); !ok {
			return nil
		}
	}
	prefix, name = strings.ToLower(prefix), strings.ToLower(name)
	var services []*Service
	if !strings.ContainsAny(prefix, "*?") {
		if s := c.byPrefix[prefix]; s != nil {
			services = []*Service{s}
		}
	} else {
		for _, s := range c.Services {
			if globMatch(prefix, strings.ToLower(s.Prefix)) {
				services = append(services, s)
			}
		}
	}
	var out []*Action
	for _, s := range services {
		if !strings.ContainsAny(name, "*?") {
			if a := s.Action(name); a != nil {
				out = append(out, a)
			}
			continue
		}
		for _, a := range s.Actions {
			if name == "*" || globMatch(name, strings.ToLower(a.Name)) {
				out = append(out, a)
			}
		}
	}
	return out
}

// Matches reports whether an Action element's value covers the action.
func (a *Action) Matches(pattern string) bool {
	if pattern == "*" {
		return true
	}
	prefix, name, ok := strings.Cut(strings.ToLower(pattern), ":")
	return ok && globMatch(prefix, strings.ToLower(a.Service.Prefix)) && globMatch(name, strings.ToLower(a.Name))
}

// globMatch matches s against a pattern where * is any run of characters and ? one
// character, without allocating (the classic greedy algorithm with one backtrack point).
func globMatch(pattern, s string) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}
