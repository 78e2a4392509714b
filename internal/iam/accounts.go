package iam

import (
	"context"
	"errors"
	"regexp"

	"github.com/iamd-dev/iamd/internal/arn"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/docstore"
)

// Credentials are a new access key as shown once to its owner.
type Credentials struct {
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string `json:"SecretAccessKey"`
}

var accountIDPattern = regexp.MustCompile(`^[0-9]{12}$`)

// EnsureAccount creates the account if it does not exist yet, with a root access key: the
// given one when creds is not nil (so an operator can choose it at the first start), else a
// new one. created reports whether anything was made; the returned key is the new root key
// (nil when the account existed).
func (s *Service) EnsureAccount(ctx context.Context, id, name string, creds *Credentials) (key *Credentials, created bool, err error) {
	return s.EnsureAccountIn(ctx, arn.AWS, id, name, creds)
}

// EnsureAccountIn is EnsureAccount for an account of the partition (aws, aws-cn, ...). An
// account that exists keeps the partition it was created in.
func (s *Service) EnsureAccountIn(ctx context.Context, partition, id, name string, creds *Credentials) (key *Credentials, created bool, err error) {
	err = s.update(ctx, func(tx docstore.Tx) error {
		var a Account
		err := tx.Get(docstore.Key{Collection: colAccount, ID: id}, &a)
		if err == nil {
			return nil
		}
		if !errors.Is(err, docstore.ErrNotFound) {
			return err
		}
		key, err = s.createAccount(tx, partition, id, name, creds)
		created = err == nil
		return err
	})
	return key, created, err
}

// CreateAccount creates a new account of the aws partition and returns its root access key.
func (s *Service) CreateAccount(ctx context.Context, id, name string) (*Credentials, error) {
	return s.CreateAccountIn(ctx, arn.AWS, id, name)
}

// CreateAccountIn creates a new account of the partition and returns its root access key.
func (s *Service) CreateAccountIn(ctx context.Context, partition, id, name string) (*Credentials, error) {
	var key *Credentials
	err := s.update(ctx, func(tx docstore.Tx) (err error) {
		key, err = s.createAccount(tx, partition, id, name, nil)
		return err
	})
	return key, err
}

func (s *Service) createAccount(tx docstore.Tx, partition, id, name string, creds *Credentials) (*Credentials, error) {
	if !accountIDPattern.MatchString(id) {
		return nil, awserr.ValidationError("Account id %q must be 12 digits.", id)
	}
	if !arn.IsPartition(partition) {
		return nil, awserr.ValidationError("Partition %q is not an AWS partition.", partition)
	}
	if name == "" {
		name = id
	}
	a := Account{ID: id, Name: name, CreateDate: s.clock()}
	if partition != arn.AWS {
		a.Partition = partition
	}
	if err := tx.Insert(docstore.Key{Collection: colAccount, ID: id}, &a); err != nil {
		if errors.Is(err, docstore.ErrConflict) {
			return nil, awserr.EntityAlreadyExists("Account %s already exists.", id)
		}
		return nil, err
	}
	return s.insertAccessKey(tx, id, "", creds)
}

// Account returns an account.
func (s *Service) Account(ctx context.Context, id string) (*Account, error) {
	var a Account
	err := s.view(ctx, func(tx docstore.Tx) error {
		return tx.Get(docstore.Key{Collection: colAccount, ID: id}, &a)
	})
	if errors.Is(err, docstore.ErrNotFound) {
		return nil, awserr.NoSuchEntity("The account %s does not exist.", id)
	}
	return &a, err
}

// insertAccessKey stores a new Active key for the user (or the root user when userName is
// "") with its secret sealed.
func (s *Service) insertAccessKey(tx docstore.Tx, account, userName string, creds *Credentials) (*Credentials, error) {
	c := Credentials{AccessKeyID: newID(prefixAccessKey), SecretAccessKey: NewSecretAccessKey()}
	if creds != nil {
		c = *creds
	}
	sealed, err := s.box.Seal([]byte(c.SecretAccessKey), c.AccessKeyID)
	if err != nil {
		return nil, err
	}
	k := AccessKey{ID: c.AccessKeyID, Account: account, UserName: userName, Status: "Active", CreateDate: s.clock(), SealedSecret: sealed}
	if err := tx.Insert(docstore.Key{Collection: colAccessKey, ID: c.AccessKeyID}, &k); err != nil {
		if errors.Is(err, docstore.ErrConflict) {
			return nil, awserr.EntityAlreadyExists("Access key %s already exists.", c.AccessKeyID)
		}
		return nil, err
	}
	// The owner's index entry, so that a user's (or the root user's) keys are found
	// without scanning every key.
	if err := tx.Put(userKeyIndex(account, userName, c.AccessKeyID), userKeyRef{ID: c.AccessKeyID}); err != nil {
		return nil, err
	}
	return &c, nil
}

// Caller is who an access key belongs to, for authentication.
type Caller struct {
	Account  string
	UserName string // "" for the root user
	UserID   string
	ARN      string
	Path     string
	Tags     []Tag // the user's tags: aws:PrincipalTag/*
}

// ErrUnknownKey is returned for an access key that does not exist or is not active.
var ErrUnknownKey = errors.New("iam: unknown or inactive access key")

// LookupAccessKey returns the secret of an active access key and who owns it. It is the only
// place a secret access key is opened.
func (s *Service) LookupAccessKey(ctx context.Context, id string) (secret string, caller Caller, err error) {
	err = s.view(ctx, func(tx docstore.Tx) error {
		var k AccessKey
		if err := tx.Get(docstore.Key{Collection: colAccessKey, ID: id}, &k); err != nil {
			if errors.Is(err, docstore.ErrNotFound) {
				return ErrUnknownKey
			}
			return err
		}
		if k.Status != "Active" {
			return ErrUnknownKey
		}
		plain, err := s.box.Open(k.SealedSecret, k.ID)
		if err != nil {
			return err
		}
		secret = string(plain)
		if k.UserName == "" {
			partition, err := partitionOf(tx, k.Account)
			caller = Caller{Account: k.Account, ARN: RootARN(partition, k.Account), UserID: k.Account}
			return err
		}
		caller = Caller{Account: k.Account, UserName: k.UserName}
		var u User
		if err := tx.Get(key(colUser, k.Account, k.UserName), &u); err != nil {
			if errors.Is(err, docstore.ErrNotFound) {
				return ErrUnknownKey
			}
			return err
		}
		caller.ARN, caller.UserID, caller.Path, caller.Tags = u.ARN(), u.ID, u.Path, u.Tags
		return nil
	})
	return secret, caller, err
}

// AccessKeyAccount returns the account of a long-term access key (active or not).
func (s *Service) AccessKeyAccount(ctx context.Context, id string) (string, error) {
	var k AccessKey
	err := s.view(ctx, func(tx docstore.Tx) error {
		return tx.Get(docstore.Key{Collection: colAccessKey, ID: id}, &k)
	})
	return k.Account, err
}
