package ec2

import (
	"context"
	"errors"

	"github.com/iamd-dev/iamd/internal/docstore"
)

// StateChange is one instance's state change, as TerminateInstances reports it.
type StateChange struct {
	InstanceID string
	Previous   string
	Current    string
}

// Terminate terminates instances: a running one moves to shutting-down (and reads
// terminated afterwards), an already terminated one reports terminated twice. Its
// instance-profile association ends. Nothing changes when any id is malformed or unknown.
func (s *Service) Terminate(ctx context.Context, account, region string, ids []string) ([]StateChange, error) {
	if len(ids) == 0 {
		return nil, missingParameter("InstanceId")
	}
	if err := checkInstanceIDs(ids); err != nil {
		return nil, err
	}
	ids = dedupe(ids)
	var out []StateChange
	now := s.clock()
	err := s.store.Update(ctx, func(tx docstore.Tx) error {
		out = nil
		found, err := s.readInstances(tx, account, region, ids)
		if err != nil {
			return err
		}
		for _, inst := range found {
			if inst.State == StateTerminated {
				out = append(out, StateChange{inst.ID, StateTerminated, StateTerminated})
				continue
			}
			out = append(out, StateChange{inst.ID, inst.State, StateShuttingDown})
			inst.State, inst.TerminatedAt = StateShuttingDown, now
			inst.StateReason = "Client.UserInitiatedShutdown"
			before := profileOf(&inst)
			inst.Profile = nil
			if err := syncAssociation(tx, &inst, before); err != nil {
				return err
			}
			if err := tx.Put(instanceKey(account, region, inst.ID), &inst); err != nil {
				return err
			}
			if err := tx.Delete(runningKey(inst.ID)); err != nil && !errors.Is(err, docstore.ErrNotFound) {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
