package metrics

import (
	"net/http"
	"strconv"
	"strings"
)

// Metadata wraps an instance metadata endpoint's handler to count its requests by kind
// and status (h itself for a nil *Metrics).
func (m *Metrics) Metadata(h http.Handler) http.Handler {
	if m == nil {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r)
		m.metadata.WithLabelValues(metadataKind(r.URL.Path), strconv.Itoa(sw.status())).Inc()
	})
}

// metadataKind is what a metadata request reads: a session token (PUT /latest/api/token),
// a role's credentials (.../security-credentials/NAME, the instance profile's role or the
// instance identity's), or anything else.
func metadataKind(path string) string {
	if path == "/latest/api/token" {
		return "token"
	}
	if _, name, ok := strings.Cut(path, "/security-credentials/"); ok && name != "" && !strings.Contains(name, "/") {
		return "credentials"
	}
	return "other"
}

// statusWriter keeps the status a handler sent.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) status() int {
	if w.code == 0 {
		return http.StatusOK
	}
	return w.code
}

// TaskCredentialRead counts one request of the task credentials endpoint by its outcome
// (allowed, denied, failed).
func (m *Metrics) TaskCredentialRead(outcome string) {
	if m == nil {
		return
	}
	if outcome != "allowed" && outcome != "denied" {
		outcome = "failed"
	}
	m.taskReads.WithLabelValues(outcome).Inc()
}

// sessionKinds are the kinds of STS sessions, by internal/sts's Session.Kind.
var sessionKinds = map[string]string{"": "role", "user": "user", "federated-user": "federated-user"}

// SessionIssued counts one STS session issued, of the kind internal/sts names ("" for a
// role session).
func (m *Metrics) SessionIssued(kind string) {
	if m == nil {
		return
	}
	label, ok := sessionKinds[kind]
	if !ok {
		label = Other
	}
	m.sessions.WithLabelValues(label).Inc()
}
