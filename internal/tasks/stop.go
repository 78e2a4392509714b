package tasks

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/policy"
)

// Stopping tasks, and what a stopped task shows for the hour ECS keeps it.

// stoppedKept is how long a stopped task stays visible to Describe, as DescribeTasks shows
// stopped tasks for an hour.
const stoppedKept = time.Hour

// ECS's stop code and default stopped reason for a task stopped through StopTask.
const (
	StopCodeUserInitiated = "UserInitiated"
	DefaultStoppedReason  = "Task stopped by user"
)

// maxReasonLen is the longest reason StopTask keeps (ECS allows up to 255 characters).
const maxReasonLen = 255

// Task statuses, ECS's lastStatus values.
const (
	StatusRunning = "RUNNING"
	StatusStopped = "STOPPED"
)

func notFound() error {
	return awserr.New("InvalidParameterException", "The referenced task was not found.")
}

// Stop stops a running task: its credentials endpoint stops answering at once, and
// Describe shows who stopped it and why for an hour, so that the `iamd task run` running
// it stops its program. The principal that started the task may always stop it (as the
// agent stops a task whose program exited); anyone else needs ecs:StopTask on the stored
// task's ARN (with ecs:cluster), which the account's root user always has. reason is ECS's
// optional stopped reason ("" for the default, cut at 255 characters).
func (s *Service) Stop(ctx context.Context, caller *authz.Caller, id, reason string) error {
	if !validID(id) {
		return notFound()
	}
	if reason == "" {
		reason = DefaultStoppedReason
	}
	if r := []rune(reason); len(r) > maxReasonLen {
		reason = string(r[:maxReasonLen])
	}
	k := docstore.Key{Collection: collection, ID: id}
	var rec record
	err := s.store.View(ctx, func(tx docstore.Tx) error { return tx.Get(k, &rec) })
	if errors.Is(err, docstore.ErrNotFound) || err == nil && (rec.Account != caller.Account || rec.Stop != nil) {
		return notFound() // tasks of other accounts are not visible; a stopped task is not running
	}
	if err != nil {
		return err
	}
	if rec.StartedBy != caller.Principal.ID {
		var rc policy.Context
		rc.Set("ecs:cluster", clusterARN(rec.arn(s.region)))
		if err := s.authz.Authorize(ctx, caller, authz.Request{Action: "ecs:StopTask", Resource: rec.arn(s.region), Context: rc, ResourceAccount: rec.Account}); err != nil {
			return err
		}
	}
	if err := s.ensureIndexes(ctx); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.store.Update(ctx, func(tx docstore.Tx) error {
		var cur record
		if err := tx.Get(k, &cur); errors.Is(err, docstore.ErrNotFound) {
			return notFound()
		} else if err != nil {
			return err
		}
		if cur.Stop != nil {
			return notFound() // stopped meanwhile
		}
		cur.Stop = &stopInfo{At: s.now().UTC(), By: caller.Principal.ID, Reason: reason, Code: StopCodeUserInitiated}
		if err := tx.Put(k, &cur); err != nil {
			return err
		}
		if err := unindexRunning(tx, &cur); err != nil {
			return err
		}
		if err := indexTask(tx, &cur); err != nil {
			return err
		}
		delete(s.running, id)
		return nil
	})
}

// Describe returns a task of the caller's account, running or stopped within the hour: any
// principal of the account may describe one, as any may list them.
func (s *Service) Describe(ctx context.Context, caller *authz.Caller, id string) (*Task, error) {
	if !validID(id) {
		return nil, notFound()
	}
	var rec record
	err := s.store.View(ctx, func(tx docstore.Tx) error {
		return tx.Get(docstore.Key{Collection: collection, ID: id}, &rec)
	})
	if errors.Is(err, docstore.ErrNotFound) || err == nil && (rec.Account != caller.Account || s.expired(&rec)) {
		return nil, notFound()
	}
	if err != nil {
		return nil, err
	}
	t := s.task(&rec)
	return &t, nil
}

// task is the record as callers see it: never its token.
func (s *Service) task(rec *record) Task {
	t := Task{
		ID: rec.ID, TaskARN: rec.arn(s.region), TaskRoleARN: rec.TaskRoleARN, ExecutionRoleARN: rec.ExecutionRoleARN,
		StartedBy: rec.StartedBy, StartedAt: rec.StartedAt, LastStatus: StatusRunning,
	}
	if st := rec.Stop; st != nil {
		t.LastStatus, t.StoppedAt, t.StoppedBy, t.StoppedReason, t.StopCode = StatusStopped, st.At, st.By, st.Reason, st.Code
	}
	return t
}

// expired tells a task stopped more than an hour ago.
func (s *Service) expired(rec *record) bool {
	return rec.Stop != nil && s.now().Sub(rec.Stop.At) > stoppedKept
}

// purgeStopped deletes the tasks stopped more than an hour ago: the first entries of the
// stopped index, which is in the order they stopped, up to the first one that is not.
func (s *Service) purgeStopped(tx docstore.Tx) error {
	var old []docstore.Key
	err := tx.List(colStopped, "", "", "", func(entry string, raw []byte) error {
		var id string
		if err := json.Unmarshal(raw, &id); err != nil {
			return err
		}
		var rec record
		err := tx.Get(docstore.Key{Collection: collection, ID: id}, &rec)
		switch {
		case errors.Is(err, docstore.ErrNotFound), err == nil && rec.Stop == nil:
			old = append(old, docstore.Key{Collection: colStopped, ID: entry}) // a stale entry
		case err != nil:
			return err
		case !s.expired(&rec):
			return docstore.ErrStop
		default:
			old = append(old, docstore.Key{Collection: collection, ID: id}, docstore.Key{Collection: colStopped, ID: entry})
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range old {
		if err := tx.Delete(k); err != nil && !errors.Is(err, docstore.ErrNotFound) {
			return err
		}
	}
	return nil
}

// clusterARN is the ARN of the cluster a task ARN names.
func clusterARN(taskARN string) string {
	prefix, _, _ := strings.Cut(taskARN, ":task/")
	return prefix + ":cluster/" + cluster
}
