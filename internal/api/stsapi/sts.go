// Package stsapi is the STS API over the Query protocol: GetCallerIdentity (which needs no
// permission) and AssumeRole.
package stsapi

import (
	"context"
	"net/http"

	"github.com/iamd-dev/iamd/internal/api/awsquery"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/sts"
)

// Namespace is the XML namespace of STS responses.
const Namespace = "https://sts.amazonaws.com/doc/2011-06-15/"

// API serves STS actions.
type API struct{ sts *sts.Service }

// New makes the API.
func New(svc *sts.Service) *API { return &API{sts: svc} }

type callerIdentity struct {
	UserID  string `xml:"UserId"`
	Account string `xml:"Account"`
	Arn     string `xml:"Arn"`
}

type xmlCredentials struct {
	AccessKeyID     string `xml:"AccessKeyId"`
	SecretAccessKey string `xml:"SecretAccessKey"`
	SessionToken    string `xml:"SessionToken"`
	Expiration      string `xml:"Expiration"`
}

type assumeRoleResult struct {
	SourceIdentity  string         `xml:"SourceIdentity,omitempty"`
	AssumedRoleUser assumedRole    `xml:"AssumedRoleUser"`
	Credentials     xmlCredentials `xml:"Credentials"`
	PackedPolicy    *int           `xml:"PackedPolicySize,omitempty"`
}

type assumedRole struct {
	Arn           string `xml:"Arn"`
	AssumedRoleID string `xml:"AssumedRoleId"`
}

// Serve handles one STS request; it returns the action, the resource it acted on, and the
// error sent, if any.
func (a *API) Serve(ctx context.Context, w http.ResponseWriter, q *awsquery.Request, caller *authz.Caller, requestID string) (string, string, *awserr.Error) {
	action, resource := "sts:"+q.Action, ""
	var out any
	var err error
	switch q.Action {
	case "GetCallerIdentity":
		out = callerIdentity{UserID: caller.UserID, Account: caller.Account, Arn: caller.Principal.ID}
	case "AssumeRole":
		resource = q.Get("RoleArn")
		out, err = a.assumeRole(ctx, q, caller)
	case "":
		err = awserr.New(http.StatusBadRequest, "MissingAction", "Missing Action")
	default:
		err = awserr.New(http.StatusBadRequest, "InvalidAction", "Could not find operation %s for version 2011-06-15 (iamd does not implement it yet).", q.Action)
	}
	if err == nil {
		err = awsquery.WriteResult(w, Namespace, q.Action, out, requestID)
		if err == nil {
			return action, resource, nil
		}
	}
	e, ok := awserr.As(err)
	if !ok {
		e = awserr.ServiceFailure()
	}
	awsquery.WriteError(w, Namespace, e, requestID)
	return action, resource, e
}

func (a *API) assumeRole(ctx context.Context, q *awsquery.Request, caller *authz.Caller) (any, error) {
	in := sts.AssumeRoleInput{
		RoleARN: q.Get("RoleArn"), SessionName: q.Get("RoleSessionName"), Policy: q.Get("Policy"),
		TransitiveTagKeys: q.List("TransitiveTagKeys"), SourceIdentity: q.Get("SourceIdentity"),
	}
	if q.Has("ExternalId") {
		id := q.Get("ExternalId")
		in.ExternalID = &id
	}
	if n, ok, err := q.Int("DurationSeconds"); ok {
		if err != nil {
			return nil, awserr.ValidationError("1 validation error detected: Value '%s' at 'durationSeconds' failed to satisfy constraint: Member must be a number", q.Get("DurationSeconds"))
		}
		in.DurationSeconds = n
	}
	for _, m := range q.Structs("PolicyArns") {
		in.PolicyARNs = append(in.PolicyARNs, m["arn"])
	}
	for _, m := range q.Structs("Tags") {
		in.Tags = append(in.Tags, iam.Tag{Key: m["Key"], Value: m["Value"]})
	}
	out, err := a.sts.AssumeRole(ctx, caller, in)
	if err != nil {
		return nil, err
	}
	res := assumeRoleResult{
		SourceIdentity:  out.SourceIdentity,
		AssumedRoleUser: assumedRole{Arn: out.AssumedRoleARN, AssumedRoleID: out.AssumedRoleID},
		Credentials: xmlCredentials{AccessKeyID: out.Credentials.AccessKeyID, SecretAccessKey: out.Credentials.SecretAccessKey,
			SessionToken: out.Credentials.SessionToken, Expiration: out.Credentials.Expiration.UTC().Format("2006-01-02T15:04:05Z")},
	}
	if out.PackedPolicySize > 0 {
		res.PackedPolicy = &out.PackedPolicySize
	}
	return res, nil
}
