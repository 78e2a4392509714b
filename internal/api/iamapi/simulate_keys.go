package iamapi

import (
	"strings"

	"github.com/iamd-dev/iamd/internal/policy"
)

// contextKeys lists, in document order and once each (names compare case-insensitively),
// the context keys the policies read: policy variables in Resource and NotResource, and for
// each condition its key and the variables in its values. This is what
// GetContextKeysFor*Policy return and what the simulator reports as missing.
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
	variables := p.Version == policy.Version2012
	var out []string
	if variables {
		for _, r := range st.Resource {
			out = appendVariables(out, r)
		}
		for _, r := range st.NotResource {
			out = appendVariables(out, r)
		}
	}
	for _, c := range st.Conditions {
		out = append(out, c.Key)
		if variables {
			for _, v := range c.Values {
				out = appendVariables(out, v)
			}
		}
	}
	return out
}

// resourceVariables lists the variables in a statement's Resource or NotResource.
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

type contextKeysResult struct {
	ContextKeyNames xmlMembers `xml:"ContextKeyNames"`
}

func (c *call) contextKeysForPrincipalPolicy() (any, error) {
	sourceARN := c.q.Get("PolicySourceArn")
	if err := requiredLength(sourceARN, c.q.Has("PolicySourceArn"), "policySourceArn", 20, 2048); err != nil {
		return nil, err
	}
	src, err := c.api.iam.SimulationPolicies(c.ctx, c.account, sourceARN)
	if err != nil {
		return nil, err
	}
	var policies []*policy.Policy
	stored := src.Identity
	if src.Boundary != nil {
		stored = append(stored, *src.Boundary)
	}
	for _, sp := range stored {
		p, err := policy.Parse([]byte(sp.Document), policy.Identity)
		if err != nil {
			continue // a boundary parses as a boundary; stored documents were validated
		}
		policies = append(policies, p)
	}
	for _, doc := range c.q.List("PolicyInputList") {
		p, err := parseInput(doc, policy.Identity, "policyInputList")
		if err != nil {
			return nil, err
		}
		policies = append(policies, p)
	}
	return contextKeysResult{xmlMembers{Members: nonNil(contextKeys(policies))}}, nil
}

func (c *call) contextKeysForCustomPolicy() (any, error) {
	docs := c.q.List("PolicyInputList")
	if len(docs) == 0 {
		return nil, requiredLength("", false, "policyInputList", 1, 1)
	}
	var policies []*policy.Policy
	for _, doc := range docs {
		// Any kind of policy may be asked about: try identity, then resource-based.
		p, err := parseInput(doc, policy.Identity, "policyInputList")
		if err != nil {
			if rp, rerr := policy.Parse([]byte(doc), policy.Resource); rerr == nil {
				p, err = rp, nil
			}
		}
		if err != nil {
			return nil, err
		}
		policies = append(policies, p)
	}
	return contextKeysResult{xmlMembers{Members: nonNil(contextKeys(policies))}}, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
