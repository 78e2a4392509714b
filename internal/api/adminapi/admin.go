// Package adminapi is iamd's own administrative API (credential scope service "iamd", Query
// protocol): creating accounts (the default account's root user only), linting policies
// (LintPolicy), and running ECS-style tasks (RunTask, DescribeTask, StopTask) for `iamd task run`, and
// listing them (ListTasks) for `iamd task list`.
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

// An action serves one administrative call and returns its result (nil for none).
type action func(ctx context.Context, q *awsquery.Request, caller *authz.Caller) (any, error)

// actions are the calls iamd's own API serves, by name.
func (a *API) actions() map[string]action {
	return map[string]action{
		"CreateAccount":               a.createAccount,
		"LintPolicy":                  a.lintPolicy,
		"RunTask":                     a.runTask,
		"StopTask":                    a.stopTask,
		"ListTasks":                   a.listTasks,
		"DescribeTask":                a.describeTask,
		"GetInstanceMetadataEndpoint": a.getInstanceMetadataEndpoint,
	}
}

// Serve handles one administrative call; it returns the action and the error sent, if any.
func (a *API) Serve(ctx context.Context, w http.ResponseWriter, q *awsquery.Request, caller *authz.Caller, requestID string) (string, *awserr.Error) {
	name := "iamd:" + q.Action
	var (
		result any
		err    error
	)
	if act, ok := a.actions()[q.Action]; ok {
		result, err = act(ctx, q, caller)
	} else {
		err = unknownAction(q.Action)
	}
	if err == nil {
		if werr := awsquery.WriteResult(w, Namespace, q.Action, result, requestID); werr != nil {
			return name, awserr.ServiceFailure()
		}
		return name, nil
	}
	e, ok := awserr.As(err)
	if !ok {
		e = awserr.ServiceFailure()
	}
	awsquery.WriteError(w, Namespace, e, requestID)
	return name, e
}

func unknownAction(name string) error {
	return awserr.New("InvalidAction", "Could not find operation %s.", name)
}

// createAccount makes an account with a root user; only the default account's root user
// may.
func (a *API) createAccount(ctx context.Context, q *awsquery.Request, caller *authz.Caller) (any, error) {
	if !caller.IsRoot() || caller.Account != a.defaultAccount {
		return nil, awserr.AccessDenied("User: " + caller.Principal.ID + " is not authorized to perform: iamd:CreateAccount: only the root user of account " + a.defaultAccount + " may create accounts")
	}
	id := q.Get("AccountId")
	key, err := a.iam.CreateAccount(ctx, id, q.Get("AccountName"))
	if err != nil {
		return nil, err
	}
	return createAccountResult{id, key.AccessKeyID, key.SecretAccessKey}, nil
}
