package server

import (
	"github.com/iamd-dev/iamd/internal/api/aaapi"
	"github.com/iamd-dev/iamd/internal/api/route"
)

// endpoints are the services iamd serves, by credential-scope service name. Every other
// service is the front door's (s.front): authorized and forwarded to its upstream, or, with
// none, answered in its own protocol how to set one. A service named here is never
// forwarded, but EC2, which iamd serves in part: its instance lifecycle is iamd's, its other
// operations the door's (ec2Split).
func (s *Server) endpoints() map[string]route.Endpoint {
	return map[string]route.Endpoint{
		"iam":            s.iamAPI,
		"sts":            s.stsAPI,
		"ec2":            s.ec2Endpoint(),
		"iamd":           s.adminAPI,
		"secretsmanager": s.smAPI,
		"cloudtrail":     s.ctAPI, // LookupEvents over iamd's own audit records

		// IAM Access Analyzer's policy checks (ValidatePolicy, CheckNoNewAccess, ...).
		aaapi.SigningName: s.aaAPI,
	}
}

// endpoint is the endpoint of a credential scope's service: iamd's own, else the front
// door's for it.
func (s *Server) endpoint(service string) route.Endpoint {
	if ep, ok := s.routes[service]; ok {
		return ep
	}
	return s.front.For(service)
}
