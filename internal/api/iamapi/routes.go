package iamapi

import (
	apiroute "github.com/iamd-dev/iamd/internal/api/route"
)

// route is how one action is served (the contract's route: its resource, its condition
// keys, its handler), with the kind of resource it is authorized on.
type route struct {
	kind ResourceKind
	apiroute.Route[*call]
}

// routeOn makes the route of an action authorized on the resource (nil: "*") of the kind,
// with the request's condition keys.
func routeOn(kind ResourceKind, resource func(*call) (string, error), run func(*call) (any, error)) route {
	return route{kind: kind, Route: apiroute.Route[*call]{Resource: resource, Conditions: (*call).conditionKeys, Handle: run}}
}

// routes is every action the API serves.
func routes() map[string]route {
	all := map[string]route{}
	for _, group := range []map[string]route{
		roleRoutes(),
		userRoutes(),
		groupRoutes(),
		accessKeyRoutes(),
		managedPolicyRoutes(),
		instanceProfileRoutes(),
		oidcProviderRoutes(),
		loginProfileRoutes(),
		serverCertificateRoutes(),
		signingCertificateRoutes(),
		sshPublicKeyRoutes(),
		serviceCredentialRoutes(),
		serviceLinkedRoleRoutes(),
		lastAccessedRoutes(),
		mfaDeviceRoutes(),
		samlProviderRoutes(),
		accountRoutes(),
		credentialReportRoutes(),
		simulationRoutes(),
		organizationRoutes(),
		stsPreferenceRoutes(),
		outboundFederationRoutes(),
		delegationRequestRoutes(),
		roleTemplateRoutes(),
		accountPropertyRoutes(),
	} {
		for action, r := range group {
			all[action] = r
		}
	}
	return all
}

// contractRoutes are the routes as the contract serves them.
func contractRoutes() map[string]apiroute.Route[*call] {
	out := map[string]apiroute.Route[*call]{}
	for action, r := range routes() {
		out[action] = r.Route
	}
	return out
}

// Actions lists every action the API serves with the kind of resource it is authorized on.
func Actions() map[string]ResourceKind {
	out := map[string]ResourceKind{}
	for action, r := range routes() {
		out[action] = r.kind
	}
	return out
}
