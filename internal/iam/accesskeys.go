package iam

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/docstore"
)

// colUserAccessKey indexes users' access keys (which are kept by id, of no account) by
// their owner: id lower(userName)+"/"+keyID in the user's account. Root keys are not
// indexed: there are few, and they are found by a scan.
const colUserAccessKey = "iam.user-access-key"

// Access key quotas.
const (
	maxAccessKeysPerUser = 2 // AccessKeysPerUser
)

// AccessKeyMetadata is an access key without its secret.
type AccessKeyMetadata struct {
	ID         string
	Account    string
	UserName   string // "" for the root user
	Status     string // Active | Inactive
	CreateDate time.Time
	LastUsed   *KeyUse
}

// NewAccessKey is a new access key with its secret, shown once to its owner.
type NewAccessKey struct {
	AccessKeyMetadata
	SecretAccessKey string
}

type userKeyRef struct {
	ID string `json:"id"`
}

func userKeyIndex(account, userName, keyID string) docstore.Key {
	return docstore.Key{Collection: colUserAccessKey, Account: account, ID: userKeyPrefix(userName) + keyID}
}

func userKeyPrefix(userName string) string { return strings.ToLower(userName) + "/" }

func metadataOf(k *AccessKey) AccessKeyMetadata {
	return AccessKeyMetadata{ID: k.ID, Account: k.Account, UserName: k.UserName, Status: k.Status, CreateDate: k.CreateDate, LastUsed: k.LastUsed}
}

func checkAccessKeyID(id string) error { return checkWordID(id, "accessKeyId", 16) }

func noSuchAccessKey(id string) error {
	return awserr.NoSuchEntity("The Access Key with id %s cannot be found.", id)
}

// ownerName checks that the user exists (for userName != "") and returns its name as
// stored ("" for the root user).
func ownerName(tx docstore.Tx, account, userName string) (string, error) {
	if userName == "" {
		return "", nil
	}
	var u User
	if err := getUser(tx, account, userName, &u); err != nil {
		return "", err
	}
	return u.Name, nil
}

// keysOf returns the access keys of a user ("" for the root user), in id order.
func keysOf(tx docstore.Tx, account, userName string) ([]AccessKey, error) {
	var keys []AccessKey
	var ids []string
	err := tx.List(colUserAccessKey, account, userKeyPrefix(userName), "", func(_ string, raw []byte) error {
		var ref userKeyRef
		if err := json.Unmarshal(raw, &ref); err != nil {
			return err
		}
		ids = append(ids, ref.ID)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		var k AccessKey
		if err := tx.Get(docstore.Key{Collection: colAccessKey, ID: id}, &k); err != nil {
			if errors.Is(err, docstore.ErrNotFound) {
				continue
			}
			return nil, err
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// findKey returns an access key of the user ("" for the root user) of the account.
func findKey(tx docstore.Tx, account, userName, id string) (AccessKey, error) {
	var k AccessKey
	owner, err := ownerName(tx, account, userName)
	if err != nil {
		return k, err
	}
	err = tx.Get(docstore.Key{Collection: colAccessKey, ID: id}, &k)
	if errors.Is(err, docstore.ErrNotFound) || (err == nil && (k.Account != account || !strings.EqualFold(k.UserName, owner))) {
		return k, noSuchAccessKey(id)
	}
	return k, err
}

// CreateAccessKey makes a new Active access key for the user ("" for the account's root
// user). The secret is returned here only; the store keeps it sealed.
func (s *Service) CreateAccessKey(ctx context.Context, account, userName string) (*NewAccessKey, error) {
	var out NewAccessKey
	err := s.update(ctx, func(tx docstore.Tx) error {
		owner, err := ownerName(tx, account, userName)
		if err != nil {
			return err
		}
		have, err := keysOf(tx, account, owner)
		if err != nil {
			return err
		}
		if len(have) >= maxAccessKeysPerUser {
			return awserr.LimitExceeded("Cannot exceed quota for AccessKeysPerUser: %d", maxAccessKeysPerUser)
		}
		creds, err := s.insertAccessKey(tx, account, owner, nil)
		if err != nil {
			return err
		}
		var k AccessKey
		if err := tx.Get(docstore.Key{Collection: colAccessKey, ID: creds.AccessKeyID}, &k); err != nil {
			return err
		}
		out = NewAccessKey{AccessKeyMetadata: metadataOf(&k), SecretAccessKey: creds.SecretAccessKey}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ListAccessKeys lists the access keys of a user ("" for the root user), without secrets.
func (s *Service) ListAccessKeys(ctx context.Context, account, userName string, p Page) (PageOf[AccessKeyMetadata], error) {
	var keys []AccessKeyMetadata
	err := s.view(ctx, func(tx docstore.Tx) error {
		owner, err := ownerName(tx, account, userName)
		if err != nil {
			return err
		}
		have, err := keysOf(tx, account, owner)
		for i := range have {
			keys = append(keys, metadataOf(&have[i]))
		}
		return err
	})
	if err != nil {
		return PageOf[AccessKeyMetadata]{}, err
	}
	return paginate(keys, func(k AccessKeyMetadata) string { return k.ID }, p)
}

// UpdateAccessKey makes an access key of the user ("" for the root user) Active or
// Inactive. An Inactive key stops authenticating at once.
func (s *Service) UpdateAccessKey(ctx context.Context, account, userName, id, status string) error {
	if err := checkAccessKeyID(id); err != nil {
		return err
	}
	switch status {
	case "Active", "Inactive":
	case "Expired":
		return awserr.InvalidInput("Access key status Expired cannot be set.")
	default:
		return constraint(status, "status", "Member must satisfy enum value set: [Active, Inactive, Expired]")
	}
	return s.update(ctx, func(tx docstore.Tx) error {
		k, err := findKey(tx, account, userName, id)
		if err != nil {
			return err
		}
		k.Status = status
		return tx.Put(docstore.Key{Collection: colAccessKey, ID: k.ID}, &k)
	})
}

// DeleteAccessKey deletes an access key of the user ("" for the root user); it stops
// authenticating at once.
func (s *Service) DeleteAccessKey(ctx context.Context, account, userName, id string) error {
	if err := checkAccessKeyID(id); err != nil {
		return err
	}
	return s.update(ctx, func(tx docstore.Tx) error {
		k, err := findKey(tx, account, userName, id)
		if err != nil {
			return err
		}
		if err := tx.Delete(docstore.Key{Collection: colAccessKey, ID: k.ID}); err != nil {
			return err
		}
		if err := tx.Delete(userKeyIndex(account, k.UserName, k.ID)); err != nil && !errors.Is(err, docstore.ErrNotFound) {
			return err
		}
		return nil
	})
}

// AccessKeyInfo returns an access key of the account without its secret: its owner, status
// and last use (GetAccessKeyLastUsed).
func (s *Service) AccessKeyInfo(ctx context.Context, account, id string) (*AccessKeyMetadata, error) {
	if err := checkAccessKeyID(id); err != nil {
		return nil, err
	}
	var k AccessKey
	err := s.view(ctx, func(tx docstore.Tx) error {
		return tx.Get(docstore.Key{Collection: colAccessKey, ID: id}, &k)
	})
	if errors.Is(err, docstore.ErrNotFound) || (err == nil && k.Account != account) {
		return nil, noSuchAccessKey(id)
	}
	if err != nil {
		return nil, err
	}
	m := metadataOf(&k)
	return &m, nil
}

// renameKeyOwner moves a user's access keys to its new name.
func renameKeyOwner(tx docstore.Tx, account, oldName, newName string) error {
	var ids []string
	err := tx.List(colUserAccessKey, account, userKeyPrefix(oldName), "", func(_ string, raw []byte) error {
		var ref userKeyRef
		if err := json.Unmarshal(raw, &ref); err != nil {
			return err
		}
		ids = append(ids, ref.ID)
		return nil
	})
	if err != nil {
		return err
	}
	for _, id := range ids {
		var k AccessKey
		if err := tx.Get(docstore.Key{Collection: colAccessKey, ID: id}, &k); err != nil && !errors.Is(err, docstore.ErrNotFound) {
			return err
		} else if err == nil {
			k.UserName = newName
			if err := tx.Put(docstore.Key{Collection: colAccessKey, ID: id}, &k); err != nil {
				return err
			}
		}
		if strings.EqualFold(oldName, newName) {
			continue
		}
		if err := tx.Delete(userKeyIndex(account, oldName, id)); err != nil {
			return err
		}
		if err := tx.Put(userKeyIndex(account, newName, id), userKeyRef{ID: id}); err != nil {
			return err
		}
	}
	return nil
}

// NoteAccessKeyUse records that an access key authenticated a request for a service in a
// region (GetAccessKeyLastUsed). The server calls it after authentication. It writes at
// most once a minute per key; other calls return at once. A last use is not an IAM change:
// it does not move the generation.
func (s *Service) NoteAccessKeyUse(ctx context.Context, id, region, service string) error {
	if !s.keyUses.due(id, s.now()) {
		return nil
	}
	err := s.store.Update(ctx, func(tx docstore.Tx) error {
		var ak AccessKey
		err := tx.Get(docstore.Key{Collection: colAccessKey, ID: id}, &ak)
		if errors.Is(err, docstore.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		ak.LastUsed = &KeyUse{Date: s.clock(), Region: region, Service: service}
		return tx.Put(docstore.Key{Collection: colAccessKey, ID: id}, &ak)
	})
	if err != nil {
		s.keyUses.forget(id)
	}
	return err
}
