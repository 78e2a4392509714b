package policy

import (
	"slices"
	"strings"
)

// actionMatcher matches a request's action against an Action or NotAction element.
// Actions compare case-insensitively; * and ? are wildcards.
type actionMatcher struct {
	negated bool                // NotAction
	all     bool                // "*" is among the values
	exact   []string            // lower-cased actions without wildcards, when few
	exactM  map[string]struct{} // the same, when many
	globs   []pattern           // lower-cased actions with wildcards
	// services lists the service prefixes the values name, so that a request for another
	// service is turned away with a few comparisons; nil when a value's service has
	// wildcards.
	services []string
	anySvc   bool
}

func compileActions(values []string, negated bool) actionMatcher {
	m := actionMatcher{negated: negated}
	for _, v := range values {
		lv := strings.ToLower(v)
		svc, _, _ := strings.Cut(lv, ":")
		if strings.ContainsAny(svc, "*?") {
			m.anySvc = true
		} else if !slices.Contains(m.services, svc) {
			m.services = append(m.services, svc)
		}
		switch {
		case lv == "*":
			m.all = true
		case strings.ContainsAny(lv, "*?"):
			m.globs = append(m.globs, compilePattern(lv, patternOptions{wildcards: true}))
		default:
			m.exact = append(m.exact, lv)
		}
	}
	if len(m.exact) > maxLinearActions {
		m.exactM = make(map[string]struct{}, len(m.exact))
		for _, a := range m.exact {
			m.exactM[a] = struct{}{}
		}
		m.exact = nil
	}
	return m
}

// maxLinearActions is where a map lookup becomes cheaper than comparing each action.
const maxLinearActions = 8

// matches takes the request's lower-cased action and its service prefix.
func (m *actionMatcher) matches(lowerAction, service string) bool {
	if !m.anySvc && !slices.Contains(m.services, service) {
		return m.negated
	}
	return m.contains(lowerAction) != m.negated
}

func (m *actionMatcher) contains(a string) bool {
	if m.all {
		return true
	}
	if m.exactM != nil {
		if _, ok := m.exactM[a]; ok {
			return true
		}
	} else if slices.Contains(m.exact, a) {
		return true
	}
	for i := range m.globs {
		if matchTokens(m.globs[i].toks, a, nil, false) {
			return true
		}
	}
	return false
}

// actionIndex finds, by the request's service, the statements of a policy whose actions can
// match: most policies name many services, and a request concerns one.
type actionIndex struct {
	byService map[string][]*Statement // in document order
	other     []*Statement            // for services no statement names
}

func buildActionIndex(statements []*Statement) actionIndex {
	idx := actionIndex{byService: map[string][]*Statement{}}
	for _, st := range statements {
		for _, svc := range st.actions.services {
			idx.byService[svc] = nil
		}
	}
	for _, st := range statements {
		open := st.actions.anySvc || st.actions.negated
		for svc := range idx.byService {
			if open || slices.Contains(st.actions.services, svc) {
				idx.byService[svc] = append(idx.byService[svc], st)
			}
		}
		if open {
			idx.other = append(idx.other, st)
		}
	}
	return idx
}

// candidates returns the statements that may apply to an action of the service.
func (idx *actionIndex) candidates(service string) []*Statement {
	if sts, ok := idx.byService[service]; ok {
		return sts
	}
	return idx.other
}
