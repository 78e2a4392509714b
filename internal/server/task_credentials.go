package server

import (
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/iamd-dev/iamd/internal/api/adminapi"
	"github.com/iamd-dev/iamd/internal/tasks"
)

// taskCredentials is the JSON the SDKs' container credentials providers read (botocore's
// ContainerProvider, aws-sdk-go-v2's endpointcreds): the ECS agent's fields, and AccountId
// as the EKS Pod Identity agent adds it.
type taskCredentials struct {
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string `json:"SecretAccessKey"`
	Token           string `json:"Token"`
	Expiration      string `json:"Expiration"`
	RoleARN         string `json:"RoleArn"`
	AccountID       string `json:"AccountId"`
}

// credentialsError is the ECS agent's error body, which aws-sdk-go-v2 reads as code and
// message.
type credentialsError struct {
	Code          string `json:"code"`
	Message       string `json:"message"`
	HTTPErrorCode int    `json:"HTTPErrorCode"`
}

// serveTaskCredentials is the container credentials endpoint of running tasks
// (AWS_CONTAINER_CREDENTIALS_FULL_URI): GET with the task's token as the Authorization
// header, from this machine only. It is served before SigV4 authentication, as the ECS and
// EKS agents serve it without signatures.
func (s *Server) serveTaskCredentials(w http.ResponseWriter, r *http.Request) {
	requestID := newRequestID()
	id := strings.TrimPrefix(r.URL.Path, adminapi.TaskCredentialsPath)
	ev := auditEvent{Time: s.cfg.Now().UTC(), RequestID: requestID, Source: sourceAddr(r),
		Action: "iamd:GetTaskCredentials", Resource: "task/" + id}
	defer func() { s.audit.write(ev) }()
	w.Header().Set("x-amzn-RequestId", requestID)
	w.Header().Set("Cache-Control", "no-store")
	fail := func(decision string, status int, code, message string) {
		ev.Decision, ev.ErrorCode = decision, code
		writeJSON(w, status, credentialsError{Code: code, Message: message, HTTPErrorCode: status})
	}
	if ip := net.ParseIP(sourceAddr(r)); ip == nil || !ip.IsLoopback() {
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
	creds, err := s.tasks.Credentials(r.Context(), id, token)
	switch {
	case errors.Is(err, tasks.ErrUnknownTask):
		fail("failed", http.StatusBadRequest, "InvalidIdInRequest", "CredentialsV2Request: Credentials not found")
		return
	case errors.Is(err, tasks.ErrWrongToken):
		fail("denied", http.StatusBadRequest, "AccessDenied", "The authorization token is not valid for this task.")
		return
	case err != nil:
		s.log.Warn("renewing a task's credentials", "task", id, "err", err)
		fail("failed", http.StatusInternalServerError, "CredentialsUnavailable", "The task role's credentials could not be renewed.")
		return
	}
	ev.Decision = "allowed"
	ev.Caller = "arn:aws:sts::" + creds.Account + ":assumed-role/" + creds.RoleARN[strings.LastIndexByte(creds.RoleARN, '/')+1:] + "/" + id
	writeJSON(w, http.StatusOK, taskCredentials{
		AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey, Token: creds.SessionToken,
		Expiration: creds.Expiration.UTC().Format(time.RFC3339), RoleARN: creds.RoleARN, AccountID: creds.Account,
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	data, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(data)
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
