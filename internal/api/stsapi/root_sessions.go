package stsapi

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/iamd-dev/iamd/internal/arn"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
)

// Limits of AssumeRoot (STS API reference).
const (
	rootSessionMaxDuration = 900
	minTargetPrincipal     = 12
	maxTargetPrincipal     = 2048
)

// assumeRootResource checks AssumeRoot's parameters, as AWS does before it authorizes the
// call, and returns the resource it is authorized on: the target account's root user
// (arn:aws:iam::TARGET:root).
func assumeRootResource(c call) (string, error) {
	q := c.In
	target, taskPolicy := q.Get("TargetPrincipal"), q.Get("TaskPolicyArn.arn")
	var v []string
	add := func(value, member, rule string) {
		v = append(v, "Value '"+value+"' at '"+member+"' failed to satisfy constraint: "+rule)
	}
	switch n := utf8.RuneCountInString(target); {
	case !q.Has("TargetPrincipal"):
		v = append(v, "Value null at 'targetPrincipal' failed to satisfy constraint: Member must not be null")
	case n < minTargetPrincipal:
		add(target, "targetPrincipal", "Member must have length greater than or equal to 12")
	case n > maxTargetPrincipal:
		add(target, "targetPrincipal", "Member must have length less than or equal to 2048")
	}
	switch n := len(taskPolicy); {
	case !q.Has("TaskPolicyArn.arn"):
		v = append(v, "Value null at 'taskPolicyArn' failed to satisfy constraint: Member must not be null")
	case n < 20:
		add(taskPolicy, "taskPolicyArn.arn", "Member must have length greater than or equal to 20")
	case n > 2048:
		add(taskPolicy, "taskPolicyArn.arn", "Member must have length less than or equal to 2048")
	}
	d, err := durationOf(q)
	if err != nil {
		return "", err
	}
	switch {
	case d < 0:
		add(strconv.Itoa(d), "durationSeconds", "Member must have value greater than or equal to 0")
	case d > rootSessionMaxDuration:
		add(strconv.Itoa(d), "durationSeconds", "Member must have value less than or equal to 900")
	}
	switch len(v) {
	case 0:
	case 1:
		return "", awserr.ValidationError("1 validation error detected: %s", v[0])
	default:
		return "", awserr.ValidationError("%d validation errors detected: %s", len(v), strings.Join(v, "; "))
	}
	account := target
	if !arn.IsAccountID(account) {
		parts := strings.SplitN(target, ":", 6)
		if len(parts) < 6 || parts[0] != "arn" || !arn.IsAccountID(parts[4]) {
			return "", awserr.ValidationError("The TargetPrincipal %s is not an account id or the ARN of an account's root user.", target)
		}
		account = parts[4]
	}
	return arn.IAM(c.Caller.Principal.Partition(), account, "root"), nil
}

// rootSessionGrantor is the account whose policies decide AssumeRoot: the caller's own. A
// member account's root is not granted by a resource policy but by its organization's
// centralized root access, so the request is not evaluated as a cross-account one.
func rootSessionGrantor(c call) string { return c.Caller.Account }

// assumeRootConditions are AssumeRoot's own condition key: sts:TaskPolicyArn.
func assumeRootConditions(c call) authz.Context {
	var ctx authz.Context
	if p := c.In.Get("TaskPolicyArn.arn"); p != "" {
		ctx.Set("sts:TaskPolicyArn", p)
	}
	return ctx
}

// assumeRoot serves AssumeRoot once it is authorized. A privileged session on a member
// account needs an organization with centralized root access, whose management account or
// delegated administrator the caller's account is; iamd's accounts are in no organization,
// so an authorized caller is refused as any account outside an organization is.
func (a *API) assumeRoot(c call) (any, error) {
	if c.Caller.IsRoot() {
		return nil, awserr.AccessDenied("You cannot use root user credentials to call AssumeRoot.")
	}
	return nil, awserr.AccessDenied("Your account is not a member of an organization: AssumeRoot needs the management account or a delegated administrator account of an organization with centralized root access for member accounts.")
}

// checkedTradeInToken is GetDelegatedAccessToken's resource, "*", once TradeInToken, which
// it needs, is there.
func checkedTradeInToken(c call) (string, error) {
	if c.In.Get("TradeInToken") == "" {
		return "", awserr.ValidationError("1 validation error detected: Value null at 'tradeInToken' failed to satisfy constraint: Member must not be null")
	}
	return "*", nil
}

// getDelegatedAccessToken serves GetDelegatedAccessToken once it is authorized. A trade-in
// token comes from a finalized IAM delegation request (SendDelegationToken); iamd has no
// delegation requests, so no token it is given can be exchanged.
func (a *API) getDelegatedAccessToken(c call) (any, error) {
	return nil, awserr.New("ExpiredTradeInTokenException", "The trade-in token provided in the request has expired and can no longer be exchanged for credentials. Request a new token and retry the operation.")
}
