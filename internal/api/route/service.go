package route

import (
	"context"
	"fmt"
	"net/http"

	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
)

// A Service is one API: its routes by operation name, its codec, and the service's own
// answers. In is the codec's decoded input; C the API's call type.
type Service[In any, C any] struct {
	// Prefix is the service prefix of its actions ("iam": iam:GetRole).
	Prefix string
	Codec  Codec[In]
	Routes map[string]Route[C]
	// Wrap makes the API's call from a decoded call.
	Wrap func(*Call[In]) C
	// Authorize decides a route's action for the call (an Authorizer's Authorize, or the
	// service's own wording of a denial).
	Authorize func(c C, r authz.Request) error
	// Admit, when set, may refuse a caller an action before anything else (the limits of
	// GetSessionToken and GetFederationToken sessions).
	Admit func(caller *authz.Caller, action string) error
	// Unknown is the answer for an operation the service does not serve ("" included).
	Unknown func(op string) *awserr.Error
	// Internal is the service's answer for a failure on its side (IAM's ServiceFailure,
	// Secrets Manager's InternalServiceError, EC2's InternalError).
	Internal func() *awserr.Error
}

// Serve decodes, serves and answers one call.
func (s *Service[In, C]) Serve(w http.ResponseWriter, r *http.Request, body []byte, caller *authz.Caller, requestID string) Outcome {
	op, in, derr := s.Codec.Decode(r, body)
	if derr != nil {
		s.Codec.WriteError(w, derr, requestID)
		return Outcome{Action: s.action(op), Err: derr}
	}
	out, o := s.Do(r.Context(), caller, op, in, requestID)
	if o.Err != nil {
		s.Codec.WriteError(w, o.Err, requestID)
		return o
	}
	if err := s.Codec.WriteResult(w, op, out, requestID); err != nil {
		// The response has started: nothing more can be sent, but the cause is kept.
		o.Err, o.Cause = s.Internal(), err
	}
	return o
}

// WriteError sends an error in the service's protocol.
func (s *Service[In, C]) WriteError(w http.ResponseWriter, e *awserr.Error, requestID string) {
	s.Codec.WriteError(w, e, requestID)
}

// Do serves one decoded call without HTTP: it finds the route, admits and authorizes the
// caller, and runs the handler. It returns the result and the outcome; an error that is not
// AWS's becomes the service's Internal error, with the error kept as the outcome's Cause.
func (s *Service[In, C]) Do(ctx context.Context, caller *authz.Caller, op string, in In, requestID string) (any, Outcome) {
	call := &Call[In]{Ctx: ctx, Caller: caller, Operation: op, Action: s.action(op), In: in, RequestID: requestID}
	out, err := s.run(call)
	o := Outcome{Action: call.Action, Resource: call.Resource}
	if err != nil {
		if e, ok := awserr.As(err); ok {
			o.Err = e
		} else {
			o.Err, o.Cause = s.Internal(), err
		}
		return nil, o
	}
	return out, o
}

func (s *Service[In, C]) run(call *Call[In]) (any, error) {
	rt, ok := s.Routes[call.Operation]
	if !ok || rt.Handle == nil {
		return nil, s.Unknown(call.Operation)
	}
	if s.Admit != nil {
		if err := s.Admit(call.Caller, call.Action); err != nil {
			return nil, err
		}
	}
	c := s.Wrap(call)
	if rt.Auth == ByRoute {
		if s.Authorize == nil {
			// A route that asks to be authorized is never served unauthorized.
			return nil, fmt.Errorf("route: %s is authorized by its route, but the service has no Authorize", call.Action)
		}
		arn := "*"
		if rt.Resource != nil {
			// A call refused before its resource is known is audited with none.
			var err error
			if arn, err = rt.Resource(c); err != nil {
				return nil, err
			}
		}
		call.Resource = arn
		req := authz.Request{Action: call.Action, Resource: call.Resource}
		if rt.Conditions != nil {
			req.Context = rt.Conditions(c)
		}
		if err := s.Authorize(c, req); err != nil {
			return nil, err
		}
	}
	return rt.Handle(c)
}

// action is the IAM action of an operation ("" for none).
func (s *Service[In, C]) action(op string) string {
	if op == "" {
		return ""
	}
	return s.Prefix + ":" + op
}
