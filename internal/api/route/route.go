// Package route is the one contract every API of iamd is served through. A service is a set
// of routes and a codec: a route declares how the resource its action is authorized on is
// found (from the stored entity, never from the request's words alone), the request's own
// condition keys, and a handler from a decoded call to a result or an error; the codec is the
// protocol the service speaks (the Query protocol's XML, EC2's dialect, JSON 1.1). What every
// call shares is written here once: finding the route, the caller's admission, authorization,
// the error tail (an error that is not AWS's becomes the service's own code for a failure on
// its side, its cause kept in the outcome for the server's log), and the outcome the audit log
// records.
package route

import (
	"context"
	"net/http"

	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
)

// A Codec is a protocol: how an operation and its input are read from a request, and how a
// result and an error are written, with the protocol's table of statuses.
type Codec[In any] interface {
	// Decode reads the operation's name and input from a request whose body was read.
	Decode(r *http.Request, body []byte) (op string, in In, err *awserr.Error)
	// WriteResult writes an operation's result (nil for operations that return nothing).
	WriteResult(w http.ResponseWriter, op string, out any, requestID string) error
	// WriteError writes an error, with the status the protocol's table gives its code.
	WriteError(w http.ResponseWriter, e *awserr.Error, requestID string)
}

// Call is one decoded call of an authenticated caller. An API wraps it in its own call type
// (Service.Wrap), which its routes take.
type Call[In any] struct {
	Ctx       context.Context
	Caller    *authz.Caller
	Operation string // the operation's name, e.g. GetRole
	Action    string // the IAM action, e.g. iam:GetRole
	In        In
	RequestID string
	// Resource is the ARN the call is authorized on, for the audit record: the route's
	// Resource, or what a handler that authorizes itself sets.
	Resource string
}

// Authorization says who authorizes a route's action.
type Authorization int

const (
	// ByRoute: the service authorizes the action on the route's Resource, with the route's
	// Conditions, before the handler runs.
	ByRoute Authorization = iota
	// ByHandler: the handler authorizes (several resources, a trust policy, a resource found
	// while acting); it sets Call.Resource.
	ByHandler
	// Unauthorized: the action needs no permission (sts:GetCallerIdentity).
	Unauthorized
)

// A Route is how one operation is served; C is the API's call type.
type Route[C any] struct {
	// Resource is the ARN the action is authorized on; nil means "*".
	Resource func(C) (string, error)
	// Conditions are the request's own condition keys (aws:RequestTag/*, iam:PolicyARN, ...);
	// nil means none.
	Conditions func(C) authz.Context
	// Auth says who authorizes the action (ByRoute unless set).
	Auth Authorization
	// Handle acts and returns the result (nil for none) or an error.
	Handle func(C) (any, error)
}

// Outcome is what a call did, for the audit log and the server's log.
type Outcome struct {
	Action   string
	Resource string
	Err      *awserr.Error // the error sent; nil on success
	// Cause is the failure behind an internal error (Err is then the service's Internal
	// answer): the server logs it with the request id; the caller never sees it.
	Cause error
}

// An Endpoint serves one AWS service (a SigV4 credential scope's service).
type Endpoint interface {
	// Serve handles an authenticated call whose body was read.
	Serve(w http.ResponseWriter, r *http.Request, body []byte, caller *authz.Caller, requestID string) Outcome
	// WriteError sends an error in the service's protocol (for failures before Serve).
	WriteError(w http.ResponseWriter, e *awserr.Error, requestID string)
}
