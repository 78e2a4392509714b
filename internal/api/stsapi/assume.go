package stsapi

import (
	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/sts"
)

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

// roleSession reads the parameters of the session AssumeRole and AssumeRoleWithWebIdentity
// both make (the role, the session's name, its duration and its session policies), and
// makes the role the call's resource.
func roleSession(c call) (sts.AssumeRoleInput, error) {
	q := c.In
	c.Resource = q.Get("RoleArn")
	d, err := durationOf(q)
	if err != nil {
		return sts.AssumeRoleInput{}, err
	}
	return sts.AssumeRoleInput{
		RoleARN: q.Get("RoleArn"), SessionName: q.Get("RoleSessionName"), DurationSeconds: d,
		Policy: q.Get("Policy"), PolicyARNs: policyARNs(q),
	}, nil
}

// assumeRole serves AssumeRole, authorized on the role by its trust policy and the caller's
// own policies (package sts).
func (a *API) assumeRole(c call) (any, error) {
	in, err := roleSession(c)
	if err != nil {
		return nil, err
	}
	q := c.In
	in.TransitiveTagKeys, in.SourceIdentity, in.MFA = q.List("TransitiveTagKeys"), q.Get("SourceIdentity"), mfaOf(q)
	if q.Has("ExternalId") {
		id := q.Get("ExternalId")
		in.ExternalID = &id
	}
	for _, m := range q.Structs("Tags") {
		in.Tags = append(in.Tags, iam.Tag{Key: m["Key"], Value: m["Value"]})
	}
	out, err := a.sts.AssumeRole(c.Ctx, c.Caller, in)
	if err != nil {
		return nil, err
	}
	return assumeRoleResult{
		SourceIdentity:  out.SourceIdentity,
		AssumedRoleUser: assumedRole{Arn: out.AssumedRoleARN, AssumedRoleID: out.AssumedRoleID},
		Credentials:     credentialsXML(out.Credentials),
		PackedPolicy:    packedPolicySize(out.PackedPolicySize),
	}, nil
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
// credential, and the role's trust policy decides (package sts).
func (a *API) assumeRoleWithWebIdentity(c call) (any, error) {
	r, err := roleSession(c)
	if err != nil {
		return nil, err
	}
	in := sts.WebIdentityInput{
		RoleARN: r.RoleARN, SessionName: r.SessionName, DurationSeconds: r.DurationSeconds, Policy: r.Policy, PolicyARNs: r.PolicyARNs,
		Token: c.In.Get("WebIdentityToken"), ProviderID: c.In.Get("ProviderId"),
	}
	out, err := a.sts.AssumeRoleWithWebIdentity(c.Ctx, c.Caller, in)
	if err != nil {
		return nil, err
	}
	return webIdentityResult{
		Subject: out.Subject, Audience: out.Audience, Provider: out.Provider,
		AssumedRoleUser: assumedRole{Arn: out.AssumedRoleARN, AssumedRoleID: out.AssumedRoleID},
		Credentials:     credentialsXML(out.Credentials),
		PackedPolicy:    packedPolicySize(out.PackedPolicySize),
	}, nil
}
