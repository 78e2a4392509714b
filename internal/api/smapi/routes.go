package smapi

import (
	"github.com/iamd-dev/iamd/internal/api/route"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/secrets"
)

// routes are Secrets Manager's operations.
func routes() map[string]route.Route[*call] {
	return map[string]route.Route[*call]{
		"CreateSecret":                 {Auth: route.ByHandler, Handle: createSecret},
		"DescribeSecret":               onSecret(describeSecret),
		"GetSecretValue":               onSecret(getSecretValue),
		"BatchGetSecretValue":          {Auth: route.ByHandler, Handle: batchGetSecretValue},
		"PutSecretValue":               onSecret(putSecretValue),
		"UpdateSecret":                 onSecret(updateSecret),
		"ListSecrets":                  onAny(listSecrets),
		"ListSecretVersionIds":         onSecret(listSecretVersionIDs),
		"UpdateSecretVersionStage":     onSecret(updateSecretVersionStage),
		"DeleteSecret":                 onSecret(deleteSecret),
		"RestoreSecret":                onSecret(restoreSecret),
		"TagResource":                  onSecret(tagResource),
		"UntagResource":                onSecret(untagResource),
		"GetResourcePolicy":            onSecret(getResourcePolicy),
		"PutResourcePolicy":            onSecret(putResourcePolicy),
		"DeleteResourcePolicy":         onSecret(deleteResourcePolicy),
		"ValidateResourcePolicy":       {Resource: validatePolicyResource, Handle: validateResourcePolicy},
		"GetRandomPassword":            onAny(getRandomPassword),
		"ReplicateSecretToRegions":     onSecret(replicateSecretToRegions),
		"RemoveRegionsFromReplication": onSecret(removeRegionsFromReplication),
		"StopReplicationToReplica":     onSecret(stopReplicationToReplica),
		"RotateSecret":                 onSecret(rotateSecret),
		"CancelRotateSecret":           onSecret(cancelRotateSecret),
	}
}

// input is the call's JSON input as In, decoded once: a route's Resource decodes it, so that
// a body that is not the input's JSON is answered before the caller is authorized, and the
// handler reads it from the call.
func input[In any](c *call) (*In, error) {
	if in, ok := c.input.(*In); ok {
		return in, nil
	}
	in := new(In)
	if err := c.In.Decode(in); err != nil {
		return nil, err
	}
	c.input = in
	return in, nil
}

// secretInput is the SecretId that the input of an operation on one secret holds.
type secretInput struct {
	SecretID string `json:"SecretId"`
}

func (s *secretInput) secretID() string { return s.SecretID }

// namesSecret is the input of an operation on one secret.
type namesSecret interface{ secretID() string }

// checked is an input that Secrets Manager checks further before it authorizes the call.
type checked interface{ check(c *call) error }

// conditioned is an input that sets condition keys of the request
// (secretsmanager:VersionStage, aws:RequestTag/...).
type conditioned interface{ conditions() authz.Context }

// onSecret is the route of an operation on the one secret its input (In, through its
// pointer P) names. Its Resource decodes the input, requires the SecretId, makes the
// input's further checks and finds the secret; the action is authorized on the secret with
// the input's condition keys, and act then runs on the call's target.
func onSecret[In any, P interface {
	*In
	namesSecret
}](act func(c *call, in *In) (any, error)) route.Route[*call] {
	return route.Route[*call]{
		Resource: func(c *call) (string, error) {
			in, err := input[In](c)
			if err != nil {
				return "", err
			}
			id := P(in).secretID()
			if err := required(id, "secretId"); err != nil {
				return "", err
			}
			if err := check(c, P(in)); err != nil {
				return "", err
			}
			if rv, ok := any(P(in)).(readsValue); ok {
				return c.findValue(id, rv)
			}
			return c.find(id)
		},
		Conditions: func(c *call) authz.Context {
			in, _ := input[In](c)
			return conditions(P(in))
		},
		Handle: handle(act),
	}
}

// onAny is the route of an operation on no particular resource ("*"): its Resource decodes
// the input, and act runs once the caller is allowed.
func onAny[In any](act func(c *call, in *In) (any, error)) route.Route[*call] {
	return route.Route[*call]{
		Resource: func(c *call) (string, error) {
			_, err := input[In](c)
			return "*", err
		},
		Handle: handle(act),
	}
}

// handle is a route's Handle: act on the call's input.
func handle[In any](act func(c *call, in *In) (any, error)) func(c *call) (any, error) {
	return func(c *call) (any, error) {
		in, err := input[In](c)
		if err != nil {
			return nil, err
		}
		return act(c, in)
	}
}

// check makes an input's further checks, if it has any.
func check(c *call, in any) error {
	if ch, ok := in.(checked); ok {
		return ch.check(c)
	}
	return nil
}

// conditions are an input's condition keys, if it sets any.
func conditions(in any) authz.Context {
	if co, ok := in.(conditioned); ok {
		return co.conditions()
	}
	return authz.Context{}
}

// find finds the secret a SecretId names, keeping it as the call's target: the secret's
// ARN, or the ARN the SecretId names when there is no such secret.
func (c *call) find(secretID string) (string, error) {
	t, err := c.api.svc.Resolve(c.Ctx, c.ref(secretID))
	return c.found(secretID, t, err)
}

// readsValue is an input that reads a version's value (GetSecretValue): its secret is found
// together with the version it names.
type readsValue interface {
	version() (versionID, stage string)
}

// findValue is find for an input that reads a value.
func (c *call) findValue(secretID string, in readsValue) (string, error) {
	versionID, stage := in.version()
	t, err := c.api.svc.ResolveValue(c.Ctx, c.ref(secretID), versionID, stage)
	return c.found(secretID, t, err)
}

// found keeps the target found as the call's, named as the caller named it (secretID).
func (c *call) found(secretID string, t *secrets.Target, err error) (string, error) {
	if err != nil {
		return "", err
	}
	c.target, c.shown = t, secretID
	return t.ARN, nil
}
