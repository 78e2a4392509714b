package server

import (
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/iamd-dev/iamd/internal/api/adminapi"
	"github.com/iamd-dev/iamd/internal/console"
	"github.com/iamd-dev/iamd/internal/iam"
)

// paths is the server's handler: the paths that are not AWS's (health, task credentials),
// and the AWS APIs, served by their SigV4 credential scope, at every other path.
func (s *Server) paths() http.Handler {
	aws := http.HandlerFunc(s.serveAWS)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", serveHealthz) // a GET pattern matches HEAD too
	mux.Handle(adminapi.TaskCredentialsPath, s.taskCredentials())
	mux.Handle(iam.OutboundIssuerPath, s.outboundIssuers())
	// The endpoint's path without its slash is an AWS path like any other, which ServeMux
	// would otherwise redirect to the endpoint.
	mux.Handle(strings.TrimSuffix(adminapi.TaskCredentialsPath, "/"), aws)
	mux.Handle("/", aws)
	// The console's pages; a signed request there is still an AWS call (console.Handler).
	pages := console.Handler(console.Assets(), aws)
	mux.Handle(console.Path, pages)
	mux.Handle(console.Path+"/", pages)
	return s.withOrigin(asSent{mux})
}

// plainPaths is the handler of the plain loopback listener that serves, when the API is
// served over TLS, what must stay plain HTTP: the task credentials endpoint (and health).
func (s *Server) plainPaths() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", serveHealthz)
	mux.Handle(adminapi.TaskCredentialsPath, s.taskCredentials())
	return s.withOrigin(asSent{mux})
}

func serveHealthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain")
	_, _ = io.WriteString(w, "ok\n")
}

// asSent routes by the path as it was sent. ServeMux would redirect a path with dot
// segments or repeated slashes to its cleaned form, which iamd never does: the AWS APIs
// verify the signature of the path as sent, and the task credentials endpoint refuses such
// a path as a malformed id. So the mux chooses from the path with those escaped, and the
// handler it chose serves the request as it came.
type asSent struct{ mux *http.ServeMux }

func (a asSent) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	route := r.WithContext(r.Context())
	route.URL = routingURL(r.URL.Path)
	h, _ := a.mux.Handler(route)
	h.ServeHTTP(w, r)
}

// routingURL is a request's path as the mux should match it, with nothing to clean: its
// segments as they are, with each dot escaped, and each slash that follows a slash escaped
// into the segment after it. A request's path starts with a slash unless it is empty or
// "*" (which no route names): those are routed as "/".
func routingURL(path string) *url.URL {
	if !strings.HasPrefix(path, "/") {
		path = "/"
	}
	u := &url.URL{Path: path}
	escaped := u.EscapedPath()
	var raw strings.Builder
	for i := 0; i < len(escaped); i++ {
		switch c := escaped[i]; {
		case c == '.':
			raw.WriteString("%2E")
		case c == '/' && i > 0 && escaped[i-1] == '/':
			raw.WriteString("%2F")
		default:
			raw.WriteByte(c)
		}
	}
	u.RawPath = raw.String()
	return u
}
