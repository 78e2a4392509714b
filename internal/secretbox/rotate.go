package secretbox

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/iamd-dev/iamd/internal/docstore"
)

// resealBatch is how many documents one transaction of a rotation reads and re-seals: a
// rotation never holds the store's writer for long, whatever the store's size.
const resealBatch = 64

// maxPasses bounds the passes over the store: the first re-seals, the next finds nothing
// left (a value a writer sealed under the old key just before the switch, committed behind
// the pass, is re-sealed by the next one), and the last begins settle after the switch.
const maxPasses = 8

// settle is how long after the switch to the new key the last pass over the store begins
// at the earliest: a write that sealed under the old key just before the switch and commits
// within settle is found by it.
const settle = 2 * time.Second

// ErrRotating is returned by Rotate while another rotation runs.
var ErrRotating = errors.New("secretbox: a master key rotation is already running")

// Rotator re-seals a store's values under a new master key while the server runs.
type Rotator struct {
	box         *Box
	store       docstore.Store
	keyFile     string
	accounts    func(ctx context.Context) ([]string, error)
	collections []Collection
	now         func() time.Time
	settle      time.Duration
	mu          sync.Mutex
}

// NewRotator makes the Rotator of a server: its Box and store, the key file it was started
// from ("" when its key came from the environment or the command line), the accounts of the
// store, and every collection holding sealed values.
func NewRotator(box *Box, store docstore.Store, keyFile string, accounts func(context.Context) ([]string, error), collections []Collection, now func() time.Time) *Rotator {
	return &Rotator{box: box, store: store, keyFile: keyFile, accounts: accounts, collections: collections, now: now, settle: settle}
}

// Rotation is what Rotate did.
type Rotation struct {
	NewKeyID      string
	RetiredKeyIDs []string
	// Resealed counts the values re-sealed, by collection.
	Resealed map[string]int
	// Passes is how many passes over the store it made (the last found nothing to re-seal).
	Passes int
	// KeyFile is the key file rewritten with the new key; "" when the key came from the
	// environment or the command line, which the operator must update.
	KeyFile string
	// KeyFileError says why the key file could not be rewritten at the end ("" when it was).
	KeyFileError string
}

// writeKeyFile is WriteKeyFile; tests make it fail as a read-only mount does (whatever the
// permissions, root writes).
var writeKeyFile = WriteKeyFile

// startsWith reports whether the key file at path begins with key (an operator put the new
// key first already, as in a key file mounted read-only).
func startsWith(path string, key []byte) bool {
	keys, err := LoadKeyFile(path)
	return err == nil && len(keys) > 0 && string(keys[0]) == string(key)
}

// Rotate makes newKey the key that seals, re-seals every value of every Collection under it
// in small transactions while the server serves, and then retires every other key: values
// sealed under them no longer open (session tokens and encoded authorization messages,
// which are not stored, end). Until it retires them every key opens, so no value is ever
// unreadable; the key file (when the server has one) holds the new key and the old ones
// throughout, and the store records the new key's id first, so a server restarted in the
// middle is refused without the new key, and Rotate run again with the same key finishes.
// A value that opens under no key stops the rotation before any key is retired.
func (r *Rotator) Rotate(ctx context.Context, newKey []byte) (*Rotation, error) {
	if !r.mu.TryLock() {
		return nil, ErrRotating
	}
	defer r.mu.Unlock()
	next, err := newRingKey(newKey)
	if err != nil {
		return nil, err
	}
	keys := [][]byte{next.key}
	var old []string
	for _, k := range *r.box.ring.Load() {
		if k.id != next.id {
			keys = append(keys, k.key)
			old = append(old, k.id.String())
		}
	}
	if r.keyFile != "" && !startsWith(r.keyFile, next.key) {
		if err := writeKeyFile(r.keyFile, keys); err != nil {
			return nil, fmt.Errorf("cannot write the new key into the key file %s (%w): make it writable by the server, or write the new key as its first line and the old one after it yourself, restart the server, and rotate again", r.keyFile, err)
		}
	}
	if err := r.record(ctx, func(st *keyState) {
		for _, id := range append(old, st.Primary) {
			if id != "" && id != next.id.String() && !slices.Contains(st.Retiring, id) {
				st.Retiring = append(st.Retiring, id)
			}
		}
		st.Primary = next.id.String()
	}); err != nil {
		return nil, err
	}
	// Recorded before the switch: from here a server restarted without the new key is
	// refused rather than left with values it cannot open.
	if err := r.box.usePrimary(next.key); err != nil {
		return nil, err
	}
	out := &Rotation{NewKeyID: next.id.String(), Resealed: map[string]int{}}
	switched := time.Now()
	for {
		out.Passes++
		began := time.Now()
		n, err := r.pass(ctx, out.Resealed)
		if err != nil {
			return nil, err
		}
		if n == 0 && began.Sub(switched) >= r.settle {
			break
		}
		if out.Passes == maxPasses {
			return nil, fmt.Errorf("secretbox: values sealed under the old master key were still being written after %d passes; run iamd rotate-master-key again", maxPasses)
		}
		if wait := r.settle - time.Since(switched); n == 0 && wait > 0 {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(wait):
			}
		}
	}
	for _, id := range r.box.retireOthers() {
		out.RetiredKeyIDs = append(out.RetiredKeyIDs, id.String())
	}
	if r.keyFile != "" {
		// The rotation is done: a key file that cannot be rewritten still holds the new key
		// first, which serves; the old line is the operator's to remove.
		if err := writeKeyFile(r.keyFile, [][]byte{next.key}); err != nil {
			out.KeyFileError = fmt.Sprintf("the key file %s could not be rewritten (%v): it holds the new key first and the old one after it; remove the old one", r.keyFile, err)
		} else {
			out.KeyFile = r.keyFile
		}
	}
	err = r.record(ctx, func(st *keyState) {
		for _, id := range append(st.Retiring, out.RetiredKeyIDs...) {
			if !slices.Contains(st.Retired, id) {
				st.Retired = append(st.Retired, id)
			}
		}
		st.Retiring, st.RotatedAt = nil, r.now().UTC()
	})
	return out, err
}

// record changes the store's record of the keys.
func (r *Rotator) record(ctx context.Context, change func(*keyState)) error {
	return r.store.Update(ctx, func(tx docstore.Tx) error {
		var st keyState
		if err := tx.Get(stateKey, &st); err != nil && !errors.Is(err, docstore.ErrNotFound) {
			return err
		}
		change(&st)
		return tx.Put(stateKey, &st)
	})
}

// pass re-seals every stale value of every collection once, counting them into resealed;
// it returns how many it re-sealed.
func (r *Rotator) pass(ctx context.Context, resealed map[string]int) (int, error) {
	accounts, err := r.accounts(ctx)
	if err != nil {
		return 0, err
	}
	total := 0
	for _, c := range r.collections {
		in := accounts
		if c.Global {
			in = []string{""}
		}
		for _, account := range in {
			n, err := r.resealAll(ctx, c, account)
			if err != nil {
				return 0, err
			}
			resealed[c.Name] += n
			total += n
		}
	}
	return total, nil
}

// resealAll re-seals the stale values of one collection in one account, resealBatch
// documents a transaction.
func (r *Rotator) resealAll(ctx context.Context, c Collection, account string) (int, error) {
	total, after := 0, ""
	for {
		var ids []string
		n := 0
		err := r.store.Update(ctx, func(tx docstore.Tx) error {
			ids, n = ids[:0], 0
			var raws [][]byte
			err := tx.List(c.Name, account, "", after, func(id string, raw []byte) error {
				ids, raws = append(ids, id), append(raws, raw)
				if len(ids) == resealBatch {
					return docstore.ErrStop
				}
				return nil
			})
			if err != nil {
				return err
			}
			for i, id := range ids {
				doc, changed, err := c.reseal(account, id, raws[i], r.box)
				if err != nil {
					return fmt.Errorf("secretbox: %s %s/%s: %w", c.Name, account, id, err)
				}
				if changed == 0 {
					continue
				}
				if err := tx.Put(docstore.Key{Collection: c.Name, Account: account, ID: id}, doc); err != nil {
					return err
				}
				n += changed
			}
			return nil
		})
		if err != nil {
			return 0, err
		}
		total += n
		if len(ids) < resealBatch {
			return total, nil
		}
		after = ids[len(ids)-1]
	}
}
