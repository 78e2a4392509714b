package server

// The APIs not yet served through route.Service, adapted to route.Endpoint while they move.

import (
	"net/http"

	"github.com/iamd-dev/iamd/internal/api/route"
	"github.com/iamd-dev/iamd/internal/api/smapi"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
)

type legacyEndpoint struct {
	serve      func(w http.ResponseWriter, r *http.Request, body []byte, caller *authz.Caller, requestID string) route.Outcome
	writeError func(w http.ResponseWriter, err *awserr.Error, requestID string)
}

func (e legacyEndpoint) Serve(w http.ResponseWriter, r *http.Request, body []byte, caller *authz.Caller, requestID string) route.Outcome {
	return e.serve(w, r, body, caller, requestID)
}

func (e legacyEndpoint) WriteError(w http.ResponseWriter, err *awserr.Error, requestID string) {
	e.writeError(w, err, requestID)
}

func (s *Server) legacySecretsManager() route.Endpoint {
	return legacyEndpoint{
		writeError: smapi.WriteError,
		serve: func(w http.ResponseWriter, r *http.Request, body []byte, caller *authz.Caller, requestID string) route.Outcome {
			res := s.smAPI.Serve(r.Context(), w, r, body, caller, requestID)
			return route.Outcome{Action: res.Action, Resource: res.Resource, Err: res.Err}
		},
	}
}
