// Package iamapi is the IAM API over the Query protocol: for each action it reads the
// parameters, authorizes the caller for the action on the resource AWS documents, calls the
// iam service, and writes AWS's XML. It is served through the one contract of every API,
// route.Service.
package iamapi

import (
	"net/http"

	"github.com/iamd-dev/iamd/internal/api/awsquery"
	apiroute "github.com/iamd-dev/iamd/internal/api/route"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/sts"
)

// Namespace is the XML namespace of IAM responses.
const Namespace = "https://iam.amazonaws.com/doc/2010-05-08/"

// API serves IAM actions; it is a route.Endpoint.
type API struct {
	iam     *iam.Service
	authz   *authz.Authorizer
	service *apiroute.Service[*awsquery.Request, *call]
	// issuerURL is an outbound federation issuer's URL from its id (outbound_federation.go).
	issuerURL func(issuerID string) string
}

var _ apiroute.Endpoint = (*API)(nil)

// New makes the API.
func New(svc *iam.Service, az *authz.Authorizer) *API {
	a := &API{iam: svc, authz: az}
	a.service = &apiroute.Service[*awsquery.Request, *call]{
		Prefix:    "iam",
		Codec:     awsquery.Codec{Namespace: Namespace, MalformedCode: "MalformedQueryString"},
		Routes:    contractRoutes(),
		Wrap:      a.wrap,
		Authorize: a.authorize,
		Admit:     sts.SessionLimits,
		Unknown:   unknownAction,
		Internal:  awserr.ServiceFailure,
	}
	return a
}

// Serve handles one IAM request, whose body was read, from an authenticated caller.
func (a *API) Serve(w http.ResponseWriter, r *http.Request, body []byte, caller *authz.Caller, requestID string) apiroute.Outcome {
	return a.service.Serve(w, r, body, caller, requestID)
}

// WriteError sends an error as IAM's Query protocol does.
func (a *API) WriteError(w http.ResponseWriter, e *awserr.Error, requestID string) {
	a.service.WriteError(w, e, requestID)
}

// authorize decides a route's action for the call.
func (a *API) authorize(c *call, r authz.Request) error {
	if selfServiceActions[r.Action] {
		return c.authorizeSelfService(r)
	}
	if isAWSRoleTemplate(r.Resource) {
		// AWS's role templates, like its managed policies, belong to every account: using
		// one is not a cross-account request.
		r.ResourceAccount = c.account
	}
	return a.authz.Authorize(c.ctx, c.caller, r)
}

// unknownAction is IAM's answer for a call without an Action, or with one iamd does not
// serve.
func unknownAction(op string) *awserr.Error {
	if op == "" {
		return awserr.New("MissingAction", "Missing Action")
	}
	return awserr.New("InvalidAction", "Could not find operation %s for version 2010-05-08 (iamd does not implement it).", op)
}
