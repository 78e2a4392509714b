package secrets

import (
	"slices"
	"time"

	"github.com/iamd-dev/iamd/internal/docstore"
)

// Staging labels Secrets Manager itself manages.
const (
	StageCurrent  = "AWSCURRENT"
	StagePrevious = "AWSPREVIOUS"
	StagePending  = "AWSPENDING"
)

// newVersion stores a new version of sec with the value under the labels (AWSCURRENT when
// none), moving each label from whichever version had it; the version that loses AWSCURRENT
// becomes AWSPREVIOUS. It returns the new version, or the existing one when the token was
// already used for the same value (ResourceExistsException for another value).
func (s *Service) newVersion(tx docstore.Tx, sec *Secret, token string, v Value, stages []string, now time.Time) (*VersionMeta, bool, error) {
	if existing := sec.version(token); existing != nil {
		var sv sealedVersion
		if err := tx.Get(versionKey(sec.Account, sec.UID, token), &sv); err != nil {
			return nil, false, err
		}
		old, err := s.open(sec.Account, sec.UID, token, &sv)
		if err != nil {
			return nil, false, err
		}
		if old.equal(v) {
			return existing, false, nil
		}
		// AWS's text, word for word: the token names a version with another value.
		return nil, false, smError("ResourceExistsException", "You can't modify an existing version, you can only create a new version.")
	}
	if len(stages) == 0 {
		stages = []string{StageCurrent}
	}
	for _, l := range stages {
		if err := validStage(l); err != nil {
			return nil, false, err
		}
	}
	if len(stages) > maxStagesPerVer {
		return nil, false, smError("LimitExceededException", "A version can have at most %d staging labels.", maxStagesPerVer)
	}
	sealed, err := s.seal(sec.Account, sec.UID, token, v)
	if err != nil {
		return nil, false, err
	}
	if err := tx.Insert(versionKey(sec.Account, sec.UID, token), sealed); err != nil {
		return nil, false, err
	}
	sec.Versions = append(sec.Versions, VersionMeta{ID: token, Created: now})
	for _, l := range stages {
		moveStage(sec, l, token)
	}
	sec.LastChanged = now
	if err := s.prune(tx, sec, now); err != nil {
		return nil, false, err
	}
	return sec.version(token), true, nil
}

// moveStage attaches label to the version to, removing it from any other; moving
// AWSCURRENT makes the version that had it AWSPREVIOUS.
func moveStage(sec *Secret, label, to string) {
	var from string
	for i := range sec.Versions {
		v := &sec.Versions[i]
		if v.ID != to && slices.Contains(v.Stages, label) {
			from = v.ID
			v.Stages = slices.DeleteFunc(v.Stages, func(s string) bool { return s == label })
		}
	}
	if t := sec.version(to); t != nil && !slices.Contains(t.Stages, label) {
		t.Stages = append(t.Stages, label)
	}
	if label == StageCurrent && from != "" {
		moveStage(sec, StagePrevious, from)
	}
}

// removeStage takes label off the version.
func removeStage(sec *Secret, label, from string) {
	if v := sec.version(from); v != nil {
		v.Stages = slices.DeleteFunc(v.Stages, func(s string) bool { return s == label })
	}
}

// prune removes the oldest versions without labels (deprecated versions) beyond the 100
// versions a secret keeps, sparing those less than a day old, as Secrets Manager does.
func (s *Service) prune(tx docstore.Tx, sec *Secret, now time.Time) error {
	for len(sec.Versions) > maxVersions {
		idx := -1
		for i, v := range sec.Versions {
			if len(v.Stages) == 0 && now.Sub(v.Created) >= 24*time.Hour {
				idx = i
				break
			}
		}
		if idx < 0 {
			return nil
		}
		if err := tx.Delete(versionKey(sec.Account, sec.UID, sec.Versions[idx].ID)); err != nil && !isNotFound(err) {
			return err
		}
		sec.Versions = slices.Delete(sec.Versions, idx, idx+1)
	}
	return nil
}

// purge removes a secret and every version it has.
func purge(tx docstore.Tx, sec *Secret) error {
	if !sec.IsReplica() {
		var ids []string
		err := tx.List(colVersion, sec.Account, sec.UID+"/", "", func(id string, _ []byte) error {
			ids = append(ids, id)
			return nil
		})
		if err != nil {
			return err
		}
		for _, id := range ids {
			if err := tx.Delete(docstore.Key{Collection: colVersion, Account: sec.Account, ID: id}); err != nil && !isNotFound(err) {
				return err
			}
		}
	}
	if err := unindexSecret(tx, sec); err != nil {
		return err
	}
	err := tx.Delete(secretKey(sec.Account, sec.Region, sec.Name))
	if isNotFound(err) {
		return nil
	}
	return err
}
