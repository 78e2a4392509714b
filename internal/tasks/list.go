package tasks

import (
	"context"
	"encoding/json"
	"sort"
	"time"

	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/docstore"
)

// Task is a task as List and Describe show it: never its token.
type Task struct {
	ID               string
	TaskARN          string
	TaskRoleARN      string
	ExecutionRoleARN string // "" for none
	StartedBy        string // the ARN of the principal that started it
	StartedAt        time.Time
	LastStatus       string // StatusRunning or StatusStopped
	// How it stopped, once stopped.
	StoppedAt     time.Time
	StoppedBy     string // the ARN of the principal that stopped it
	StoppedReason string
	StopCode      string
}

// List returns the running tasks (not the stopped ones) of the caller's account, in the order they were started
// (by id where two started at the same instant), so that a task whose `iamd task run` died
// can be found and stopped. Any principal of the account may list them; the list holds no
// secret.
//
// Task ids are global (the credentials endpoint knows only the id), so tasks are stored
// under no account and List reads them all, keeping the caller's: running tasks are few.
func (s *Service) List(ctx context.Context, caller *authz.Caller) ([]Task, error) {
	var out []Task
	err := s.store.View(ctx, func(tx docstore.Tx) error {
		out = out[:0]
		return tx.List(collection, "", "", "", func(_ string, raw []byte) error {
			var rec record
			if err := json.Unmarshal(raw, &rec); err != nil {
				return err
			}
			if rec.Account == caller.Account && rec.Stop == nil {
				out = append(out, s.task(&rec))
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].StartedAt.Equal(out[j].StartedAt) {
			return out[i].StartedAt.Before(out[j].StartedAt)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}
