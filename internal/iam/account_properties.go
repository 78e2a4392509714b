package iam

import (
	"context"
	"errors"
	"strings"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/docstore"
)

// colAccountProperties holds each account's account-level properties (account, id
// "properties"): Namespace/PropertyName keys with their values (Get/PutAccountProperties).
const colAccountProperties = "iam.account-properties"

type accountPropertiesDoc struct {
	Properties map[string]string `json:"properties"`
}

func accountPropertiesKey(account string) docstore.Key {
	return docstore.Key{Collection: colAccountProperties, Account: account, ID: "properties"}
}

// AccountPropertyNamespace is the namespace of a property key: what precedes its one "/".
func AccountPropertyNamespace(key string) string {
	ns, _, _ := strings.Cut(key, "/")
	return ns
}

// CheckAccountProperties validates PutAccountProperties' Properties as the API reference
// describes them: at least one, each key Namespace/PropertyName with exactly one "/" that
// neither starts nor ends it, all keys of one namespace.
func CheckAccountProperties(props map[string]string) error {
	if len(props) == 0 {
		return awserr.ValidationError("1 validation error detected: Value null at 'properties' failed to satisfy constraint: Member must not be null")
	}
	ns := ""
	for k := range props {
		if strings.Count(k, "/") != 1 || strings.HasPrefix(k, "/") || strings.HasSuffix(k, "/") {
			return awserr.InvalidInput("The property key %s is invalid: a key is Namespace/PropertyName, with exactly one / that neither starts nor ends it.", k)
		}
		switch n := AccountPropertyNamespace(k); {
		case ns == "":
			ns = n
		case n != ns:
			return awserr.InvalidInput("All properties in a request must belong to the same namespace: %s and %s differ.", ns, n)
		}
	}
	return nil
}

// GetAccountProperties returns the account's properties.
func (s *Service) GetAccountProperties(ctx context.Context, account string) (map[string]string, error) {
	var d accountPropertiesDoc
	err := s.view(ctx, func(tx docstore.Tx) error {
		var a Account
		if err := loadAccountDoc(tx, account, &a); err != nil {
			return err
		}
		err := tx.Get(accountPropertiesKey(account), &d)
		if errors.Is(err, docstore.ErrNotFound) {
			return nil
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if d.Properties == nil {
		d.Properties = map[string]string{}
	}
	return d.Properties, nil
}

// PutAccountProperties sets the properties given, keeping the account's others.
func (s *Service) PutAccountProperties(ctx context.Context, account string, props map[string]string) error {
	if err := CheckAccountProperties(props); err != nil {
		return err
	}
	return s.update(ctx, func(tx docstore.Tx) error {
		var a Account
		if err := loadAccountDoc(tx, account, &a); err != nil {
			return err
		}
		var d accountPropertiesDoc
		if err := tx.Get(accountPropertiesKey(account), &d); err != nil && !errors.Is(err, docstore.ErrNotFound) {
			return err
		}
		if d.Properties == nil {
			d.Properties = map[string]string{}
		}
		for k, v := range props {
			d.Properties[k] = v
		}
		return tx.Put(accountPropertiesKey(account), &d)
	})
}
