package imds

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/iamd-dev/iamd/internal/ec2"
	"github.com/iamd-dev/iamd/internal/netlimit"
)

// Manager runs one metadata endpoint per running instance. It is safe for concurrent use.
type Manager struct {
	ec2    *ec2.Service
	now    func() time.Time
	log    *slog.Logger
	limits Limits
	tokens *tokens

	// wrap, when set, wraps every endpoint's handler (instrument.go).
	wrap func(http.Handler) http.Handler

	mu       sync.Mutex
	closed   bool
	machines map[string]*machine // by instance id
}

// Limits bound each endpoint's connections; zero fields take the defaults.
type Limits = netlimit.Limits

// defaultLimits are a metadata endpoint's: its requests are small and its clients local.
var defaultLimits = Limits{ReadTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second, IdleTimeout: 60 * time.Second, MaxConns: 64}

// NewManager makes a manager serving the instances of svc, each endpoint within limits.
func NewManager(svc *ec2.Service, now func() time.Time, log *slog.Logger, limits Limits) *Manager {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Manager{ec2: svc, now: now, log: log, limits: limits.Or(defaultLimits), tokens: newTokens(), machines: map[string]*machine{}}
}

// machine is one instance's endpoint.
type machine struct {
	m        *Manager
	id       string
	listener net.Listener
	srv      *http.Server
	creds    credsCache
}

// StartAll starts the endpoints of every running instance (at server start).
func (m *Manager) StartAll(ctx context.Context) error {
	list, err := m.ec2.Running(ctx)
	if err != nil {
		return err
	}
	for _, inst := range list {
		m.Started(inst)
	}
	return nil
}

// Started starts the endpoint of a running instance (ec2api.Machines).
func (m *Manager) Started(inst ec2.Instance) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed || m.machines[inst.ID] != nil {
		return
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		m.log.Error("starting an instance metadata endpoint", "instance", inst.ID, "err", err)
		return
	}
	l = m.limits.Listener(l)
	mc := &machine{m: m, id: inst.ID, listener: l}
	mc.srv = m.limits.Server(m.handler(mc))
	m.machines[inst.ID] = mc
	go func() {
		if err := mc.srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.log.Error("instance metadata endpoint stopped", "instance", inst.ID, "err", err)
		}
	}()
	m.log.Info("instance metadata endpoint", "instance", inst.ID, "addr", l.Addr().String())
}

// Stopped stops an instance's endpoint (ec2api.Machines).
func (m *Manager) Stopped(instanceID string) {
	m.mu.Lock()
	mc := m.machines[instanceID]
	delete(m.machines, instanceID)
	m.mu.Unlock()
	if mc != nil {
		_ = mc.srv.Close()
	}
}

// Endpoint returns the URL of an instance's metadata endpoint (http://127.0.0.1:PORT/).
func (m *Manager) Endpoint(instanceID string) (string, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	mc := m.machines[instanceID]
	if mc == nil {
		return "", false
	}
	return "http://" + mc.listener.Addr().String() + "/", true
}

// Close stops every endpoint; later Started calls do nothing.
func (m *Manager) Close() {
	m.mu.Lock()
	m.closed = true
	all := m.machines
	m.machines = map[string]*machine{}
	m.mu.Unlock()
	for _, mc := range all {
		_ = mc.srv.Close()
	}
}
