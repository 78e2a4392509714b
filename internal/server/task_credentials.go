package server

import (
	"net"
	"net/http"

	"github.com/iamd-dev/iamd/internal/api/adminapi"
	"github.com/iamd-dev/iamd/internal/taskcreds"
)

// taskCredentials is the container credentials endpoint of running tasks, at
// adminapi.TaskCredentialsPath, its requests in the audit log.
func (s *Server) taskCredentials() http.Handler {
	return &taskcreds.Handler{
		Tasks: s.tasks, Now: s.cfg.Now, Prefix: adminapi.TaskCredentialsPath, RequestID: newRequestID, Log: s.log,
		Audit: func(r *http.Request, rec taskcreds.Record) {
			s.metrics.TaskCredentialRead(rec.Decision)
			s.audit.write(auditEvent{Time: rec.Time, RequestID: rec.RequestID, Caller: rec.Caller, Action: taskcreds.Action,
				Resource: rec.Resource, Decision: rec.Decision, ErrorCode: rec.ErrorCode, Source: sourceAddr(r)})
		},
	}
}

// loopbackURL is the URL programs on this machine reach the listener at: a listener on
// every address is reached on 127.0.0.1, the only kind of plain-http address the SDKs accept
// for container credentials besides the ECS and EKS link-local ones.
func (s *Server) loopbackURL() string {
	host, port, err := net.SplitHostPort(s.Addr())
	if err != nil {
		return "http://" + s.Addr()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}
