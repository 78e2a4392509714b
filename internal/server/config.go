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

	// OIDCHTTPClient fetches OpenID Connect issuers' discovery documents and keys for
	// AssumeRoleWithWebIdentity; nil for a client with the system's roots and a 10s timeout.
	OIDCHTTPClient *http.Client
}
