package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/iamd-dev/iamd/internal/server"
)

// DefaultAddr is where `iamd serve` listens unless told otherwise: loopback only.
const DefaultAddr = "127.0.0.1:4599"

// serveFlags are the flags of `iamd serve`; each is also IAMD_<NAME> and a key of --config
// (serve_config.go).
type serveFlags struct {
	addr, data, account, region, auditPath, masterKey, issuerBase, oidcCA, metricsAddr *string
	lookupEvents, authzCacheSize                                                       *int
	front                                                                              frontDoorFlags
	tls                                                                                tlsFlags
	config                                                                             *string
	masterKeyFile                                                                      *string // serve_key_file.go
	store                                                                              *string
}

// newServeFlags defines the flags of `iamd serve` on fs.
func newServeFlags(fs *flag.FlagSet) *serveFlags {
	f := &serveFlags{}
	f.addr = fs.String("addr", DefaultAddr, "address to listen on (host:port)")
	f.data = fs.String("data", defaultDataDir(), "data directory: database, master key, root credentials")
	f.account = fs.String("account-id", server.DefaultAccountID, "id of the default account, created at the first start")
	f.region = fs.String("region", "us-east-1", "the region iamd serves; its partition (cn-north-1: aws-cn, us-gov-west-1: aws-us-gov) is the default account's")
	f.auditPath = fs.String("audit", "-", "audit log of API calls, one CloudTrail record (JSON) a line: a file, - for standard output, or empty for none")
	f.masterKey = fs.String("master-key", "", "base64 master key for secrets (default: DATA/master.key)")
	f.issuerBase = fs.String("issuer-url", "", "URL relying parties reach iamd at, for the accounts' outbound web identity federation issuers (default: the listener's loopback URL)")
	f.oidcCA = fs.String("oidc-ca", "", "PEM file of CA certificates trusted, besides the system's, for OpenID Connect issuers")
	f.lookupEvents = fs.Int("lookup-events", 0, "how many of the latest audit records cloudtrail:LookupEvents answers from, kept in memory (default 10000)")
	f.authzCacheSize = fs.Int("authz-cache-size", 0, "how many callers' compiled policies are kept (default 10000)")
	f.metricsAddr = fs.String("metrics-addr", "", "address (host:port) of a listener of its own serving Prometheus metrics at /metrics (default: no metrics; the AWS listener never serves them)")
	fs.Var(&f.front.upstreams, "upstream", "URL or SERVICE=URL (repeatable): the emulator the calls of services iamd does not serve are authorized and forwarded to (SERVICE is the credential scope's, e.g. s3)")
	fs.Var(&f.front.credentials, "upstream-credentials", "[SERVICE=]KEY:SECRET (repeatable, default test:test): the keys forwarded calls are signed with")
	f.front.enforce = fs.String("enforce", "on", "on: refuse what policies deny; log: log and audit the denial, and forward the call anyway")
	f.tls.define(fs)
	f.masterKeyFile = defineMasterKeyFileFlag(fs)
	f.store = fs.String("store", "", "where the documents are kept: empty for SQLite in DATA, or a postgres://USER:PASSWORD@HOST:PORT/DB URL of a PostgreSQL database several replicas share (give each the same --master-key)")
	f.config = fs.String("config", "", "TOML file of settings, each key a flag's name (IAMD_CONFIG): a flag wins over IAMD_<FLAG>, which wins over the file")
	return f
}

// parseServeFlags parses the command line, then takes each flag not on it from the
// environment or the config file.
func parseServeFlags(fs *flag.FlagSet, args []string) (*serveFlags, error) {
	f := newServeFlags(fs)
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	return f, applyConfig(fs, *f.config)
}

func runServe(ctx context.Context, args []string, env Env) int {
	fs := flag.NewFlagSet("iamd serve", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	f, err := parseServeFlags(fs, args)
	if err != nil {
		if f != nil { // the flag package has said what was wrong with the command line
			fmt.Fprintln(env.Stderr, "iamd serve:", err)
		}
		return 2
	}
	addr, data, account, region, auditPath, masterKey, issuerBase, oidcCA, front := f.addr, f.data, f.account, f.region, f.auditPath, f.masterKey, f.issuerBase, f.oidcCA, &f.front
	listener, err := f.tls.config(*data, *addr)
	if err != nil {
		fmt.Fprintln(env.Stderr, "iamd serve:", err)
		return 2
	}
	upstreams, enforce, err := front.config()
	if err != nil {
		fmt.Fprintln(env.Stderr, "iamd serve:", err)
		return 2
	}
	oidcClient, err := oidcHTTPClient(*oidcCA)
	if err != nil {
		fmt.Fprintln(env.Stderr, "iamd serve: --oidc-ca:", err)
		return 2
	}
	logger := slog.New(slog.NewTextHandler(env.Stderr, nil))
	var audit io.Writer
	switch *auditPath {
	case "":
	case "-":
		audit = env.Stdout
	default:
		f, err := os.OpenFile(*auditPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			fmt.Fprintln(env.Stderr, "iamd serve:", err)
			return 1
		}
		defer f.Close()
		audit = f
	}
	srv, err := server.New(ctx, server.Config{
		Addr: *addr, DataDir: *data, AccountID: *account, Region: *region, MasterKey: *masterKey, IssuerBaseURL: *issuerBase,
		RootAccessKeyID: os.Getenv("IAMD_ROOT_ACCESS_KEY_ID"), RootSecretAccessKey: os.Getenv("IAMD_ROOT_SECRET_ACCESS_KEY"),
		Logger: logger, Audit: audit, Banner: env.Stderr, OIDCHTTPClient: oidcClient,
		Upstreams: upstreams, Enforce: enforce,
		TLS: listener.tls, TrustedProxies: listener.proxies,
		MetricsAddr: *f.metricsAddr, LookupEvents: *f.lookupEvents, AuthzCacheSize: *f.authzCacheSize,
		MasterKeyFile: *f.masterKeyFile,
		Store:         *f.store,
	})
	if err != nil {
		fmt.Fprintln(env.Stderr, "iamd serve:", err)
		return 1
	}
	if err := srv.Listen(); err != nil {
		srv.Close()
		fmt.Fprintln(env.Stderr, "iamd serve:", err)
		return 1
	}
	if server.IsPostgresURL(*f.store) {
		fmt.Fprintf(env.Stderr, "iamd listening on %s (replica %s on PostgreSQL; local files in %s)\n", srv.URL(), srv.ReplicaID(), *data)
	} else {
		fmt.Fprintf(env.Stderr, "iamd listening on %s (data in %s)\n", srv.URL(), *data)
	}
	warnKeyInData(logger, *masterKey, *f.masterKeyFile, *data, srv.Addr())
	listener.announce(env.Stderr, srv)
	stopReloads := listener.reloadOnHangup(logger)
	defer stopReloads()
	if a := srv.MetricsAddr(); a != "" {
		fmt.Fprintf(env.Stderr, "metrics on http://%s%s\n", a, server.MetricsPath)
	}
	if !upstreams.Empty() {
		fmt.Fprintf(env.Stderr, "forwarding, authorized (--enforce %s), to %s\n", enforce, describeUpstreams(upstreams))
	}
	if err := srv.Serve(ctx); err != nil {
		fmt.Fprintln(env.Stderr, "iamd serve:", err)
		return 1
	}
	return 0
}

// envOr is the environment variable's value, else def.
func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// defaultDataDir is $XDG_DATA_HOME/iamd, else ~/.local/share/iamd, else ./iamd-data.
func defaultDataDir() string {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "iamd")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".local", "share", "iamd")
	}
	return "iamd-data"
}
