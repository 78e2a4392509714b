package accessanalyzer

import (
	"strings"

	"github.com/iamd-dev/iamd/internal/catalog"
)

// actionsOf are the catalog's actions a statement's Action or NotAction element stands for.
func (s *sampler) actionsOf(st *stmt) []*catalog.Action {
	if !st.notAction {
		seen := map[*catalog.Action]bool{}
		var out []*catalog.Action
		for _, p := range st.actions {
			for _, a := range s.cat.Expand(p) {
				if !seen[a] {
					seen[a] = true
					out = append(out, a)
				}
			}
		}
		return out
	}
	var out []*catalog.Action
	for _, svc := range s.cat.Services {
		for _, a := range svc.Actions {
			excluded := false
			for _, p := range st.actions {
				if a.Matches(p) {
					excluded = true
					break
				}
			}
			if !excluded {
				out = append(out, a)
			}
		}
	}
	return out
}

// extraFor are the actions the documents name that the catalog lacks, which a statement's
// element stands for (matched as the engine does).
func (s *sampler) extraFor(st *stmt) []string {
	var out []string
	for _, a := range s.extra {
		if actionNamed(st, a) {
			out = append(out, a)
		}
	}
	return out
}

// actionNamed reports whether a statement's Action (or NotAction) element stands for an
// action, matching as IAM does: case folded, * and ? wildcards.
func actionNamed(st *stmt, action string) bool {
	return actionNamedLower(st, strings.ToLower(action))
}

// actionNamedLower is actionNamed of a lower-cased action.
func actionNamedLower(st *stmt, lower string) bool {
	hit := false
	for _, p := range st.lowerActions {
		if globLower(p, lower) {
			hit = true
			break
		}
	}
	return hit != st.notAction
}

// globFold matches an action pattern, case folded.
func globFold(pattern, s string) bool {
	return globLower(strings.ToLower(pattern), strings.ToLower(s))
}

// globLower matches a lower-case pattern against a lower-case string.
func globLower(p, t string) bool {
	if p == "*" {
		return true
	}
	// Iterative glob with backtracking on the last *.
	pi, ti, star, mark := 0, 0, -1, 0
	for ti < len(t) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == t[ti]):
			pi++
			ti++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, ti
			pi++
		case star >= 0:
			pi, mark = star+1, mark+1
			ti = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// actionInstances are actions an Action value stands for: itself, or for a pattern, its
// wildcards filled with a fresh word, and with nothing.
func actionInstances(a string, f fresh) []string {
	if !strings.ContainsAny(a, "*?") {
		return []string{a}
	}
	fill := func(run string) string {
		return strings.NewReplacer("*", run, "?", f.one).Replace(a)
	}
	var out []string
	for _, inst := range []string{fill(f.run), fill("")} {
		if svc, name, ok := strings.Cut(inst, ":"); ok && svc != "" && name != "" {
			out = append(out, inst)
		}
	}
	return out
}
