package secrets

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/iamd-dev/iamd/internal/docstore"
)

// Recovery windows Secrets Manager allows.
const (
	minRecoveryDays     = 7
	maxRecoveryDays     = 30
	defaultRecoveryDays = 30
)

// DeleteInput is DeleteSecret's parameters; RecoveryDays 0 means the default.
type DeleteInput struct {
	RecoveryDays    int64
	HasRecoveryDays bool
	Force           bool
}

// recoveryDays is the recovery window the input asks for.
func (in DeleteInput) recoveryDays() int64 {
	if in.HasRecoveryDays {
		return in.RecoveryDays
	}
	return defaultRecoveryDays
}

// Validate checks the input as DeleteSecret does before the caller is authorized.
func (in DeleteInput) Validate() error {
	if in.Force && in.HasRecoveryDays {
		return invalidParameter("You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.")
	}
	if days := in.recoveryDays(); days < minRecoveryDays || days > maxRecoveryDays {
		return invalidParameter("The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).")
	}
	return nil
}

// Delete schedules the target's deletion after a recovery window, or deletes it at once
// with Force (DeleteSecret); it checks in (Validate) first. It returns the secret and its
// deletion date.
func (s *Service) Delete(ctx context.Context, t *Target, in DeleteInput) (*Secret, time.Time, error) {
	if err := in.Validate(); err != nil {
		return nil, time.Time{}, err
	}
	sec, err := t.found()
	if err != nil {
		return nil, time.Time{}, err
	}
	if sec.IsReplica() {
		return nil, time.Time{}, errReplica()
	}
	var when time.Time
	err = s.store.Update(ctx, func(tx docstore.Tx) error {
		now := s.clock()
		cur, err := reread(tx, sec, now)
		if err != nil {
			return err
		}
		if len(cur.Replicas) > 0 {
			regions := make([]string, 0, len(cur.Replicas))
			for _, r := range cur.Replicas {
				regions = append(regions, r.Region)
			}
			slices.Sort(regions)
			return invalidParameter("You can't delete secret %s that still has replica regions [%s].", cur.ARN(), strings.Join(regions, ", "))
		}
		if in.Force {
			when = now
			sec = cur
			return purge(tx, cur)
		}
		if cur.ScheduledForDeletion() {
			return errMarkedForDeletion()
		}
		when = now.Add(time.Duration(in.recoveryDays()) * 24 * time.Hour)
		cur.Deleted, cur.DeletionDate = &now, &when
		sec = cur
		return tx.Put(secretKey(cur.Account, cur.Region, cur.Name), cur)
	})
	if err != nil {
		return nil, time.Time{}, err
	}
	return sec, when, nil
}

// Restore cancels the target's scheduled deletion (RestoreSecret); a secret not scheduled
// for deletion is left as it is.
func (s *Service) Restore(ctx context.Context, t *Target) (*Secret, error) {
	return s.edit(ctx, t, func(_ docstore.Tx, sec *Secret, now time.Time) error {
		sec.Deleted, sec.DeletionDate = nil, nil
		sec.LastChanged = now
		return nil
	})
}
