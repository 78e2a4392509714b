package secrets

import (
	"context"
	"slices"
	"time"

	"github.com/iamd-dev/iamd/internal/docstore"
)

// Tag adds or replaces tags (TagResource).
func (s *Service) Tag(ctx context.Context, r Ref, tags []Tag, auth Authorize) error {
	if err := validTags(tags); err != nil {
		return err
	}
	_, err := s.change(ctx, r, auth, func(sec *Secret) error {
		merged := mergeTags(sec.Tags, tags)
		if len(merged) > maxTags {
			return smError("LimitExceededException", "A secret can have at most %d tags.", maxTags)
		}
		sec.Tags = merged
		return nil
	})
	return err
}

// Untag removes tags by key (UntagResource); keys it does not have are ignored.
func (s *Service) Untag(ctx context.Context, r Ref, keys []string, auth Authorize) error {
	_, err := s.change(ctx, r, auth, func(sec *Secret) error {
		sec.Tags = slices.DeleteFunc(sec.Tags, func(t Tag) bool { return slices.Contains(keys, t.Key) })
		return nil
	})
	return err
}

// PutPolicy attaches a resource policy (PutResourcePolicy), refusing one that grants public
// access when blockPublic is set.
func (s *Service) PutPolicy(ctx context.Context, r Ref, doc string, blockPublic bool, auth Authorize) (*Secret, error) {
	if err := ValidatePolicy(doc); err != nil {
		return nil, err
	}
	if blockPublic && IsPublicPolicy(doc) {
		return nil, smError("PublicPolicyException", "The BlockPublicPolicy parameter is set to true and the resource policy did not prevent broad access to the secret.")
	}
	// The principals are bound once the caller is allowed: a refusal tells nothing of
	// which users and roles exist to a caller that may not put the policy.
	var bindings map[string]string
	bindAfter := func(t *Target) error {
		if err := auth(t); err != nil || t.Secret == nil {
			return err
		}
		var err error
		bindings, err = s.bindPolicy(ctx, doc)
		return err
	}
	return s.change(ctx, r, bindAfter, func(sec *Secret) error {
		sec.Policy, sec.PolicyBindings = doc, bindings
		return nil
	})
}

// DeletePolicy removes the resource policy (DeleteResourcePolicy).
func (s *Service) DeletePolicy(ctx context.Context, r Ref, auth Authorize) (*Secret, error) {
	return s.change(ctx, r, auth, func(sec *Secret) error {
		sec.Policy, sec.PolicyBindings = "", nil
		return nil
	})
}

// GetPolicy returns the secret with its resource policy (GetResourcePolicy), as AWS shows
// it: a bound principal that is gone appears as its unique id.
func (s *Service) GetPolicy(ctx context.Context, r Ref, auth Authorize) (*Secret, error) {
	sec, err := s.authorized(ctx, r, auth)
	if err != nil {
		return nil, err
	}
	if err := ensureLive(sec); err != nil {
		return nil, err
	}
	return s.shownPolicy(ctx, sec)
}

// change authorizes and applies a change of a live primary secret's metadata, returning the
// secret as stored.
func (s *Service) change(ctx context.Context, r Ref, auth Authorize, fn func(*Secret) error) (*Secret, error) {
	return s.editLive(ctx, r, auth, func(_ docstore.Tx, sec *Secret, now time.Time) error {
		if err := fn(sec); err != nil {
			return err
		}
		sec.LastChanged = now
		return nil
	})
}
