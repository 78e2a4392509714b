// Package taskcreds is the container credentials endpoint of running tasks
// (AWS_CONTAINER_CREDENTIALS_FULL_URI): a program on this machine GETs its task's path with
// the task's authorization token as the Authorization header and receives the task role's
// session in the JSON the ECS agent sends, or the agent's JSON error. It is served without
// SigV4 signatures, as the ECS and EKS agents serve it.
package taskcreds

import (
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/iamd-dev/iamd/internal/arn"
	"github.com/iamd-dev/iamd/internal/tasks"
)

// Action is the action the audit log names a request for a task's credentials by.
const Action = "iamd:GetTaskCredentials"

// Handler serves the credentials of running tasks. Tasks, Now, Prefix and RequestID must
// be set.
type Handler struct {
	Tasks *tasks.Service
	// Now is the clock of the records.
	Now func() time.Time
	// Prefix is the path a task's id follows, e.g. /iamd/task-credentials/.
	Prefix string
	// RequestID makes the id of an answer (its x-amzn-RequestId).
	RequestID func() string
	// Log, when set, receives the failures to renew a task's credentials.
	Log *slog.Logger
	// Audit, when set, receives the record of every request once it is answered.
	Audit func(r *http.Request, rec Record)
}

// Record is what a request did, for the audit log. It never carries a credential or a
// token.
type Record struct {
	Time      time.Time // when the request arrived
	RequestID string
	Resource  string // task/ and the id the path gave
	Caller    string // the task role's session, when its credentials were served
	Decision  string // allowed | denied | failed
	ErrorCode string
}

// ServeHTTP answers one request for a task's credentials.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, h.Prefix)
	rec := Record{Time: h.Now().UTC(), RequestID: h.RequestID(), Resource: "task/" + id}
	if h.Audit != nil {
		defer func() { h.Audit(r, rec) }()
	}
	w.Header().Set("x-amzn-RequestId", rec.RequestID)
	w.Header().Set("Cache-Control", "no-store")
	fail := func(decision string, status int, code, message string) {
		rec.Decision, rec.ErrorCode = decision, code
		writeJSON(w, status, agentError{Code: code, Message: message, HTTPErrorCode: status})
	}
	if !fromThisMachine(r) {
		fail("denied", http.StatusForbidden, "AccessDenied", "Task credentials are served only to programs on this machine.")
		return
	}
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		fail("failed", http.StatusMethodNotAllowed, "MethodNotAllowed", "Task credentials are read with GET.")
		return
	}
	// A missing or wrong token is a 400, as the EKS Pod Identity agent answers a request
	// without a token and relays EKS Auth's InvalidTokenException (HTTP 400) for a bad one.
	token := r.Header.Get("Authorization")
	if token == "" {
		fail("denied", http.StatusBadRequest, "NoAuthorizationToken", "The Authorization header must carry the task's authorization token (AWS_CONTAINER_AUTHORIZATION_TOKEN).")
		return
	}
	creds, err := h.Tasks.Credentials(r.Context(), id, token)
	switch {
	case errors.Is(err, tasks.ErrUnknownTask):
		fail("failed", http.StatusBadRequest, "InvalidIdInRequest", "CredentialsV2Request: Credentials not found")
		return
	case errors.Is(err, tasks.ErrWrongToken):
		fail("denied", http.StatusBadRequest, "AccessDenied", "The authorization token is not valid for this task.")
		return
	case err != nil:
		if h.Log != nil {
			h.Log.Warn("renewing a task's credentials", "request_id", rec.RequestID, "task", id, "err", err)
		}
		fail("failed", http.StatusInternalServerError, "CredentialsUnavailable", "The task role's credentials could not be renewed.")
		return
	}
	rec.Decision = "allowed"
	rec.Caller = arn.STS(arn.PartitionOfARN(creds.RoleARN), creds.Account, "assumed-role/"+creds.RoleARN[strings.LastIndexByte(creds.RoleARN, '/')+1:]+"/"+id)
	writeJSON(w, http.StatusOK, answer(creds))
}

// fromThisMachine tells whether a request came from a loopback address.
func fromThisMachine(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
