// Package adminapi is iamd's own administrative API (credential scope service "iamd", Query
// protocol): creating accounts (the default account's root user only), linting policies
// (LintPolicy), and running ECS-style tasks (RunTask, StopTask) for `iamd task run`.
package adminapi

import (
	"context"
	"net/http"

	"github.com/iamd-dev/iamd/internal/api/awsquery"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/iam"
)

// Namespace is the XML namespace of iamd's own responses.
const Namespace = "https://iamd.dev/doc/2026-11-01/"

// API serves the administrative actions.
type API struct {
	iam            *iam.Service
	defaultAccount string
	tasks          *taskAPI   // RunTask and StopTask, when enabled
	instances      *instances // nil until WithInstances
}

// New makes the API; defaultAccount's root user is its only authorized caller.
func New(svc *iam.Service, defaultAccount string) *API {
	return &API{iam: svc, defaultAccount: defaultAccount}
}

type createAccountResult struct {
	AccountID       string `xml:"AccountId"`
	AccessKeyID     string `xml:"AccessKeyId"`
	SecretAccessKey string `xml:"SecretAccessKey"`
}

// Serve handles one administrative call; it returns the action and the error sent, if any.
func (a *API) Serve(ctx context.Context, w http.ResponseWriter, q *awsquery.Request, caller *authz.Caller, requestID string) (string, *awserr.Error) {
	action := "iamd:" + q.Action
	fail := func(err error) (string, *awserr.Error) {
		e, ok := awserr.As(err)
		if !ok {
			e = awserr.ServiceFailure()
		}
		awsquery.WriteError(w, Namespace, e, requestID)
		return action, e
	}
	if q.Action == "RunTask" || q.Action == "StopTask" {
		return a.serveTasks(ctx, w, q, caller, requestID)
	}
	if q.Action == "LintPolicy" {
		if err := a.lintPolicy(ctx, w, q, caller, requestID); err != nil {
			return fail(err)
		}
		return action, nil
	}
	if q.Action == "GetInstanceMetadataEndpoint" {
		return a.getInstanceMetadataEndpoint(ctx, w, q, caller, requestID)
	}
	if q.Action != "CreateAccount" {
		return fail(awserr.New(http.StatusBadRequest, "InvalidAction", "Could not find operation %s.", q.Action))
	}
	if !caller.IsRoot() || caller.Account != a.defaultAccount {
		return fail(awserr.AccessDenied("User: " + caller.Principal.ID + " is not authorized to perform: iamd:CreateAccount: only the root user of account " + a.defaultAccount + " may create accounts"))
	}
	id := q.Get("AccountId")
	key, err := a.iam.CreateAccount(ctx, id, q.Get("AccountName"))
	if err != nil {
		return fail(err)
	}
	if err := awsquery.WriteResult(w, Namespace, q.Action, createAccountResult{id, key.AccessKeyID, key.SecretAccessKey}, requestID); err != nil {
		return action, awserr.ServiceFailure()
	}
	return action, nil
}
