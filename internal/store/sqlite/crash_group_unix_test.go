//go:build unix

package sqlite

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/docstore"
)

// TestCrashGroupCommit is TestCrash with Updates from many goroutines at once, so that they
// commit in groups: a process killed midway through a group's transaction keeps every
// Update it saw return nil, in whichever group it was.
func TestCrashGroupCommit(t *testing.T) {
	if dir := os.Getenv("IAMD_SQLITE_GROUP_CRASH_DIR"); dir != "" {
		groupCrashChild(dir)
		return
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashGroupCommit$")
	cmd.Env = append(os.Environ(), "IAMD_SQLITE_GROUP_CRASH_DIR="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var acked []string
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if id, ok := strings.CutPrefix(sc.Text(), "committed "); ok {
			acked = append(acked, id)
		}
	}
	err = cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("child did not die of SIGKILL: %v", err)
	}
	if len(acked) < 100 {
		t.Fatalf("child acknowledged %d commits before the kill, want at least 100", len(acked))
	}
	s := open(t, dir)
	defer s.Close()
	err = s.View(t.Context(), func(tx docstore.Tx) error {
		for _, id := range acked {
			if err := tx.Get(docstore.Key{Collection: "c", Account: "a", ID: id}, &item{}); err != nil {
				t.Errorf("document %s, acknowledged before the kill: %v", id, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// groupCrashChild commits documents W-I from 8 goroutines, reporting each once its Update
// returned, until goroutine 0 kills the process inside its 150th transaction, which, as
// the others keep coming, is most likely a group's member after others.
func groupCrashChild(dir string) {
	s, err := Open(context.Background(), dir)
	if err != nil {
		os.Exit(2)
	}
	var mu sync.Mutex
	w := bufio.NewWriter(os.Stdout)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := 0; ; i++ {
				id := strconv.Itoa(g) + "-" + strconv.Itoa(i)
				err := s.Update(context.Background(), func(tx docstore.Tx) error {
					if err := tx.Put(docstore.Key{Collection: "c", Account: "a", ID: id}, item{Name: "x"}); err != nil {
						return err
					}
					if g == 0 && i == 150 {
						// Time for the group's other members to report, should they
						// return before its commit.
						time.Sleep(50 * time.Millisecond)
						syscall.Kill(os.Getpid(), syscall.SIGKILL)
					}
					return nil
				})
				if err != nil {
					os.Exit(3)
				}
				mu.Lock()
				w.WriteString("committed " + id + "\n")
				w.Flush()
				mu.Unlock()
			}
		})
	}
	wg.Wait()
}
