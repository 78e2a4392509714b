package tasks

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"time"

	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/pagecursor"
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

// Page asks for one page of List: at most MaxResults tasks (0 for every one), after the
// task the NextToken of the previous page names.
type Page struct {
	MaxResults int
	NextToken  string
}

// maxListResults is the most tasks one page holds, as ECS's ListTasks allows.
const maxListResults = 100

// List returns a page of the running tasks (not the stopped ones) of the caller's account,
// in the order they were started (by id where two started at the same instant), so that a
// task whose `iamd task run` died can be found and stopped, and the NextToken of the next
// page ("" after the last). Any principal of the account may list them; the list holds no
// secret.
//
// Task ids are global (the credentials endpoint knows only the id), so tasks are stored
// under no account; the running index (list_index.go) keeps each account's in start order,
// and a page reads its entries after the token's cursor.
func (s *Service) List(ctx context.Context, caller *authz.Caller, p Page) ([]Task, string, error) {
	limit := p.MaxResults
	switch {
	case limit == 0:
		limit = math.MaxInt
	case limit < 1 || limit > maxListResults:
		return nil, "", awserr.New("InvalidParameterException", "maxResults must be between 1 and 100.")
	}
	after := ""
	if p.NextToken != "" {
		cursor, ok := pagecursor.Decode(p.NextToken)
		if !ok {
			return nil, "", awserr.New("InvalidParameterException", "Invalid nextToken.")
		}
		after = cursor
	}
	if err := s.ensureIndexes(ctx); err != nil {
		return nil, "", err
	}
	var out []Task
	var next string
	err := s.store.View(ctx, func(tx docstore.Tx) error {
		walk := func(after string, fn func(id string, raw []byte) error) error {
			return tx.List(colRunning, caller.Account, "", after, fn)
		}
		take := func(_ string, raw []byte) (Task, bool, error) {
			var id string
			if err := json.Unmarshal(raw, &id); err != nil {
				return Task{}, false, err
			}
			var rec record
			if err := tx.Get(docstore.Key{Collection: collection, ID: id}, &rec); errors.Is(err, docstore.ErrNotFound) {
				return Task{}, false, nil
			} else if err != nil {
				return Task{}, false, err
			}
			return s.task(&rec), rec.Account == caller.Account && rec.Stop == nil, nil
		}
		var err error
		out, next, err = pagecursor.Collect(walk, after, limit, take)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	if next != "" {
		next = pagecursor.Encode(next)
	}
	return out, next, nil
}
