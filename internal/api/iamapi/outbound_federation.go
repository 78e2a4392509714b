package iamapi

// outboundFederationRoutes are the account's outbound web identity federation, on "*".
func outboundFederationRoutes() map[string]route {
	return map[string]route{
		"EnableOutboundWebIdentityFederation":  anywhere((*call).enableOutboundWebIdentityFederation),
		"DisableOutboundWebIdentityFederation": anywhere((*call).disableOutboundWebIdentityFederation),
		"GetOutboundWebIdentityFederationInfo": anywhere((*call).getOutboundWebIdentityFederationInfo),
	}
}

// UseIssuers sets how an account's outbound federation issuer id becomes the issuer URL the
// API reports.
func (a *API) UseIssuers(issuerURL func(issuerID string) string) { a.issuerURL = issuerURL }

func (c *call) issuer(id string) string {
	if c.api.issuerURL == nil {
		return id
	}
	return c.api.issuerURL(id)
}

type enableOutboundWebIdentityFederationResult struct {
	IssuerIdentifier string `xml:"IssuerIdentifier"`
}

func (c *call) enableOutboundWebIdentityFederation() (any, error) {
	id, err := c.api.iam.EnableOutboundWebIdentityFederation(c.ctx, c.account)
	if err != nil {
		return nil, err
	}
	return enableOutboundWebIdentityFederationResult{c.issuer(id)}, nil
}

func (c *call) disableOutboundWebIdentityFederation() (any, error) {
	return nil, c.api.iam.DisableOutboundWebIdentityFederation(c.ctx, c.account)
}

type getOutboundWebIdentityFederationInfoResult struct {
	IssuerIdentifier  string `xml:"IssuerIdentifier"`
	JwtVendingEnabled bool   `xml:"JwtVendingEnabled"`
}

func (c *call) getOutboundWebIdentityFederationInfo() (any, error) {
	info, err := c.api.iam.OutboundWebIdentityFederationInfo(c.ctx, c.account)
	if err != nil {
		return nil, err
	}
	return getOutboundWebIdentityFederationInfoResult{c.issuer(info.IssuerID), info.Enabled}, nil
}
