package sqlite

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamd-dev/iamd/internal/docstore"
)

// A backup of an open Store holds what it committed, restores into an empty directory
// that then opens, and is refused once it carries a migration from a newer iamd.
func TestBackupRestoreOpenStore(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	if err := s.Update(t.Context(), func(tx docstore.Tx) error { return tx.Insert(k1, item{Name: "kept"}) }); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "b.db")
	if err := Backup(t.Context(), dir, file); err != nil {
		t.Fatalf("Backup of an open store: %v", err)
	}
	if err := Backup(t.Context(), dir, file); err == nil {
		t.Error("Backup over an existing file succeeded")
	}
	s.Close()
	if err := Backup(t.Context(), dir, filepath.Join(t.TempDir(), "closed.db")); err != nil {
		t.Errorf("Backup of a closed store: %v", err)
	}
	restored := filepath.Join(t.TempDir(), "r")
	if err := Restore(t.Context(), file, restored); err != nil {
		t.Fatal(err)
	}
	if err := Restore(t.Context(), file, restored); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("second Restore into the same directory = %v", err)
	}
	r := open(t, restored)
	var got item
	err := r.View(t.Context(), func(tx docstore.Tx) error { return tx.Get(k1, &got) })
	r.Close()
	if err != nil || got.Name != "kept" {
		t.Fatalf("restored store: %+v %v", got, err)
	}

	// A live database (WAL mode) is not a backup.
	if err := CheckBackup(t.Context(), filepath.Join(restored, dbName)); err == nil || !strings.Contains(err.Error(), "WAL") {
		t.Errorf("CheckBackup of a live database = %v", err)
	}
	// A backup from a newer iamd is refused.
	raw, err := openDB(file, defaultOptions(), true, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`PRAGMA query_only(0)`); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`INSERT INTO schema_migrations VALUES ('9999_future', 'x')`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	if err := CheckBackup(t.Context(), file); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("CheckBackup of a newer database = %v", err)
	}
}
