package server

// The APIs not yet served through route.Service, adapted to route.Endpoint while they move.

import (
	"context"
	"net/http"

	"github.com/iamd-dev/iamd/internal/api/adminapi"
	"github.com/iamd-dev/iamd/internal/api/awsquery"
	"github.com/iamd-dev/iamd/internal/api/ec2api"
	"github.com/iamd-dev/iamd/internal/api/iamapi"
	"github.com/iamd-dev/iamd/internal/api/route"
	"github.com/iamd-dev/iamd/internal/api/stsapi"
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

func queryErrors(namespace string) func(http.ResponseWriter, *awserr.Error, string) {
	return func(w http.ResponseWriter, err *awserr.Error, requestID string) {
		awsquery.WriteError(w, namespace, err, requestID)
	}
}

func legacyQuery(writeError func(http.ResponseWriter, *awserr.Error, string), malformedCode string, serve func(ctx context.Context, w http.ResponseWriter, q *awsquery.Request, caller *authz.Caller, requestID string) route.Outcome) legacyEndpoint {
	return legacyEndpoint{
		writeError: writeError,
		serve: func(w http.ResponseWriter, r *http.Request, body []byte, caller *authz.Caller, requestID string) route.Outcome {
			q, err := awsquery.Parse(r, body)
			if err != nil {
				e := awserr.New(malformedCode, "The query string is malformed.")
				writeError(w, e, requestID)
				return route.Outcome{Err: e}
			}
			return serve(r.Context(), w, q, caller, requestID)
		},
	}
}

func (s *Server) legacyIAM() route.Endpoint {
	return legacyQuery(queryErrors(iamapi.Namespace), "MalformedQueryString", func(ctx context.Context, w http.ResponseWriter, q *awsquery.Request, caller *authz.Caller, requestID string) route.Outcome {
		res := s.iamAPI.Serve(ctx, w, q, caller, requestID)
		return route.Outcome{Action: res.Action, Resource: res.Resource, Err: res.Err}
	})
}

func (s *Server) legacySTS() route.Endpoint {
	return legacyQuery(queryErrors(stsapi.Namespace), "MalformedQueryString", func(ctx context.Context, w http.ResponseWriter, q *awsquery.Request, caller *authz.Caller, requestID string) route.Outcome {
		action, resource, err := s.stsAPI.Serve(ctx, w, q, caller, requestID)
		return route.Outcome{Action: action, Resource: resource, Err: err}
	})
}

func (s *Server) legacyEC2() route.Endpoint {
	return legacyQuery(ec2api.WriteError, "InvalidParameterValue", func(ctx context.Context, w http.ResponseWriter, q *awsquery.Request, caller *authz.Caller, requestID string) route.Outcome {
		action, resource, err := s.ec2API.Serve(ctx, w, q, caller, requestID)
		return route.Outcome{Action: action, Resource: resource, Err: err}
	})
}

func (s *Server) legacyAdmin() route.Endpoint {
	return legacyQuery(queryErrors(adminapi.Namespace), "MalformedQueryString", func(ctx context.Context, w http.ResponseWriter, q *awsquery.Request, caller *authz.Caller, requestID string) route.Outcome {
		action, err := s.adminAPI.Serve(ctx, w, q, caller, requestID)
		return route.Outcome{Action: action, Err: err}
	})
}
