package stsapi

import (
	"github.com/iamd-dev/iamd/internal/sts"
)

type samlResult struct {
	AssumedRoleUser assumedRole    `xml:"AssumedRoleUser"`
	Credentials     xmlCredentials `xml:"Credentials"`
	PackedPolicy    *int           `xml:"PackedPolicySize,omitempty"`
	Audience        string         `xml:"Audience"`
	Issuer          string         `xml:"Issuer"`
	NameQualifier   string         `xml:"NameQualifier"`
	Subject         string         `xml:"Subject"`
	SubjectType     string         `xml:"SubjectType"`
	SourceIdentity  string         `xml:"SourceIdentity,omitempty"`
}

// assumeRoleWithSAML serves AssumeRoleWithSAML, which comes unsigned like
// AssumeRoleWithWebIdentity: the signed SAML response is the credential, and the role's
// trust policy decides (package sts).
func (a *API) assumeRoleWithSAML(c call) (any, error) {
	q := c.In
	c.Resource = q.Get("RoleArn")
	d, err := durationOf(q)
	if err != nil {
		return nil, err
	}
	out, err := a.sts.AssumeRoleWithSAML(c.Ctx, c.Caller, sts.SAMLInput{
		RoleARN: q.Get("RoleArn"), PrincipalARN: q.Get("PrincipalArn"), Assertion: q.Get("SAMLAssertion"),
		DurationSeconds: d, Policy: q.Get("Policy"), PolicyARNs: policyARNs(q),
	})
	if err != nil {
		return nil, err
	}
	return samlResult{
		AssumedRoleUser: assumedRole{Arn: out.AssumedRoleARN, AssumedRoleID: out.AssumedRoleID},
		Credentials:     credentialsXML(out.Credentials),
		PackedPolicy:    packedPolicySize(out.PackedPolicySize),
		Audience:        out.Audience, Issuer: out.Issuer, NameQualifier: out.NameQualifier,
		Subject: out.Subject, SubjectType: out.SubjectType, SourceIdentity: out.SourceIdentity,
	}, nil
}
