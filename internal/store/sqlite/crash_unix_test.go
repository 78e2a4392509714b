//go:build unix

package sqlite

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/iamd-dev/iamd/internal/docstore"
)

// TestCrash kills a process that commits documents one Update at a time, without
// Close, and checks that every Update it saw return nil is in the database. A kill -9
// loses the process, not the kernel's page cache: this shows that no commit waits in
// the process for a later checkpoint, not that the disk has it (synchronous=FULL does).
func TestCrash(t *testing.T) {
	if dir := os.Getenv("IAMD_SQLITE_CRASH_DIR"); dir != "" {
		crashChild(dir)
		return
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrash$")
	cmd.Env = append(os.Environ(), "IAMD_SQLITE_CRASH_DIR="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	last := -1
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if n, ok := strings.CutPrefix(sc.Text(), "committed "); ok {
			last, _ = strconv.Atoi(n)
		}
	}
	err = cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("child did not die of SIGKILL: %v", err)
	}
	if last < 0 {
		t.Fatal("child committed nothing")
	}

	s := open(t, dir)
	defer s.Close()
	err = s.View(t.Context(), func(tx docstore.Tx) error {
		for i := 0; i <= last; i++ {
			var it item
			if err := tx.Get(docstore.Key{Collection: "c", Account: "a", ID: strconv.Itoa(i)}, &it); err != nil {
				t.Errorf("document %d of %d committed before the kill: %v", i, last+1, err)
			}
		}
		// The transaction the kill interrupted left nothing.
		err := tx.Get(docstore.Key{Collection: "c", Account: "a", ID: strconv.Itoa(last + 1)}, &item{})
		if !errors.Is(err, docstore.ErrNotFound) {
			t.Errorf("document of the killed transaction: %v, want ErrNotFound", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// crashChild commits documents 0, 1, ... reporting each, and kills itself midway through
// a transaction.
func crashChild(dir string) {
	s, err := Open(context.Background(), dir)
	if err != nil {
		os.Exit(2)
	}
	w := bufio.NewWriter(os.Stdout)
	for i := 0; ; i++ {
		err := s.Update(context.Background(), func(tx docstore.Tx) error {
			if err := tx.Put(docstore.Key{Collection: "c", Account: "a", ID: strconv.Itoa(i)}, item{Name: "x"}); err != nil {
				return err
			}
			if i == 200 {
				syscall.Kill(os.Getpid(), syscall.SIGKILL)
			}
			return nil
		})
		if err != nil {
			os.Exit(3)
		}
		w.WriteString("committed " + strconv.Itoa(i) + "\n")
		w.Flush()
	}
}
