// Package server is iamd's composition root: it opens the store, loads the master key,
// makes sure the default account exists, builds the services and serves every API on one
// listener, routing by the SigV4 credential scope's service.
package server

import (
	"crypto/tls"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/iamd-dev/iamd/internal/api/frontapi"
	"github.com/iamd-dev/iamd/internal/netlimit"
	"github.com/iamd-dev/iamd/internal/upstream"
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
	// MasterKeyFile, when set, is the file the master key is read from instead of the one in
	// DataDir: the production setup, a file outside DataDir readable by its owner only.
	MasterKeyFile string

	// Store is where the documents are kept: "" for the SQLite database in DataDir, or a
	// postgres:// URL of a PostgreSQL database several replicas may share (DataDir then keeps
	// the local files only: the master key unless MasterKey is given, the root credentials,
	// the replica id).
	Store string

	Region string // the region iamd reports and expects in credential scopes
	Logger *slog.Logger
	Audit  io.Writer // one CloudTrail record (a JSON line) per API call; nil for none
	// LookupEvents is how many of the latest records cloudtrail:LookupEvents answers from
	// (kept in memory whatever Audit is); 0 for cloudtrail.DefaultStoreSize.
	LookupEvents int
	// AuthzCacheSize bounds how many callers' compiled policies are kept; 0 for
	// authz.DefaultCacheSize.
	AuthzCacheSize int
	// Banner receives the one-time display of a generated root key; nil for none.
	Banner io.Writer
	Now    func() time.Time

	// Limits bound what callers can hold of the listeners (the API's and every instance
	// metadata endpoint's); zero fields take the defaults.
	Limits Limits

	// Upstreams serve the services iamd does not serve itself: their calls are authorized
	// and forwarded there (the front door). With none, such a service answers, in its own
	// protocol, how to set one.
	Upstreams upstream.Set
	// Enforce is what the front door does with a denial: refuse it ("on", the default) or
	// log it and forward the call ("log", soft mode).
	Enforce frontapi.Enforce

	// IssuerBaseURL is the URL relying parties reach iamd at, for the issuers of the accounts'
	// outbound web identity federation (GetWebIdentityToken's tokens are verified with the
	// keys served under it); "" for the listener's loopback URL.
	IssuerBaseURL string

	// MetricsAddr, when set, is the address of a listener of its own that serves Prometheus
	// metrics at /metrics; "" collects none. The AWS listener never serves /metrics.
	MetricsAddr string

	// OIDCHTTPClient fetches OpenID Connect issuers' discovery documents and keys for
	// AssumeRoleWithWebIdentity; nil for a client with the system's roots and a 10s timeout.
	OIDCHTTPClient *http.Client

	// TLS, when set, serves the AWS APIs over TLS with it (its GetCertificate may swap the
	// certificate at any time: tlsutil.Certificate). The task credentials endpoint is then
	// served in plain HTTP on a loopback listener of its own, as the SDKs require of it.
	TLS *tls.Config
	// TrustedProxies are the peers (proxies, load balancers) whose X-Forwarded-For and
	// X-Forwarded-Proto tell the client's address and scheme (aws:SourceIp,
	// aws:SecureTransport); from any other peer those headers are ignored.
	TrustedProxies []netip.Prefix
}

// Limits bound how long a connection may take and how many are served at once, so that
// clients that send slowly, or not at all, cannot hold the server's connections. Zero
// fields take the defaults.
type Limits struct {
	// API bounds the AWS listener (task credentials included): read 30s, write 60s (a call
	// may fetch an OpenID Connect issuer's keys, 10s per fetch), idle 120s, 1024
	// connections at once.
	API netlimit.Limits
	// Metadata bounds each instance metadata endpoint: the API's timeouts, 64 connections.
	Metadata netlimit.Limits
}

var defaultAPILimits = netlimit.Limits{ReadTimeout: 30 * time.Second, WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second, MaxConns: 1024}

// defaultMetadataMaxConns is how many connections a metadata endpoint serves at once.
const defaultMetadataMaxConns = 64

// withDefaults fills the zero fields.
func (l Limits) withDefaults() Limits {
	l.API = l.API.Or(defaultAPILimits)
	metadata := l.API
	metadata.MaxConns = defaultMetadataMaxConns
	l.Metadata = l.Metadata.Or(metadata)
	return l
}
