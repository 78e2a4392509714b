package server

import (
	"net"
	"net/http"

	"github.com/iamd-dev/iamd/internal/api/adminapi"
	"github.com/iamd-dev/iamd/internal/cloudtrail"
	"github.com/iamd-dev/iamd/internal/taskcreds"
)

// taskCredentials is the container credentials endpoint of running tasks, at
// adminapi.TaskCredentialsPath, its requests in the audit log.
func (s *Server) taskCredentials() http.Handler {
	return s.followed(&taskcreds.Handler{
		Tasks: s.tasks, Now: s.cfg.Now, Prefix: adminapi.TaskCredentialsPath, RequestID: newRequestID, Log: s.log,
		Audit: func(r *http.Request, rec taskcreds.Record) {
			s.metrics.TaskCredentialRead(rec.Decision)
			// The task's credentials are asked for by its container agent, for the task: AWS's
			// service acting for it, whose role session rec.Caller names.
			s.audit.write(auditEvent{Time: rec.Time, RequestID: rec.RequestID, Action: taskcreds.Action,
				Resource: rec.Resource, Decision: rec.Decision, ErrorCode: rec.ErrorCode, Source: sourceAddr(r), UserAgent: r.UserAgent(),
				Identity: &cloudtrail.UserIdentity{Type: cloudtrail.AWSService, InvokedBy: "ecs-tasks.amazonaws.com", ARN: rec.Caller, AccountID: accountOf(rec.Caller)}})
		},
	})
}

// loopbackURL is the URL programs on this machine reach the listener at: a listener on
// every address is reached on 127.0.0.1; https when the API is served over TLS (the
// certificate iamd makes names 127.0.0.1).
func (s *Server) loopbackURL() string {
	return s.scheme() + "://" + loopbackHostPort(s.Addr())
}

// taskCredentialsURL is the URL the task credentials endpoint is reached at from this
// machine: plain http, the only kind the SDKs accept for container credentials besides the
// ECS and EKS link-local ones, so over TLS it is the plain loopback listener's.
func (s *Server) taskCredentialsURL() string {
	if s.plain != nil {
		return "http://" + loopbackHostPort(s.plain.Addr().String())
	}
	return "http://" + loopbackHostPort(s.Addr())
}

// loopbackHostPort is a listener's address as this machine reaches it.
func loopbackHostPort(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}
