package secrets

import (
	"context"
	"slices"
	"time"

	"github.com/iamd-dev/iamd/internal/docstore"
)

// ValidateTags checks tags as TagResource does before the caller is authorized.
func ValidateTags(tags []Tag) error { return validTags(tags) }

// Tag adds or replaces the target's tags (TagResource); it checks them (ValidateTags) first.
func (s *Service) Tag(ctx context.Context, t *Target, tags []Tag) error {
	if err := validTags(tags); err != nil {
		return err
	}
	_, err := s.change(ctx, t, func(sec *Secret) error {
		merged := mergeTags(sec.Tags, tags)
		if len(merged) > maxTags {
			return smError("LimitExceededException", "A secret can have at most %d tags.", maxTags)
		}
		sec.Tags, sec.Tagged = merged, true
		return nil
	})
	return err
}

// Untag removes the target's tags by key (UntagResource); keys it does not have are ignored.
func (s *Service) Untag(ctx context.Context, t *Target, keys []string) error {
	_, err := s.change(ctx, t, func(sec *Secret) error {
		sec.Tags = slices.DeleteFunc(sec.Tags, func(t Tag) bool { return slices.Contains(keys, t.Key) })
		sec.Tagged = true
		return nil
	})
	return err
}

// ValidatePutPolicy checks a resource policy as PutResourcePolicy does before the caller is
// authorized: its grammar, and, when blockPublic is set, that it grants no public access.
func ValidatePutPolicy(doc string, blockPublic bool) error {
	if err := ValidatePolicy(doc); err != nil {
		return err
	}
	if blockPublic && IsPublicPolicy(doc) {
		return smError("PublicPolicyException", "The BlockPublicPolicy parameter is set to true and the resource policy did not prevent broad access to the secret.")
	}
	return nil
}

// PutPolicy attaches a resource policy to the target (PutResourcePolicy); it checks the
// policy (ValidatePutPolicy) first.
func (s *Service) PutPolicy(ctx context.Context, t *Target, doc string, blockPublic bool) (*Secret, error) {
	if err := ValidatePutPolicy(doc, blockPublic); err != nil {
		return nil, err
	}
	// The principals are bound once the caller is allowed, and only for a secret that
	// exists: a refusal tells nothing of which users and roles exist to a caller that may
	// not put the policy.
	if _, err := t.found(); err != nil {
		return nil, err
	}
	bindings, err := s.bindPolicy(ctx, doc)
	if err != nil {
		return nil, err
	}
	return s.change(ctx, t, func(sec *Secret) error {
		sec.Policy, sec.PolicyBindings = doc, bindings
		return nil
	})
}

// DeletePolicy removes the target's resource policy (DeleteResourcePolicy).
func (s *Service) DeletePolicy(ctx context.Context, t *Target) (*Secret, error) {
	return s.change(ctx, t, func(sec *Secret) error {
		sec.Policy, sec.PolicyBindings = "", nil
		return nil
	})
}

// GetPolicy returns the target's secret with its resource policy (GetResourcePolicy), as AWS
// shows it: a bound principal that is gone appears as its unique id.
func (s *Service) GetPolicy(ctx context.Context, t *Target) (*Secret, error) {
	sec, err := t.found()
	if err != nil {
		return nil, err
	}
	if err := ensureLive(sec); err != nil {
		return nil, err
	}
	return s.shownPolicy(ctx, sec)
}

// change applies a change of the target's metadata (a live primary secret), returning the
// secret as stored.
func (s *Service) change(ctx context.Context, t *Target, fn func(*Secret) error) (*Secret, error) {
	return s.editLive(ctx, t, func(_ docstore.Tx, sec *Secret, now time.Time) error {
		if err := fn(sec); err != nil {
			return err
		}
		sec.LastChanged = now
		return nil
	})
}
