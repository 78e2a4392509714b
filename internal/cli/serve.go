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

func runServe(ctx context.Context, args []string, env Env) int {
	fs := flag.NewFlagSet("iamd serve", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	addr := fs.String("addr", envOr("IAMD_ADDR", DefaultAddr), "address to listen on (host:port)")
	data := fs.String("data", envOr("IAMD_DATA", defaultDataDir()), "data directory: database, master key, root credentials")
	account := fs.String("account-id", envOr("IAMD_ACCOUNT_ID", server.DefaultAccountID), "id of the default account, created at the first start")
	region := fs.String("region", envOr("IAMD_REGION", "us-east-1"), "the region iamd serves; its partition (cn-north-1: aws-cn, us-gov-west-1: aws-us-gov) is the default account's")
	auditPath := fs.String("audit", envOr("IAMD_AUDIT", "-"), "audit log of API calls as JSON lines: a file, - for standard output, or empty for none")
	masterKey := fs.String("master-key", "", "base64 master key for secrets (default: IAMD_MASTER_KEY, else DATA/master.key)")
	issuerBase := fs.String("issuer-url", envOr("IAMD_ISSUER_URL", ""), "URL relying parties reach iamd at, for the accounts' outbound web identity federation issuers (default: the listener's loopback URL)")
	oidcCA := fs.String("oidc-ca", envOr("IAMD_OIDC_CA", ""), "PEM file of CA certificates trusted, besides the system's, for OpenID Connect issuers")
	metricsAddr := fs.String("metrics-addr", envOr("IAMD_METRICS_ADDR", ""), "address (host:port) of a listener of its own serving Prometheus metrics at /metrics (default: no metrics; the AWS listener never serves them)")
	var front frontDoorFlags
	fs.Var(&front.upstreams, "upstream", "URL or SERVICE=URL (repeatable, default IAMD_UPSTREAM): the emulator the calls of services iamd does not serve are authorized and forwarded to (SERVICE is the credential scope's, e.g. s3)")
	fs.Var(&front.credentials, "upstream-credentials", "[SERVICE=]KEY:SECRET (repeatable, default IAMD_UPSTREAM_CREDENTIALS, else test:test): the keys forwarded calls are signed with")
	front.enforce = fs.String("enforce", envOr("IAMD_ENFORCE", "on"), "on: refuse what policies deny; log: log and audit the denial, and forward the call anyway")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	upstreams, enforce, err := front.config()
	if err != nil {
		fmt.Fprintln(env.Stderr, "iamd serve:", err)
		return 2
	}
	if *masterKey == "" {
		*masterKey = os.Getenv("IAMD_MASTER_KEY")
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
		MetricsAddr: *metricsAddr,
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
	fmt.Fprintf(env.Stderr, "iamd listening on http://%s (data in %s)\n", srv.Addr(), *data)
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
