package testutil

import (
	"testing"

	"github.com/iamd-dev/iamd/internal/api/route"
	"github.com/iamd-dev/iamd/internal/awserr"
)

// CheckOutcome checks the outcome of a call served through a service's Do: the audited
// action and resource, no failure on iamd's side, and the error, to the letter (nil for a
// success).
func CheckOutcome(t testing.TB, o route.Outcome, action, resource string, want *awserr.Error) {
	t.Helper()
	if o.Action != action || o.Resource != resource {
		t.Errorf("outcome %s on %q, want %s on %q", o.Action, o.Resource, action, resource)
	}
	if o.Cause != nil {
		t.Errorf("internal failure: %v", o.Cause)
	}
	switch {
	case want == nil && o.Err != nil:
		t.Fatalf("error %v", o.Err)
	case want != nil && (o.Err == nil || *o.Err != *want):
		t.Fatalf("error %v, want %v", o.Err, want)
	}
}
