package metrics

import (
	"context"
	"errors"
	"time"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/docstore"
)

// Store returns s with its transactions timed and their errors counted (s itself for a nil
// *Metrics).
func (m *Metrics) Store(s docstore.Store) docstore.Store {
	if m == nil {
		return s
	}
	return &store{Store: s, m: m,
		viewTime: m.storeLatency.WithLabelValues("view"), updateTime: m.storeLatency.WithLabelValues("update")}
}

// store is a docstore.Store whose transactions are measured.
type store struct {
	docstore.Store
	m                    *Metrics
	viewTime, updateTime interface{ Observe(float64) }
}

func (s *store) View(ctx context.Context, fn func(docstore.Tx) error) error {
	start := time.Now()
	err := s.Store.View(ctx, fn)
	s.viewTime.Observe(time.Since(start).Seconds())
	s.m.storeError("view", err)
	return err
}

func (s *store) Update(ctx context.Context, fn func(docstore.Tx) error) error {
	start := time.Now()
	err := s.Store.Update(ctx, fn)
	s.updateTime.Observe(time.Since(start).Seconds())
	s.m.storeError("update", err)
	return err
}

// storeError counts a transaction's error by why it failed: a document not found or
// already there, the request's context ending, the domain refusing the change with an AWS
// error (rolled back), or anything else (the store failing).
func (m *Metrics) storeError(kind string, err error) {
	if err == nil {
		return
	}
	reason := "failed"
	switch _, isAWS := awserr.As(err); {
	case errors.Is(err, docstore.ErrNotFound):
		reason = "not_found"
	case errors.Is(err, docstore.ErrConflict):
		reason = "conflict"
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		reason = "canceled"
	case isAWS:
		reason = "rejected"
	}
	m.storeErrors.WithLabelValues(kind, reason).Inc()
}
