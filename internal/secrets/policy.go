package secrets

import (
	"context"
	"encoding/json"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/policy"
)

// Principals binds the IAM users and roles a resource policy names to the entities that
// hold those ARNs when it is stored, as AWS does (iam.Service is one). A policy naming a
// user or role that does not exist is refused; one whose bound entity is later deleted
// shows the entity's unique id in its place, and no longer grants anything to it, nor to a
// new entity of the same name.
type Principals interface {
	// BindPrincipals maps each user and role ARN the policy names to its unique id; a
	// MalformedPolicyDocument error when one names no entity.
	BindPrincipals(ctx context.Context, doc string) (map[string]string, error)
	// ShownPolicy is the policy as it is read back: the gone principals as their ids.
	ShownPolicy(ctx context.Context, doc string, bindings map[string]string) (string, error)
	// EffectivePolicy is the policy as it is evaluated: the gone principals left out.
	EffectivePolicy(ctx context.Context, doc string, bindings map[string]string) (string, error)
}

// UsePrincipals makes the service bind the principals of the resource policies it stores;
// without it they are kept as written, naming whoever holds the ARN.
func (s *Service) UsePrincipals(p Principals) *Service {
	s.principals = p
	return s
}

// CheckPolicy validates a resource policy as PutResourcePolicy will (ValidateResourcePolicy):
// its grammar, and that every user and role it names exists.
func (s *Service) CheckPolicy(ctx context.Context, doc string) error {
	if err := ValidatePolicy(doc); err != nil {
		return err
	}
	_, err := s.bindPolicy(ctx, doc)
	return err
}

// bindPolicy binds a resource policy's principals; a user or role that does not exist is
// Secrets Manager's MalformedPolicyDocumentException.
func (s *Service) bindPolicy(ctx context.Context, doc string) (map[string]string, error) {
	if s.principals == nil {
		return nil, nil
	}
	b, err := s.principals.BindPrincipals(ctx, doc)
	if e, ok := awserr.As(err); ok && e.Code == "MalformedPolicyDocument" {
		return nil, smError("MalformedPolicyDocumentException", "This resource policy contains an unsupported principal.")
	}
	return b, err
}

// shownPolicy is the secret with its resource policy as GetResourcePolicy shows it.
func (s *Service) shownPolicy(ctx context.Context, sec *Secret) (*Secret, error) {
	if s.principals == nil || len(sec.PolicyBindings) == 0 {
		return sec, nil
	}
	doc, err := s.principals.ShownPolicy(ctx, sec.Policy, sec.PolicyBindings)
	if err != nil {
		return nil, err
	}
	out := *sec
	out.Policy = doc
	return &out, nil
}

// EvaluatedPolicy is the secret's resource policy as it is evaluated, compiled (nil when it
// has none): a bound principal whose entity is gone is left out, granting nothing.
func (s *Service) EvaluatedPolicy(ctx context.Context, sec *Secret) (*policy.Policy, error) {
	doc := sec.Policy
	if s.principals != nil && len(sec.PolicyBindings) > 0 {
		var err error
		if doc, err = s.principals.EffectivePolicy(ctx, sec.Policy, sec.PolicyBindings); err != nil {
			return nil, err
		}
	}
	if doc == "" {
		return nil, nil
	}
	return s.compiled.get(sec.ARN(), doc)
}

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
