package secretbox

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/iamd-dev/iamd/internal/docstore"
)

// stateKey is the store's record of the master keys by id (never the keys): which key the
// stored values are sealed under, which keys a rotation in progress is retiring, and which
// keys were retired. Every replica on the store checks its keys against it when it starts.
var stateKey = docstore.Key{Collection: "secretbox.master-key", ID: "state"}

// keyState is the record stateKey names.
type keyState struct {
	// Primary is the id of the key values are sealed under (or being re-sealed under).
	Primary string `json:"primary"`
	// Retiring are the ids of the keys a rotation in progress re-seals away from.
	Retiring []string `json:"retiring,omitempty"`
	// Retired are the ids of the keys rotations retired, latest last.
	Retired   []string  `json:"retired,omitempty"`
	RotatedAt time.Time `json:"rotatedAt,omitzero"`
}

// ErrWrongKey is matched by the error CheckStore returns for a server started with master
// keys that do not open the store's values.
var ErrWrongKey = errors.New("secretbox: wrong master key")

// CheckStore compares the Box's keys with the store's record of them. A server whose sealing
// key was retired by a rotation, or whose keys do not include the one the store's values are
// sealed under, is refused with an error saying which key it needs. A store with no record
// (a new one, or one from before key ids) gets one, once the Box has opened a stored value
// of the collections of no account (an access key's secret) if there is one: a wrong key
// given at the first start after an upgrade is refused, not recorded.
func CheckStore(ctx context.Context, store docstore.Store, box *Box, collections []Collection) error {
	check := func(tx docstore.Tx) error {
		var st keyState
		err := tx.Get(stateKey, &st)
		if errors.Is(err, docstore.ErrNotFound) {
			if err := probe(tx, box, collections); err != nil {
				return err
			}
			return tx.Insert(stateKey, &keyState{Primary: box.PrimaryID().String()})
		}
		if err != nil {
			return err
		}
		return st.admits(box)
	}
	err := store.Update(ctx, check)
	if errors.Is(err, docstore.ErrConflict) {
		// Another replica starting on the same new store recorded its key first: check
		// against its record.
		err = store.Update(ctx, check)
	}
	return err
}

// probe opens the first sealed value of the first collection of no account that has one.
func probe(tx docstore.Tx, box *Box, collections []Collection) error {
	for _, c := range collections {
		if !c.Global {
			continue
		}
		var failed error
		opened := false
		err := tx.List(c.Name, "", "", "", func(id string, raw []byte) error {
			doc := c.newDoc()
			if err := json.Unmarshal(raw, doc); err != nil {
				return err
			}
			for _, f := range c.fieldsOf("", id, doc) {
				if len(*f.Value) == 0 {
					continue
				}
				plain, err := box.Open(*f.Value, f.Context)
				if err != nil {
					failed = fmt.Errorf("%w: the master key given (id %s) does not open the stored values (%s %s): start with the key this data was sealed under", ErrWrongKey, idList(box.KeyIDs()), c.Name, id)
				}
				clear(plain)
				opened = true
				return docstore.ErrStop
			}
			return nil
		})
		if err != nil {
			return err
		}
		if opened {
			return failed
		}
	}
	return nil
}

// admits explains why the box cannot serve the store recorded so, or returns nil.
func (st *keyState) admits(box *Box) error {
	mine := box.PrimaryID().String()
	if slices.Contains(st.Retired, mine) {
		return fmt.Errorf("%w: the master key this server seals with (id %s) was retired by iamd rotate-master-key at %s; the data is sealed under the key of id %s: start iamd serve with that key",
			ErrWrongKey, mine, st.RotatedAt.UTC().Format(time.RFC3339), st.Primary)
	}
	if !box.Has(parseID(st.Primary)) {
		more := ""
		if len(st.Retiring) > 0 {
			more = fmt.Sprintf("; a rotation from the key(s) %s is unfinished: start with the new key first and the old one after it (in the key file, one a line; in IAMD_MASTER_KEY, NEW,OLD), then run iamd rotate-master-key again", strings.Join(st.Retiring, ", "))
		}
		return fmt.Errorf("%w: the data is sealed under the master key of id %s and this server was given the key(s) of id %s%s", ErrWrongKey, st.Primary, idList(box.KeyIDs()), more)
	}
	return nil
}

func parseID(s string) KeyID {
	var id KeyID
	if b, err := hex.DecodeString(s); err == nil && len(b) == len(id) {
		copy(id[:], b)
	}
	return id
}

func idList(ids []KeyID) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = id.String()
	}
	return strings.Join(s, ", ")
}
