// Package smapi is the Secrets Manager API over the JSON 1.1 protocol
// (X-Amz-Target: secretsmanager.Operation): for each operation it reads the JSON input,
// authorizes the caller with its identity policies and the secret's resource policy (both
// sides across accounts) under Secrets Manager's condition keys, calls the secrets domain and
// writes AWS's JSON shapes and errors.
package smapi

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"

	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/policy"
	"github.com/iamd-dev/iamd/internal/secrets"
)

// TargetPrefix prefixes every operation's X-Amz-Target.
const TargetPrefix = "secretsmanager."

// API serves Secrets Manager operations.
type API struct {
	svc   *secrets.Service
	authz *authz.Authorizer
	ops   map[string]func(c *call) (any, error)

	mu       sync.Mutex
	policies map[string]*policy.Policy // compiled resource policies by document
}

// New makes the API.
func New(svc *secrets.Service, az *authz.Authorizer) *API {
	a := &API{svc: svc, authz: az, policies: map[string]*policy.Policy{}}
	a.ops = map[string]func(c *call) (any, error){
		"CreateSecret":                 createSecret,
		"DescribeSecret":               describeSecret,
		"GetSecretValue":               getSecretValue,
		"BatchGetSecretValue":          batchGetSecretValue,
		"PutSecretValue":               putSecretValue,
		"UpdateSecret":                 updateSecret,
		"ListSecrets":                  listSecrets,
		"ListSecretVersionIds":         listSecretVersionIDs,
		"UpdateSecretVersionStage":     updateSecretVersionStage,
		"DeleteSecret":                 deleteSecret,
		"RestoreSecret":                restoreSecret,
		"TagResource":                  tagResource,
		"UntagResource":                untagResource,
		"GetResourcePolicy":            getResourcePolicy,
		"PutResourcePolicy":            putResourcePolicy,
		"DeleteResourcePolicy":         deleteResourcePolicy,
		"ValidateResourcePolicy":       validateResourcePolicy,
		"GetRandomPassword":            getRandomPassword,
		"ReplicateSecretToRegions":     replicateSecretToRegions,
		"RemoveRegionsFromReplication": removeRegionsFromReplication,
		"StopReplicationToReplica":     stopReplicationToReplica,
		"RotateSecret":                 rotateSecret,
		"CancelRotateSecret":           cancelRotateSecret,
	}
	return a
}

// Result is what Serve did, for the audit log.
type Result struct {
	Action   string
	Resource string
	Err      *awserr.Error
}

// call is one operation in progress.
type call struct {
	ctx      context.Context
	api      *API
	caller   *authz.Caller
	body     []byte
	action   string // secretsmanager:Operation
	resource string // the ARN authorized, for the audit log
}

// Serve handles one Secrets Manager request from an authenticated caller.
func (a *API) Serve(ctx context.Context, w http.ResponseWriter, r *http.Request, body []byte, caller *authz.Caller, requestID string) Result {
	target := r.Header.Get("X-Amz-Target")
	op, ok := strings.CutPrefix(target, TargetPrefix)
	res := Result{Action: "secretsmanager:" + op}
	fail := func(err error) Result {
		e, ok := awserr.As(err)
		if !ok {
			e = secrets.InternalError()
		}
		res.Err = e
		WriteError(w, e, requestID)
		return res
	}
	run := a.ops[op]
	if !ok || run == nil {
		res.Action = ""
		return fail(awserr.New("UnknownOperationException", "Operation %s is not supported by Secrets Manager (iamd).", target))
	}
	c := &call{ctx: ctx, api: a, caller: caller, body: body, action: res.Action}
	out, err := run(c)
	res.Resource = c.resource
	if err != nil {
		return fail(err)
	}
	if out == nil {
		out = struct{}{}
	}
	if err := writeResult(w, out); err != nil {
		res.Err = secrets.InternalError()
	}
	return res
}

// decode reads the operation's JSON input; an empty body is an empty input.
func (c *call) decode(v any) error {
	body := bytes.TrimSpace(c.body)
	if len(body) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		return awserr.New("SerializationException", "The request body could not be read as the operation's JSON input: %s", jsonFault(err))
	}
	return nil
}

func jsonFault(err error) string {
	if te, ok := err.(*json.UnmarshalTypeError); ok {
		return "the value of " + te.Field + " has the wrong type"
	}
	return "it is not valid JSON"
}

// required reports a missing required member as the JSON services' validation does: a
// ValidationException (not one of Secrets Manager's modelled errors), HTTP 400.
func required(value, member string) error {
	if value == "" {
		return awserr.New("ValidationException", "1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", member)
	}
	return nil
}

// ref is the secret a SecretId names, in the caller's account and region.
func (c *call) ref(secretID string) secrets.Ref {
	return secrets.Ref{Account: c.caller.Account, Region: c.caller.Region, SecretID: secretID}
}
