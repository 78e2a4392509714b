package stsapi

import (
	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/sts"
)

type getWebIdentityTokenResult struct {
	WebIdentityToken string `xml:"WebIdentityToken"`
	Expiration       string `xml:"Expiration"`
}

// getWebIdentityToken serves GetWebIdentityToken, authorized once its parameters are
// checked (package sts).
func (a *API) getWebIdentityToken(c call) (any, error) {
	q := c.In
	c.Resource = "*"
	d, err := durationOf(q)
	if err != nil {
		return nil, err
	}
	in := sts.WebIdentityTokenInput{Audiences: q.List("Audience"), DurationSeconds: d, SigningAlgorithm: q.Get("SigningAlgorithm")}
	for _, m := range q.Structs("Tags") {
		in.Tags = append(in.Tags, iam.Tag{Key: m["Key"], Value: m["Value"]})
	}
	out, err := a.sts.GetWebIdentityToken(c.Ctx, c.Caller, in)
	if err != nil {
		return nil, err
	}
	return getWebIdentityTokenResult{out.Token, out.Expiration.UTC().Format("2006-01-02T15:04:05Z")}, nil
}
