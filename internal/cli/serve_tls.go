package cli

import (
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/iamd-dev/iamd/internal/server"
	"github.com/iamd-dev/iamd/internal/tlsutil"
)

// localCADir is where `iamd serve --tls` keeps its certificate authority and certificate,
// under the data directory.
const localCADir = "tls"

// tlsFlags are the listener's flags of `iamd serve`: TLS and the trusted proxies.
type tlsFlags struct {
	local          *bool
	cert, key      *string
	trustedProxies listFlag
}

func (t *tlsFlags) define(fs *flag.FlagSet) {
	t.local = fs.Bool("tls", false, "serve over TLS with a certificate signed by a local CA made in DATA/tls (its path is printed: AWS_CA_BUNDLE, aws --ca-bundle)")
	t.cert = fs.String("tls-cert", "", "PEM file of the TLS certificate (and its chain) to serve with; reloaded on SIGHUP")
	t.key = fs.String("tls-key", "", "PEM file of the private key of --tls-cert")
	fs.Var(&t.trustedProxies, "trusted-proxy", "CIDR or address (repeatable) of a proxy whose X-Forwarded-For and X-Forwarded-Proto count for aws:SourceIp and aws:SecureTransport")
}

// listenerConfig is what the flags make of the listener.
type listenerConfig struct {
	tls     *tls.Config
	cert    *tlsutil.Certificate
	caPath  string // the local CA's certificate, with --tls
	proxies []netip.Prefix
}

// config reads the certificate (made first, with --tls alone) and the proxies' ranges.
func (t *tlsFlags) config(data, addr string) (listenerConfig, error) {
	var l listenerConfig
	for _, v := range t.trustedProxies {
		p, err := parsePrefix(v)
		if err != nil {
			return l, fmt.Errorf("--trusted-proxy %q: want a CIDR (10.0.0.0/8) or an address", v)
		}
		l.proxies = append(l.proxies, p)
	}
	certFile, keyFile := *t.cert, *t.key
	switch {
	case (certFile == "") != (keyFile == ""):
		return l, errors.New("give both --tls-cert and --tls-key, or neither")
	case certFile == "" && !*t.local:
		return l, nil
	case certFile == "":
		local, err := tlsutil.LocalCA(filepath.Join(data, localCADir), certificateHosts(addr), time.Now())
		if err != nil {
			return l, fmt.Errorf("--tls: %w", err)
		}
		certFile, keyFile, l.caPath = local.Cert, local.Key, local.CA
	}
	cert, err := tlsutil.Load(certFile, keyFile)
	if err != nil {
		return l, err
	}
	l.cert, l.tls = cert, cert.ServerConfig()
	return l, nil
}

// parsePrefix reads a CIDR, or an address as the range of it alone.
func parsePrefix(v string) (netip.Prefix, error) {
	if p, err := netip.ParsePrefix(v); err == nil {
		return p.Masked(), nil
	}
	ip, err := netip.ParseAddr(v)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(ip.Unmap(), ip.Unmap().BitLen()), nil
}

// certificateHosts are the names the local certificate is for: the loopback addresses,
// localhost, and the listen host (the machine's name when it listens on every address).
func certificateHosts(addr string) []string {
	hosts := []string{"127.0.0.1", "::1", "localhost"}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return hosts
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		if name, err := os.Hostname(); err == nil {
			host = name
		} else {
			host = ""
		}
	}
	if host != "" && !strings.EqualFold(host, "localhost") && host != "127.0.0.1" && host != "::1" {
		hosts = append(hosts, host)
	}
	return hosts
}

// announce says where clients find the CA to trust and the plain task credentials endpoint.
func (l listenerConfig) announce(w io.Writer, srv *server.Server) {
	if l.caPath != "" {
		fmt.Fprintf(w, "TLS with the local CA %s: export AWS_CA_BUNDLE=%s (or aws --ca-bundle %s)\n", l.caPath, l.caPath, l.caPath)
	}
	if a := srv.TaskCredentialsAddr(); a != "" {
		fmt.Fprintf(w, "task credentials served in plain HTTP on http://%s\n", a)
	}
}

// reloadOnHangup reads the certificate again at each SIGHUP, until the returned stop is
// called; a certificate that fails to load leaves the one in use serving.
func (l listenerConfig) reloadOnHangup(log *slog.Logger) (stop func()) {
	if l.cert == nil {
		return func() {}
	}
	hup := make(chan os.Signal, 1)
	done := make(chan struct{})
	signal.Notify(hup, syscall.SIGHUP)
	go func() {
		for {
			select {
			case <-hup:
				if err := l.cert.Reload(); err != nil {
					log.Error("SIGHUP: the TLS certificate in use stays", "err", err)
				} else {
					log.Info("SIGHUP: reloaded the TLS certificate")
				}
			case <-done:
				return
			}
		}
	}()
	return func() { signal.Stop(hup); close(done) }
}
