// Package smapi is the Secrets Manager API, served through route over the JSON 1.1 protocol
// (X-Amz-Target: secretsmanager.Operation): for each operation a route reads the JSON
// input, finds the secret it names, authorizes the caller with its identity policies and
// the secret's resource policy (both sides across accounts) under Secrets Manager's
// condition keys, calls the secrets domain and writes AWS's JSON shapes.
package smapi

import (
	"net/http"

	"github.com/iamd-dev/iamd/internal/api/awsjson"
	"github.com/iamd-dev/iamd/internal/api/route"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/secrets"
	"github.com/iamd-dev/iamd/internal/sts"
)

// codec is Secrets Manager's JSON 1.1.
var codec = awsjson.Codec{TargetPrefix: "secretsmanager.", ServiceName: "Secrets Manager"}

// API serves Secrets Manager operations (a route.Endpoint).
type API struct {
	svc     *secrets.Service
	authz   *authz.Authorizer
	service *route.Service[awsjson.Body, *call]
}

// New makes the API.
func New(svc *secrets.Service, az *authz.Authorizer) *API {
	a := &API{svc: svc, authz: az}
	a.service = &route.Service[awsjson.Body, *call]{
		Prefix:    "secretsmanager",
		Codec:     codec,
		Routes:    routes(),
		Wrap:      func(c *route.Call[awsjson.Body]) *call { return &call{Call: c, api: a} },
		Authorize: (*call).authorizeRoute,
		Admit:     sts.SessionLimits,
		Unknown:   codec.Unknown,
		Internal:  secrets.InternalError,
	}
	return a
}

// Serve handles one Secrets Manager request from an authenticated caller.
func (a *API) Serve(w http.ResponseWriter, r *http.Request, body []byte, caller *authz.Caller, requestID string) route.Outcome {
	return a.service.Serve(w, r, body, caller, requestID)
}

// WriteError sends an error in JSON 1.1.
func (a *API) WriteError(w http.ResponseWriter, e *awserr.Error, requestID string) {
	a.service.WriteError(w, e, requestID)
}

// call is one operation in progress.
type call struct {
	*route.Call[awsjson.Body]
	api *API
	// input is the operation's decoded input (see input).
	input any
	// target is the secret the call names, found by the route's Resource; nil for actions
	// on "*". shown is its SecretId as given, which a denial names.
	target *secrets.Target
	shown  string
}

// ref is the secret a SecretId names, in the caller's account and region.
func (c *call) ref(secretID string) secrets.Ref {
	return secrets.Ref{Account: c.Caller.Account, Region: c.Caller.Region, SecretID: secretID}
}

// required reports a missing required member as the JSON services' validation does: a
// ValidationException (not one of Secrets Manager's modelled errors), HTTP 400.
func required(value, member string) error {
	if value == "" {
		return awserr.New("ValidationException", "1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", member)
	}
	return nil
}
