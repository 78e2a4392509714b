package iam

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/secretbox"
	"github.com/iamd-dev/iamd/internal/store/sqlite"
)

// Every writing method of docstore.Tx is recorded by writeTx, and every reading one by
// readTx: a method added to the interface fails here until it is.
func TestWriteTxRecordsEveryWrite(t *testing.T) {
	known := map[string]bool{"Get": true, "List": true, "Count": true, "Insert": true, "Put": true, "Delete": true}
	tx := reflect.TypeOf((*docstore.Tx)(nil)).Elem()
	for i := 0; i < tx.NumMethod(); i++ {
		if m := tx.Method(i).Name; !known[m] {
			t.Errorf("docstore.Tx.%s: record it in writeTx or readTx (changes.go), then add it here", m)
		}
	}
}

func changesService(t *testing.T) *Service {
	t.Helper()
	st, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	box, err := secretbox.New(make([]byte, secretbox.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	return New(st, box, time.Now)
}

// A tracked read stays current until a commit writes a key it read, by this service or
// noted from elsewhere; writes to other keys, and writes rolled back, leave it current.
func TestDependenciesChangedByWhatTheyRead(t *testing.T) {
	ctx := context.Background()
	svc := changesService(t)
	const acct = "123456789012"
	a, b := key(colUser, acct, "a"), key(colUser, acct, "b")
	if svc.changes.slot(a) == svc.changes.slot(b) {
		t.Fatal("the test's keys share a slot")
	}
	put := func(k docstore.Key) {
		t.Helper()
		if err := svc.update(ctx, func(tx docstore.Tx) error { return tx.Put(k, map[string]string{"v": time.Now().String()}) }); err != nil {
			t.Fatal(err)
		}
	}
	put(a)
	read := func() Dependencies {
		t.Helper()
		var d Dependencies
		if err := svc.viewTracked(ctx, &d, func(tx docstore.Tx) error {
			var v map[string]string
			return tx.Get(a, &v)
		}); err != nil {
			t.Fatal(err)
		}
		return d
	}
	d := read()
	gen := svc.Generation()
	put(b)
	if !svc.Current(d) {
		t.Error("a write to another key made the read stale")
	}
	if svc.Generation() == gen {
		t.Error("Generation did not move on at a commit")
	}
	errRollback := docstore.ErrStop
	if err := svc.update(ctx, func(tx docstore.Tx) error {
		if err := tx.Put(a, map[string]string{}); err != nil {
			return err
		}
		return errRollback
	}); err != errRollback {
		t.Fatal(err)
	}
	if !svc.Current(d) {
		t.Error("a write rolled back made the read stale")
	}
	put(a)
	if svc.Current(d) {
		t.Error("a write to the key read left the read current")
	}

	d = read()
	svc.NoteWrites([]docstore.Key{b})
	if !svc.Current(d) {
		t.Error("a noted write to another key made the read stale")
	}
	svc.NoteWrites([]docstore.Key{a})
	if svc.Current(d) {
		t.Error("a noted write to the key read left the read current")
	}
	d = read()
	svc.NoteUnknownWrites()
	if svc.Current(d) {
		t.Error("writes to unknown keys left the read current")
	}
	if !svc.Current(Dependencies{}) {
		t.Error("what depends on nothing stored is stale")
	}

	// A read that lists depends on every key.
	var listed Dependencies
	if err := svc.viewTracked(ctx, &listed, func(tx docstore.Tx) error {
		return tx.List(colUser, acct, "", "", func(string, []byte) error { return nil })
	}); err != nil {
		t.Fatal(err)
	}
	if !svc.Current(listed) {
		t.Error("a listing read is stale before any write")
	}
	put(key(colGroup, acct, "g"))
	if svc.Current(listed) {
		t.Error("a listing read stayed current after a write")
	}
}
