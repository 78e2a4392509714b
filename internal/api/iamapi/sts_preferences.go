package iamapi

import "github.com/iamd-dev/iamd/internal/iam"

// stsPreferenceRoutes are the account's Security Token Service preferences, on "*" (the
// version is checked before the call is authorized, as AWS checks its parameters' constraints).
func stsPreferenceRoutes() map[string]route {
	return map[string]route{
		"SetSecurityTokenServicePreferences": routeOn(OnAny, func(c *call) (string, error) {
			return "*", iam.CheckGlobalEndpointTokenVersion(c.q.Get("GlobalEndpointTokenVersion"))
		}, (*call).setSecurityTokenServicePreferences),
	}
}

func (c *call) setSecurityTokenServicePreferences() (any, error) {
	return nil, c.api.iam.SetSecurityTokenServicePreferences(c.ctx, c.account, c.q.Get("GlobalEndpointTokenVersion"))
}
