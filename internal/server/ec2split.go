package server

import (
	"net/http"

	"github.com/iamd-dev/iamd/internal/api/ec2api"
	"github.com/iamd-dev/iamd/internal/api/ec2query"
	"github.com/iamd-dev/iamd/internal/api/frontapi"
	"github.com/iamd-dev/iamd/internal/api/route"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/opmodel"
)

// ec2Split is EC2's endpoint, split by the call's Action: the instance lifecycle iamd serves
// itself (ec2api's routes) is never forwarded; every other operation EC2's model knows is
// the front door's, authorized and forwarded to the upstream, or, without an upstream for
// EC2, answered as EC2 answers an action it does not serve, with how to set one. A call
// without an Action, or with one the model does not know, is ec2api's to answer (EC2's
// MissingAction, InvalidAction). Whichever serves a call, it has one outcome.
type ec2Split struct {
	own      *ec2api.API
	front    *frontapi.API
	upstream bool // an upstream serves EC2
}

var _ route.Endpoint = (*ec2Split)(nil)

// ec2Endpoint is the server's EC2 endpoint: ec2api's, and the door's for the rest.
func (s *Server) ec2Endpoint() *ec2Split {
	_, upstream := s.cfg.Upstreams.For("ec2")
	// The operation models are read at the first call that needs them, not at start-up.
	return &ec2Split{own: s.ec2API, front: s.front, upstream: upstream}
}

// Serve handles an authenticated EC2 call whose body was read (route.Endpoint).
func (e *ec2Split) Serve(w http.ResponseWriter, r *http.Request, body []byte, caller *authz.Caller, requestID string) route.Outcome {
	return e.Pass(w, r, body, caller, requestID).Outcome
}

// Pass serves the call as Serve does, and says, when the door served it, what soft mode let
// through.
func (e *ec2Split) Pass(w http.ResponseWriter, r *http.Request, body []byte, caller *authz.Caller, requestID string) frontapi.Result {
	op, _, derr := ec2query.Codec{}.Decode(r, body)
	switch {
	case derr != nil || e.own.Serves(op) || opmodel.Default().BySigningName("ec2").Operation(op) == nil:
		return frontapi.Result{Outcome: e.own.Serve(w, r, body, caller, requestID)}
	case e.upstream:
		return e.front.For("ec2").Pass(w, r, body, caller, requestID)
	}
	err := noEC2Upstream(op)
	e.own.WriteError(w, err, requestID)
	return frontapi.Result{Outcome: route.Outcome{Action: "ec2:" + op, Err: err}}
}

// WriteError sends an error in EC2's shape (for failures before Serve).
func (e *ec2Split) WriteError(w http.ResponseWriter, err *awserr.Error, requestID string) {
	e.own.WriteError(w, err, requestID)
}

// noEC2Upstream is the answer for an EC2 operation iamd does not serve itself when no
// upstream serves EC2: EC2's InvalidAction, saying how to set one.
func noEC2Upstream(op string) *awserr.Error {
	return awserr.New("InvalidAction",
		"The action %s is not valid for this web service. iamd serves EC2's instance lifecycle itself and has no upstream for EC2's other operations: %s",
		op, frontapi.UpstreamHint("ec2"))
}
