// Package stsapi is the STS API over the Query protocol: GetCallerIdentity (which needs no
// permission), AssumeRole, AssumeRoleWithWebIdentity and AssumeRoleWithSAML (unsigned), GetSessionToken, GetFederationToken, GetAccessKeyInfo and
// DecodeAuthorizationMessage.
package stsapi

import (
	"net/http"

	"github.com/iamd-dev/iamd/internal/api/awsquery"
	"github.com/iamd-dev/iamd/internal/api/route"
	"github.com/iamd-dev/iamd/internal/authmsg"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/sts"
)

// Namespace is the XML namespace of STS responses.
const Namespace = "https://sts.amazonaws.com/doc/2011-06-15/"

// API serves STS actions; it is a route.Endpoint.
type API struct {
	sts     *sts.Service
	msgs    *authmsg.Codec
	service *route.Service[*awsquery.Request, call]
}

var _ route.Endpoint = (*API)(nil)

// call is one STS call, as the routes take it.
type call struct{ *route.Call[*awsquery.Request] }

// New makes the API.
func New(svc *sts.Service, az *authz.Authorizer, msgs *authmsg.Codec) *API {
	a := &API{sts: svc, msgs: msgs}
	a.service = &route.Service[*awsquery.Request, call]{
		Prefix: "sts",
		Codec:  awsquery.Codec{Namespace: Namespace, MalformedCode: "MalformedQueryString"},
		Routes: a.routes(),
		Wrap:   func(c *route.Call[*awsquery.Request]) call { return call{c} },
		Authorize: func(c call, r authz.Request) error {
			if r.Action == "sts:AssumeRoot" {
				r.ResourceAccount = rootSessionGrantor(c)
			}
			return az.Authorize(c.Ctx, c.Caller, r)
		},
		Admit:    sts.SessionLimits,
		Unknown:  unknownAction,
		Internal: awserr.ServiceFailure,
	}
	return a
}

// routes are the calls STS serves, by name. The calls that issue sessions are authorized by
// package sts (a trust policy, a federated user's ARN), after their parameters are checked.
func (a *API) routes() map[string]route.Route[call] {
	return map[string]route.Route[call]{
		"GetCallerIdentity":          {Auth: route.Unauthorized, Handle: getCallerIdentity},
		"AssumeRole":                 {Auth: route.ByHandler, Handle: a.assumeRole},
		"AssumeRoleWithWebIdentity":  {Auth: route.ByHandler, Handle: a.assumeRoleWithWebIdentity},
		"AssumeRoleWithSAML":         {Auth: route.ByHandler, Handle: a.assumeRoleWithSAML},
		"GetSessionToken":            {Auth: route.ByHandler, Handle: a.getSessionToken},
		"GetFederationToken":         {Auth: route.ByHandler, Handle: a.getFederationToken},
		"GetAccessKeyInfo":           {Auth: route.ByHandler, Handle: a.getAccessKeyInfo},
		"DecodeAuthorizationMessage": {Resource: checkedEncodedMessage, Handle: a.decodeAuthorizationMessage},
		"GetWebIdentityToken":        {Auth: route.ByHandler, Handle: a.getWebIdentityToken},
		"AssumeRoot":                 {Resource: assumeRootResource, Conditions: assumeRootConditions, Handle: a.assumeRoot},
		"GetDelegatedAccessToken":    {Resource: checkedTradeInToken, Handle: a.getDelegatedAccessToken},
	}
}

// Serve handles one authenticated STS request whose body was read.
func (a *API) Serve(w http.ResponseWriter, r *http.Request, body []byte, caller *authz.Caller, requestID string) route.Outcome {
	return a.service.Serve(w, r, body, caller, requestID)
}

// WriteError sends an error as STS does.
func (a *API) WriteError(w http.ResponseWriter, e *awserr.Error, requestID string) {
	a.service.WriteError(w, e, requestID)
}

// unknownAction is STS's answer for an action it does not serve, or none.
func unknownAction(op string) *awserr.Error {
	if op == "" {
		return awserr.New("MissingAction", "Missing Action")
	}
	return awserr.New("InvalidAction", "Could not find operation %s for version 2011-06-15 (iamd does not implement it yet).", op)
}

type callerIdentity struct {
	UserID  string `xml:"UserId"`
	Account string `xml:"Account"`
	Arn     string `xml:"Arn"`
}

// getCallerIdentity tells callers who they are; it needs no permission.
func getCallerIdentity(c call) (any, error) {
	return callerIdentity{UserID: c.Caller.UserID, Account: c.Caller.Account, Arn: c.Caller.Principal.ID}, nil
}
