package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/iamd-dev/iamd/internal/api/adminapi"
	"github.com/iamd-dev/iamd/internal/api/ec2api"
	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/ec2"
	"github.com/iamd-dev/iamd/internal/replica"
	"github.com/iamd-dev/iamd/internal/store/postgres"
	"github.com/iamd-dev/iamd/internal/store/sqlite"
)

// IsPostgresURL reports whether a store setting names a PostgreSQL database rather than
// the SQLite database in the data directory.
func IsPostgresURL(store string) bool {
	return strings.HasPrefix(store, "postgres://") || strings.HasPrefix(store, "postgresql://")
}

// openStore opens the configured store: PostgreSQL when Config.Store is a postgres:// URL,
// else SQLite in the data directory.
func openStore(ctx context.Context, cfg Config) (docstore.Store, error) {
	switch {
	case cfg.Store == "" || cfg.Store == "sqlite":
		return sqlite.Open(ctx, cfg.DataDir)
	case IsPostgresURL(cfg.Store):
		return postgres.Open(ctx, cfg.Store)
	default:
		return nil, errors.New("the store must be a postgres:// URL (or empty for SQLite in the data directory)")
	}
}

// replicaIDFile keeps the name this server goes by among the replicas sharing its database.
const replicaIDFile = "replica-id"

// loadReplicaID reads, or at the first start makes, the data directory's replica id: the
// host's name and a random suffix.
func loadReplicaID(dir string) (string, error) {
	path := filepath.Join(dir, replicaIDFile)
	if b, err := os.ReadFile(path); err == nil {
		if id := strings.TrimSpace(string(b)); id != "" {
			return id, nil
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", err
	}
	host, _ := os.Hostname()
	if host == "" {
		host = "iamd"
	}
	suffix := make([]byte, 3)
	_, _ = rand.Read(suffix)
	id := host + "-" + hex.EncodeToString(suffix)
	if err := os.WriteFile(path, []byte(id+"\n"), 0o600); err != nil {
		return "", err
	}
	return id, nil
}

// follow makes the server a replica when its store is shared (a docstore.ChangeFeed): it
// follows the others' writes, applying them to what this process keeps in memory. With
// SQLite it does nothing.
func (s *Server) follow(ctx context.Context, opened docstore.Store) error {
	feed, ok := opened.(docstore.ChangeFeed)
	if !ok {
		return nil
	}
	id, err := loadReplicaID(s.cfg.DataDir)
	if err != nil {
		return fmt.Errorf("replica id: %w", err)
	}
	s.replicaID = id
	f, err := replica.New(ctx, feed, s.log,
		// Compiled policies and bound principals (the authz cache, iam's binding cache).
		replica.Funcs{OnChanged: func(keys []docstore.Key) { s.iam.NoteWrites(keys) }, OnLost: func() { s.iam.NoteUnknownWrites() }},
		// Running tasks kept in memory with their sessions.
		replica.Funcs{OnChanged: func(keys []docstore.Key) { s.tasks.Forget(keys) }, OnLost: func() { s.tasks.ForgetAll() }},
		// Metadata endpoints of instances stopped or terminated through another replica.
		replica.Funcs{OnChanged: s.instancesChanged, OnLost: func() {}},
	)
	if err != nil {
		return err
	}
	s.follower = f
	s.log.Info("replica on a shared store", "replica", id)
	return nil
}

// catchUp applies the other replicas' writes committed so far (nothing without a follower).
func (s *Server) catchUp(ctx context.Context) error {
	if s.follower == nil {
		return nil
	}
	return s.follower.CatchUp(ctx)
}

// startFollowing runs the follower's background loop until the returned func is called.
func (s *Server) startFollowing() (stop func()) {
	if s.follower == nil {
		return func() {}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.follower.Run(ctx); close(done) }()
	return func() { cancel(); <-done }
}

// followed serves h once caught up with the other replicas (task credentials: a task stopped
// through another replica serves no more credentials here).
func (s *Server) followed(h http.Handler) http.Handler {
	if s.follower == nil {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.catchUp(r.Context()); err != nil {
			s.log.Error("catching up with the other replicas", "err", err)
			http.Error(w, "the store cannot be read", http.StatusServiceUnavailable)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// instancesChanged stops the metadata endpoints this replica serves for instances that
// another replica stopped or terminated (their endpoints' calls fail already: each reads
// the instance from the store).
func (s *Server) instancesChanged(keys []docstore.Key) {
	for _, k := range keys {
		id, ok := ec2.RunningIndexEntry(k)
		if !ok {
			continue
		}
		if _, serving := s.imds.Endpoint(id); !serving {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		inst, err := s.ec2.Lookup(ctx, id)
		cancel()
		switch {
		case errors.Is(err, docstore.ErrNotFound) || err == nil && inst.State != ec2.StateRunning:
			s.imds.Stopped(id)
			s.dropOwner(id)
			s.log.Info("instance stopped through another replica: its metadata endpoint is closed", "instance", id, "replica", s.replicaID)
		case err != nil:
			s.log.Warn("reading an instance changed through another replica", "instance", id, "err", err)
		}
	}
}

// Which replica runs an instance (serves its metadata endpoint) is kept in the store, so that
// a replica starting up serves only its own instances, and anyone can tell whose one is.
const colInstanceReplica = "server.instance-replica"

// instanceReplica is the record of the replica that runs an instance.
type instanceReplica struct {
	Replica  string `json:"replica"`
	Endpoint string `json:"endpoint"` // its metadata endpoint, on that replica's host
}

func ownerKey(instanceID string) docstore.Key {
	return docstore.Key{Collection: colInstanceReplica, ID: instanceID}
}

// machines is what the EC2 API starts and stops instances' endpoints through: the metadata
// manager, which on a shared store also records which replica runs each.
func (s *Server) machines() ec2api.Machines {
	if s.follower == nil {
		return s.imds
	}
	return ownedMachines{s}
}

type ownedMachines struct{ s *Server }

// Started starts the instance's endpoint here and records this replica as the one running it.
func (m ownedMachines) Started(inst ec2.Instance) {
	m.s.imds.Started(inst)
	endpoint, _ := m.s.imds.Endpoint(inst.ID)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := m.s.store.Update(ctx, func(tx docstore.Tx) error {
		return tx.Put(ownerKey(inst.ID), instanceReplica{Replica: m.s.replicaID, Endpoint: endpoint})
	})
	if err != nil {
		m.s.log.Warn("recording the replica that runs an instance", "instance", inst.ID, "err", err)
	}
	m.s.log.Info("instance runs on this replica", "instance", inst.ID, "replica", m.s.replicaID, "metadataEndpoint", endpoint)
}

// Stopped stops the instance's endpoint, if this replica serves it, and forgets its runner.
func (m ownedMachines) Stopped(instanceID string) {
	m.s.imds.Stopped(instanceID)
	m.s.dropOwner(instanceID)
}

func (s *Server) dropOwner(instanceID string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := s.store.Update(ctx, func(tx docstore.Tx) error {
		if err := tx.Delete(ownerKey(instanceID)); err != nil && !errors.Is(err, docstore.ErrNotFound) {
			return err
		}
		return nil
	})
	if err != nil {
		s.log.Warn("forgetting the replica that ran an instance", "instance", instanceID, "err", err)
	}
}

// startMachines starts the metadata endpoints of the running instances this server runs:
// all of them with SQLite; on a shared store those recorded as this replica's, and those no
// replica has claimed (this one claims them). Another replica's instances are left to it.
func (s *Server) startMachines(ctx context.Context) error {
	if s.follower == nil {
		return s.imds.StartAll(ctx)
	}
	list, err := s.ec2.Running(ctx)
	if err != nil {
		return err
	}
	for _, inst := range list {
		var owner instanceReplica
		mine := false
		err := s.store.Update(ctx, func(tx docstore.Tx) error {
			err := tx.Get(ownerKey(inst.ID), &owner)
			if errors.Is(err, docstore.ErrNotFound) {
				owner = instanceReplica{Replica: s.replicaID}
				mine = true
				return tx.Insert(ownerKey(inst.ID), owner)
			}
			mine = err == nil && owner.Replica == s.replicaID
			return err
		})
		if err != nil {
			return err
		}
		if !mine {
			s.log.Info("instance runs on another replica", "instance", inst.ID, "replica", owner.Replica, "metadataEndpoint", owner.Endpoint)
			continue
		}
		ownedMachines{s}.Started(inst)
	}
	return nil
}

// InstanceReplica returns the replica that runs an instance and its metadata endpoint there,
// on a shared store; ok is false when none is recorded.
func (s *Server) InstanceReplica(ctx context.Context, instanceID string) (replicaID, endpoint string, ok bool, err error) {
	var owner instanceReplica
	err = s.store.View(ctx, func(tx docstore.Tx) error { return tx.Get(ownerKey(instanceID), &owner) })
	if errors.Is(err, docstore.ErrNotFound) {
		return "", "", false, nil
	}
	if err != nil {
		return "", "", false, err
	}
	return owner.Replica, owner.Endpoint, true, nil
}

// ReplicaID is the name this server goes by among the replicas sharing its store ("" with
// SQLite).
func (s *Server) ReplicaID() string { return s.replicaID }

// metadataEndpoints is what iamd's own API tells instances' metadata endpoints from: the
// metadata manager, which on a shared store also names the replica that runs an instance
// this one does not serve.
func (s *Server) metadataEndpoints() adminapi.MetadataEndpoints {
	if s.follower == nil {
		return s.imds
	}
	return replicaEndpoints{s}
}

type replicaEndpoints struct{ s *Server }

func (r replicaEndpoints) Endpoint(instanceID string) (string, bool) {
	return r.s.imds.Endpoint(instanceID)
}

// Runner names the replica recorded as running the instance.
func (r replicaEndpoints) Runner(ctx context.Context, instanceID string) (string, bool) {
	name, _, ok, err := r.s.InstanceReplica(ctx, instanceID)
	return name, ok && err == nil
}
