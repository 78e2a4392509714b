package secrets

import (
	"context"
	"time"

	"github.com/iamd-dev/iamd/internal/docstore"
)

// GetValue returns a version's value (GetSecretValue): by version id, by staging label, or
// both (which must name the same version); AWSCURRENT when neither is given.
func (s *Service) GetValue(ctx context.Context, t *Target, versionID, stage string) (*SecretValue, error) {
	sec, err := t.found()
	if err != nil {
		return nil, err
	}
	if rv := t.value; rv != nil && rv.versionID == versionID && rv.stage == stage {
		if rv.err != nil {
			return nil, rv.err
		}
		return s.openValue(ctx, sec, rv.ver, &rv.sealed)
	}
	var (
		sealed sealedVersion
		ver    VersionMeta
	)
	err = s.store.View(ctx, func(tx docstore.Tx) error {
		now := s.clock()
		cur, err := reread(tx, sec, now)
		if err != nil {
			return err
		}
		if sec, err = withPrimary(tx, cur, now); isNotFound(err) {
			return errResourceNotFound()
		} else if err != nil {
			return err
		}
		v, err := pickVersion(sec, versionID, stage)
		if err != nil {
			return err
		}
		if sec.ScheduledForDeletion() {
			return errMarkedForDeletion()
		}
		ver = *v
		return tx.Get(versionKey(sec.Account, sec.UID, v.ID), &sealed)
	})
	if err != nil {
		return nil, err
	}
	return s.openValue(ctx, sec, ver, &sealed)
}

// openValue unseals a version's value read for a caller, and notes the access.
func (s *Service) openValue(ctx context.Context, sec *Secret, ver VersionMeta, sealed *sealedVersion) (*SecretValue, error) {
	val, err := s.open(sec.Account, sec.UID, ver.ID, sealed)
	if err != nil {
		return nil, ErrDecryption()
	}
	s.noteAccess(ctx, sec)
	return &SecretValue{Secret: sec, Version: ver, Value: val}, nil
}

// pickVersion finds the version a read names.
func pickVersion(sec *Secret, versionID, stage string) (*VersionMeta, error) {
	switch {
	case versionID != "" && stage != "":
		v := sec.version(versionID)
		if v == nil {
			return nil, smError("ResourceNotFoundException", "Secrets Manager can't find the specified secret value for VersionId: %s", versionID)
		}
		if sec.staged(stage) != v {
			return nil, invalidRequest("You provided a VersionStage that is not associated to the provided VersionId.")
		}
		return v, nil
	case versionID != "":
		if v := sec.version(versionID); v != nil {
			return v, nil
		}
		return nil, smError("ResourceNotFoundException", "Secrets Manager can't find the specified secret value for VersionId: %s", versionID)
	}
	if stage == "" {
		stage = StageCurrent
	}
	if v := sec.staged(stage); v != nil {
		return v, nil
	}
	return nil, smError("ResourceNotFoundException", "Secrets Manager can't find the specified secret value for staging label: %s", stage)
}

// noteAccess keeps the day of the last access, as Secrets Manager does (a date, not a time):
// at most one write a day per secret.
func (s *Service) noteAccess(ctx context.Context, sec *Secret) {
	today := dayOf(s.clock())
	if sec.LastAccessed != nil && sec.LastAccessed.Equal(today) {
		return
	}
	_ = s.store.Update(ctx, func(tx docstore.Tx) error {
		raw, err := getRaw(tx, sec.Account, sec.Region, sec.Name, s.clock())
		if err != nil || raw.UID != sec.UID || raw.LastAccessed != nil && raw.LastAccessed.Equal(today) {
			return err
		}
		raw.LastAccessed = &today
		return tx.Put(secretKey(raw.Account, raw.Region, raw.Name), raw)
	})
}

// PutInput is PutSecretValue's parameters.
type PutInput struct {
	Token  string
	Value  Value
	Stages []string
}

// PutOutput is what PutSecretValue and UpdateSecret report of the version they made.
type PutOutput struct {
	Secret  *Secret
	Version *VersionMeta
}

// Validate checks the input as PutSecretValue does before the caller is authorized.
func (in PutInput) Validate() error {
	if err := validValue(in.Value, true); err != nil {
		return err
	}
	return validToken(in.Token)
}

// PutValue adds a version to the target (PutSecretValue); it checks in (Validate) first.
func (s *Service) PutValue(ctx context.Context, t *Target, in PutInput) (*PutOutput, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var v *VersionMeta
	sec, err := s.editLive(ctx, t, func(tx docstore.Tx, sec *Secret, now time.Time) error {
		var err error
		v, _, err = s.newVersion(tx, sec, in.Token, in.Value, in.Stages, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &PutOutput{Secret: sec, Version: v}, nil
}

// UpdateInput is UpdateSecret's parameters; nil pointers leave a field as it is.
type UpdateInput struct {
	Token       string
	Description *string
	KmsKeyID    *string
	Type        *string
	Value       Value
}

// Validate checks the input as UpdateSecret does before the caller is authorized.
func (in UpdateInput) Validate() error {
	if err := validValue(in.Value, false); err != nil {
		return err
	}
	if in.Value.HasValue() {
		if err := validToken(in.Token); err != nil {
			return err
		}
	}
	if in.Description != nil {
		return validDescription(*in.Description)
	}
	return nil
}

// Update changes the target's description or key and, with a value, adds a version that
// becomes AWSCURRENT (UpdateSecret); it checks in (Validate) first.
func (s *Service) Update(ctx context.Context, t *Target, in UpdateInput) (*PutOutput, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var v *VersionMeta
	sec, err := s.editLive(ctx, t, func(tx docstore.Tx, sec *Secret, now time.Time) error {
		if in.Description != nil {
			sec.Description = *in.Description
		}
		if in.KmsKeyID != nil {
			sec.KmsKeyID = *in.KmsKeyID
		}
		if in.Type != nil {
			sec.Type = *in.Type
		}
		sec.LastChanged = now
		if !in.Value.HasValue() {
			return nil
		}
		var err error
		v, _, err = s.newVersion(tx, sec, in.Token, in.Value, nil, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &PutOutput{Secret: sec, Version: v}, nil
}
