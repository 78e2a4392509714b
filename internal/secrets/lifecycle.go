package secrets

import (
	"context"
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

// Delete schedules a secret's deletion after a recovery window, or deletes it at once with
// Force (DeleteSecret). It returns the secret and its deletion date.
func (s *Service) Delete(ctx context.Context, r Ref, in DeleteInput, auth Authorize) (*Secret, time.Time, error) {
	if in.Force && in.HasRecoveryDays {
		return nil, time.Time{}, invalidParameter("You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.")
	}
	days := int64(defaultRecoveryDays)
	if in.HasRecoveryDays {
		days = in.RecoveryDays
	}
	if days < minRecoveryDays || days > maxRecoveryDays {
		return nil, time.Time{}, invalidParameter("The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).")
	}
	sec, err := s.authorized(ctx, r, auth)
	if err != nil {
		return nil, time.Time{}, err
	}
	if sec.IsReplica() {
		return nil, time.Time{}, invalidRequest("You can't delete a replica secret. Remove its region from the primary secret's replication (RemoveRegionsFromReplication), or promote it (StopReplicationToReplica) first.")
	}
	var when time.Time
	err = s.store.Update(ctx, func(tx docstore.Tx) error {
		now := s.clock()
		cur, err := reread(tx, sec, now)
		if err != nil {
			return err
		}
		if len(cur.Replicas) > 0 {
			return invalidRequest("You can't delete secret %s because it has replicas. Remove the replicas (RemoveRegionsFromReplication) first.", cur.Name)
		}
		if in.Force {
			when = now
			*sec = *cur
			return purge(tx, cur)
		}
		if cur.ScheduledForDeletion() {
			return errMarkedForDeletion()
		}
		when = now.Add(time.Duration(days) * 24 * time.Hour)
		cur.Deleted, cur.DeletionDate = &now, &when
		*sec = *cur
		return tx.Put(secretKey(cur.Account, cur.Region, cur.Name), cur)
	})
	if err != nil {
		return nil, time.Time{}, err
	}
	return sec, when, nil
}

// Restore cancels a scheduled deletion (RestoreSecret); a secret not scheduled for deletion
// is left as it is.
func (s *Service) Restore(ctx context.Context, r Ref, auth Authorize) (*Secret, error) {
	return s.edit(ctx, r, auth, func(_ docstore.Tx, sec *Secret, now time.Time) error {
		sec.Deleted, sec.DeletionDate = nil, nil
		sec.LastChanged = now
		return nil
	})
}
