package ec2

import (
	"context"
	"errors"
	"time"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/docstore"
)

// Stop stops running instances: each answers stopping and reads stopped afterwards; its
// metadata service ends and its instance-profile association stays. A stopped instance
// answers stopped twice. Hibernate is refused: no instance is launched with hibernation
// configured. A pending or terminated instance is IncorrectInstanceState, and then nothing
// changes.
func (s *Service) Stop(ctx context.Context, account, region string, ids []string, hibernate bool) ([]StateChange, error) {
	var out []StateChange
	now := s.clock()
	err := s.changeState(ctx, account, region, ids, func(tx docstore.Tx, found []Instance) error {
		out = nil
		for _, inst := range found {
			if hibernate {
				return awserr.New("UnsupportedHibernationConfiguration",
					"The instance can't be hibernated because it was not configured at launch for hibernation: %s", inst.ID)
			}
			switch inst.State {
			case StatePending:
				return incorrectInstanceState("Instance '%s' cannot be stopped as it has never reached the 'running' state.", inst.ID)
			case StateShuttingDown, StateTerminated:
				return incorrectInstanceState("This instance '%s' is not in a state from which it can be stopped.", inst.ID)
			}
		}
		for _, inst := range found {
			if inst.State == StateStopped || inst.State == StateStopping {
				out = append(out, StateChange{inst.ID, inst.State, inst.State})
				continue
			}
			out = append(out, StateChange{inst.ID, inst.State, StateStopping})
			inst.State, inst.StoppedAt, inst.StateReason = StateStopped, now, "Client.UserInitiatedShutdown"
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

// Start starts stopped instances: each answers pending and reads running afterwards, with a
// new launch time; the instances that started are returned for their metadata service.
// A running instance answers running twice. A stopping or terminated instance is
// IncorrectInstanceState, and then nothing changes.
func (s *Service) Start(ctx context.Context, account, region string, ids []string) ([]StateChange, []Instance, error) {
	var out []StateChange
	var started []Instance
	now := s.clock()
	err := s.changeState(ctx, account, region, ids, func(tx docstore.Tx, found []Instance) error {
		out, started = nil, nil
		for _, inst := range found {
			switch inst.State {
			case StateStopping, StateShuttingDown, StateTerminated:
				return incorrectInstanceState("The instance '%s' is not in a state from which it can be started.", inst.ID)
			}
		}
		for _, inst := range found {
			if inst.State != StateStopped {
				out = append(out, StateChange{inst.ID, inst.State, inst.State})
				continue
			}
			out = append(out, StateChange{inst.ID, StateStopped, StatePending})
			inst.State, inst.LaunchTime, inst.StoppedAt, inst.StateReason = StateRunning, now, time.Time{}, ""
			if err := tx.Put(instanceKey(account, region, inst.ID), &inst); err != nil {
				return err
			}
			if err := tx.Put(runningKey(inst.ID), runningRef{Account: account, Region: region}); err != nil {
				return err
			}
			started = append(started, inst)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return out, started, nil
}

// changeState reads the instances with the ids (once each, in the order given) in one
// transaction and lets fn change them: all or none.
func (s *Service) changeState(ctx context.Context, account, region string, ids []string, fn func(tx docstore.Tx, found []Instance) error) error {
	if len(ids) == 0 {
		return missingParameter("InstanceId")
	}
	if err := checkInstanceIDs(ids); err != nil {
		return err
	}
	ids = dedupe(ids)
	return s.store.Update(ctx, func(tx docstore.Tx) error {
		found, err := s.readInstances(tx, account, region, ids)
		if err != nil {
			return err
		}
		return fn(tx, found)
	})
}

// Reboot checks that the instances (as Instances read them) may be rebooted: running ones
// reboot (an iamd machine keeps its metadata endpoint and credentials through it),
// terminated ones are ignored as AWS documents; any other state is refused. Nothing stored
// changes, so nothing is read again.
func Reboot(insts []Instance) error {
	for _, inst := range insts {
		switch inst.State {
		case StateRunning, StateTerminated:
		default:
			return incorrectInstanceState("The instance '%s' is not in a state from which it can be rebooted.", inst.ID)
		}
	}
	return nil
}
