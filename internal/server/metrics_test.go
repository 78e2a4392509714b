package server

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/iamd-dev/iamd/internal/awsclient"
	"github.com/iamd-dev/iamd/internal/sigv4"
)

// startMetricsServer is a server with its metrics listener on 127.0.0.1:0.
func startMetricsServer(t *testing.T) *testServer {
	t.Helper()
	return startServerAt(t, "", time.Now, func(c *Config) { c.MetricsAddr = "127.0.0.1:0" })
}

// scrape GETs a /metrics and parses the text exposition into its families.
func scrape(t *testing.T, addr string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Get("http://" + addr + MetricsPath)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("scrape: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return families
}

// sample is the value of the family's series with exactly the labels (a counter's value, a
// histogram's count), and whether it is there.
func sample(families map[string]*dto.MetricFamily, name string, labels ...string) (float64, bool) {
	f := families[name]
	if f == nil {
		return 0, false
	}
	want := map[string]string{}
	for i := 0; i+1 < len(labels); i += 2 {
		want[labels[i]] = labels[i+1]
	}
	for _, m := range f.GetMetric() {
		if len(m.GetLabel()) != len(want) {
			continue
		}
		match := true
		for _, l := range m.GetLabel() {
			if v, ok := want[l.GetName()]; !ok || v != l.GetValue() {
				match = false
			}
		}
		if !match {
			continue
		}
		switch {
		case m.Counter != nil:
			return m.GetCounter().GetValue(), true
		case m.Histogram != nil:
			return float64(m.GetHistogram().GetSampleCount()), true
		case m.Gauge != nil:
			return m.GetGauge().GetValue(), true
		}
	}
	return 0, false
}

func wantSample(t *testing.T, families map[string]*dto.MetricFamily, want float64, name string, labels ...string) {
	t.Helper()
	got, ok := sample(families, name, labels...)
	if !ok || got != want {
		t.Errorf("%s%v = %v (present %v), want %v", name, labels, got, ok, want)
	}
}

func wantAtLeast(t *testing.T, families map[string]*dto.MetricFamily, least float64, name string, labels ...string) {
	t.Helper()
	got, ok := sample(families, name, labels...)
	if !ok || got < least {
		t.Errorf("%s%v = %v (present %v), want at least %v", name, labels, got, ok, least)
	}
}

// A scrape of the metrics listener counts the calls made through the SDK by service,
// action and outcome (an allowed call, a denied one, one failing validation, an action no
// table knows folded into "other"), with their latency, the authorization cache, the store's
// transactions and the sessions issued; then metadata and task credential reads. No label
// names an account, a principal or a request.
func TestMetricsScrapedFromTheirListener(t *testing.T) {
	ts := startMetricsServer(t)
	ctx := context.Background()
	if ts.srv.MetricsAddr() == "" || ts.srv.MetricsAddr() == ts.srv.Addr() {
		t.Fatalf("metrics listener %q, AWS listener %q", ts.srv.MetricsAddr(), ts.srv.Addr())
	}
	root := ts.iam(ts.root)
	if _, err := root.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("metered")}); err != nil {
		t.Fatal(err)
	}
	key, err := root.CreateAccessKey(ctx, &awsiam.CreateAccessKeyInput{UserName: aws.String("metered")})
	if err != nil {
		t.Fatal(err)
	}
	user := aws.Credentials{AccessKeyID: aws.ToString(key.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(key.AccessKey.SecretAccessKey)}
	for range 2 {
		_, err := ts.iam(user).ListUsers(ctx, &awsiam.ListUsersInput{})
		apiError(t, err, "AccessDenied")
	}
	_, err = root.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("not a valid name!")})
	apiError(t, err, "ValidationError")
	if _, err := ts.sts(user).GetSessionToken(ctx, &sts.GetSessionTokenInput{}); err != nil {
		t.Fatal(err)
	}
	raw := awsclient.New(awsclient.Config{Endpoint: ts.endpoint, Region: "us-east-1", Credentials: sigv4.Credentials{
		AccessKeyID: ts.root.AccessKeyID, SecretAccessKey: ts.root.SecretAccessKey}}, 1)
	_, err = raw.Query(ctx, "iam", url.Values{"Action": {"MeterNothing-" + newRequestID()}, "Version": {"2010-05-08"}})
	if e := (*awsclient.Error)(nil); !errors.As(err, &e) || e.Code != "InvalidAction" {
		t.Fatalf("unknown action: %v", err)
	}

	m := scrape(t, ts.srv.MetricsAddr())
	wantSample(t, m, 1, "iamd_requests_total", "service", "iam", "action", "iam:CreateUser", "outcome", "allowed")
	wantSample(t, m, 1, "iamd_requests_total", "service", "iam", "action", "iam:CreateAccessKey", "outcome", "allowed")
	wantSample(t, m, 2, "iamd_requests_total", "service", "iam", "action", "iam:ListUsers", "outcome", "denied")
	wantSample(t, m, 1, "iamd_requests_total", "service", "iam", "action", "iam:CreateUser", "outcome", "failed")
	wantSample(t, m, 1, "iamd_requests_total", "service", "iam", "action", "other", "outcome", "failed")
	wantSample(t, m, 1, "iamd_requests_total", "service", "sts", "action", "sts:GetSessionToken", "outcome", "allowed")
	wantSample(t, m, 6, "iamd_request_duration_seconds", "service", "iam")
	wantSample(t, m, 1, "iamd_request_duration_seconds", "service", "sts")
	wantSample(t, m, 1, "iamd_sts_sessions_issued_total", "kind", "user")
	// The user's two ListUsers: the first compiles its policies, the second finds them.
	wantAtLeast(t, m, 1, "iamd_authz_cache_hits_total")
	wantAtLeast(t, m, 1, "iamd_authz_cache_rebuilds_total")
	wantAtLeast(t, m, 1, "iamd_store_transaction_duration_seconds", "kind", "update")
	wantAtLeast(t, m, 1, "iamd_store_transaction_duration_seconds", "kind", "view")
	// Creating a user whose name is taken is refused inside the store's transaction.
	_, err = root.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("metered")})
	apiError(t, err, "EntityAlreadyExists")

	// An instance's metadata: a token, then its role's credentials; a task's credentials,
	// served and refused.
	machineRole(t, ts, "Metered-Role", ec2Trust, "")
	inst := launch(t, ts, "Metered-Role")
	base := metadataURL(t, ts, aws.ToString(inst.InstanceId))
	sdkCredentials(t, base)
	launcher := taskRoles(t, ts)
	task, err := ts.runTask(launcher, taskRoleARN, "")
	if err != nil {
		t.Fatal(err)
	}
	if status, body := getCredentials(t, task.FullURI, task.Token, http.MethodGet); status != 200 {
		t.Fatalf("%d %s", status, body)
	}
	if status, body := getCredentials(t, task.FullURI, task.Token+"x", http.MethodGet); status != 400 {
		t.Fatalf("%d %s", status, body)
	}

	m = scrape(t, ts.srv.MetricsAddr())
	wantAtLeast(t, m, 1, "iamd_store_transaction_errors_total", "kind", "update", "reason", "rejected")
	wantSample(t, m, 1, "iamd_metadata_requests_total", "kind", "token", "code", "200")
	wantSample(t, m, 1, "iamd_metadata_requests_total", "kind", "credentials", "code", "200")
	wantAtLeast(t, m, 1, "iamd_metadata_requests_total", "kind", "other", "code", "200") // the role's name
	wantSample(t, m, 1, "iamd_task_credential_requests_total", "outcome", "allowed")
	wantSample(t, m, 1, "iamd_task_credential_requests_total", "outcome", "denied")
	wantSample(t, m, 1, "iamd_requests_total", "service", "ec2", "action", "ec2:RunInstances", "outcome", "allowed")
	wantSample(t, m, 1, "iamd_requests_total", "service", "iamd", "action", "iamd:RunTask", "outcome", "allowed")
	// The instance's role session and the task's: role sessions.
	wantAtLeast(t, m, 2, "iamd_sts_sessions_issued_total", "kind", "role")
	wantSample(t, m, 1, "iamd_sts_sessions_issued_total", "kind", "user")

	for name, f := range m {
		if !strings.HasPrefix(name, "iamd_") {
			continue
		}
		for _, s := range f.GetMetric() {
			for _, l := range s.GetLabel() {
				if v := l.GetValue(); strings.Contains(v, DefaultAccountID) || strings.Contains(v, "arn:") || strings.Contains(v, "metered") ||
					strings.Contains(v, "MeterNothing") || strings.Contains(v, "AKIA") || strings.Count(v, "-") == 4 {
					t.Errorf("%s has the label %s=%q", name, l.GetName(), v)
				}
			}
		}
	}
}

// The AWS listener never serves /metrics: a GET of it is an AWS request like any other,
// refused unsigned; and a server without --metrics-addr has no metrics listener.
func TestMetricsAreNotOnTheAWSListener(t *testing.T) {
	for _, ts := range []*testServer{startMetricsServer(t), startServer(t, "")} {
		resp, err := (&http.Client{Timeout: 5 * time.Second}).Get(ts.endpoint + MetricsPath)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK || strings.Contains(string(body), "iamd_") || strings.Contains(string(body), "go_goroutines") {
			t.Fatalf("the AWS listener answered /metrics: %d %s", resp.StatusCode, body)
		}
	}
	if addr := startServer(t, "").srv.MetricsAddr(); addr != "" {
		t.Fatalf("a server without a metrics address listens on %s", addr)
	}
}
