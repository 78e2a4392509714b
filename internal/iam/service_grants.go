package iam

import (
	"encoding/json"
	"strings"

	"github.com/iamd-dev/iamd/internal/catalog"
)

// grants is what the Allow statements of permissions policies allow, as the last-accessed
// reports and ListPoliciesGrantingServiceAccess read them: the actions only (AWS: "It only
// applies permissions policy logic"; resources, conditions and Deny statements are not
// weighed, so a service is listed when any Allow statement covers any of its actions).
type grants []allowStatement

// allowStatement is one Allow statement's Action (or NotAction) patterns.
type allowStatement struct {
	not      bool
	patterns []string
}

// grantsOf reads the Allow statements of policy documents (already validated when stored).
func grantsOf(docs ...string) grants {
	var out grants
	for _, doc := range docs {
		var p struct {
			Statement json.RawMessage
		}
		if json.Unmarshal([]byte(doc), &p) != nil {
			continue
		}
		var statements []map[string]json.RawMessage
		if json.Unmarshal(p.Statement, &statements) != nil {
			var one map[string]json.RawMessage
			if json.Unmarshal(p.Statement, &one) != nil {
				continue
			}
			statements = []map[string]json.RawMessage{one}
		}
		for _, st := range statements {
			var effect string
			if json.Unmarshal(st["Effect"], &effect) != nil || effect != "Allow" {
				continue
			}
			if raw, ok := st["Action"]; ok {
				out = append(out, allowStatement{patterns: stringOrList(raw)})
			} else if raw, ok := st["NotAction"]; ok {
				out = append(out, allowStatement{not: true, patterns: stringOrList(raw)})
			}
		}
	}
	return out
}

func stringOrList(raw json.RawMessage) []string {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	var list []string
	_ = json.Unmarshal(raw, &list)
	return list
}

// allows reports whether any statement allows the action.
func (g grants) allows(a *catalog.Action) bool {
	for _, st := range g {
		matched := false
		for _, p := range st.patterns {
			if a.Matches(p) {
				matched = true
				break
			}
		}
		if matched != st.not {
			return true
		}
	}
	return false
}

// allowsService reports whether the statements allow any action of the service.
func (g grants) allowsService(s *catalog.Service) bool {
	if len(g) == 0 {
		return false
	}
	for _, a := range s.Actions {
		if g.allows(a) {
			return true
		}
	}
	return false
}

// services returns the services the statements allow an action of, in namespace order.
func (g grants) services() []*catalog.Service {
	var out []*catalog.Service
	if len(g) == 0 {
		return nil
	}
	for _, s := range catalog.Default().Services {
		if g.allowsService(s) {
			out = append(out, s)
		}
	}
	return out
}

// allowsActionName reports whether the statements allow the action of a service by name
// (an action the catalog does not know is allowed when a pattern names it).
func (g grants) allowsActionName(s *catalog.Service, name string) bool {
	if a := s.Action(name); a != nil {
		return g.allows(a)
	}
	full := strings.ToLower(s.Prefix + ":" + name)
	for _, st := range g {
		if st.not {
			continue
		}
		for _, p := range st.patterns {
			if strings.ToLower(p) == full {
				return true
			}
		}
	}
	return false
}
