package server

import (
	"context"
	"net/http"

	"github.com/iamd-dev/iamd/internal/api/adminapi"
	"github.com/iamd-dev/iamd/internal/api/awsquery"
	"github.com/iamd-dev/iamd/internal/api/ec2api"
	"github.com/iamd-dev/iamd/internal/api/iamapi"
	"github.com/iamd-dev/iamd/internal/api/smapi"
	"github.com/iamd-dev/iamd/internal/api/stsapi"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
)

// A call is one request, authenticated before its service serves it.
type call struct {
	w         http.ResponseWriter
	r         *http.Request
	body      []byte
	caller    *authz.Caller
	requestID string

	parsed   bool // query and queryErr hold the Query-protocol parse of the request
	q        *awsquery.Request
	queryErr error
}

// query parses the request as a Query-protocol call, once however often it is asked.
func (c *call) query() (*awsquery.Request, error) {
	if !c.parsed {
		c.q, c.queryErr = awsquery.Parse(c.r, c.body)
		c.parsed = true
	}
	return c.q, c.queryErr
}

// An outcome is what the audit log records of a call.
type outcome struct {
	action, resource string
	err              *awserr.Error // the error sent, nil on success
}

// An endpoint serves one AWS service (the SigV4 credential scope's service).
type endpoint struct {
	// serve handles an authenticated call.
	serve func(ctx context.Context, c *call) outcome
	// writeError sends an error in the service's protocol (for failures before serve).
	writeError func(w http.ResponseWriter, err *awserr.Error, requestID string)
}

// queryErrors writes errors of a Query-protocol service with its XML namespace.
func queryErrors(namespace string) func(http.ResponseWriter, *awserr.Error, string) {
	return func(w http.ResponseWriter, err *awserr.Error, requestID string) {
		awsquery.WriteError(w, namespace, err, requestID)
	}
}

// queryEndpoint is an endpoint of the Query protocol: the call's parameters are parsed
// before serve; a malformed body is answered with the service's own code for it.
func queryEndpoint(writeError func(http.ResponseWriter, *awserr.Error, string), malformedCode string, serve func(ctx context.Context, c *call, q *awsquery.Request) outcome) endpoint {
	return endpoint{
		writeError: writeError,
		serve: func(ctx context.Context, c *call) outcome {
			q, err := c.query()
			if err != nil {
				e := awserr.New(http.StatusBadRequest, malformedCode, "The query string is malformed.")
				writeError(c.w, e, c.requestID)
				return outcome{err: e}
			}
			return serve(ctx, c, q)
		},
	}
}

// endpoints are the services iamd serves, by credential-scope service name.
func (s *Server) endpoints() map[string]endpoint {
	return map[string]endpoint{
		"iam": queryEndpoint(queryErrors(iamapi.Namespace), "MalformedQueryString", func(ctx context.Context, c *call, q *awsquery.Request) outcome {
			res := s.iamAPI.Serve(ctx, c.w, q, c.caller, c.requestID)
			return outcome{res.Action, res.Resource, res.Err}
		}),
		"sts": queryEndpoint(queryErrors(stsapi.Namespace), "MalformedQueryString", func(ctx context.Context, c *call, q *awsquery.Request) outcome {
			action, resource, err := s.stsAPI.Serve(ctx, c.w, q, c.caller, c.requestID)
			return outcome{action, resource, err}
		}),
		"ec2": queryEndpoint(ec2api.WriteError, "InvalidParameterValue", func(ctx context.Context, c *call, q *awsquery.Request) outcome {
			action, resource, e := s.ec2API.Serve(ctx, c.w, q, c.caller, c.requestID)
			return outcome{action, resource, e}
		}),
		"iamd": queryEndpoint(queryErrors(adminapi.Namespace), "MalformedQueryString", func(ctx context.Context, c *call, q *awsquery.Request) outcome {
			action, err := s.adminAPI.Serve(ctx, c.w, q, c.caller, c.requestID)
			return outcome{action: action, err: err}
		}),
		"secretsmanager": {
			writeError: smapi.WriteError,
			serve: func(ctx context.Context, c *call) outcome {
				res := s.smAPI.Serve(ctx, c.w, c.r, c.body, c.caller, c.requestID)
				return outcome{res.Action, res.Resource, res.Err}
			},
		},
	}
}
