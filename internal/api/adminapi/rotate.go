package adminapi

import (
	"context"
	"errors"
	"path/filepath"
	"sort"
	"strings"

	"github.com/iamd-dev/iamd/internal/api/route"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/secretbox"
)

// KeyRotator re-seals the server's stored values under a new master key (secretbox.Rotator).
type KeyRotator interface {
	Rotate(ctx context.Context, newKey []byte) (*secretbox.Rotation, error)
}

// EnableKeyRotation adds RotateMasterKey, the call behind `iamd rotate-master-key`.
func (a *API) EnableKeyRotation(r KeyRotator) {
	a.addRoutes(map[string]route.Route[call]{
		"RotateMasterKey": {Auth: route.ByHandler, Handle: func(c call) (any, error) { return a.rotateMasterKey(c, r) }},
	})
}

type rotateMasterKeyResult struct {
	NewKeyID      string          `xml:"NewKeyId"`
	RetiredKeyIDs []string        `xml:"RetiredKeyIds>member"`
	Resealed      []resealedCount `xml:"Resealed>member"`
	Passes        int             `xml:"Passes"`
	KeyFile       string          `xml:"KeyFile,omitempty"` // rewritten with the new key; "" when the key came from the environment
	KeyFileError  string          `xml:"KeyFileError,omitempty"`
	Ended         []string        `xml:"Ended>member"` // what no longer opens
}

type resealedCount struct {
	Collection string `xml:"Collection"`
	Count      int    `xml:"Count"`
}

// rotateMasterKey serves RotateMasterKey: NewKeyFile is the absolute path, on the server's
// machine, of a file holding the new key (base64, mode 0600, as `iamd rotate-master-key
// --generate` writes it); the key is read from there and never travels in a request or
// an answer. Only the default account's root user may rotate, as only it may create
// accounts.
func (a *API) rotateMasterKey(c call, r KeyRotator) (any, error) {
	if !c.Caller.IsRoot() || c.Caller.Account != a.defaultAccount {
		return nil, awserr.AccessDenied("User: " + c.Caller.Principal.ID + " is not authorized to perform: iamd:RotateMasterKey: only the root user of account " + a.defaultAccount + " may rotate the master key")
	}
	path := c.In.Get("NewKeyFile")
	if path == "" || !filepath.IsAbs(path) {
		return nil, awserr.InvalidInput("NewKeyFile must be the absolute path of the new master key's file on the server's machine.")
	}
	keys, err := secretbox.LoadKeyFile(path)
	if err != nil {
		return nil, awserr.InvalidInput("%s", strings.TrimPrefix(err.Error(), "secretbox: "))
	}
	if len(keys) != 1 {
		return nil, awserr.InvalidInput("The new master key's file %s holds %d keys; it must hold one.", path, len(keys))
	}
	// The rotation finishes even when the caller goes away: stopped in the middle it is
	// safe, but leaves two keys in use until it is run again.
	rot, err := r.Rotate(context.WithoutCancel(c.Ctx), keys[0])
	clear(keys[0])
	if errors.Is(err, secretbox.ErrRotating) {
		return nil, awserr.New("ConcurrentModification", "A master key rotation is already running.")
	}
	if err != nil {
		return nil, awserr.New("RotationIncomplete", "The rotation stopped before retiring any key (every key still opens every value): %s", strings.TrimPrefix(err.Error(), "secretbox: "))
	}
	out := rotateMasterKeyResult{NewKeyID: rot.NewKeyID, RetiredKeyIDs: rot.RetiredKeyIDs, Passes: rot.Passes, KeyFile: rot.KeyFile, KeyFileError: rot.KeyFileError,
		Ended: []string{"STS session tokens issued before the rotation", "encoded authorization messages issued before the rotation"}}
	for name, n := range rot.Resealed {
		out.Resealed = append(out.Resealed, resealedCount{name, n})
	}
	sort.Slice(out.Resealed, func(i, j int) bool { return out.Resealed[i].Collection < out.Resealed[j].Collection })
	return out, nil
}
