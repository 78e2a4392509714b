package secrets

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/iamd-dev/iamd/internal/arn"
	"github.com/iamd-dev/iamd/internal/docstore"
)

// Ref names a secret as a request does: SecretId is a name, a full ARN or a partial ARN
// (without the random suffix); Account is the caller's account and Region the request's.
type Ref struct {
	Account  string
	Region   string
	SecretID string
}

// parsed is a Ref taken apart: the account and region it points into, and the name part.
type parsed struct {
	account, region, namePart string
	isARN                     bool
}

func (r Ref) parse() (parsed, bool) {
	if !strings.HasPrefix(r.SecretID, "arn:") {
		return parsed{account: r.Account, region: r.Region, namePart: r.SecretID}, true
	}
	parts := strings.SplitN(r.SecretID, ":", 7)
	if len(parts) != 7 || parts[2] != "secretsmanager" || parts[5] != "secret" || parts[6] == "" {
		return parsed{}, false
	}
	return parsed{account: parts[4], region: parts[3], namePart: parts[6], isARN: true}, parts[3] == r.Region && parts[1] == arn.PartitionOf(r.Region)
}

// guessARN is the ARN authorized for a secret that does not exist: the ARN given, or the
// name's ARN without a suffix.
func (r Ref) guessARN() (string, string) {
	if p, _ := r.parse(); p.isARN {
		return r.SecretID, p.account
	}
	return arn.InRegion("secretsmanager", r.Region, r.Account, "secret:"+r.SecretID), r.Account
}

// expired reports whether a secret scheduled for deletion is past its deletion date: it is
// then gone, as if deleted.
func expired(sec *Secret, now time.Time) bool {
	return sec.DeletionDate != nil && !now.Before(*sec.DeletionDate)
}

// getRaw reads one secret document (a replica as stored, without its primary's fields).
func getRaw(tx docstore.Tx, account, region, name string, now time.Time) (*Secret, error) {
	var sec Secret
	if err := tx.Get(secretKey(account, region, name), &sec); err != nil {
		if isNotFound(err) {
			return nil, err
		}
		return nil, fmt.Errorf("secrets: reading secret %s in %s of account %s: %w", name, region, account, err)
	}
	if expired(&sec, now) {
		return nil, errNotFound
	}
	return &sec, nil
}

// find resolves a Ref to the stored secret document; it returns errNotFound when there is
// none. A full ARN must carry the secret's suffix; a partial ARN or a name matches the name.
func find(tx docstore.Tx, r Ref, now time.Time) (*Secret, error) {
	p, ok := r.parse()
	if !ok {
		return nil, errNotFound
	}
	if p.isARN && len(p.namePart) > 7 && p.namePart[len(p.namePart)-7] == '-' {
		name, suffix := p.namePart[:len(p.namePart)-7], p.namePart[len(p.namePart)-6:]
		sec, err := getRaw(tx, p.account, p.region, name, now)
		if err == nil && sec.Suffix == suffix {
			return sec, nil
		}
		if err != nil && !isNotFound(err) {
			return nil, err
		}
	}
	return getRaw(tx, p.account, p.region, p.namePart, now)
}

// load resolves a Ref to the secret as callers see it: a replica with its primary's fields.
func load(tx docstore.Tx, r Ref, now time.Time) (*Secret, error) {
	sec, err := find(tx, r, now)
	if err != nil {
		return nil, err
	}
	return withPrimary(tx, sec, now)
}

// withPrimary fills a replica's shared fields from its primary.
func withPrimary(tx docstore.Tx, sec *Secret, now time.Time) (*Secret, error) {
	if !sec.IsReplica() {
		return sec, nil
	}
	primary, err := getRaw(tx, sec.Account, sec.PrimaryRegion, sec.Name, now)
	if err != nil {
		return nil, err
	}
	out := *primary
	out.Region, out.KmsKeyID, out.PrimaryRegion, out.Replicas = sec.Region, sec.KmsKeyID, sec.PrimaryRegion, nil
	out.LastAccessed, out.Created, out.Serial = sec.LastAccessed, sec.Created, sec.Serial
	return &out, nil
}

// Resolve finds the secret a Ref names, outside any transaction, for the caller to decide
// an operation on: the secret as callers see it (a replica with its primary's fields) and its
// resource policy as evaluated, or, when there is none, the ARN the Ref names. An operation
// given a Target without a secret answers ResourceNotFoundException.
func (s *Service) Resolve(ctx context.Context, r Ref) (*Target, error) {
	return s.resolve(ctx, r, nil)
}

// ResolveValue is Resolve for reading a value (GetSecretValue): the same read also takes the
// version the call names (by id, staging label, or AWSCURRENT), so that GetValue answers from
// the one snapshot the call was authorized on, as a single read transaction would.
func (s *Service) ResolveValue(ctx context.Context, r Ref, versionID, stage string) (*Target, error) {
	return s.resolve(ctx, r, func(tx docstore.Tx, sec *Secret) *readValue {
		rv := &readValue{versionID: versionID, stage: stage}
		v, err := pickVersion(sec, versionID, stage)
		switch {
		case err != nil:
			rv.err = err
		case sec.ScheduledForDeletion():
			rv.err = errMarkedForDeletion()
		default:
			rv.ver = *v
			rv.err = tx.Get(versionKey(sec.Account, sec.UID, v.ID), &rv.sealed)
		}
		return rv
	})
}

// resolve is Resolve, with what read takes in the same transaction from the secret found.
func (s *Service) resolve(ctx context.Context, r Ref, read func(tx docstore.Tx, sec *Secret) *readValue) (*Target, error) {
	var (
		sec   *Secret
		value *readValue
	)
	err := s.store.View(ctx, func(tx docstore.Tx) error {
		var err error
		if sec, err = load(tx, r, s.clock()); err != nil {
			return err
		}
		if read != nil {
			value = read(tx, sec)
		}
		return nil
	})
	switch {
	case isNotFound(err):
		arn, account := r.guessARN()
		return &Target{ARN: arn, Account: account}, nil
	case err != nil:
		return nil, err
	}
	rp, err := s.EvaluatedPolicy(ctx, sec)
	if err != nil {
		return nil, err
	}
	return &Target{Secret: sec, ARN: sec.ARN(), Account: sec.Account, Policy: rp, value: value}, nil
}

// mutate re-reads a secret that was authorized (by its exact name and region) in a write
// transaction and lets fn change it; fn's document is stored when fn returns nil.
func (s *Service) mutate(ctx context.Context, authorized *Secret, fn func(tx docstore.Tx, sec *Secret, now time.Time) error) error {
	return s.store.Update(ctx, func(tx docstore.Tx) error {
		now := s.clock()
		sec, err := reread(tx, authorized, now)
		if err != nil {
			return err
		}
		if err := fn(tx, sec, now); err != nil {
			return err
		}
		return tx.Put(secretKey(sec.Account, sec.Region, sec.Name), sec)
	})
}

// reread reads a secret that was authorized (by its exact name and region) again in a
// write transaction: errResourceNotFound when it has gone or been replaced since.
func reread(tx docstore.Tx, authorized *Secret, now time.Time) (*Secret, error) {
	sec, err := getRaw(tx, authorized.Account, authorized.Region, authorized.Name, now)
	if isNotFound(err) || err == nil && sec.UID != authorized.UID {
		return nil, errResourceNotFound()
	}
	return sec, err
}

// edit makes a change of the target's primary secret (a replica is refused): fn changes the
// secret as re-read in a write transaction (see mutate). It returns the secret as stored.
func (s *Service) edit(ctx context.Context, t *Target, fn func(tx docstore.Tx, sec *Secret, now time.Time) error) (*Secret, error) {
	sec, err := t.found()
	if err != nil {
		return nil, err
	}
	if err := ensurePrimary(sec); err != nil {
		return nil, err
	}
	var out *Secret
	err = s.mutate(ctx, sec, func(tx docstore.Tx, sec *Secret, now time.Time) error {
		out = sec
		return fn(tx, sec, now)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// editLive is edit for changes that a secret scheduled for deletion refuses.
func (s *Service) editLive(ctx context.Context, t *Target, fn func(tx docstore.Tx, sec *Secret, now time.Time) error) (*Secret, error) {
	return s.edit(ctx, t, func(tx docstore.Tx, sec *Secret, now time.Time) error {
		if err := ensureLive(sec); err != nil {
			return err
		}
		return fn(tx, sec, now)
	})
}

func decode[T any](raw []byte) (*T, error) {
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	return &v, nil
}
