package server

import (
	"net/http"

	"github.com/iamd-dev/iamd/internal/api/stsapi"
	"github.com/iamd-dev/iamd/internal/iam"
)

// issuerBase is the URL the accounts' outbound federation issuers are under: the configured
// one, else the listener's loopback URL.
func (s *Server) issuerBase() string {
	if s.cfg.IssuerBaseURL != "" {
		return s.cfg.IssuerBaseURL
	}
	return s.loopbackURL()
}

// useOutboundIssuers tells IAM (Enable/GetOutboundWebIdentityFederationInfo) and STS
// (GetWebIdentityToken's iss) where the issuers are.
func (s *Server) useOutboundIssuers() {
	url := func(id string) string { return iam.OutboundIssuerURL(s.issuerBase(), id) }
	s.iamAPI.UseIssuers(url)
	s.sts.IssueWebIdentityTokensAt(url)
}

// outboundIssuers serves the issuers' discovery documents and key sets, unauthenticated.
func (s *Server) outboundIssuers() http.Handler {
	return stsapi.NewIssuer(s.iam, s.issuerBase, s.log)
}
