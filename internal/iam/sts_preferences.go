package iam

import (
	"context"
	"errors"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/docstore"
)

// colSTSPreferences holds each account's Security Token Service preferences (account, id
// "sts"): the version of the tokens the global endpoint issues.
const colSTSPreferences = "iam.sts-preferences"

// The versions of the global endpoint's session tokens (SetSecurityTokenServicePreferences):
// v1Token is valid only in the Regions enabled by default, v2Token in all Regions.
const (
	GlobalEndpointTokenV1 = "v1Token"
	GlobalEndpointTokenV2 = "v2Token"
)

type stsPreferencesDoc struct {
	GlobalEndpointTokenVersion string `json:"globalEndpointTokenVersion"`
}

func stsPreferencesKey(account string) docstore.Key {
	return docstore.Key{Collection: colSTSPreferences, Account: account, ID: "sts"}
}

// SetSecurityTokenServicePreferences sets the version of the global endpoint's session
// tokens for the account. iamd has one endpoint per server and its tokens are valid in every
// Region either way: the version is kept and reported (GetAccountSummary's
// GlobalEndpointTokenVersion), as AWS does.
func (s *Service) SetSecurityTokenServicePreferences(ctx context.Context, account, version string) error {
	if err := CheckGlobalEndpointTokenVersion(version); err != nil {
		return err
	}
	return s.update(ctx, func(tx docstore.Tx) error {
		var a Account
		if err := loadAccountDoc(tx, account, &a); err != nil {
			return err
		}
		return tx.Put(stsPreferencesKey(account), &stsPreferencesDoc{GlobalEndpointTokenVersion: version})
	})
}

// CheckGlobalEndpointTokenVersion validates GlobalEndpointTokenVersion: required, one of
// v1Token and v2Token.
func CheckGlobalEndpointTokenVersion(version string) error {
	switch version {
	case "":
		return awserr.ValidationError("1 validation error detected: Value null at 'globalEndpointTokenVersion' failed to satisfy constraint: Member must not be null")
	case GlobalEndpointTokenV1, GlobalEndpointTokenV2:
		return nil
	}
	return awserr.ValidationError("1 validation error detected: Value '%s' at 'globalEndpointTokenVersion' failed to satisfy constraint: Member must satisfy enum value set: [v1Token, v2Token]", version)
}

// globalEndpointTokenVersion is GetAccountSummary's GlobalEndpointTokenVersion for the
// account: 1 (the default, v1Token) or 2.
func globalEndpointTokenVersion(tx docstore.Tx, account string) (int, error) {
	var d stsPreferencesDoc
	err := tx.Get(stsPreferencesKey(account), &d)
	switch {
	case errors.Is(err, docstore.ErrNotFound):
		return 1, nil
	case err != nil:
		return 0, err
	case d.GlobalEndpointTokenVersion == GlobalEndpointTokenV2:
		return 2, nil
	}
	return 1, nil
}
