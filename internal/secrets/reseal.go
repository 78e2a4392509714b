package secrets

import (
	"strings"

	"github.com/iamd-dev/iamd/internal/secretbox"
)

// SealedCollections are Secrets Manager's collections holding values sealed under the
// master key: each version's data key (its value stays encrypted under that data key,
// which a rotation of the master key re-seals and does not change).
func SealedCollections() []secretbox.Collection {
	return []secretbox.Collection{
		secretbox.Sealed(colVersion, false, []string{"internal/secrets/crypto.go"}, func(account, id string, v *sealedVersion) []secretbox.Field {
			uid, versionID, _ := strings.Cut(id, "/")
			return []secretbox.Field{{Value: &v.DataKey, Context: sealContext(account, uid, versionID)}}
		}),
	}
}
