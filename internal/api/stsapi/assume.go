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

// assumeRole serves AssumeRole, authorized on the role by its trust policy and the caller's
// own policies (package sts).
func (a *API) assumeRole(c call) (any, error) {
	q := c.In
	c.Resource = q.Get("RoleArn")
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
	in.PolicyARNs = policyARNs(q)
	for _, m := range q.Structs("Tags") {
		in.Tags = append(in.Tags, iam.Tag{Key: m["Key"], Value: m["Value"]})
	}
	out, err := a.sts.AssumeRole(c.Ctx, c.Caller, in)
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
// credential, and the role's trust policy decides (package sts).
func (a *API) assumeRoleWithWebIdentity(c call) (any, error) {
	q := c.In
	c.Resource = q.Get("RoleArn")
	in := sts.WebIdentityInput{
		RoleARN: q.Get("RoleArn"), SessionName: q.Get("RoleSessionName"), Token: q.Get("WebIdentityToken"),
		ProviderID: q.Get("ProviderId"), Policy: q.Get("Policy"),
	}
	d, err := durationOf(q)
	if err != nil {
		return nil, err
	}
	in.DurationSeconds = d
	in.PolicyARNs = policyARNs(q)
	out, err := a.sts.AssumeRoleWithWebIdentity(c.Ctx, c.Caller, in)
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
