package secrets

import (
	"context"
	"slices"
	"time"

	"github.com/iamd-dev/iamd/internal/docstore"
)

// StageInput is UpdateSecretVersionStage's parameters.
type StageInput struct {
	Stage        string
	RemoveFromID string
	MoveToID     string
}

// Validate checks the input as UpdateSecretVersionStage does before the caller is
// authorized.
func (in StageInput) Validate() error { return validStage(in.Stage) }

// UpdateStage moves or removes one of the target's staging labels
// (UpdateSecretVersionStage); it checks in (Validate) first.
func (s *Service) UpdateStage(ctx context.Context, t *Target, in StageInput) (*Secret, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	return s.editLive(ctx, t, func(tx docstore.Tx, sec *Secret, now time.Time) error {
		for _, id := range []string{in.RemoveFromID, in.MoveToID} {
			if id != "" && sec.version(id) == nil {
				return smError("ResourceNotFoundException", "Secrets Manager can't find the specified secret value for VersionId: %s", id)
			}
		}
		holder := sec.staged(in.Stage)
		switch {
		case in.MoveToID == "" && in.RemoveFromID == "":
			return invalidParameter("You must specify MoveToVersionId, RemoveFromVersionId, or both.")
		case in.MoveToID == "":
			if holder == nil || holder.ID != in.RemoveFromID {
				return invalidParameter("The staging label %s is not attached to version %s.", in.Stage, in.RemoveFromID)
			}
			if in.Stage == StageCurrent {
				return invalidParameter("You can't remove the staging label AWSCURRENT from a version without moving it to another version with MoveToVersionId.")
			}
			removeStage(sec, in.Stage, in.RemoveFromID)
		default:
			if holder != nil && holder.ID != in.MoveToID && holder.ID != in.RemoveFromID {
				return invalidParameter("The parameter RemoveFromVersionId can't be empty. Staging label %s is currently attached to version %s, so you must explicitly reference that version in RemoveFromVersionId.", in.Stage, holder.ID)
			}
			if in.RemoveFromID != "" && (holder == nil || holder.ID != in.RemoveFromID) {
				return invalidParameter("The staging label %s is not attached to version %s.", in.Stage, in.RemoveFromID)
			}
			if t := sec.version(in.MoveToID); !slices.Contains(t.Stages, in.Stage) && len(t.Stages) >= maxStagesPerVer {
				return smError("LimitExceededException", "A version can have at most %d staging labels.", maxStagesPerVer)
			}
			moveStage(sec, in.Stage, in.MoveToID)
		}
		sec.LastChanged = now
		return s.prune(tx, sec, now)
	})
}

// VersionPage is one page of ListSecretVersionIds.
type VersionPage struct {
	Secret    *Secret
	Versions  []VersionMeta
	NextToken string
}

// VersionsInput is ListSecretVersionIds' parameters.
type VersionsInput struct {
	IncludeDeprecated bool // versions without labels too
	MaxResults        int  // 0 means 100
	NextToken         string
}

// pageSize is the page size the input asks for.
func (in VersionsInput) pageSize() int {
	if in.MaxResults == 0 {
		return 100
	}
	return in.MaxResults
}

// Validate checks the input as ListSecretVersionIds does before the caller is authorized.
func (in VersionsInput) Validate() error {
	if max := in.pageSize(); max < 1 || max > 100 {
		return invalidParameter("MaxResults must be between 1 and 100.")
	}
	return nil
}

// ListVersions lists the target's versions; deprecated ones (without labels) only when
// asked. It checks in (Validate) first.
func (s *Service) ListVersions(t *Target, in VersionsInput) (*VersionPage, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	sec, err := t.found()
	if err != nil {
		return nil, err
	}
	var all []VersionMeta
	for _, v := range sec.Versions {
		if in.IncludeDeprecated || len(v.Stages) > 0 {
			all = append(all, v)
		}
	}
	items, next, err := paginate(all, func(v VersionMeta) string { return v.ID }, in.pageSize(), in.NextToken)
	if err != nil {
		return nil, err
	}
	return &VersionPage{Secret: sec, Versions: items, NextToken: next}, nil
}
