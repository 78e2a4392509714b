package server

import (
	"io"
	"net/http"
	"time"
)

// streamsBody reports whether the body of a request for the credential scope's service is
// streamed rather than read before it is verified: S3's, when iamd does not serve S3 itself
// (the front door then verifies it as it forwards it, whatever its size).
func (s *Server) streamsBody(service string) bool {
	_, ours := s.routes[service]
	return service == "s3" && !ours
}

// progressBody is a streamed body whose reads keep the connection's deadlines moving. The
// read timeout bounds a whole request, which an upload of any size cannot meet: after each
// read that brings data, the next has the read timeout of its own, so a client that stops
// sending is still cut off. The write timeout, which runs from the end of the headers, starts
// again with it: the answer comes once the body is sent.
func (s *Server) progressBody(w http.ResponseWriter, body io.ReadCloser) io.ReadCloser {
	return &progressReader{ReadCloser: body, rc: http.NewResponseController(w),
		read: s.cfg.Limits.API.ReadTimeout, write: s.cfg.Limits.API.WriteTimeout}
}

type progressReader struct {
	io.ReadCloser
	rc          *http.ResponseController
	read, write time.Duration
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.ReadCloser.Read(b)
	if n > 0 && err == nil {
		now := time.Now()
		// Not every ResponseWriter has deadlines (http.ErrNotSupported): then the server's
		// own timeouts bound the request.
		_ = p.rc.SetReadDeadline(now.Add(p.read))
		_ = p.rc.SetWriteDeadline(now.Add(p.write))
	}
	return n, err
}
