package secretbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/store/sqlite"
)

// testDoc is a document of the test collection: one sealed value and its context.
type testDoc struct {
	Ctx    string `json:"ctx"`
	Sealed []byte `json:"sealed"`
	Plain  string `json:"plain"` // what Sealed opens to, to check (a test collection only)
}

var testCollection = Sealed("test.sealed", false, nil, func(_, _ string, d *testDoc) []Field {
	return []Field{{Value: &d.Sealed, Context: d.Ctx}}
})

// failingStore is a real store whose Updates fail once `left` reaches zero: a server that
// stops in the middle of a rotation.
type failingStore struct {
	docstore.Store
	left atomic.Int64
}

var errStopped = errors.New("the server stopped")

func (f *failingStore) Update(ctx context.Context, fn func(docstore.Tx) error) error {
	if f.left.Add(-1) < 0 {
		return errStopped
	}
	return f.Store.Update(ctx, fn)
}

func openStore(t *testing.T) docstore.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// fill writes n documents per account sealed by box, some in the legacy format under key.
func fill(t *testing.T, st docstore.Store, box *Box, legacyKey []byte, accounts []string, n int) {
	t.Helper()
	err := st.Update(context.Background(), func(tx docstore.Tx) error {
		for _, a := range accounts {
			for i := range n {
				id := fmt.Sprintf("doc-%04d", i)
				d := testDoc{Ctx: a + "/" + id, Plain: "secret " + a + "/" + id}
				var err error
				if i%5 == 0 {
					d.Sealed = legacySeal(t, legacyKey, []byte(d.Plain), d.Ctx)
				} else if d.Sealed, err = box.Seal([]byte(d.Plain), d.Ctx); err != nil {
					return err
				}
				if err := tx.Put(docstore.Key{Collection: testCollection.Name, Account: a, ID: id}, &d); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// check opens every document with box, counting those sealed under its current key.
func check(t *testing.T, st docstore.Store, box *Box, accounts []string) (opened, current int) {
	t.Helper()
	err := st.View(context.Background(), func(tx docstore.Tx) error {
		for _, a := range accounts {
			err := tx.List(testCollection.Name, a, "", "", func(id string, raw []byte) error {
				var d testDoc
				if err := jsonUnmarshal(raw, &d); err != nil {
					return err
				}
				got, err := box.Open(d.Sealed, d.Ctx)
				if err != nil || string(got) != d.Plain {
					return fmt.Errorf("%s/%s does not open: %v", a, id, err)
				}
				opened++
				if box.IsCurrent(d.Sealed) {
					current++
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return opened, current
}

// A rotation stopped in the middle leaves every value readable under the key file's two
// keys, is refused a restart with the old key alone (the store records the new key's id),
// and finishes when run again; after it every value is under the new key, the key file
// holds only it, and the old key is refused as retired.
func TestRotationResumes(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	oldKey, newKey := randomKey(t), randomKey(t)
	keyFile := filepath.Join(t.TempDir(), "master.key")
	if err := WriteKeyFile(keyFile, [][]byte{oldKey}); err != nil {
		t.Fatal(err)
	}
	box, _ := New(oldKey)
	if err := CheckStore(ctx, st, box, nil); err != nil {
		t.Fatal(err)
	}
	accounts := []string{"111111111111", "222222222222"}
	const perAccount = 3*resealBatch + 7
	fill(t, st, box, oldKey, accounts, perAccount)
	list := func(context.Context) ([]string, error) { return accounts, nil }

	// Stopped after the key file, the record and three batches.
	broken := &failingStore{Store: st}
	broken.left.Store(4)
	_, err := NewRotator(box, broken, keyFile, list, []Collection{testCollection}, time.Now).Rotate(ctx, newKey)
	if !errors.Is(err, errStopped) {
		t.Fatalf("the interrupted rotation: %v", err)
	}
	opened, current := check(t, st, box, accounts)
	if opened != 2*perAccount || current == 0 || current == opened {
		t.Fatalf("after the interruption: %d opened, %d under the new key", opened, current)
	}
	onFile, err := LoadKeyFile(keyFile)
	if err != nil || len(onFile) != 2 || !bytes.Equal(onFile[0], newKey) || !bytes.Equal(onFile[1], oldKey) {
		t.Fatalf("the key file in the middle: %d keys, %v", len(onFile), err)
	}
	oldOnly, _ := New(oldKey)
	if err := CheckStore(ctx, st, oldOnly, nil); !errors.Is(err, ErrWrongKey) || !strings.Contains(err.Error(), "unfinished") {
		t.Fatalf("a restart with the old key in the middle: %v", err)
	}
	restarted, err := NewRing(onFile) // a restart from the key file, as the server does
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckStore(ctx, st, restarted, nil); err != nil {
		t.Fatalf("a restart from the key file in the middle: %v", err)
	}
	if opened, _ := check(t, st, restarted, accounts); opened != 2*perAccount {
		t.Fatalf("after the restart %d opened", opened)
	}

	rot, err := NewRotator(restarted, st, keyFile, list, []Collection{testCollection}, time.Now).Rotate(ctx, newKey)
	if err != nil {
		t.Fatal(err)
	}
	if rot.NewKeyID != IDOf(newKey).String() || len(rot.RetiredKeyIDs) != 1 || rot.RetiredKeyIDs[0] != IDOf(oldKey).String() || rot.KeyFile != keyFile {
		t.Fatalf("rotation %+v", rot)
	}
	if opened, current := check(t, st, restarted, accounts); opened != 2*perAccount || current != opened {
		t.Fatalf("after the rotation: %d opened, %d under the new key", opened, current)
	}
	if onFile, _ := LoadKeyFile(keyFile); len(onFile) != 1 || !bytes.Equal(onFile[0], newKey) {
		t.Fatalf("the key file after: %d keys", len(onFile))
	}
	if err := CheckStore(ctx, st, oldOnly, nil); !errors.Is(err, ErrWrongKey) || !strings.Contains(err.Error(), "retired") {
		t.Fatalf("a restart with the retired key: %v", err)
	}
	newOnly, _ := New(newKey)
	if err := CheckStore(ctx, st, newOnly, nil); err != nil {
		t.Fatalf("a restart with the new key: %v", err)
	}
	stranger, _ := New(randomKey(t))
	if err := CheckStore(ctx, st, stranger, nil); !errors.Is(err, ErrWrongKey) || !strings.Contains(err.Error(), IDOf(newKey).String()) {
		t.Fatalf("a restart with an unknown key: %v", err)
	}
}

// A value that opens under none of the server's keys (sealed by a replica given another
// key) stops the rotation before any key is retired, naming the document; a second
// rotation at once is refused.
func TestRotationStopsOnAnUnopenableValue(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	oldKey, newKey, otherKey := randomKey(t), randomKey(t), randomKey(t)
	box, _ := New(oldKey)
	accounts := []string{"111111111111"}
	fill(t, st, box, oldKey, accounts, 10)
	other, _ := New(otherKey)
	sealed, _ := other.Seal([]byte("x"), "c")
	if err := st.Update(ctx, func(tx docstore.Tx) error {
		return tx.Put(docstore.Key{Collection: testCollection.Name, Account: accounts[0], ID: "stranger"}, &testDoc{Ctx: "c", Sealed: sealed, Plain: "x"})
	}); err != nil {
		t.Fatal(err)
	}
	r := NewRotator(box, st, "", func(context.Context) ([]string, error) { return accounts, nil }, []Collection{testCollection}, time.Now)
	_, err := r.Rotate(ctx, newKey)
	if err == nil || !strings.Contains(err.Error(), "stranger") || !strings.Contains(err.Error(), "opens under none") {
		t.Fatalf("rotation over an unopenable value: %v", err)
	}
	if !box.Has(IDOf(oldKey)) || box.PrimaryID() != IDOf(newKey) {
		t.Fatalf("keys after the stopped rotation: %v", box.KeyIDs())
	}
	r.mu.Lock()
	if _, err := r.Rotate(ctx, newKey); !errors.Is(err, ErrRotating) {
		t.Errorf("a rotation during another: %v", err)
	}
	r.mu.Unlock()
}

func jsonUnmarshal(raw []byte, v any) error { return json.Unmarshal(raw, v) }

// A value sealed under the old key just before the switch and committed after the first
// pass is re-sealed by the last pass, which begins settle after the switch: nothing is left
// unreadable when the old key is retired.
func TestRotationCatchesLateWriters(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	oldKey, newKey := randomKey(t), randomKey(t)
	box, _ := New(oldKey)
	accounts := []string{"111111111111"}
	fill(t, st, box, oldKey, accounts, 20)
	late, err := box.Seal([]byte("late"), "late-ctx") // under the old key, before the switch
	if err != nil {
		t.Fatal(err)
	}
	r := NewRotator(box, st, "", func(context.Context) ([]string, error) { return accounts, nil }, []Collection{testCollection}, time.Now)
	done := make(chan error, 1)
	go func() {
		_, err := r.Rotate(ctx, newKey)
		done <- err
	}()
	for i := 0; box.PrimaryID() != IDOf(newKey); i++ {
		if i > 400 {
			t.Fatal("the rotation did not switch keys")
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(settle / 4) // the first pass over 20 documents is over
	if err := st.Update(ctx, func(tx docstore.Tx) error {
		return tx.Put(docstore.Key{Collection: testCollection.Name, Account: accounts[0], ID: "late"}, &testDoc{Ctx: "late-ctx", Sealed: late, Plain: "late"})
	}); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the rotation did not end")
	}
	if box.Has(IDOf(oldKey)) {
		t.Fatal("the old key was not retired")
	}
	if opened, current := check(t, st, box, accounts); opened != 21 || current != 21 {
		t.Fatalf("after the rotation: %d opened, %d under the new key", opened, current)
	}
}

// A store from before key ids (no record, values without headers) is recorded under the key
// given at its first start only if that key opens a stored value of a collection of no
// account: a wrong key is refused and recorded nowhere, and the right one is recorded after.
func TestCheckStoreProbesAStoreWithoutRecord(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	key := randomKey(t)
	global := Sealed("test.global", true, nil, func(_, _ string, d *testDoc) []Field {
		return []Field{{Value: &d.Sealed, Context: d.Ctx}}
	})
	if err := st.Update(ctx, func(tx docstore.Tx) error {
		return tx.Put(docstore.Key{Collection: global.Name, ID: "AKIA1"}, &testDoc{Ctx: "AKIA1", Sealed: legacySeal(t, key, []byte("s"), "AKIA1")})
	}); err != nil {
		t.Fatal(err)
	}
	wrong, _ := New(randomKey(t))
	err := CheckStore(ctx, st, wrong, []Collection{testCollection, global})
	if !errors.Is(err, ErrWrongKey) || !strings.Contains(err.Error(), "test.global AKIA1") {
		t.Fatalf("a wrong key on a store without a record: %v", err)
	}
	right, _ := New(key)
	if err := CheckStore(ctx, st, right, []Collection{testCollection, global}); err != nil {
		t.Fatalf("the right key: %v", err)
	}
	if err := CheckStore(ctx, st, wrong, nil); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("a wrong key once recorded: %v", err)
	}
}

// A key file the server cannot write (a secret mounted read-only): a rotation that must
// write it first stops before changing anything, saying what to do; once the operator has
// put the new key first in it, the rotation runs and reports that the file keeps the old
// key after the new one.
func TestRotationWithAReadOnlyKeyFile(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	oldKey, newKey := randomKey(t), randomKey(t)
	keyFile := filepath.Join(t.TempDir(), "master.key")
	if err := WriteKeyFile(keyFile, [][]byte{oldKey}); err != nil {
		t.Fatal(err)
	}
	defer func(w func(string, [][]byte) error) { writeKeyFile = w }(writeKeyFile)
	writeKeyFile = func(string, [][]byte) error { return errors.New("read-only file system") }
	box, _ := New(oldKey)
	if err := CheckStore(ctx, st, box, nil); err != nil {
		t.Fatal(err)
	}
	accounts := []string{"111111111111"}
	fill(t, st, box, oldKey, accounts, 10)
	r := NewRotator(box, st, keyFile, func(context.Context) ([]string, error) { return accounts, nil }, []Collection{testCollection}, time.Now)
	r.settle = 0
	if _, err := r.Rotate(ctx, newKey); err == nil || !strings.Contains(err.Error(), "write the new key as its first line") {
		t.Fatalf("rotation over a read-only key file: %v", err)
	}
	if box.PrimaryID() != IDOf(oldKey) || len(box.KeyIDs()) != 1 {
		t.Fatalf("the refused rotation changed the keys: %v", box.KeyIDs())
	}
	if err := CheckStore(ctx, st, box, nil); err != nil {
		t.Fatalf("the refused rotation changed the record: %v", err)
	}
	// The operator writes NEW then OLD and restarts.
	if err := WriteKeyFile(keyFile, [][]byte{newKey, oldKey}); err != nil {
		t.Fatal(err)
	}
	onFile, _ := LoadKeyFile(keyFile)
	restarted, _ := NewRing(onFile)
	r = NewRotator(restarted, st, keyFile, func(context.Context) ([]string, error) { return accounts, nil }, []Collection{testCollection}, time.Now)
	r.settle = 0
	rot, err := r.Rotate(ctx, newKey)
	if err != nil {
		t.Fatal(err)
	}
	if rot.KeyFile != "" || !strings.Contains(rot.KeyFileError, "remove the old one") {
		t.Errorf("result %+v", rot)
	}
	if opened, current := check(t, st, restarted, accounts); opened != 10 || current != 10 {
		t.Errorf("after: %d opened, %d current", opened, current)
	}
}
