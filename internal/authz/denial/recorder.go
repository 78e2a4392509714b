package denial

import (
	"context"
	"sync"
)

// Recorder keeps the last denial met while one request was authorized (and the last allowing
// decision, for the audit record of an allowed call). It is safe for
// concurrent use.
type Recorder struct {
	mu   sync.Mutex
	last *Reason
	// allowed is the last decision that allowed, with the statements that did.
	allowed *Reason
}

type recorderKey struct{}

// WithRecorder returns a context that carries a new Recorder, and the Recorder.
func WithRecorder(ctx context.Context) (context.Context, *Recorder) {
	r := &Recorder{}
	return context.WithValue(ctx, recorderKey{}, r), r
}

// RecorderFrom returns the context's Recorder, or nil when it carries none.
func RecorderFrom(ctx context.Context) *Recorder {
	r, _ := ctx.Value(recorderKey{}).(*Recorder)
	return r
}

// Keep records a denial, replacing the one kept before: the last denial is the one that
// refused the call.
func (r *Recorder) Keep(reason *Reason) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.last = reason
}

// Last returns the last denial kept, or nil.
func (r *Recorder) Last() *Reason {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last
}

// KeepAllowed records the statements of a decision that allowed, replacing those kept
// before: the last is the one that let the call through.
func (r *Recorder) KeepAllowed(reason *Reason) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.allowed = reason
}

// LastAllowed returns the last allowing decision kept, or nil.
func (r *Recorder) LastAllowed() *Reason {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.allowed
}
