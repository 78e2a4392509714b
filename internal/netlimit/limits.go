package netlimit

import (
	"net"
	"net/http"
	"time"
)

// Limits bound a listener's connections: how long a request may take to arrive and to be
// answered, how long a keep-alive connection may idle, and how many connections are served
// at once (more wait to be accepted).
type Limits struct {
	// ReadTimeout bounds reading a whole request, body included.
	ReadTimeout time.Duration
	// WriteTimeout bounds a request from the end of its headers to the end of its answer.
	WriteTimeout time.Duration
	// IdleTimeout bounds how long a keep-alive connection waits for its next request.
	IdleTimeout time.Duration
	// MaxConns is how many connections are served at once.
	MaxConns int
}

// maxHeaderWait bounds the wait for a request's headers (within ReadTimeout).
const maxHeaderWait = 10 * time.Second

// Or is l with each zero (or negative) field taken from def.
func (l Limits) Or(def Limits) Limits {
	pick := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	pick(&l.ReadTimeout, def.ReadTimeout)
	pick(&l.WriteTimeout, def.WriteTimeout)
	pick(&l.IdleTimeout, def.IdleTimeout)
	if l.MaxConns <= 0 {
		l.MaxConns = def.MaxConns
	}
	return l
}

// Server is an http.Server for handler with the limits' timeouts.
func (l Limits) Server(handler http.Handler) *http.Server {
	return &http.Server{Handler: handler, ReadHeaderTimeout: min(maxHeaderWait, l.ReadTimeout),
		ReadTimeout: l.ReadTimeout, WriteTimeout: l.WriteTimeout, IdleTimeout: l.IdleTimeout}
}

// Listener is l serving at most MaxConns connections at once.
func (l Limits) Listener(ln net.Listener) net.Listener { return Listener(ln, l.MaxConns) }
