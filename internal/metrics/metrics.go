package metrics

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Other is the label value every service or action iamd's tables do not know folds into.
const Other = "other"

// Names are the tables that bound the service and action labels.
type Names struct {
	// Service returns a credential scope's service as the label names it when it is one
	// iamd serves or its catalog knows.
	Service func(service string) (string, bool)
	// Action returns an action's own spelling ("iam:GetRole" for "iam:getrole") when the
	// API tables know it.
	Action func(action string) (string, bool)
}

// Metrics is iamd's registry and its instruments. It is safe for concurrent use; a nil
// *Metrics records nothing.
type Metrics struct {
	reg   *prometheus.Registry
	names Names

	requests *prometheus.CounterVec   // service, action, outcome
	latency  *prometheus.HistogramVec // service

	storeLatency *prometheus.HistogramVec // kind
	storeErrors  *prometheus.CounterVec   // kind, reason

	metadata  *prometheus.CounterVec // kind, code
	taskReads *prometheus.CounterVec // outcome
	sessions  *prometheus.CounterVec // kind
}

// callBuckets suit calls served from memory and SQLite: from half a millisecond to ten
// seconds (a call that fetches an OpenID Connect issuer's keys).
var callBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// New makes the registry with iamd's instruments, and the Go runtime's and the process's.
func New(names Names) *Metrics {
	if names.Service == nil {
		names.Service = func(string) (string, bool) { return "", false }
	}
	if names.Action == nil {
		names.Action = func(string) (string, bool) { return "", false }
	}
	m := &Metrics{reg: prometheus.NewRegistry(), names: names}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "iamd_requests_total",
		Help: "AWS API calls by credential-scope service, action and outcome (allowed, denied, failed, would-be-denied).",
	}, []string{"service", "action", "outcome"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "iamd_request_duration_seconds", Help: "Time to serve an AWS API call, by credential-scope service.", Buckets: callBuckets,
	}, []string{"service"})
	m.storeLatency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "iamd_store_transaction_duration_seconds", Help: "Store transactions by kind (view, update), their time.", Buckets: callBuckets,
	}, []string{"kind"})
	m.storeErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "iamd_store_transaction_errors_total",
		Help: "Store transactions that returned an error, by kind and reason (not_found, conflict, canceled, rejected: an AWS error of the domain, failed: any other).",
	}, []string{"kind", "reason"})
	m.metadata = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "iamd_metadata_requests_total",
		Help: "Instance metadata (IMDS) requests by kind (token, credentials, other) and HTTP status.",
	}, []string{"kind", "code"})
	m.taskReads = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "iamd_task_credential_requests_total", Help: "Task credential endpoint requests by outcome (allowed, denied, failed).",
	}, []string{"outcome"})
	m.sessions = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "iamd_sts_sessions_issued_total",
		Help: "STS sessions issued, by kind: role (AssumeRole*, instance and task roles), user (GetSessionToken), federated-user (GetFederationToken).",
	}, []string{"kind"})
	m.reg.MustRegister(m.requests, m.latency, m.storeLatency, m.storeErrors, m.metadata, m.taskReads, m.sessions,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the registry in Prometheus's exposition formats.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// Registry is the registry, for a caller that adds collectors of its own.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// outcomes are the values of the outcome label; anything else is counted as failed.
var outcomes = map[string]bool{"allowed": true, "denied": true, "failed": true, "would-be-denied": true}

// Call records one AWS API call: its credential scope's service, its action ("" when the
// call ended before one was known), its outcome and how long it took.
func (m *Metrics) Call(service, action, outcome string, took time.Duration) {
	if m == nil {
		return
	}
	service = m.service(service)
	if !outcomes[outcome] {
		outcome = "failed"
	}
	m.requests.WithLabelValues(service, m.action(action), outcome).Inc()
	m.latency.WithLabelValues(service).Observe(took.Seconds())
}

func (m *Metrics) service(s string) string {
	if s == "" {
		return Other
	}
	if own, ok := m.names.Service(s); ok {
		return own
	}
	return Other
}

func (m *Metrics) action(a string) string {
	if a == "" {
		return Other
	}
	if own, ok := m.names.Action(a); ok {
		return own
	}
	return Other
}
