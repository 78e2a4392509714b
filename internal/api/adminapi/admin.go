// Package adminapi is iamd's own administrative API (credential scope service "iamd", Query
// protocol): creating accounts (the default account's root user only), linting policies
// (LintPolicy), and running ECS-style tasks (RunTask, DescribeTask, StopTask) for `iamd task run`, and
// listing them (ListTasks) for `iamd task list`.
package adminapi

import (
	"maps"
	"net/http"

	"github.com/iamd-dev/iamd/internal/api/awsquery"
	"github.com/iamd-dev/iamd/internal/api/route"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/sts"
)

// Namespace is the XML namespace of iamd's own responses.
const Namespace = "https://iamd.dev/doc/2026-11-01/"

// API serves the administrative actions; it is a route.Endpoint.
type API struct {
	iam            *iam.Service
	defaultAccount string
	service        *route.Service[*awsquery.Request, call]
}

var _ route.Endpoint = (*API)(nil)

// call is one administrative call, as the routes take it.
type call struct{ *route.Call[*awsquery.Request] }

// New makes the API; defaultAccount's root user is its only authorized caller.
func New(svc *iam.Service, defaultAccount string) *API {
	a := &API{iam: svc, defaultAccount: defaultAccount}
	// iamd's own actions are not in AWS's policy language: every route authorizes in its
	// handler, or needs no permission, and none is authorized by the service.
	a.service = &route.Service[*awsquery.Request, call]{
		Prefix: "iamd",
		Codec:  awsquery.Codec{Namespace: Namespace, MalformedCode: "MalformedQueryString"},
		Routes: map[string]route.Route[call]{
			"CreateAccount": {Auth: route.ByHandler, Handle: a.createAccount},
			"LintPolicy":    {Auth: route.ByHandler, Handle: a.lintPolicy},
		},
		Wrap:     func(c *route.Call[*awsquery.Request]) call { return call{c} },
		Admit:    sts.SessionLimits,
		Unknown:  unknownAction,
		Internal: awserr.ServiceFailure,
	}
	return a
}

// addRoutes adds the routes of a part enabled after New (tasks, instances).
func (a *API) addRoutes(routes map[string]route.Route[call]) {
	maps.Copy(a.service.Routes, routes)
}

// Serve handles one authenticated administrative request whose body was read.
func (a *API) Serve(w http.ResponseWriter, r *http.Request, body []byte, caller *authz.Caller, requestID string) route.Outcome {
	return a.service.Serve(w, r, body, caller, requestID)
}

// WriteError sends an error in iamd's own API's protocol.
func (a *API) WriteError(w http.ResponseWriter, e *awserr.Error, requestID string) {
	a.service.WriteError(w, e, requestID)
}

// unknownAction is the answer for an action iamd's own API does not serve (or none).
func unknownAction(name string) *awserr.Error {
	return awserr.New("InvalidAction", "Could not find operation %s.", name)
}

type createAccountResult struct {
	AccountID       string `xml:"AccountId"`
	AccessKeyID     string `xml:"AccessKeyId"`
	SecretAccessKey string `xml:"SecretAccessKey"`
}

// createAccount makes an account with a root user; only the default account's root user
// may.
func (a *API) createAccount(c call) (any, error) {
	if !c.Caller.IsRoot() || c.Caller.Account != a.defaultAccount {
		return nil, awserr.AccessDenied("User: " + c.Caller.Principal.ID + " is not authorized to perform: iamd:CreateAccount: only the root user of account " + a.defaultAccount + " may create accounts")
	}
	id := c.In.Get("AccountId")
	partition, err := accountPartition(c)
	if err != nil {
		return nil, err
	}
	key, err := a.iam.CreateAccountIn(c.Ctx, partition, id, c.In.Get("AccountName"))
	if err != nil {
		return nil, err
	}
	return createAccountResult{id, key.AccessKeyID, key.SecretAccessKey}, nil
}
