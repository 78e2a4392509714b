// Package stsapi is the STS API over the Query protocol: GetCallerIdentity (which needs no
// permission), AssumeRole, AssumeRoleWithWebIdentity (unsigned), GetSessionToken, GetFederationToken, GetAccessKeyInfo and
// DecodeAuthorizationMessage.
package stsapi

import (
	"context"
	"net/http"

	"github.com/iamd-dev/iamd/internal/api/awsquery"
	"github.com/iamd-dev/iamd/internal/authmsg"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/sts"
)

// Namespace is the XML namespace of STS responses.
const Namespace = "https://sts.amazonaws.com/doc/2011-06-15/"

// API serves STS actions.
type API struct {
	sts   *sts.Service
	authz *authz.Authorizer
	msgs  *authmsg.Codec
}

// New makes the API.
func New(svc *sts.Service, az *authz.Authorizer, msgs *authmsg.Codec) *API {
	return &API{sts: svc, authz: az, msgs: msgs}
}

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
	case "AssumeRoleWithWebIdentity":
		resource = q.Get("RoleArn")
		out, err = a.assumeRoleWithWebIdentity(ctx, q, caller)
	case "GetSessionToken":
		out, err = a.getSessionToken(ctx, q, caller)
	case "GetFederationToken":
		out, err = a.getFederationToken(ctx, q, caller)
	case "GetAccessKeyInfo":
		out, err = a.getAccessKeyInfo(ctx, q, caller)
	case "DecodeAuthorizationMessage":
		out, err = a.decodeAuthorizationMessage(ctx, q, caller)
	case "":
		err = awserr.New("MissingAction", "Missing Action")
	default:
		err = awserr.New("InvalidAction", "Could not find operation %s for version 2011-06-15 (iamd does not implement it yet).", q.Action)
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
	d, err := durationOf(q)
	if err != nil {
		return nil, err
	}
	in.DurationSeconds = d
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
		Credentials:     credentialsXML(out.Credentials),
	}
	if out.PackedPolicySize > 0 {
		res.PackedPolicy = &out.PackedPolicySize
	}
	return res, nil
}

type webIdentityResult struct {
	Subject         string         `xml:"SubjectFromWebIdentityToken"`
	Audience        string         `xml:"Audience"`
	AssumedRoleUser assumedRole    `xml:"AssumedRoleUser"`
	Credentials     xmlCredentials `xml:"Credentials"`
	Provider        string         `xml:"Provider"`
	PackedPolicy    *int           `xml:"PackedPolicySize,omitempty"`
}

// assumeRoleWithWebIdentity serves the one STS call that comes unsigned: the token is the
// credential.
func (a *API) assumeRoleWithWebIdentity(ctx context.Context, q *awsquery.Request, caller *authz.Caller) (any, error) {
	in := sts.WebIdentityInput{
		RoleARN: q.Get("RoleArn"), SessionName: q.Get("RoleSessionName"), Token: q.Get("WebIdentityToken"),
		ProviderID: q.Get("ProviderId"), Policy: q.Get("Policy"),
	}
	d, err := durationOf(q)
	if err != nil {
		return nil, err
	}
	in.DurationSeconds = d
	for _, m := range q.Structs("PolicyArns") {
		in.PolicyARNs = append(in.PolicyARNs, m["arn"])
	}
	out, err := a.sts.AssumeRoleWithWebIdentity(ctx, caller, in)
	if err != nil {
		return nil, err
	}
	res := webIdentityResult{
		Subject: out.Subject, Audience: out.Audience, Provider: out.Provider,
		AssumedRoleUser: assumedRole{Arn: out.AssumedRoleARN, AssumedRoleID: out.AssumedRoleID},
		Credentials:     credentialsXML(out.Credentials),
	}
	if out.PackedPolicySize > 0 {
		res.PackedPolicy = &out.PackedPolicySize
	}
	return res, nil
}

// durationOf reads the optional DurationSeconds (0 when absent).
func durationOf(q *awsquery.Request) (int, error) {
	n, ok, err := q.Int("DurationSeconds")
	if ok && err != nil {
		return 0, awserr.ValidationError("1 validation error detected: Value '%s' at 'durationSeconds' failed to satisfy constraint: Member must be a number", q.Get("DurationSeconds"))
	}
	return n, nil
}

func credentialsXML(c sts.Credentials) xmlCredentials {
	return xmlCredentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken,
		Expiration: c.Expiration.UTC().Format("2006-01-02T15:04:05Z")}
}

type getSessionTokenResult struct {
	Credentials xmlCredentials `xml:"Credentials"`
}

func (a *API) getSessionToken(ctx context.Context, q *awsquery.Request, caller *authz.Caller) (any, error) {
	d, err := durationOf(q)
	if err != nil {
		return nil, err
	}
	c, err := a.sts.GetSessionToken(ctx, caller, d)
	if err != nil {
		return nil, err
	}
	return getSessionTokenResult{credentialsXML(*c)}, nil
}

type getFederationTokenResult struct {
	Credentials   xmlCredentials `xml:"Credentials"`
	FederatedUser struct {
		FederatedUserID string `xml:"FederatedUserId"`
		Arn             string `xml:"Arn"`
	} `xml:"FederatedUser"`
	PackedPolicy *int `xml:"PackedPolicySize,omitempty"`
}

func (a *API) getFederationToken(ctx context.Context, q *awsquery.Request, caller *authz.Caller) (any, error) {
	d, err := durationOf(q)
	if err != nil {
		return nil, err
	}
	in := sts.GetFederationTokenInput{Name: q.Get("Name"), DurationSeconds: d, Policy: q.Get("Policy")}
	for _, m := range q.Structs("PolicyArns") {
		in.PolicyARNs = append(in.PolicyARNs, m["arn"])
	}
	out, err := a.sts.GetFederationToken(ctx, caller, in)
	if err != nil {
		return nil, err
	}
	res := getFederationTokenResult{Credentials: credentialsXML(out.Credentials)}
	res.FederatedUser.FederatedUserID, res.FederatedUser.Arn = out.FederatedUserID, out.FederatedUserARN
	if out.PackedPolicySize > 0 {
		res.PackedPolicy = &out.PackedPolicySize
	}
	return res, nil
}

type getAccessKeyInfoResult struct {
	Account string `xml:"Account"`
}

func (a *API) getAccessKeyInfo(ctx context.Context, q *awsquery.Request, caller *authz.Caller) (any, error) {
	account, err := a.sts.GetAccessKeyInfo(ctx, caller, q.Get("AccessKeyId"))
	if err != nil {
		return nil, err
	}
	return getAccessKeyInfoResult{account}, nil
}

type decodeResult struct {
	DecodedMessage string `xml:"DecodedMessage"`
}

// decodeAuthorizationMessage needs sts:DecodeAuthorizationMessage and reads only messages
// about the caller's own account.
func (a *API) decodeAuthorizationMessage(ctx context.Context, q *awsquery.Request, caller *authz.Caller) (any, error) {
	encoded := q.Get("EncodedMessage")
	if len(encoded) < 1 || len(encoded) > authmsg.MaxEncodedLen {
		return nil, awserr.ValidationError("1 validation error detected: Value at 'encodedMessage' failed to satisfy constraint: Member must have length between 1 and %d", authmsg.MaxEncodedLen)
	}
	if err := a.authz.Authorize(ctx, caller, authz.Request{Action: "sts:DecodeAuthorizationMessage", Resource: "*"}); err != nil {
		return nil, err
	}
	msg, err := a.msgs.Decode(caller.Account, encoded)
	if err != nil {
		return nil, awserr.New(authmsg.InvalidErrorCode, authmsg.InvalidMessage)
	}
	return decodeResult{string(msg)}, nil
}
