package secrets

import (
	"encoding/json"

	"github.com/iamd-dev/iamd/internal/policy"
)

// ValidatePolicy checks a resource policy as IAM's policy grammar has it, returning
// MalformedPolicyDocumentException with the fault.
func ValidatePolicy(doc string) error {
	if _, err := policy.Parse([]byte(doc), policy.Resource); err != nil {
		return smError("MalformedPolicyDocumentException", "%s", err.Error())
	}
	return nil
}

// IsPublicPolicy reports whether a resource policy grants broad access: an Allow statement
// naming every principal ("*" or {"AWS": "*"}) without a condition to narrow it.
func IsPublicPolicy(doc string) bool {
	var d struct {
		Statement json.RawMessage
	}
	if json.Unmarshal([]byte(doc), &d) != nil {
		return false
	}
	var statements []map[string]json.RawMessage
	if json.Unmarshal(d.Statement, &statements) != nil {
		var one map[string]json.RawMessage
		if json.Unmarshal(d.Statement, &one) != nil {
			return false
		}
		statements = []map[string]json.RawMessage{one}
	}
	for _, st := range statements {
		var effect string
		_ = json.Unmarshal(st["Effect"], &effect)
		if effect != "Allow" || st["Principal"] == nil || hasCondition(st["Condition"]) {
			continue
		}
		if everyone(st["Principal"]) {
			return true
		}
	}
	return false
}

func hasCondition(raw json.RawMessage) bool {
	var c map[string]json.RawMessage
	return raw != nil && json.Unmarshal(raw, &c) == nil && len(c) > 0
}

// everyone reports whether a Principal element names every principal.
func everyone(raw json.RawMessage) bool {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s == "*"
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return false
	}
	aws := m["AWS"]
	if json.Unmarshal(aws, &s) == nil {
		return s == "*"
	}
	var list []string
	if json.Unmarshal(aws, &list) == nil {
		for _, p := range list {
			if p == "*" {
				return true
			}
		}
	}
	return false
}
