package server

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/iamd-dev/iamd/internal/tlsutil"
)

// tlsOnly denies every call that does not come over TLS, AWS's usual guardrail.
const tlsOnly = `{"Version":"2012-10-17","Statement":[
	{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*"},
	{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`

// startTLSServer runs a server over TLS with a certificate of a local CA, its SDK clients
// trusting that CA.
func startTLSServer(t *testing.T, opts ...func(*Config)) *testServer {
	t.Helper()
	local, err := tlsutil.LocalCA(filepath.Join(t.TempDir(), "tls"), []string{"127.0.0.1", "localhost"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	cert, err := tlsutil.Load(local.Cert, local.Key)
	if err != nil {
		t.Fatal(err)
	}
	ts := startServerAt(t, "", time.Now, append(opts, func(c *Config) { c.TLS = cert.ServerConfig() })...)
	ts.client = trustingClient(t, local.CA, nil)
	return ts
}

// trustingClient is an SDK HTTP client that trusts the CA (none: the system's roots) and
// adds the headers to each request (after signing, as a proxy would).
func trustingClient(t *testing.T, caFile string, headers http.Header) *http.Client {
	t.Helper()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			t.Fatal(err)
		}
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(pem)
		tr.TLSClientConfig = &tls.Config{RootCAs: pool}
	}
	return &http.Client{Timeout: 10 * time.Second, Transport: ownBodies{withHeaders{tr, headers}}}
}

type withHeaders struct {
	next    http.RoundTripper
	headers http.Header
}

func (w withHeaders) RoundTrip(r *http.Request) (*http.Response, error) {
	if len(w.headers) > 0 {
		r = r.Clone(r.Context())
		for k, v := range w.headers {
			r.Header[k] = v
		}
	}
	return w.next.RoundTrip(r)
}

// userWithPolicy makes a user with a key and an inline policy.
func userWithPolicy(t *testing.T, ts *testServer, name, doc string) aws.Credentials {
	t.Helper()
	creds := userWithKey(t, ts, name, "")
	if _, err := ts.iam(ts.root).PutUserPolicy(context.Background(), &awsiam.PutUserPolicyInput{
		UserName: aws.String(name), PolicyName: aws.String("p"), PolicyDocument: aws.String(doc)}); err != nil {
		t.Fatal(err)
	}
	return creds
}

// A TLS-only policy allows a call over TLS and denies the same call over plain HTTP.
func TestTLSOnlyPolicy(t *testing.T) {
	ctx := context.Background()
	secure := startTLSServer(t)
	if !strings.HasPrefix(secure.endpoint, "https://") {
		t.Fatalf("endpoint %s over TLS", secure.endpoint)
	}
	alice := userWithPolicy(t, secure, "alice", tlsOnly)
	if _, err := secure.iam(alice).ListRoles(ctx, &awsiam.ListRolesInput{}); err != nil {
		t.Fatalf("over TLS: %v", err)
	}

	plain := startServer(t, "")
	bob := userWithPolicy(t, plain, "bob", tlsOnly)
	_, err := plain.iam(bob).ListRoles(ctx, &awsiam.ListRolesInput{})
	wantDenied(t, err, "User: arn:aws:iam::123456789012:user/bob is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::123456789012:role/ with an explicit deny in an identity-based policy")

	// A client that does not trust the CA gets no answer.
	secure.client = trustingClient(t, "", nil)
	if _, err := secure.iam(alice).ListRoles(ctx, &awsiam.ListRolesInput{}); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("a client without the CA: %v", err)
	}
}

// Over TLS, the task credentials endpoint stays plain HTTP on loopback, where the SDKs
// accept it, and the TLS listener does not serve it.
func TestTaskCredentialsStayPlainOverTLS(t *testing.T) {
	ts := startTLSServer(t)
	launcher := taskRoles(t, ts)
	task, err := ts.runTask(launcher, taskRoleARN, "")
	if err != nil {
		t.Fatal(err)
	}
	want := "http://" + ts.srv.TaskCredentialsAddr() + "/iamd/task-credentials/" + task.TaskID
	if ts.srv.TaskCredentialsAddr() == "" || task.FullURI != want || !strings.HasPrefix(task.FullURI, "http://127.0.0.1:") {
		t.Fatalf("CredentialsFullUri %s, want %s", task.FullURI, want)
	}
	creds, err := containerCreds(task.FullURI, task.Token)
	if err != nil {
		t.Fatal(err)
	}
	if creds.AccessKeyID == "" || creds.SessionToken == "" {
		t.Fatalf("credentials %+v", creds)
	}
	// The plain listener serves nothing but the task credentials (and health).
	resp, err := http.Post("http://"+ts.srv.TaskCredentialsAddr()+"/", "application/x-www-form-urlencoded", strings.NewReader("Action=GetCallerIdentity"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("the plain listener answered an AWS call with %d, want 404", resp.StatusCode)
	}
}

// A trusted proxy's X-Forwarded-For sets aws:SourceIp and its X-Forwarded-Proto
// aws:SecureTransport; the same headers from a peer that is not trusted are ignored.
func TestTrustedProxyHeaders(t *testing.T) {
	ctx := context.Background()
	fromDocNet := `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*"},
		{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}]}`
	forwarded := http.Header{"X-Forwarded-For": {"198.51.100.1, 203.0.113.7"}, "X-Forwarded-Proto": {"https"}}
	for _, c := range []struct {
		name    string
		trusted string
		allowed bool
	}{
		{"trusted loopback proxy", "127.0.0.0/8", true},
		{"another network's proxy", "10.0.0.0/8", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			ts := startServerAt(t, "", time.Now, func(cfg *Config) { cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix(c.trusted)} })
			ip := userWithPolicy(t, ts, "ip", fromDocNet)
			secure := userWithPolicy(t, ts, "secure", tlsOnly)
			ts.client = trustingClient(t, "", forwarded)
			for who, creds := range map[string]aws.Credentials{"aws:SourceIp": ip, "aws:SecureTransport": secure} {
				_, err := ts.iam(creds).ListRoles(ctx, &awsiam.ListRolesInput{})
				if c.allowed && err != nil {
					t.Errorf("%s: the proxy's headers did not count: %v", who, err)
				}
				if !c.allowed {
					apiError(t, err, "AccessDenied")
				}
			}
			// Without the headers, the peer is the client, even from a trusted proxy.
			ts.client = nil
			_, err := ts.iam(ip).ListRoles(ctx, &awsiam.ListRolesInput{})
			apiError(t, err, "AccessDenied")
		})
	}
}

func TestOriginOf(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}
	for _, c := range []struct {
		name, peer string
		xff        []string
		proto      []string
		tls        bool
		want       origin
	}{
		{"no proxy", "192.0.2.1:5000", nil, nil, false, origin{"192.0.2.1", false}},
		{"untrusted peer's headers ignored", "192.0.2.1:5000", []string{"203.0.113.7"}, []string{"https"}, false, origin{"192.0.2.1", false}},
		{"untrusted peer over TLS", "192.0.2.1:5000", nil, []string{"http"}, true, origin{"192.0.2.1", true}},
		{"trusted proxy", "10.1.1.1:5000", []string{"203.0.113.7"}, []string{"https"}, false, origin{"203.0.113.7", true}},
		{"trusted proxy says http over TLS", "10.1.1.1:5000", []string{"203.0.113.7"}, []string{"http"}, true, origin{"203.0.113.7", false}},
		{"trusted proxy without headers", "10.1.1.1:5000", nil, nil, true, origin{"10.1.1.1", true}},
		{"right-most untrusted, a forged left part skipped", "10.1.1.1:5000", []string{"1.2.3.4, 203.0.113.7, 10.2.2.2"}, nil, false, origin{"203.0.113.7", false}},
		{"several headers are one list", "10.1.1.1:5000", []string{"1.2.3.4", "203.0.113.7"}, nil, false, origin{"203.0.113.7", false}},
		{"every hop trusted: the left-most", "10.1.1.1:5000", []string{"10.3.3.3, 10.2.2.2"}, nil, false, origin{"10.3.3.3", false}},
		{"garbage from a trusted hop stops the walk", "10.1.1.1:5000", []string{"203.0.113.7, unknown"}, nil, false, origin{"10.1.1.1", false}},
		{"IPv6 with port", "[fd00::1]:5000", []string{"[2001:db8::7]:443"}, nil, false, origin{"2001:db8::7", false}},
		{"last proto value", "10.1.1.1:5000", nil, []string{"http, https"}, false, origin{"10.1.1.1", true}},
	} {
		r, _ := http.NewRequest("GET", "http://iamd/", nil)
		r.RemoteAddr = c.peer
		r.Header["X-Forwarded-For"] = c.xff
		r.Header["X-Forwarded-Proto"] = c.proto
		if c.tls {
			r.TLS = &tls.ConnectionState{}
		}
		if got := originOf(r, trusted); got != c.want {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
}

// A reloaded certificate serves the handshakes after the reload, without a restart.
func TestTLSCertificateReloadsWhileServing(t *testing.T) {
	dir := t.TempDir()
	a, err := tlsutil.LocalCA(filepath.Join(dir, "a"), []string{"127.0.0.1"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	b, err := tlsutil.LocalCA(filepath.Join(dir, "b"), []string{"127.0.0.1"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	certPath, keyPath := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	use := func(l tlsutil.Local) {
		for src, dst := range map[string]string{l.Cert: certPath, l.Key: keyPath} {
			data, err := os.ReadFile(src)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(dst, data, 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	use(a)
	cert, err := tlsutil.Load(certPath, keyPath)
	if err != nil {
		t.Fatal(err)
	}
	ts := startServerAt(t, "", time.Now, func(c *Config) { c.TLS = cert.ServerConfig() })
	served := func(ca string) error {
		// A new client each time: a new connection, a new handshake.
		resp, err := trustingClient(t, ca, nil).Get(ts.endpoint + "/healthz")
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	if err := served(a.CA); err != nil {
		t.Fatalf("before the reload, with CA a: %v", err)
	}
	use(b)
	if err := served(a.CA); err != nil {
		t.Fatalf("new files are not served before the reload: %v", err)
	}
	if err := cert.Reload(); err != nil {
		t.Fatal(err)
	}
	if err := served(b.CA); err != nil {
		t.Fatalf("after the reload, with CA b: %v", err)
	}
	if err := served(a.CA); err == nil {
		t.Fatal("after the reload, the old certificate is still served")
	}
}

// Whatever a client sends in the forwarding headers, the origin is the peer unless the peer
// is trusted, and then an address of the list or the peer itself.
func FuzzOriginOf(f *testing.F) {
	f.Add("10.1.1.1", "203.0.113.7, 10.2.2.2", "https")
	f.Add("192.0.2.1", "1.2.3.4", "http")
	f.Add("10.1.1.1", "[2001:db8::1]:80, ,unknown,", "HTTPS, http")
	f.Add("fd00::1", "::ffff:10.0.0.1", "")
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}
	f.Fuzz(func(t *testing.T, peer, xff, proto string) {
		r, _ := http.NewRequest("GET", "http://iamd/", nil)
		r.RemoteAddr = net.JoinHostPort(peer, "5000")
		r.Header.Set("X-Forwarded-For", xff)
		r.Header.Set("X-Forwarded-Proto", proto)
		o := originOf(r, trusted)
		ip, err := netip.ParseAddr(peer)
		if err != nil {
			return
		}
		ip = ip.Unmap()
		if !isTrusted(ip, trusted) {
			if o.IP != ip.String() || o.Secure {
				t.Fatalf("untrusted peer %s: origin %+v", peer, o)
			}
			return
		}
		if o.IP != ip.String() {
			found := false
			for _, h := range forwardedFor([]string{xff}) {
				if a, err := netip.ParseAddr(h); err == nil && a.Unmap().String() == o.IP {
					found = true
				}
			}
			if !found {
				t.Fatalf("origin %s is neither the peer nor in X-Forwarded-For %q", o.IP, xff)
			}
		}
	})
}
