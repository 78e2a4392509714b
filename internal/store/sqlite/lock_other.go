//go:build !unix

package sqlite

import (
	"fmt"
	"os"
	"path/filepath"
)

// lockDir creates DIR/iamd.lock but cannot lock it without flock: on these systems nothing
// stops a second Store on the same directory. SQLite's own file locking still keeps the
// database file consistent; two Stores merely lose the guarantee that one process owns it.
func lockDir(dir string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dir, lockName), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open lock file: %w", err)
	}
	return f, nil
}
