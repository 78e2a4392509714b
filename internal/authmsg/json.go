package authmsg

import (
	"bytes"
	"encoding/json"
)

// The wire shape of DecodedMessage. Field names and order follow AWS's documented example
// (aws sts decode-authorization-message in the AWS CLI reference) and seed 003's EC2
// UnauthorizedOperation; every list is an object with an "items" array.
type (
	wireMessage struct {
		Allowed           bool                 `json:"allowed"`
		ExplicitDeny      bool                 `json:"explicitDeny"`
		MatchedStatements items[wireStatement] `json:"matchedStatements"`
		Failures          items[struct{}]      `json:"failures"`
		Context           wireContext          `json:"context"`
	}
	wireStatement struct {
		StatementID     string               `json:"statementId"`
		Effect          string               `json:"effect"`
		Principals      items[value]         `json:"principals"`
		PrincipalGroups items[value]         `json:"principalGroups"`
		Actions         items[value]         `json:"actions"`
		Resources       items[value]         `json:"resources"`
		Conditions      items[wireCondition] `json:"conditions"`
		// Not in AWS's examples: only written for statements using NotAction/NotResource,
		// which the documented fields cannot express.
		NotActions   *items[value] `json:"notActions,omitempty"`
		NotResources *items[value] `json:"notResources,omitempty"`
	}
	wireContext struct {
		Principal  wirePrincipal        `json:"principal"`
		Action     string               `json:"action"`
		Resource   string               `json:"resource"`
		Conditions items[wireCondition] `json:"conditions"`
	}
	wirePrincipal struct {
		ID  string `json:"id"`
		ARN string `json:"arn"`
	}
	wireCondition struct {
		Key    string       `json:"key"`
		Values items[value] `json:"values"`
	}
	value struct {
		Value string `json:"value"`
	}
	items[T any] struct {
		Items []T `json:"items"` // never null: AWS writes {"items":[]}
	}
)

// JSON renders the failure as AWS's DecodedMessage: compact JSON, without HTML escaping.
func (f Failure) JSON() []byte {
	m := wireMessage{
		Allowed:           f.Allowed,
		ExplicitDeny:      f.ExplicitDeny,
		MatchedStatements: items[wireStatement]{Items: make([]wireStatement, 0, len(f.Statements))},
		Failures:          items[struct{}]{Items: []struct{}{}},
		Context: wireContext{
			Principal:  wirePrincipal{ID: f.PrincipalID, ARN: f.PrincipalARN},
			Action:     f.Action,
			Resource:   f.Resource,
			Conditions: conditions(f.Conditions),
		},
	}
	for _, s := range f.Statements {
		w := wireStatement{
			StatementID:     s.Sid,
			Effect:          s.Effect,
			Principals:      values(s.Principals),
			PrincipalGroups: values(s.PrincipalGroups),
			Actions:         values(s.Actions),
			Resources:       values(s.Resources),
			Conditions:      conditions(s.Conditions),
		}
		if len(s.NotActions) > 0 {
			v := values(s.NotActions)
			w.NotActions = &v
		}
		if len(s.NotResources) > 0 {
			v := values(s.NotResources)
			w.NotResources = &v
		}
		m.MatchedStatements.Items = append(m.MatchedStatements.Items, w)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		panic("authmsg: " + err.Error()) // only strings and bools: cannot fail
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

func values(vs []string) items[value] {
	out := items[value]{Items: make([]value, 0, len(vs))}
	for _, v := range vs {
		out.Items = append(out.Items, value{v})
	}
	return out
}

func conditions(cs []Condition) items[wireCondition] {
	out := items[wireCondition]{Items: make([]wireCondition, 0, len(cs))}
	for _, c := range cs {
		out.Items = append(out.Items, wireCondition{Key: c.Key, Values: values(c.Values)})
	}
	return out
}
