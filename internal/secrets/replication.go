package secrets

import (
	"context"
	"regexp"
	"slices"
	"time"

	"github.com/iamd-dev/iamd/internal/docstore"
)

// Replica statuses.
const (
	ReplicaInSync = "InSync"
	ReplicaFailed = "Failed"
)

var regionPattern = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d+$`)

func validReplicaRegions(own string, rs []Replica) error {
	seen := map[string]bool{}
	for _, r := range rs {
		// AWS answers one text for a malformed region and for the secret's own.
		if !regionPattern.MatchString(r.Region) || r.Region == own {
			return invalidParameter("Invalid replica region.")
		}
		if seen[r.Region] {
			return invalidParameter("Duplicate replica region %s.", r.Region)
		}
		seen[r.Region] = true
	}
	return nil
}

// addReplicas creates the replica secrets of sec in other regions (each its own namespace),
// recording in sec.Replicas how each went. A name taken in a region fails there unless
// force allows overwriting a secret that is not itself replicated.
func (s *Service) addReplicas(tx docstore.Tx, sec *Secret, rs []Replica, force bool, now time.Time) {
	for _, r := range rs {
		if slices.ContainsFunc(sec.Replicas, func(have Replica) bool { return have.Region == r.Region }) {
			continue
		}
		rep := Replica{Region: r.Region, KmsKeyID: r.KmsKeyID, Status: ReplicaInSync}
		err := s.placeReplica(tx, sec, r, force, now)
		if err != nil {
			rep.Status, rep.StatusMessage = ReplicaFailed, err.Error()
		}
		sec.Replicas = append(sec.Replicas, rep)
	}
}

type replicaError string

func (e replicaError) Error() string { return string(e) }

func (s *Service) placeReplica(tx docstore.Tx, sec *Secret, r Replica, force bool, now time.Time) error {
	existing, err := getRaw(tx, sec.Account, r.Region, sec.Name, now)
	switch {
	case err == nil && existing.UID == sec.UID:
		return nil
	case err == nil && (!force || existing.IsReplica() || len(existing.Replicas) > 0):
		return replicaError("Replication failed: Secret name already exists in region " + r.Region + ".")
	case err == nil:
		if err := purge(tx, existing); err != nil {
			return err
		}
	case isNotFound(err):
		var gone Secret
		if tx.Get(secretKey(sec.Account, r.Region, sec.Name), &gone) == nil {
			if err := purge(tx, &gone); err != nil { // expired
				return err
			}
		}
	default:
		return err
	}
	serial, err := nextSerial(tx, sec.Account)
	if err != nil {
		return err
	}
	rep := &Secret{UID: sec.UID, Account: sec.Account, Region: r.Region, Name: sec.Name, Suffix: sec.Suffix,
		KmsKeyID: r.KmsKeyID, PrimaryRegion: sec.Region, Created: now, Serial: serial, LastChanged: now}
	if err := s.indexSecret(tx, rep); err != nil {
		return err
	}
	return tx.Put(secretKey(rep.Account, rep.Region, rep.Name), rep)
}

// ValidateReplicate checks the regions a secret of the region is to be replicated to, as
// ReplicateSecretToRegions does before the caller is authorized.
func ValidateReplicate(region string, rs []Replica) error {
	if len(rs) == 0 {
		return invalidParameter("You must specify at least one replica region.")
	}
	return validReplicaRegions(region, rs)
}

// Replicate replicates the target, a primary secret, to more regions
// (ReplicateSecretToRegions); it checks the regions (ValidateReplicate) first.
func (s *Service) Replicate(ctx context.Context, t *Target, rs []Replica, force bool) (*Secret, error) {
	sec, err := t.found()
	if err != nil {
		return nil, err
	}
	if err := ValidateReplicate(sec.Region, rs); err != nil {
		return nil, err
	}
	return s.editLive(ctx, t, func(tx docstore.Tx, sec *Secret, now time.Time) error {
		s.addReplicas(tx, sec, rs, force, now)
		return nil
	})
}

// ValidateRemoveRegions checks the regions to remove as RemoveRegionsFromReplication does
// before the caller is authorized.
func ValidateRemoveRegions(regions []string) error {
	if len(regions) == 0 {
		return invalidParameter("You must specify at least one region to remove.")
	}
	return nil
}

// RemoveRegions deletes replicas of the target, a primary secret
// (RemoveRegionsFromReplication); it checks the regions (ValidateRemoveRegions) first.
func (s *Service) RemoveRegions(ctx context.Context, t *Target, regions []string) (*Secret, error) {
	if err := ValidateRemoveRegions(regions); err != nil {
		return nil, err
	}
	return s.edit(ctx, t, func(tx docstore.Tx, sec *Secret, now time.Time) error {
		for _, region := range regions {
			i := slices.IndexFunc(sec.Replicas, func(rep Replica) bool { return rep.Region == region })
			if i < 0 {
				return invalidParameter("The secret is not replicated to region %s.", region)
			}
			if sec.Replicas[i].Status != ReplicaFailed {
				rep, err := getRaw(tx, sec.Account, region, sec.Name, now)
				if err == nil && rep.UID == sec.UID {
					if err := purge(tx, rep); err != nil {
						return err
					}
				} else if err != nil && !isNotFound(err) {
					return err
				}
			}
			sec.Replicas = slices.Delete(sec.Replicas, i, i+1)
		}
		return nil
	})
}

// StopReplication promotes the target, a replica, to a standalone secret in its region,
// with copies of the primary's versions (StopReplicationToReplica).
func (s *Service) StopReplication(ctx context.Context, t *Target) (*Secret, error) {
	sec, err := t.found()
	if err != nil {
		return nil, err
	}
	if !sec.IsReplica() {
		return nil, invalidRequest("StopReplicationToReplica can only be called on a replica secret, in the replica's region.")
	}
	var out *Secret
	err = s.store.Update(ctx, func(tx docstore.Tx) error {
		now := s.clock()
		rep, err := getRaw(tx, sec.Account, sec.Region, sec.Name, now)
		if err != nil || !rep.IsReplica() || rep.UID != sec.UID {
			return errResourceNotFound()
		}
		primary, err := getRaw(tx, sec.Account, rep.PrimaryRegion, sec.Name, now)
		if err != nil {
			return err
		}
		promoted := *primary
		promoted.UID, promoted.Region, promoted.KmsKeyID = newUUID(), rep.Region, rep.KmsKeyID
		promoted.Replicas, promoted.PrimaryRegion, promoted.LastAccessed = nil, "", rep.LastAccessed
		promoted.Created, promoted.Serial, promoted.LastChanged = rep.Created, rep.Serial, now
		for _, v := range primary.Versions {
			var sv sealedVersion
			if err := tx.Get(versionKey(primary.Account, primary.UID, v.ID), &sv); err != nil {
				return err
			}
			val, err := s.open(primary.Account, primary.UID, v.ID, &sv)
			if err != nil {
				return err
			}
			copied, err := s.seal(promoted.Account, promoted.UID, v.ID, val)
			if err != nil {
				return err
			}
			if err := tx.Insert(versionKey(promoted.Account, promoted.UID, v.ID), copied); err != nil {
				return err
			}
		}
		primary.Replicas = slices.DeleteFunc(primary.Replicas, func(x Replica) bool { return x.Region == rep.Region })
		if err := tx.Put(secretKey(primary.Account, primary.Region, primary.Name), primary); err != nil {
			return err
		}
		out = &promoted
		return tx.Put(secretKey(promoted.Account, promoted.Region, promoted.Name), &promoted)
	})
	return out, err
}
