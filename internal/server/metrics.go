package server

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/iamd-dev/iamd/internal/catalog"
	"github.com/iamd-dev/iamd/internal/metrics"
	"github.com/iamd-dev/iamd/internal/opmodel"
)

// MetricsPath is where the metrics listener serves Prometheus's exposition.
const MetricsPath = "/metrics"

// newMetrics makes the metrics when the configuration asks for their listener, else nil
// (every method of a nil *metrics.Metrics does nothing).
func (s *Server) newMetrics() *metrics.Metrics {
	if s.cfg.MetricsAddr == "" {
		return nil
	}
	return metrics.New(metrics.Names{Service: knownService, Action: s.knownAction})
}

// instrument connects the metrics to the parts that count: the authorizer's cache, the
// sessions sealed, the metadata endpoints.
func (s *Server) instrument() {
	if s.metrics == nil {
		return
	}
	s.metrics.AuthzCache(func() (hits, rebuilds uint64) { st := s.authz.Stats(); return st.Hits, st.Rebuilds })
	s.sts.Sealer().OnSeal(s.metrics.SessionIssued)
	s.imds.Instrument(s.metrics.Metadata)
}

// knownAction bounds the action label by the API tables: AWS's actions as the catalog
// spells them, iamd's own as its API serves them; every other action folds into "other".
func (s *Server) knownAction(action string) (string, bool) {
	if op, ok := strings.CutPrefix(action, "iamd:"); ok {
		return action, s.adminAPI.Serves(op)
	}
	if a := catalog.Default().Action(action); a != nil {
		if prefix, name, _ := strings.Cut(action, ":"); prefix == a.Service.Prefix && name == a.Name {
			return action, true // spelled as the catalog spells it: no new string
		}
		return a.String(), true
	}
	return "", false
}

// knownService is a credential scope's service iamd serves or forwards by a model.
func knownService(service string) (string, bool) {
	switch service {
	case "iam", "sts", "ec2", "iamd", "secretsmanager":
		return service, true
	}
	return service, opmodel.Default().BySigningName(service) != nil
}

// listenMetrics binds the metrics listener, when one is configured.
func (s *Server) listenMetrics() error {
	if s.metrics == nil {
		return nil
	}
	l, err := net.Listen("tcp", s.cfg.MetricsAddr)
	if err != nil {
		return err
	}
	s.metricsListener = l
	return nil
}

// MetricsAddr is the address the metrics listener listens on once Listen has run ("" for
// none).
func (s *Server) MetricsAddr() string {
	if s.metricsListener == nil {
		return ""
	}
	return s.metricsListener.Addr().String()
}

// serveMetrics serves /metrics on its listener until stopMetrics; only that path.
func (s *Server) serveMetrics() {
	if s.metricsListener == nil {
		return
	}
	mux := http.NewServeMux()
	mux.Handle("GET "+MetricsPath, s.metrics.Handler())
	s.metricsHTTP = s.cfg.Limits.API.Server(mux)
	go func() {
		if err := s.metricsHTTP.Serve(s.metricsListener); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("metrics listener stopped", "err", err)
		}
	}()
	s.log.Info("serving metrics", "addr", s.MetricsAddr(), "path", MetricsPath)
}

// stopMetrics closes the metrics listener.
func (s *Server) stopMetrics() {
	if s.metricsHTTP != nil {
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = s.metricsHTTP.Shutdown(shutdown)
	} else if s.metricsListener != nil {
		_ = s.metricsListener.Close()
	}
}
