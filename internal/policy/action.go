package policy

import "strings"

// actionMatcher matches a request's action against an Action or NotAction element.
// Actions compare case-insensitively; * and ? are wildcards.
type actionMatcher struct {
	negated bool                // NotAction
	all     bool                // "*" is among the values
	exact   map[string]struct{} // lower-cased actions without wildcards
	globs   []pattern           // lower-cased actions with wildcards
}

func compileActions(values []string, negated bool) actionMatcher {
	m := actionMatcher{negated: negated}
	for _, v := range values {
		lv := strings.ToLower(v)
		switch {
		case lv == "*":
			m.all = true
		case strings.ContainsAny(lv, "*?"):
			m.globs = append(m.globs, compilePattern(lv, patternOptions{wildcards: true}))
		default:
			if m.exact == nil {
				m.exact = make(map[string]struct{}, len(values))
			}
			m.exact[lv] = struct{}{}
		}
	}
	return m
}

// matches takes the request's lower-cased action.
func (m *actionMatcher) matches(lowerAction string) bool {
	return m.contains(lowerAction) != m.negated
}

func (m *actionMatcher) contains(a string) bool {
	if m.all {
		return true
	}
	if _, ok := m.exact[a]; ok {
		return true
	}
	for i := range m.globs {
		if matchTokens(m.globs[i].toks, a, nil, false) {
			return true
		}
	}
	return false
}
