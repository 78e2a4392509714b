package server

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/iamd-dev/iamd/internal/access"
	"github.com/iamd-dev/iamd/internal/api/aaapi"
	"github.com/iamd-dev/iamd/internal/api/adminapi"
	"github.com/iamd-dev/iamd/internal/api/ctapi"
	"github.com/iamd-dev/iamd/internal/api/ec2api"
	"github.com/iamd-dev/iamd/internal/api/frontapi"
	"github.com/iamd-dev/iamd/internal/api/iamapi"
	"github.com/iamd-dev/iamd/internal/api/route"
	"github.com/iamd-dev/iamd/internal/api/smapi"
	"github.com/iamd-dev/iamd/internal/api/stsapi"
	"github.com/iamd-dev/iamd/internal/arn"
	"github.com/iamd-dev/iamd/internal/authmsg"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/catalog"
	"github.com/iamd-dev/iamd/internal/cloudtrail"
	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/ec2"
	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/imds"
	"github.com/iamd-dev/iamd/internal/metrics"
	"github.com/iamd-dev/iamd/internal/oidc"
	"github.com/iamd-dev/iamd/internal/opmodel"
	"github.com/iamd-dev/iamd/internal/replica"
	"github.com/iamd-dev/iamd/internal/secretbox"
	"github.com/iamd-dev/iamd/internal/secrets"
	"github.com/iamd-dev/iamd/internal/sigv4"
	"github.com/iamd-dev/iamd/internal/sts"
	"github.com/iamd-dev/iamd/internal/tasks"
)

// DefaultAccountID is the default account's id unless configured otherwise.
const DefaultAccountID = "123456789012"

// rootCredentialsFile keeps the default account's root key, readable only by its owner.
const rootCredentialsFile = "root-credentials.json"

// Server is a running iamd.
type Server struct {
	cfg      Config
	log      *slog.Logger
	store    docstore.Store
	iam      *iam.Service
	sts      *sts.Service
	msgs     *authmsg.Codec // encoded authorization failures
	authz    *authz.Authorizer
	iamAPI   *iamapi.API
	stsAPI   *stsapi.API
	adminAPI *adminapi.API
	tasks    *tasks.Service
	smAPI    *smapi.API
	// ctAPI serves cloudtrail:LookupEvents over the latest audit records.
	ctAPI *ctapi.API
	// aaAPI serves IAM Access Analyzer's policy checks.
	aaAPI *aaapi.API
	// front serves every other service: authorized, then forwarded to its upstream.
	front  *frontapi.API
	ec2    *ec2.Service
	ec2API *ec2api.API
	// imds serves one instance metadata endpoint per running instance.
	imds     *imds.Manager
	routes   map[string]route.Endpoint // by credential-scope service
	verifier *sigv4.Verifier
	audit    *auditLog
	listener net.Listener
	http     *http.Server
	// plain serves the task credentials endpoint in plain HTTP on loopback when the API
	// is served over TLS (nil otherwise).
	plain     net.Listener
	plainHTTP *http.Server
	// metrics are served on their own listener, never the AWS one (metrics.go); nil for none.
	metrics         *metrics.Metrics
	metricsListener net.Listener
	metricsHTTP     *http.Server
	// follower applies the writes of the other replicas sharing the store (replica.go); nil
	// with SQLite. replicaID is this server's name among them.
	follower  *replica.Follower
	replicaID string
}

// New opens the data directory and prepares the server; Serve starts it.
func New(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.AccountID == "" {
		cfg.AccountID = DefaultAccountID
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	cfg.Limits = cfg.Limits.withDefaults()
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, err
	}
	box, err := masterBox(cfg)
	if err != nil {
		return nil, err
	}
	opened, err := openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, log: cfg.Logger, audit: &auditLog{w: cfg.Audit, store: cloudtrail.NewStore(cfg.LookupEvents), region: cfg.Region}}
	s.metrics = s.newMetrics() // nil unless a metrics listener is configured (metrics.go)
	store := s.metrics.Store(opened)
	s.store = store
	if err := s.follow(ctx, opened); err != nil {
		store.Close()
		return nil, err
	}
	s.iam = iam.New(store, box, cfg.Now)
	if err := s.iam.BuildListIndexes(ctx); err != nil {
		store.Close()
		return nil, err
	}
	s.authz = authz.New(s.iam, authz.CacheSize(cfg.AuthzCacheSize))
	s.iamAPI = iamapi.New(s.iam, s.authz)
	s.sts = sts.New(s.iam, s.authz, sts.NewSealer(box), oidc.NewVerifier(cfg.OIDCHTTPClient, cfg.Now), cfg.Now)
	s.msgs = authmsg.NewCodec(box)
	s.stsAPI = stsapi.New(s.sts, s.authz, s.msgs)
	s.useOutboundIssuers()
	s.adminAPI = adminapi.New(s.iam, cfg.AccountID)
	s.tasks = tasks.New(store, s.sts, s.authz, cfg.Region, cfg.Now)
	s.adminAPI.EnableTasks(s.tasks, s.taskCredentialsURL)
	sealed := append(iam.SealedCollections(), secrets.SealedCollections()...) // what a master key rotation re-seals
	s.adminAPI.EnableKeyRotation(secretbox.NewRotator(box, store, masterKeyFile(cfg), s.iam.AccountIDs, sealed, cfg.Now))
	s.ctAPI = ctapi.New(s.audit.store, s.authz)
	s.aaAPI = aaapi.New(s.authz)
	sm := secrets.New(store, box, cfg.Now).UsePrincipals(s.iam)
	s.smAPI = smapi.New(sm, s.authz)
	s.adminAPI.EnableAccess(access.New(s.iam, sm, cfg.Region, access.Limits{}).WithClock(cfg.Now), s.authz)
	s.ec2 = ec2.New(store, s.iam, s.sts, cfg.Now)
	s.imds = imds.NewManager(s.ec2, cfg.Now, cfg.Logger, cfg.Limits.Metadata)
	s.ec2API = ec2api.New(s.ec2, s.authz, s.msgs, s.machines(), cfg.Region)
	s.adminAPI.WithInstances(s.ec2, s.authz, s.metadataEndpoints(), cfg.Region)
	// The upstreams keep their buckets for the default account, the one of their keys.
	s.front = frontapi.New(opmodel.Default(), catalog.Default(), s.authz, cfg.Upstreams, cfg.Enforce).LogTo(cfg.Logger).WithMessages(s.msgs).UpstreamsOwnedBy(cfg.AccountID)
	s.verifier = &sigv4.Verifier{Now: cfg.Now}
	s.routes = s.endpoints()
	s.instrument()
	if err := secretbox.CheckStore(ctx, store, box, sealed); err != nil {
		store.Close()
		return nil, err
	}
	if err := s.bootstrap(ctx); err != nil {
		store.Close()
		return nil, err
	}
	return s, nil
}

func masterBox(cfg Config) (*secretbox.Box, error) {
	var keys [][]byte
	var err error
	switch {
	case cfg.MasterKey != "" && cfg.MasterKeyFile != "":
		err = errors.New("give the master key by --master-key (IAMD_MASTER_KEY) or by --master-key-file (IAMD_MASTER_KEY_FILE), not both")
	case cfg.MasterKey != "":
		keys, err = secretbox.ParseKeys(cfg.MasterKey)
	case cfg.MasterKeyFile != "":
		if keys, err = secretbox.LoadKeyFile(cfg.MasterKeyFile); errors.Is(err, os.ErrNotExist) {
			err = fmt.Errorf("--master-key-file %s does not exist (iamd rotate-master-key --generate %s makes one)", cfg.MasterKeyFile, cfg.MasterKeyFile)
		}
	default:
		keys, err = secretbox.LoadOrCreateKeyring(filepath.Join(cfg.DataDir, "master.key"))
	}
	if err != nil {
		return nil, err
	}
	return secretbox.NewRing(keys)
}

// masterKeyFile is the file the master key was read from, which a rotation rewrites; ""
// when it came from the environment or the command line.
func masterKeyFile(cfg Config) string {
	switch {
	case cfg.MasterKey != "":
		return ""
	case cfg.MasterKeyFile != "":
		return cfg.MasterKeyFile
	}
	return filepath.Join(cfg.DataDir, "master.key")
}

// bootstrap makes sure the default account exists; at its creation the root key is shown
// once and kept in the data directory, readable only by its owner.
func (s *Server) bootstrap(ctx context.Context) error {
	var chosen *iam.Credentials
	if s.cfg.RootAccessKeyID != "" || s.cfg.RootSecretAccessKey != "" {
		if s.cfg.RootAccessKeyID == "" || s.cfg.RootSecretAccessKey == "" {
			return errors.New("give both IAMD_ROOT_ACCESS_KEY_ID and IAMD_ROOT_SECRET_ACCESS_KEY, or neither")
		}
		chosen = &iam.Credentials{AccessKeyID: s.cfg.RootAccessKeyID, SecretAccessKey: s.cfg.RootSecretAccessKey}
	}
	// The default account is of the partition of the region iamd serves (cn-north-1: aws-cn).
	want := arn.PartitionOf(s.cfg.Region)
	key, created, err := s.iam.EnsureAccountIn(ctx, want, s.cfg.AccountID, "default", chosen)
	if err != nil {
		return err
	}
	if !created {
		have, err := s.iam.Partition(ctx, s.cfg.AccountID)
		if err != nil {
			return err
		}
		if have != want {
			return fmt.Errorf("the default account %s is of the %s partition, the region %s of %s: serve a region of %s", s.cfg.AccountID, have, s.cfg.Region, want, have)
		}
		return nil
	}
	path := filepath.Join(s.cfg.DataDir, rootCredentialsFile)
	data, _ := json.MarshalIndent(struct {
		AccountID string `json:"AccountId"`
		*iam.Credentials
	}{s.cfg.AccountID, key}, "", "  ")
	if err := os.WriteFile(path, append(data, '\n'), 0o600); err != nil {
		return err
	}
	s.log.Info("created the default account", "account", s.cfg.AccountID, "accessKeyId", key.AccessKeyID, "credentialsFile", path)
	if s.cfg.Banner != nil && chosen == nil {
		fmt.Fprintf(s.cfg.Banner, "Created account %s. Its root access key is shown once here and kept in %s:\n  AWS_ACCESS_KEY_ID=%s\n  AWS_SECRET_ACCESS_KEY=%s\n",
			s.cfg.AccountID, path, key.AccessKeyID, key.SecretAccessKey)
	}
	return nil
}

// Listen binds the configured address; Addr then tells where the server is.
func (s *Server) Listen() error {
	l, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return err
	}
	// At most MaxConns connections are served at once; the task credentials endpoint is
	// served on this listener too.
	s.listener = s.cfg.Limits.API.Listener(l)
	if s.cfg.TLS != nil {
		s.listener = tls.NewListener(s.listener, s.cfg.TLS)
		plain, err := net.Listen("tcp", net.JoinHostPort(loopbackHost(l.Addr()), "0"))
		if err != nil {
			l.Close()
			return err
		}
		s.plain = s.cfg.Limits.API.Listener(plain)
	}
	if err := s.listenMetrics(); err != nil {
		l.Close()
		if s.plain != nil {
			s.plain.Close()
		}
		return err
	}
	// The running machines' metadata endpoints open with the server's listener.
	if err := s.startMachines(context.Background()); err != nil {
		l.Close()
		if s.plain != nil {
			s.plain.Close()
		}
		return err
	}
	return nil
}

// loopbackHost is the loopback address of the listener's family: its own when it is a
// loopback address, else 127.0.0.1.
func loopbackHost(addr net.Addr) string {
	if tcp, ok := addr.(*net.TCPAddr); ok && tcp.IP.IsLoopback() {
		return tcp.IP.String()
	}
	return "127.0.0.1"
}

// Addr is the address the server listens on, once Listen has run.
func (s *Server) Addr() string { return s.listener.Addr().String() }

// URL is the API's URL: https when it is served over TLS.
func (s *Server) URL() string { return s.scheme() + "://" + s.Addr() }

// TaskCredentialsAddr is the address of the plain loopback listener of the task credentials
// endpoint when the API is served over TLS, else "".
func (s *Server) TaskCredentialsAddr() string {
	if s.plain == nil {
		return ""
	}
	return s.plain.Addr().String()
}

func (s *Server) scheme() string {
	if s.cfg.TLS != nil {
		return "https"
	}
	return "http"
}

// Serve serves until ctx ends, then shuts down gracefully: in-flight calls finish (up to a
// deadline) and the store is closed.
func (s *Server) Serve(ctx context.Context) error {
	if s.listener == nil {
		if err := s.Listen(); err != nil {
			return err
		}
	}
	s.http = s.cfg.Limits.API.Server(s.paths())
	if s.cfg.TLS != nil {
		// Failed handshakes (a client that does not trust the certificate, a scanner) are
		// the server's log's warnings, not the standard logger's lines.
		s.http.ErrorLog = slog.NewLogLogger(s.log.Handler(), slog.LevelWarn)
	}
	errc := make(chan error, 1)
	go func() { errc <- s.http.Serve(s.listener) }()
	if s.plain != nil {
		s.plainHTTP = s.cfg.Limits.API.Server(s.plainPaths())
		go func() { errc <- s.plainHTTP.Serve(s.plain) }()
	}
	s.serveMetrics()
	stopFollowing := s.startFollowing()
	s.log.Info("serving", "addr", s.Addr(), "account", s.cfg.AccountID)
	var err error
	select {
	case err = <-errc:
		if s.plainHTTP != nil {
			s.http.Close()
			s.plainHTTP.Close()
		}
	case <-ctx.Done():
		shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err = s.http.Shutdown(shutdown)
		if s.plainHTTP != nil {
			_ = s.plainHTTP.Shutdown(shutdown)
		}
		cancel()
	}
	s.stopMetrics()
	stopFollowing()
	s.imds.Close()
	if cerr := s.store.Close(); err == nil {
		err = cerr
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	s.log.Info("stopped")
	return err
}

// Close releases the store without serving (for a Server that never served).
func (s *Server) Close() error {
	s.stopMetrics()
	s.imds.Close()
	if s.plain != nil {
		s.plain.Close()
	}
	return s.store.Close()
}
