package server

import (
	"encoding/json"
	"io"
	"sync"
	"time"

	"github.com/iamd-dev/iamd/internal/authz/denial"
)

// auditEvent is one API call, as written to the audit log. It never carries a secret key,
// a session token or a secret value.
type auditEvent struct {
	Time      time.Time `json:"time"`
	RequestID string    `json:"requestId"`
	Caller    string    `json:"caller,omitempty"`
	Action    string    `json:"action,omitempty"`
	Resource  string    `json:"resource,omitempty"`
	Decision  string    `json:"decision"` // allowed | denied | failed | would-be-denied
	ErrorCode string    `json:"errorCode,omitempty"`
	Source    string    `json:"sourceAddress"`
	// Denial is why the policies denied a denied call, when they did (a call refused
	// before its policies were read has none): for iamd policy explain.
	Denial *denial.Reason `json:"denial,omitempty"`
}

// decisionWouldDeny is the decision of a call the front door's soft mode (--enforce log)
// forwarded although its caller's policies deny it.
const decisionWouldDeny = "would-be-denied"

// auditLog writes events as JSON lines, one at a time.
type auditLog struct {
	mu sync.Mutex
	w  io.Writer
}

func (a *auditLog) write(e auditEvent) {
	if a == nil || a.w == nil {
		return
	}
	line, err := json.Marshal(e)
	if err != nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	_, _ = a.w.Write(append(line, '\n'))
}
