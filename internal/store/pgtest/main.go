package pgtest

import (
	"errors"
	"fmt"
	"os"
	"testing"
)

// ChildEnv, set in the environment of a test binary a test runs as a process of its own (to
// open a database from another process), makes Main start no cluster; its value is the URL
// of the database to use.
const ChildEnv = "IAMD_PGTEST_CHILD_URL"

// shared is the cluster Main started; nil when none could start (unavailable says why).
var (
	shared      *Cluster
	unavailable error
)

// Main is a TestMain for a package whose tests use PostgreSQL: it starts the cluster, runs
// the tests and stops it. Without the server binaries the tests that need it skip (Need);
// any other failure to start fails the binary.
func Main(m *testing.M) {
	if os.Getenv(ChildEnv) != "" { // a test binary run by a test as another process: no cluster
		os.Exit(m.Run())
	}
	c, err := Start()
	switch {
	case errors.Is(err, ErrUnavailable):
		unavailable = err
	case err != nil:
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	shared = c
	code := m.Run()
	if c != nil {
		c.Stop()
	}
	os.Exit(code)
}

// Need returns the cluster Main started, skipping the test when PostgreSQL is not installed.
func Need(t testing.TB) *Cluster {
	t.Helper()
	if shared == nil {
		if unavailable == nil {
			t.Fatal("pgtest: Main did not run (call pgtest.Main from TestMain)")
		}
		t.Skipf("skipping: %v", unavailable)
	}
	return shared
}

// Database returns the URL of a new, empty database for the test (Need's cluster).
func Database(t testing.TB) string {
	t.Helper()
	return Need(t).NewDatabase(t)
}

// Own returns Main's cluster when the package has one, else starts a cluster for this test
// alone, stopped when it ends (for a package whose few PostgreSQL tests do not warrant a
// TestMain). It skips the test when PostgreSQL is not installed.
func Own(t testing.TB) *Cluster {
	t.Helper()
	if shared != nil {
		return shared
	}
	c, err := Start()
	if errors.Is(err, ErrUnavailable) {
		t.Skipf("skipping: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Stop)
	return c
}
