package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/iamd-dev/iamd/internal/api/awsquery"
	"github.com/iamd-dev/iamd/internal/api/frontapi"
	"github.com/iamd-dev/iamd/internal/api/route"
	"github.com/iamd-dev/iamd/internal/arn"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/authz/denial"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/cloudtrail"
	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/policy"
	"github.com/iamd-dev/iamd/internal/sigv4"
	"github.com/iamd-dev/iamd/internal/sts"
)

// maxBody bounds a request body that is read before it is verified: Query and JSON calls
// are small, and so are the calls of every service the front door forwards but S3's. S3's
// bodies are the door's (frontapi's PassStream): verified as they are read, objects of any
// size streamed to the upstream one chunk at a time (sigv4.MaxChunkSize at most), the other
// bodies read up to the same bound.
const maxBody = 1 << 20

// serveAWS is the one entry point of every AWS API: it authenticates the request, finds
// the endpoint of its credential scope's service, and has it serve the call.
func (s *Server) serveAWS(w http.ResponseWriter, r *http.Request) {
	requestID := newRequestID()
	w.Header().Set("x-amzn-RequestId", requestID)
	ev := auditEvent{Time: s.cfg.Now().UTC(), RequestID: requestID, Source: sourceAddr(r), UserAgent: r.UserAgent(), Service: scopeService(r),
		TLS: cloudtrail.TLSOf(r.TLS, r.Host)}
	// The call's service is its credential scope's until authentication says otherwise.
	service, start := scopeService(r), time.Now()
	defer func() {
		s.audit.write(ev)
		s.metrics.Call(service, ev.Action, ev.Decision, time.Since(start))
	}()

	var body []byte
	streamed := s.streamsBody(scopeService(r))
	if streamed {
		r.Body = s.progressBody(w, r.Body)
	} else {
		var err error
		body, err = io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		switch {
		case err != nil:
			// A body that cannot be read (malformed chunked encoding, a body cut short) is a
			// malformed request, not a large one: AWS's common error for problems at the HTTP level.
			s.fail(w, &ev, scopeService(r), awserr.New("MalformedHttpRequestException",
				"Problems with the request at the HTTP level: the request body could not be read."), requestID)
			return
		case len(body) > maxBody:
			s.fail(w, &ev, scopeService(r), awserr.New("RequestEntityTooLarge", "The request body is too large."), requestID)
			return
		}
	}
	var (
		signed  *sigv4.Result
		session *sts.Session
		err     error
	)
	if !streamed {
		ev.Params = requestParams(r, body)
	}
	// Another replica's writes acknowledged before this call decide it (replica.go).
	if err := s.catchUp(r.Context()); err != nil {
		s.logInternal(requestID, "", err)
		s.fail(w, &ev, scopeService(r), awserr.New("ServiceUnavailable", "The request has failed due to a temporary failure of the server."), requestID)
		return
	}
	caller, service := s.unsignedCaller(r, body)
	if caller == nil {
		caller, service, signed, session, err = s.authenticate(r.Context(), r, body, streamed)
	}
	if signed != nil {
		ev.AccessKeyID, ev.Region = signed.AccessKeyID, signed.Region
	} else {
		ev.AccessKeyID = scopeAccessKey(r)
	}
	if err != nil {
		ev.Operation = operationOf(r, body)
		s.fail(w, &ev, service, s.authError(err, requestID), requestID)
		return
	}
	ev.Caller, ev.Session = caller, session
	if ev.Region == "" {
		ev.Region = caller.Region
	}
	ctx, denials := denial.WithRecorder(r.Context())
	r = r.WithContext(ctx)
	var out route.Outcome
	wouldDeny := false
	switch ep := s.endpoint(service).(type) {
	case passer:
		// The door says, besides the outcome, what soft mode let through.
		var res frontapi.Result
		if st, ok := ep.(streamPasser); ok && streamed {
			res = st.PassStream(w, r, signed, caller, requestID)
		} else {
			res = ep.Pass(w, r, body, caller, requestID)
		}
		out, wouldDeny = res.Outcome, res.WouldDeny
	default:
		tap := &responseTap{ResponseWriter: w}
		ev.Answer = tap
		out = ep.Serve(tap, r, body, caller, requestID)
	}
	ev.Action, ev.Resource = out.Action, out.Resource
	ev.record(out.Err)
	if wouldDeny {
		ev.Decision = decisionWouldDeny
	}
	if ev.Decision == "denied" || wouldDeny {
		ev.Denial = denials.Last()
	}
	if ev.Decision == cloudtrail.Allowed {
		ev.Allowed = denials.LastAllowed()
	}
	if out.Cause != nil {
		s.logInternal(requestID, out.Action, out.Cause)
	}
}

// passer is an endpoint the front door serves calls of (all of a service's, or some:
// EC2's): Pass is Serve, with what soft mode let through.
type passer interface {
	Pass(w http.ResponseWriter, r *http.Request, body []byte, caller *authz.Caller, requestID string) frontapi.Result
}

// streamPasser is a passer that also serves calls whose body it reads as it forwards them
// (S3's objects): their signature was verified from the headers alone (signed).
type streamPasser interface {
	PassStream(w http.ResponseWriter, r *http.Request, signed *sigv4.Result, caller *authz.Caller, requestID string) frontapi.Result
}

// logInternal logs the cause of a failure on iamd's side, which the caller saw only as the
// service's code for one, with the request id the caller was given ("" for an action not
// known yet).
func (s *Server) logInternal(requestID, action string, cause error) {
	attrs := []any{"request_id", requestID}
	if action != "" {
		attrs = append(attrs, "action", action)
	}
	s.log.Error("internal failure", append(attrs, "err", cause)...)
}

func (e *auditEvent) record(err *awserr.Error) {
	switch {
	case err == nil:
		e.Decision = "allowed"
		return
	case err.Code == "AccessDenied" || err.Code == "AccessDeniedException" || err.Code == "UnauthorizedOperation":
		e.Decision = "denied"
	default:
		e.Decision = "failed"
	}
	e.ErrorCode, e.ErrorMessage = err.Code, err.Message
}

// fail sends an error that ends a call before its service serves it, in the protocol of
// the service named (the Query protocol's XML for a service no operation model knows).
func (s *Server) fail(w http.ResponseWriter, ev *auditEvent, service string, err *awserr.Error, requestID string) {
	ev.record(err)
	s.endpoint(service).WriteError(w, err, requestID)
}

// authenticate verifies the request's signature and resolves who made it: the owner of a
// long-term access key, or a role session whose token carries its own secret. A streamed
// body is not read: the signature is verified from the headers, and the result returned
// reads the body.
func (s *Server) authenticate(ctx context.Context, r *http.Request, body []byte, streamed bool) (*authz.Caller, string, *sigv4.Result, *sts.Session, error) {
	var (
		owner   iam.Caller
		session *sts.Session
	)
	token := r.Header.Get("X-Amz-Security-Token")
	if token == "" {
		token = r.URL.Query().Get("X-Amz-Security-Token")
	}
	invalidToken := &sigv4.Error{Code: "InvalidClientTokenId", Message: "The security token included in the request is invalid.", HTTPStatus: http.StatusForbidden}
	v := *s.verifier
	v.RegionFor = scopeRegion
	v.Lookup = func(ctx context.Context, id string) (string, error) {
		if token != "" {
			sess, err := s.sts.Sealer().Open(token)
			if err != nil || sess.AccessKeyID != id {
				return "", invalidToken
			}
			session = sess
			return sess.SecretAccessKey, nil
		}
		secret, c, err := s.iam.LookupAccessKey(ctx, id)
		if errors.Is(err, iam.ErrUnknownKey) {
			return "", sigv4.ErrUnknownAccessKey
		}
		owner = c
		return secret, err
	}
	var res *sigv4.Result
	var err error
	if streamed {
		res, err = v.VerifyHeaders(ctx, r)
	} else {
		res, err = v.Verify(ctx, r, body)
	}
	if err != nil {
		return nil, scopeService(r), nil, nil, err
	}
	partition := arn.PartitionOfARN(owner.ARN)
	if session != nil {
		partition = session.Partition
	}
	if err := checkPartition(res, partition); err != nil {
		return nil, res.Service, nil, nil, err
	}
	if session != nil {
		if !s.cfg.Now().Before(session.Expires) {
			return nil, res.Service, nil, nil, &sigv4.Error{Code: "ExpiredToken", Message: "The security token included in the request is expired", HTTPStatus: http.StatusForbidden}
		}
		if session.Kind == sts.KindRole {
			if err := s.iam.NoteRoleUse(ctx, session.Account, session.RoleName, session.RoleID, res.Region); err != nil {
				s.log.Warn("recording a role's last use", "err", err)
			}
		}
		c, err := s.sessionCaller(r, res, session)
		return c, res.Service, res, session, err
	}
	if err := s.iam.NoteAccessKeyUse(ctx, res.AccessKeyID, res.Region, res.Service); err != nil {
		s.log.Warn("recording an access key's last use", "err", err)
	}
	p, err := policy.ParsePrincipal(owner.ARN)
	if err != nil {
		return nil, res.Service, nil, nil, err
	}
	c := &authz.Caller{
		Principal: p, Account: owner.Account, UserID: owner.UserID, UserName: owner.UserName, EntityID: owner.UserID,
		SourceIP: sourceAddr(r), SecureTransport: secureTransport(r), Time: s.cfg.Now(), Region: res.Region,
	}
	if len(owner.Tags) > 0 {
		c.Tags = map[string]string{}
		for _, t := range owner.Tags {
			c.Tags[t.Key] = t.Value
		}
	}
	return c, res.Service, res, nil, nil
}

// scopeRegion is the region a credential scope for the service must name: IAM's one global
// endpoint of each partition takes only that partition's signing region (us-east-1 in aws,
// cn-north-1 in aws-cn, us-gov-west-1 in aws-us-gov; AWS answers SignatureDoesNotMatch
// "Credential should be scoped to a valid region, not '...'." otherwise), so
// aws:RequestedRegion of an IAM call is that region. STS, Secrets Manager, EC2 and iamd's own
// API are regional: one iamd endpoint stands for every region's, and the scope's region is
// the call's (in the caller's partition: checkPartition).
func scopeRegion(service, region string) string {
	if service == "iam" {
		return arn.IAMRegion(arn.PartitionOf(region))
	}
	return ""
}

// checkPartition refuses a request signed for a region of another partition than the
// caller's account: each partition is its own AWS, whose endpoints know none of another
// partition's keys or tokens, so AWS answers as for a credential it does not hold.
func checkPartition(res *sigv4.Result, callerPartition string) error {
	if arn.PartitionOf(res.Region) == arn.OrDefault(callerPartition) {
		return nil
	}
	return &sigv4.Error{Code: "InvalidClientTokenId", Message: "The security token included in the request is invalid.", HTTPStatus: http.StatusForbidden}
}

// unsignedActions are the calls AWS takes without a signature: their parameters carry the
// credential (a web identity token, a SAML response).
var unsignedActions = map[string]string{"AssumeRoleWithWebIdentity": "sts", "AssumeRoleWithSAML": "sts"}

// unsignedCaller returns an anonymous caller for an unsigned call that AWS accepts
// unsigned, and nil for every other request (which authenticate then verifies).
func (s *Server) unsignedCaller(r *http.Request, body []byte) (*authz.Caller, string) {
	if len(r.Header.Values("Authorization")) > 0 || r.URL.Query().Has("X-Amz-Signature") || r.URL.Query().Has("X-Amz-Credential") {
		return nil, ""
	}
	q, err := awsquery.Parse(r, body)
	if err != nil {
		return nil, ""
	}
	service, ok := unsignedActions[q.Action]
	if !ok {
		return nil, ""
	}
	p, _ := policy.ParsePrincipal("*")
	return &authz.Caller{Principal: p, SourceIP: sourceAddr(r), SecureTransport: secureTransport(r), Time: s.cfg.Now(), Region: s.cfg.Region}, service
}

// sessionCaller is the caller a session's credentials stand for.
func (s *Server) sessionCaller(r *http.Request, res *sigv4.Result, sess *sts.Session) (*authz.Caller, error) {
	c, err := sess.Caller()
	if err != nil {
		return nil, err
	}
	c.SourceIP, c.SecureTransport, c.Time, c.Region = sourceAddr(r), secureTransport(r), s.cfg.Now(), res.Region
	return c, nil
}

// authError turns an authentication failure into the error AWS sends; a failure that is
// not the signature's (the store failing to find a key) is a ServiceFailure, its cause
// logged.
func (s *Server) authError(err error, requestID string) *awserr.Error {
	var se *sigv4.Error
	if errors.As(err, &se) {
		return &awserr.Error{Code: se.Code, Message: se.Message}
	}
	s.logInternal(requestID, "", err)
	return awserr.ServiceFailure()
}

// scopeAccessKey reads the access key a request's credential scope names, for the record
// of a request whose signature was refused.
func scopeAccessKey(r *http.Request) string {
	cred := r.URL.Query().Get("X-Amz-Credential")
	if h := r.Header.Get("Authorization"); h != "" {
		if i := strings.Index(h, "Credential="); i >= 0 {
			cred = h[i+len("Credential="):]
		}
	}
	id, _, _ := strings.Cut(cred, "/")
	return id
}

// scopeService reads the service from a request's credential scope, for error namespaces.
func scopeService(r *http.Request) string {
	cred := r.URL.Query().Get("X-Amz-Credential")
	if h := r.Header.Get("Authorization"); h != "" {
		if i := strings.Index(h, "Credential="); i >= 0 {
			cred = h[i+len("Credential="):]
		}
	}
	parts := strings.Split(strings.SplitN(cred, ",", 2)[0], "/")
	if len(parts) >= 4 {
		return parts[3]
	}
	return ""
}

func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
