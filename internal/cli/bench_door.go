package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strings"

	"github.com/iamd-dev/iamd/internal/arn"
	"github.com/iamd-dev/iamd/internal/awsclient"
	"github.com/iamd-dev/iamd/internal/bench"
	"github.com/iamd-dev/iamd/internal/server"
	"github.com/iamd-dev/iamd/internal/sigv4"
	"github.com/iamd-dev/iamd/internal/upstream"
)

// doorOp is the operation `iamd bench --door` measures: a call of a service iamd does not
// serve, which the front door authorizes and forwards.
const doorOp = "sqs-get-queue-url"

// doorBenchPolicy is the policy of the user the door is measured as: the calls of doorOp,
// on the bench's queues (iamd-bench*, the canned upstream's iamd-bench among them), so that
// each call is decided by the policy engine as a real one is.
var doorBenchPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",` +
	`"Action":["sqs:CreateQueue","sqs:GetQueueUrl","sqs:DeleteQueue"],"Resource":"` +
	arn.InRegion("sqs", "us-east-1", server.DefaultAccountID, "iamd-bench*") + `"}]}`

// runBenchDoor measures the front door's added latency: doorOp straight to a canned upstream
// (an answer at once, whatever the request), then the same through an iamd of its own, in a
// temporary data directory, whose door forwards to that upstream, as an IAM user allowed the
// calls; it prints both and their ratio.
func runBenchDoor(ctx context.Context, opts bench.Options, asJSON bool, env Env) int {
	fail := func(err error) int {
		fmt.Fprintln(env.Stderr, "iamd bench --door:", err)
		return 1
	}
	canned, err := bench.StartCanned()
	if err != nil {
		return fail(err)
	}
	defer canned.Close()
	endpoint, stop, err := startBenchServer(ctx, canned.URL, false)
	if err != nil {
		return fail(err)
	}
	defer stop()
	user, err := benchUser(ctx, endpoint.Endpoint, endpoint.Credentials)
	if err != nil {
		return fail(err)
	}
	// The canned upstream checks no signature: the user's keys sign the direct calls too.
	run := func(to string) (bench.Report, error) {
		c := awsclient.New(awsclient.Config{Endpoint: to, Region: "us-east-1", Credentials: user}, opts.Concurrency)
		return bench.Run(ctx, bench.Ops(c)[doorOp], opts)
	}
	direct, err := run(canned.URL)
	if err != nil {
		return fail(err)
	}
	through, err := run(endpoint.Endpoint)
	if err != nil {
		return fail(err)
	}
	o := bench.Compare(direct, through)
	if asJSON {
		printJSON(env.Stdout, struct {
			Op          string `json:"op"`
			Concurrency int    `json:"concurrency"`
			bench.Overhead
		}{doorOp, opts.Concurrency, o})
	} else {
		fmt.Fprintf(env.Stdout, "%s, %d workers, %.1fs each\nstraight to a canned upstream:\n", doorOp, opts.Concurrency, direct.Seconds)
		printReport(env.Stdout, direct)
		fmt.Fprintln(env.Stdout, "through iamd's front door to it (verified, authorized, re-signed, forwarded):")
		printReport(env.Stdout, through)
		fmt.Fprintf(env.Stdout, "the door adds p50 %.3fms, p99 %.3fms; requests/s through it %.2f× straight\n", o.AddedP50Ms, o.AddedP99Ms, o.RateRatio)
	}
	if direct.Errors > 0 || through.Errors > 0 {
		return 1
	}
	return 0
}

// startBenchServer starts an iamd on a free loopback port over a temporary data directory,
// its front door forwarding every service to upstreamURL (if any), its audit log discarded (but
// written), over TLS with a local CA of its own when overTLS; it returns where it listens
// with its root key (and the CA), and how to stop it.
func startBenchServer(ctx context.Context, upstreamURL string, overTLS bool) (awsclient.Config, func(), error) {
	dir, err := os.MkdirTemp("", "iamd-bench-")
	if err != nil {
		return awsclient.Config{}, nil, err
	}
	root := sigv4.Credentials{AccessKeyID: "AKIA" + strings.ToUpper(randomHex(8)), SecretAccessKey: randomHex(20)}
	var upstreams upstream.Set
	if upstreamURL != "" {
		if upstreams, err = upstream.Parse([]string{upstreamURL}, nil); err != nil {
			os.RemoveAll(dir)
			return awsclient.Config{}, nil, err
		}
	}
	var listener listenerConfig
	if overTLS {
		local := true
		none := ""
		t := tlsFlags{local: &local, cert: &none, key: &none}
		if listener, err = t.config(dir, "127.0.0.1:0"); err != nil {
			os.RemoveAll(dir)
			return awsclient.Config{}, nil, err
		}
	}
	srv, err := server.New(ctx, server.Config{
		Addr: "127.0.0.1:0", DataDir: dir, AccountID: server.DefaultAccountID, Region: "us-east-1",
		RootAccessKeyID: root.AccessKeyID, RootSecretAccessKey: root.SecretAccessKey,
		Logger: slog.New(slog.DiscardHandler), Audit: io.Discard, Upstreams: upstreams, TLS: listener.tls,
	})
	if err != nil {
		os.RemoveAll(dir)
		return awsclient.Config{}, nil, err
	}
	if err := srv.Listen(); err != nil {
		srv.Close()
		os.RemoveAll(dir)
		return awsclient.Config{}, nil, err
	}
	serveCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { _ = srv.Serve(serveCtx); close(done) }()
	stop := func() { cancel(); <-done; os.RemoveAll(dir) }
	return awsclient.Config{Endpoint: srv.URL(), Region: "us-east-1", Credentials: root, CABundle: listener.caPath}, stop, nil
}

// benchUser makes, as root, the user the door is measured as, with doorBenchPolicy, and
// returns its new key.
func benchUser(ctx context.Context, endpoint string, root sigv4.Credentials) (sigv4.Credentials, error) {
	c := awsclient.New(awsclient.Config{Endpoint: endpoint, Region: "us-east-1", Credentials: root}, 1)
	iam := func(action string, params ...string) ([]byte, error) {
		v := url.Values{"Action": {action}, "Version": {"2010-05-08"}, "UserName": {"iamd-bench"}}
		for i := 0; i+1 < len(params); i += 2 {
			v.Set(params[i], params[i+1])
		}
		return c.Query(ctx, "iam", v)
	}
	if _, err := iam("CreateUser"); err != nil {
		return sigv4.Credentials{}, err
	}
	if _, err := iam("PutUserPolicy", "PolicyName", "bench", "PolicyDocument", doorBenchPolicy); err != nil {
		return sigv4.Credentials{}, err
	}
	body, err := iam("CreateAccessKey")
	if err != nil {
		return sigv4.Credentials{}, err
	}
	var key struct {
		ID     string `xml:"CreateAccessKeyResult>AccessKey>AccessKeyId"`
		Secret string `xml:"CreateAccessKeyResult>AccessKey>SecretAccessKey"`
	}
	if err := xml.Unmarshal(body, &key); err != nil {
		return sigv4.Credentials{}, err
	}
	return sigv4.Credentials{AccessKeyID: key.ID, SecretAccessKey: key.Secret}, nil
}

// randomHex is n random bytes in hex.
func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprint("crypto/rand: ", err))
	}
	return hex.EncodeToString(b)
}
