package secrets

import (
	"context"
	"time"

	"github.com/iamd-dev/iamd/internal/docstore"
)

// CreateInput is CreateSecret's parameters.
type CreateInput struct {
	Account, Region string
	Name            string
	Token           string // the first version's id (ClientRequestToken)
	Description     string
	KmsKeyID        string
	Type            string
	Value           Value
	Tags            []Tag
	Replicas        []Replica // AddReplicaRegions
	ForceOverwrite  bool      // ForceOverwriteReplicaSecret
}

// CreateOutput is what CreateSecret reports.
type CreateOutput struct {
	Secret    *Secret
	VersionID string // "" when the secret was created without a value
}

// Create makes a secret, with a first version when a value is given. auth is asked about
// the new secret's ARN.
func (s *Service) Create(ctx context.Context, in CreateInput, auth Authorize) (*CreateOutput, error) {
	if err := validName(in.Name); err != nil {
		return nil, err
	}
	if err := validDescription(in.Description); err != nil {
		return nil, err
	}
	if err := validValue(in.Value, false); err != nil {
		return nil, err
	}
	if in.Value.HasValue() {
		if err := validToken(in.Token); err != nil {
			return nil, err
		}
	}
	if err := validTags(in.Tags); err != nil {
		return nil, err
	}
	if err := validReplicaRegions(in.Region, in.Replicas); err != nil {
		return nil, err
	}
	suffix := newSuffix()
	if err := auth(&Target{ARN: secretARN(in.Region, in.Account, in.Name, suffix), Account: in.Account}); err != nil {
		return nil, err
	}
	var out CreateOutput
	err := s.store.Update(ctx, func(tx docstore.Tx) error {
		now := s.clock()
		var old Secret
		switch err := tx.Get(secretKey(in.Account, in.Region, in.Name), &old); {
		case err == nil && expired(&old, now):
			if err := purge(tx, &old); err != nil {
				return err
			}
		case err == nil && old.ScheduledForDeletion():
			return invalidRequest("You can't create this secret because a secret with this name is already scheduled for deletion.")
		case err == nil:
			// The same request again (same token, same value) is answered as the first was.
			if in.Value.HasValue() && old.version(in.Token) != nil && !old.IsReplica() {
				if _, created, err := s.newVersion(tx, &old, in.Token, in.Value, nil, now); err == nil && !created {
					out = CreateOutput{Secret: &old, VersionID: in.Token}
					return nil
				}
			}
			return smError("ResourceExistsException", "The operation failed because the secret %s already exists.", in.Name)
		case !isNotFound(err):
			return err
		}
		serial, err := nextSerial(tx, in.Account)
		if err != nil {
			return err
		}
		sec := &Secret{
			UID: newUUID(), Account: in.Account, Region: in.Region, Name: in.Name, Suffix: suffix,
			Description: in.Description, KmsKeyID: in.KmsKeyID, Type: in.Type, Tags: in.Tags,
			Created: now, Serial: serial, LastChanged: now,
		}
		if in.Value.HasValue() {
			if _, _, err := s.newVersion(tx, sec, in.Token, in.Value, nil, now); err != nil {
				return err
			}
			out.VersionID = in.Token
		}
		s.addReplicas(tx, sec, in.Replicas, in.ForceOverwrite, now)
		out.Secret = sec
		if err := s.indexSecret(tx, sec); err != nil {
			return err
		}
		return tx.Insert(secretKey(sec.Account, sec.Region, sec.Name), sec)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// Describe returns the target's metadata (DescribeSecret), also for a secret scheduled for
// deletion.
func (s *Service) Describe(t *Target) (*Secret, error) {
	return t.found()
}

// ensureLive refuses operations on a secret scheduled for deletion.
func ensureLive(sec *Secret) error {
	if sec.ScheduledForDeletion() {
		return errMarkedForDeletion()
	}
	return nil
}

// ensurePrimary refuses changes to a replica.
func ensurePrimary(sec *Secret) error {
	if sec.IsReplica() {
		return errReplica()
	}
	return nil
}

func dayOf(t time.Time) time.Time { return t.UTC().Truncate(24 * time.Hour) }
