package server

import (
	"net/http"

	"github.com/iamd-dev/iamd/internal/api/awsquery"
	"github.com/iamd-dev/iamd/internal/api/route"
	"github.com/iamd-dev/iamd/internal/awserr"
)

// endpoints are the services iamd serves, by credential-scope service name.
func (s *Server) endpoints() map[string]route.Endpoint {
	return map[string]route.Endpoint{
		"iam":            s.iamAPI,
		"sts":            s.stsAPI,
		"ec2":            s.ec2API,
		"iamd":           s.adminAPI,
		"secretsmanager": s.smAPI,
	}
}

// writeQueryError writes the errors of a request for a service iamd does not serve, in
// the Query protocol.
func writeQueryError(w http.ResponseWriter, e *awserr.Error, requestID string) {
	awsquery.WriteError(w, "", e, requestID)
}
