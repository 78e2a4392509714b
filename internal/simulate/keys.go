package simulate

import (
	"strings"

	"github.com/iamd-dev/iamd/internal/policy"
)

// contextKeys lists, in document order and once each (names compare case-insensitively),
// the context keys the policies read: policy variables in Resource and NotResource, and for
// each condition its key and the variables in its values. This is what
// GetContextKeysFor*Policy return; the simulator reports those of them it lacks.
func contextKeys(policies []*policy.Policy) []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range policies {
		for _, st := range p.Statements {
			for _, k := range statementKeys(p, st) {
				if lk := strings.ToLower(k); !seen[lk] {
					seen[lk] = true
					out = append(out, k)
				}
			}
		}
	}
	return out
}

// statementKeys lists the keys one statement reads, in document order, with repeats.
func statementKeys(p *policy.Policy, st *policy.Statement) []string {
	out := resourceVariables(p, st)
	for _, c := range st.Conditions {
		out = append(out, c.Key)
		if p.Version == policy.Version2012 {
			for _, v := range c.Values {
				out = appendVariables(out, v)
			}
		}
	}
	return out
}

// resourceVariables lists the variables in a statement's Resource or NotResource (a
// policy of the 2012-10-17 language only has variables).
func resourceVariables(p *policy.Policy, st *policy.Statement) []string {
	if p.Version != policy.Version2012 {
		return nil
	}
	var out []string
	for _, r := range st.Resource {
		out = appendVariables(out, r)
	}
	for _, r := range st.NotResource {
		out = appendVariables(out, r)
	}
	return out
}

// appendVariables adds the keys of the ${key} and ${key, 'default'} variables in s; ${*},
// ${?} and ${$} are escapes, not variables.
func appendVariables(out []string, s string) []string {
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			return out
		}
		end := strings.IndexByte(s[i+2:], '}')
		if end < 0 {
			return out
		}
		body := s[i+2 : i+2+end]
		s = s[i+3+end:]
		switch body {
		case "*", "?", "$":
			continue
		}
		if comma := strings.IndexByte(body, ','); comma >= 0 {
			body = body[:comma]
		}
		if key := strings.TrimSpace(body); key != "" {
			out = append(out, key)
		}
	}
}
