package secrets

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"time"

	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/policy"
	"github.com/iamd-dev/iamd/internal/secretbox"
)

// Collections: secrets by region and name within their account; versions (sealed values) by
// the secret's UID and the version id.
const (
	colSecret  = "secrets.secret"
	colVersion = "secrets.version"
)

// Service is the Secrets Manager domain over a store.
type Service struct {
	store      docstore.Store
	box        *secretbox.Box
	now        func() time.Time
	principals Principals // binds resource policies' principals; nil keeps them as written
	compiled   *compiledPolicies
	indexes    listIndexes // the accounts whose list indexes are built (list_index.go)
}

// New makes the service; box seals every version's data key.
func New(store docstore.Store, box *secretbox.Box, now func() time.Time) *Service {
	return &Service{store: store, box: box, now: now, compiled: newCompiledPolicies()}
}

// clock is the current time at millisecond precision, UTC, as Secrets Manager reports it.
func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

func secretKey(account, region, name string) docstore.Key {
	return docstore.Key{Collection: colSecret, Account: account, ID: region + "/" + name}
}

func versionKey(account, uid, versionID string) docstore.Key {
	return docstore.Key{Collection: colVersion, Account: account, ID: uid + "/" + versionID}
}

// Target is what an operation is authorized on: the secret the request names, or, when it
// names none that exists, the ARN it would have.
type Target struct {
	Secret  *Secret // nil when the secret does not exist
	ARN     string
	Account string
	// Policy is the secret's resource policy as it is evaluated (EvaluatedPolicy); nil when
	// it has none.
	Policy *policy.Policy

	value *readValue // the version ResolveValue read with the secret
}

// readValue is a version read with the secret it belongs to: its metadata and sealed value,
// or what the read found wrong (reported once the caller is allowed).
type readValue struct {
	versionID, stage string // as the call named them
	ver              VersionMeta
	sealed           sealedVersion
	err              error
}

// found is the secret of a target the caller was allowed: errResourceNotFound when there is
// none, as AWS answers a caller that may act on a secret that does not exist.
func (t *Target) found() (*Secret, error) {
	if t.Secret == nil {
		return nil, errResourceNotFound()
	}
	return t.Secret, nil
}

// Authorize decides CreateSecret on the new secret's target; a non-nil error refuses it and
// is returned.
type Authorize func(t *Target) error

// errNotFound is docstore's, for brevity.
var errNotFound = docstore.ErrNotFound

func isNotFound(err error) bool { return errors.Is(err, docstore.ErrNotFound) }

// newUUID returns a random (version 4) UUID, the form of version ids.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// suffixChars are the characters of an ARN's random suffix.
const suffixChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

func newSuffix() string {
	var b [6]byte
	out := make([]byte, 6)
	_, _ = rand.Read(b[:])
	for i := range b {
		// 248 = 4*62: values at or above it would bias the draw; redraw them.
		for b[i] >= 248 {
			var one [1]byte
			_, _ = rand.Read(one[:])
			b[i] = one[0]
		}
		out[i] = suffixChars[int(b[i])%len(suffixChars)]
	}
	return string(out)
}
