package ec2

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/sts"
)

// Collections of EC2 documents.
const (
	// colInstance holds instances by account, with ids REGION/INSTANCE-ID.
	colInstance = "ec2.instance"
	// colRunning indexes the instances that are running, across accounts (account ""), by
	// instance id, so that a starting server finds the machines whose metadata it serves.
	colRunning = "ec2.running"
)

// terminatedVisible is how long DescribeInstances still shows a terminated instance (AWS:
// "remains visible ... for a short while", about an hour).
const terminatedVisible = time.Hour

// Service is the EC2 domain over a store.
type Service struct {
	store docstore.Store
	iam   *iam.Service
	sts   *sts.Service
	now   func() time.Time
	// indexes: the accounts whose association index is built (list_index.go).
	indexes builtIndexes
}

// New makes the service. now is the clock (time.Now outside tests).
func New(store docstore.Store, iamSvc *iam.Service, stsSvc *sts.Service, now func() time.Time) *Service {
	return &Service{store: store, iam: iamSvc, sts: stsSvc, now: now}
}

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Second) }

func instanceKey(account, region, id string) docstore.Key {
	return docstore.Key{Collection: colInstance, Account: account, ID: region + "/" + id}
}

func runningKey(id string) docstore.Key {
	return docstore.Key{Collection: colRunning, ID: id}
}

// runningRef is an entry of the running index.
type runningRef struct {
	Account string `json:"account"`
	Region  string `json:"region"`
}

// visible reports whether DescribeInstances still shows the instance at now.
func visible(inst *Instance, now time.Time) bool {
	return inst.State != StateTerminated || now.Sub(inst.TerminatedAt) < terminatedVisible
}

// settle moves an instance through the states AWS passes through on its own: a terminated
// instance reads shutting-down in TerminateInstances's answer and terminated afterwards.
func settle(inst *Instance) {
	if inst.State == StateShuttingDown {
		inst.State = StateTerminated
	}
}

// getInstance reads an instance, settled; ErrNotFound when it does not exist or is no
// longer visible.
func (s *Service) getInstance(tx docstore.Tx, account, region, id string, inst *Instance) error {
	if err := tx.Get(instanceKey(account, region, id), inst); err != nil {
		return err
	}
	settle(inst)
	if !visible(inst, s.now()) {
		return docstore.ErrNotFound
	}
	return nil
}

// Instance returns one instance; InvalidInstanceID errors as AWS words them.
func (s *Service) Instance(ctx context.Context, account, region, id string) (*Instance, error) {
	list, err := s.Instances(ctx, account, region, []string{id})
	if err != nil {
		return nil, err
	}
	return &list[0], nil
}

// Instances returns the instances with the ids, in the order given; a malformed id is
// InvalidInstanceID.Malformed and missing ones are InvalidInstanceID.NotFound.
func (s *Service) Instances(ctx context.Context, account, region string, ids []string) ([]Instance, error) {
	if err := checkInstanceIDs(ids); err != nil {
		return nil, err
	}
	var out []Instance
	err := s.store.View(ctx, func(tx docstore.Tx) error {
		var err error
		out, err = s.readInstances(tx, account, region, ids)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// checkInstanceIDs refuses the first malformed id (InvalidInstanceID.Malformed).
func checkInstanceIDs(ids []string) error {
	for _, id := range ids {
		if !ValidInstanceID(id) {
			return malformedInstanceID(id)
		}
	}
	return nil
}

// readInstances reads the instances with the ids, in the order given; the missing ones are
// InvalidInstanceID.NotFound, named all at once.
func (s *Service) readInstances(tx docstore.Tx, account, region string, ids []string) ([]Instance, error) {
	var missing []string
	found := make([]Instance, 0, len(ids))
	for _, id := range ids {
		var inst Instance
		err := s.getInstance(tx, account, region, id, &inst)
		if errors.Is(err, docstore.ErrNotFound) {
			missing = append(missing, id)
			continue
		}
		if err != nil {
			return nil, err
		}
		found = append(found, inst)
	}
	if len(missing) > 0 {
		return nil, instancesNotFound(missing)
	}
	return found, nil
}

// Running lists the running instances of every account and region.
func (s *Service) Running(ctx context.Context) ([]Instance, error) {
	var out []Instance
	err := s.store.View(ctx, func(tx docstore.Tx) error {
		return tx.List(colRunning, "", "", "", func(id string, raw []byte) error {
			var ref runningRef
			if err := json.Unmarshal(raw, &ref); err != nil {
				return err
			}
			var inst Instance
			if err := tx.Get(instanceKey(ref.Account, ref.Region, id), &inst); err != nil {
				if errors.Is(err, docstore.ErrNotFound) {
					return nil
				}
				return err
			}
			if inst.State == StateRunning {
				out = append(out, inst)
			}
			return nil
		})
	})
	return out, err
}

// Lookup returns an instance by id alone (any account), for the metadata service.
func (s *Service) Lookup(ctx context.Context, id string) (*Instance, error) {
	var inst Instance
	err := s.store.View(ctx, func(tx docstore.Tx) error {
		var ref runningRef
		if err := tx.Get(runningKey(id), &ref); err != nil {
			return err
		}
		return tx.Get(instanceKey(ref.Account, ref.Region, id), &inst)
	})
	if err != nil {
		return nil, err
	}
	return &inst, nil
}

// changeInstance reads a running-or-not instance, lets fn change it, and stores it.
func (s *Service) changeInstance(ctx context.Context, account, region, id string, fn func(tx docstore.Tx, inst *Instance) error) (*Instance, error) {
	if !ValidInstanceID(id) {
		return nil, malformedInstanceID(id)
	}
	var inst Instance
	err := s.store.Update(ctx, func(tx docstore.Tx) error {
		err := s.getInstance(tx, account, region, id, &inst)
		if errors.Is(err, docstore.ErrNotFound) {
			return instancesNotFound([]string{id})
		}
		if err != nil {
			return err
		}
		before := profileOf(&inst)
		if err := fn(tx, &inst); err != nil {
			return err
		}
		if err := syncAssociation(tx, &inst, before); err != nil {
			return err
		}
		return tx.Put(instanceKey(account, region, id), &inst)
	})
	if err != nil {
		return nil, err
	}
	return &inst, nil
}
