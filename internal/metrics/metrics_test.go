package metrics_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/metrics"
	"github.com/iamd-dev/iamd/internal/store/sqlite"
	"github.com/iamd-dev/iamd/internal/store/storetest"
)

func openSQLite(t *testing.T) docstore.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The measured store is a store like any other: it passes the conformance suite.
func TestMeasuredStoreConforms(t *testing.T) {
	m := metrics.New(metrics.Names{})
	storetest.Run(t, func(t *testing.T) docstore.Store { return m.Store(openSQLite(t)) })
}

// Transactions are timed by kind, and their errors counted by reason.
func TestStoreTransactionsCounted(t *testing.T) {
	m := metrics.New(metrics.Names{})
	s := m.Store(openSQLite(t))
	defer s.Close()
	ctx := context.Background()
	k := docstore.Key{Collection: "c", Account: "a", ID: "x"}
	if err := s.Update(ctx, func(tx docstore.Tx) error { return tx.Insert(k, 1) }); err != nil {
		t.Fatal(err)
	}
	errs := []error{
		s.Update(ctx, func(tx docstore.Tx) error { return tx.Insert(k, 1) }),                                    // conflict
		s.View(ctx, func(tx docstore.Tx) error { var v int; return tx.Get(docstore.Key{Collection: "c"}, &v) }), // not found
		s.Update(ctx, func(docstore.Tx) error { return awserr.New("EntityAlreadyExists", "taken") }),            // rejected
		s.Update(ctx, func(docstore.Tx) error { return errors.New("disk on fire") }),                            // failed
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	errs = append(errs, s.View(canceled, func(docstore.Tx) error { return nil }))
	for i, err := range errs {
		if err == nil {
			t.Fatalf("transaction %d did not fail", i)
		}
	}
	want := `
# HELP iamd_store_transaction_errors_total Store transactions that returned an error, by kind and reason (not_found, conflict, canceled, rejected: an AWS error of the domain, failed: any other).
# TYPE iamd_store_transaction_errors_total counter
iamd_store_transaction_errors_total{kind="update",reason="conflict"} 1
iamd_store_transaction_errors_total{kind="update",reason="failed"} 1
iamd_store_transaction_errors_total{kind="update",reason="rejected"} 1
iamd_store_transaction_errors_total{kind="view",reason="canceled"} 1
iamd_store_transaction_errors_total{kind="view",reason="not_found"} 1
`
	if err := testutil.GatherAndCompare(m.Registry(), strings.NewReader(want), "iamd_store_transaction_errors_total"); err != nil {
		t.Error(err)
	}
	// Every transaction is timed, failed ones included.
	body := get(t, m)
	for _, line := range []string{`iamd_store_transaction_duration_seconds_count{kind="update"} 4`, `iamd_store_transaction_duration_seconds_count{kind="view"} 2`} {
		if !strings.Contains(body, line+"\n") {
			t.Errorf("no %q in\n%s", line, grep(body, "iamd_store_transaction_duration_seconds_count"))
		}
	}
}

// Services and actions the tables do not know fold into "other", as do unknown outcomes
// and session kinds; known ones take the tables' spelling.
func TestLabelsAreBounded(t *testing.T) {
	m := metrics.New(metrics.Names{
		Service: func(s string) (string, bool) { return s, s == "iam" },
		Action: func(a string) (string, bool) {
			if strings.EqualFold(a, "iam:GetRole") {
				return "iam:GetRole", true
			}
			return "", false
		},
	})
	m.Call("iam", "iam:getrole", "allowed", time.Millisecond)
	m.Call("iam", "iam:GetRole", "allowed", time.Millisecond)
	m.Call("iam", "iam:GetRole-123456789012", "denied", time.Millisecond)
	m.Call("no-such-service-42", "x:Y", "allowed", time.Millisecond)
	m.Call("", "", "exploded", time.Millisecond)
	m.SessionIssued("")
	m.SessionIssued("user")
	m.SessionIssued("made-up")
	m.TaskCredentialRead("allowed")
	m.TaskCredentialRead("weird")
	want := `
# HELP iamd_requests_total AWS API calls by credential-scope service, action and outcome (allowed, denied, failed, would-be-denied).
# TYPE iamd_requests_total counter
iamd_requests_total{action="iam:GetRole",outcome="allowed",service="iam"} 2
iamd_requests_total{action="other",outcome="denied",service="iam"} 1
iamd_requests_total{action="other",outcome="allowed",service="other"} 1
iamd_requests_total{action="other",outcome="failed",service="other"} 1
# HELP iamd_sts_sessions_issued_total STS sessions issued, by kind: role (AssumeRole*, instance and task roles), user (GetSessionToken), federated-user (GetFederationToken).
# TYPE iamd_sts_sessions_issued_total counter
iamd_sts_sessions_issued_total{kind="other"} 1
iamd_sts_sessions_issued_total{kind="role"} 1
iamd_sts_sessions_issued_total{kind="user"} 1
# HELP iamd_task_credential_requests_total Task credential endpoint requests by outcome (allowed, denied, failed).
# TYPE iamd_task_credential_requests_total counter
iamd_task_credential_requests_total{outcome="allowed"} 1
iamd_task_credential_requests_total{outcome="failed"} 1
`
	if err := testutil.GatherAndCompare(m.Registry(), strings.NewReader(want), "iamd_requests_total", "iamd_sts_sessions_issued_total", "iamd_task_credential_requests_total"); err != nil {
		t.Error(err)
	}
}

// The metadata handler counts requests by what they read and the status sent, passing the
// answer through unchanged.
func TestMetadataRequestsCounted(t *testing.T) {
	m := metrics.New(metrics.Names{})
	h := m.Metadata(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/missing") {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte("ok"))
	}))
	for _, path := range []string{"/latest/api/token", "/latest/meta-data/iam/security-credentials/Role", "/latest/meta-data/iam/security-credentials/",
		"/latest/meta-data/instance-id", "/latest/meta-data/missing"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if (rec.Code == 200) != (rec.Body.String() == "ok") {
			t.Fatalf("%s: %d %q", path, rec.Code, rec.Body)
		}
	}
	want := `
# HELP iamd_metadata_requests_total Instance metadata (IMDS) requests by kind (token, credentials, other) and HTTP status.
# TYPE iamd_metadata_requests_total counter
iamd_metadata_requests_total{code="200",kind="credentials"} 1
iamd_metadata_requests_total{code="200",kind="other"} 2
iamd_metadata_requests_total{code="200",kind="token"} 1
iamd_metadata_requests_total{code="404",kind="other"} 1
`
	if err := testutil.GatherAndCompare(m.Registry(), strings.NewReader(want), "iamd_metadata_requests_total"); err != nil {
		t.Error(err)
	}
}

// The authorizer's cache counts are read at every scrape.
func TestAuthzCacheReadAtScrape(t *testing.T) {
	m := metrics.New(metrics.Names{})
	var hits, rebuilds uint64
	m.AuthzCache(func() (uint64, uint64) { return hits, rebuilds })
	hits, rebuilds = 7, 2
	body := get(t, m)
	for _, line := range []string{"iamd_authz_cache_hits_total 7", "iamd_authz_cache_rebuilds_total 2"} {
		if !strings.Contains(body, line+"\n") {
			t.Errorf("no %q in\n%s", line, grep(body, "iamd_authz"))
		}
	}
}

// A nil *Metrics records nothing and hands back what it wraps.
func TestNilMetricsDoNothing(t *testing.T) {
	var m *metrics.Metrics
	m.Call("iam", "iam:GetRole", "allowed", time.Second)
	m.SessionIssued("")
	m.TaskCredentialRead("allowed")
	m.AuthzCache(func() (uint64, uint64) { return 0, 0 })
	s := openSQLite(t)
	defer s.Close()
	if m.Store(s) != s {
		t.Error("a nil Metrics wrapped the store")
	}
	h := http.NotFoundHandler()
	if got := m.Metadata(h); got == nil {
		t.Error("a nil Metrics lost the handler")
	}
}

func get(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("scrape %d", rec.Code)
	}
	return rec.Body.String()
}

func grep(body, prefix string) string {
	var b strings.Builder
	for _, l := range strings.Split(body, "\n") {
		if strings.HasPrefix(l, prefix) {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}
