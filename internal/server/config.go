// Package server is iamd's composition root: it opens the store, loads the master key,
// makes sure the default account exists, builds the services and serves every API on one
// listener, routing by the SigV4 credential scope's service.
package server

import (
	"io"
	"log/slog"
	"net/http"
	"time"
)

// Config is what `iamd serve` is given.
type Config struct {
	Addr      string // listen address, e.g. 127.0.0.1:4599 (":0" style ports are fine)
	DataDir   string // where the database, the master key and the root credentials live
	AccountID string // the default account, created at the first start

	// RootAccessKeyID and RootSecretAccessKey choose the default account's root key at the
	// first start; both empty means a new random key.
	RootAccessKeyID     string
	RootSecretAccessKey string

	// MasterKey (base64), when set, is used instead of the key file in DataDir.
	MasterKey string

	Region string // the region iamd reports and expects in credential scopes
	Logger *slog.Logger
	Audit  io.Writer // one JSON line per API call; nil for none
	// Banner receives the one-time display of a generated root key; nil for none.
	Banner io.Writer
	Now    func() time.Time

	// Limits bound what callers can hold of the listeners (the API's and every instance
	// metadata endpoint's); zero fields take the defaults.
	Limits Limits

	// OIDCHTTPClient fetches OpenID Connect issuers' discovery documents and keys for
	// AssumeRoleWithWebIdentity; nil for a client with the system's roots and a 10s timeout.
	OIDCHTTPClient *http.Client
}

// Limits bound how long a connection may take and how many are served at once, so that
// clients that send slowly, or not at all, cannot hold the server's connections.
type Limits struct {
	// ReadTimeout bounds reading a whole request, body included (default 30s).
	ReadTimeout time.Duration
	// WriteTimeout bounds a request from the end of its headers to the end of its answer
	// (default 60s: a call may fetch an OpenID Connect issuer's keys, 10s per fetch).
	WriteTimeout time.Duration
	// IdleTimeout bounds how long a keep-alive connection waits for its next request
	// (default 120s).
	IdleTimeout time.Duration
	// MaxConns is how many connections the API listener serves at once (default 1024);
	// more wait to be accepted.
	MaxConns int
	// MetadataMaxConns is how many connections each instance metadata endpoint serves at
	// once (default 64).
	MetadataMaxConns int
}

// Default limits.
const (
	defaultReadTimeout      = 30 * time.Second
	defaultWriteTimeout     = 60 * time.Second
	defaultIdleTimeout      = 120 * time.Second
	defaultMaxConns         = 1024
	defaultMetadataMaxConns = 64
	// maxHeaderWait bounds the wait for a request's headers (within ReadTimeout).
	maxHeaderWait = 10 * time.Second
)

// withDefaults fills the zero fields.
func (l Limits) withDefaults() Limits {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&l.ReadTimeout, defaultReadTimeout)
	def(&l.WriteTimeout, defaultWriteTimeout)
	def(&l.IdleTimeout, defaultIdleTimeout)
	if l.MaxConns <= 0 {
		l.MaxConns = defaultMaxConns
	}
	if l.MetadataMaxConns <= 0 {
		l.MetadataMaxConns = defaultMetadataMaxConns
	}
	return l
}

// httpServer is an http.Server for handler with the limits' timeouts.
func (l Limits) httpServer(handler http.Handler) *http.Server {
	return &http.Server{Handler: handler, ReadHeaderTimeout: min(maxHeaderWait, l.ReadTimeout),
		ReadTimeout: l.ReadTimeout, WriteTimeout: l.WriteTimeout, IdleTimeout: l.IdleTimeout}
}
