package stsapi

import "github.com/iamd-dev/iamd/internal/sts"

type getSessionTokenResult struct {
	Credentials xmlCredentials `xml:"Credentials"`
}

// getSessionToken serves GetSessionToken, which a user (or the root user) may call with
// long-term credentials (package sts).
func (a *API) getSessionToken(c call) (any, error) {
	d, err := durationOf(c.In)
	if err != nil {
		return nil, err
	}
	creds, err := a.sts.GetSessionToken(c.Ctx, c.Caller, d, mfaOf(c.In))
	if err != nil {
		return nil, err
	}
	return getSessionTokenResult{credentialsXML(*creds)}, nil
}

type getFederationTokenResult struct {
	Credentials   xmlCredentials `xml:"Credentials"`
	FederatedUser struct {
		FederatedUserID string `xml:"FederatedUserId"`
		Arn             string `xml:"Arn"`
	} `xml:"FederatedUser"`
	PackedPolicy *int `xml:"PackedPolicySize,omitempty"`
}

// getFederationToken serves GetFederationToken, authorized on the federated user's ARN
// once the parameters are checked (package sts).
func (a *API) getFederationToken(c call) (any, error) {
	q := c.In
	d, err := durationOf(q)
	if err != nil {
		return nil, err
	}
	in := sts.GetFederationTokenInput{Name: q.Get("Name"), DurationSeconds: d, Policy: q.Get("Policy"), PolicyARNs: policyARNs(q)}
	out, err := a.sts.GetFederationToken(c.Ctx, c.Caller, in)
	if err != nil {
		return nil, err
	}
	res := getFederationTokenResult{Credentials: credentialsXML(out.Credentials), PackedPolicy: packedPolicySize(out.PackedPolicySize)}
	res.FederatedUser.FederatedUserID, res.FederatedUser.Arn = out.FederatedUserID, out.FederatedUserARN
	return res, nil
}

type getAccessKeyInfoResult struct {
	Account string `xml:"Account"`
}

// getAccessKeyInfo serves GetAccessKeyInfo, authorized once the key id is checked
// (package sts).
func (a *API) getAccessKeyInfo(c call) (any, error) {
	account, err := a.sts.GetAccessKeyInfo(c.Ctx, c.Caller, c.In.Get("AccessKeyId"))
	if err != nil {
		return nil, err
	}
	return getAccessKeyInfoResult{account}, nil
}
