package iamapi

// stsPreferenceRoutes are the account's Security Token Service preferences, on "*".
func stsPreferenceRoutes() map[string]route {
	return map[string]route{
		"SetSecurityTokenServicePreferences": anywhere((*call).setSecurityTokenServicePreferences),
	}
}

func (c *call) setSecurityTokenServicePreferences() (any, error) {
	return nil, c.api.iam.SetSecurityTokenServicePreferences(c.ctx, c.account, c.q.Get("GlobalEndpointTokenVersion"))
}
