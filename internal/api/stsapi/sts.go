// Package stsapi is the STS API over the Query protocol. For now: GetCallerIdentity, which
// needs no permission.
package stsapi

import (
	"context"
	"net/http"

	"github.com/iamd-dev/iamd/internal/api/awsquery"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
)

// Namespace is the XML namespace of STS responses.
const Namespace = "https://sts.amazonaws.com/doc/2011-06-15/"

// API serves STS actions.
type API struct{}

// New makes the API.
func New() *API { return &API{} }

type callerIdentity struct {
	UserID  string `xml:"UserId"`
	Account string `xml:"Account"`
	Arn     string `xml:"Arn"`
}

// Serve handles one STS request; it returns the action and the error sent, if any.
func (a *API) Serve(_ context.Context, w http.ResponseWriter, q *awsquery.Request, caller *authz.Caller, requestID string) (string, *awserr.Error) {
	action := "sts:" + q.Action
	switch q.Action {
	case "GetCallerIdentity":
		out := callerIdentity{UserID: caller.UserID, Account: caller.Account, Arn: caller.Principal.ID}
		if err := awsquery.WriteResult(w, Namespace, q.Action, out, requestID); err != nil {
			return action, awserr.ServiceFailure()
		}
		return action, nil
	case "":
		e := awserr.New(http.StatusBadRequest, "MissingAction", "Missing Action")
		awsquery.WriteError(w, Namespace, e, requestID)
		return action, e
	}
	e := awserr.New(http.StatusBadRequest, "InvalidAction", "Could not find operation %s for version 2011-06-15 (iamd does not implement it yet).", q.Action)
	awsquery.WriteError(w, Namespace, e, requestID)
	return action, e
}
