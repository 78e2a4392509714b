// Package pgtest runs a real PostgreSQL server for tests: one cluster per test binary,
// started by TestMain in a temporary directory on a free loopback port, with a fresh
// database per test. It uses Debian's server binaries (/usr/lib/postgresql/*/bin, the
// postgresql package; scripts/test.sh installs it where it is missing). Run as root, it
// runs the server as the postgres system user the package creates, owning the directory.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// superuser is the cluster's bootstrap superuser; trust authentication on loopback.
const superuser = "iamd"

// Cluster is a running PostgreSQL server.
type Cluster struct {
	dir  string
	port int
	cmd  *exec.Cmd
	exit chan struct{} // closed when the server process has exited
	log  *os.File
	n    atomic.Int64 // databases created
	stop sync.Once
}

// ErrUnavailable is returned by Start when no PostgreSQL server binaries are found.
var ErrUnavailable = errors.New("pgtest: no PostgreSQL server binaries in /usr/lib/postgresql/*/bin (apt-get install postgresql)")

// binDir returns the newest /usr/lib/postgresql/VERSION/bin holding initdb and postgres.
func binDir() (string, error) {
	if d := os.Getenv("IAMD_PG_BIN"); d != "" {
		return d, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if isFile(filepath.Join(d, "initdb")) && isFile(filepath.Join(d, "postgres")) {
			return d, nil
		}
	}
	return "", ErrUnavailable
}

func version(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

// credential is who the server runs as: nil for the current user, the postgres user when
// running as root (PostgreSQL refuses to run as root).
func credential() (*syscall.Credential, int, int, error) {
	if os.Geteuid() != 0 {
		return nil, -1, -1, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, 0, 0, fmt.Errorf("pgtest: running as root and no postgres user to run the server as: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, uid, gid, nil
}

// freePort returns a loopback port nothing listens on now.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Start initializes a cluster in a new temporary directory and starts its server; Stop
// stops it and removes the directory. It returns ErrUnavailable without the binaries.
func Start() (_ *Cluster, err error) {
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	cred, uid, gid, err := credential()
	if err != nil {
		return nil, err
	}
	root, err := os.MkdirTemp("", "iamd-pgtest-")
	if err != nil {
		return nil, err
	}
	c := &Cluster{dir: root, exit: make(chan struct{})}
	defer func() {
		if err != nil {
			c.Stop()
		}
	}()
	data := filepath.Join(root, "data")
	if err := os.Mkdir(data, 0o700); err != nil {
		return nil, err
	}
	if uid >= 0 {
		for _, p := range []string{root, data} {
			if err := os.Chown(p, uid, gid); err != nil {
				return nil, fmt.Errorf("pgtest: %w", err)
			}
		}
	}
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-U", superuser, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	initdb.Dir = root
	if out, err := initdb.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("pgtest: initdb: %v\n%s", err, out)
	}
	c.log, err = os.Create(filepath.Join(root, "server.log"))
	if err != nil {
		return nil, err
	}
	// A free port may be taken by another test binary between the probe and the server's
	// bind: then the server exits, and another port is tried.
	for attempt := 1; ; attempt++ {
		err = c.launch(bin, data, cred)
		if err == nil || attempt == 3 {
			break
		}
		c.exit = make(chan struct{})
	}
	if err != nil {
		logText, _ := os.ReadFile(c.log.Name())
		return nil, fmt.Errorf("pgtest: %w\n%s", err, logText)
	}
	return c, nil
}

// launch starts the server on a free port and waits until it accepts connections.
func (c *Cluster) launch(bin, data string, cred *syscall.Credential) (err error) {
	if c.port, err = freePort(); err != nil {
		return err
	}
	// fsync is off: a test cluster need not survive a power loss, and the machine's disk is
	// shared. The store's own settings (synchronous_commit) are unchanged. IAMD_PGTEST_FSYNC=on
	// keeps it on, for benchmarks that compare with SQLite's fsynced commits.
	fsync := "off"
	if os.Getenv("IAMD_PGTEST_FSYNC") == "on" {
		fsync = "on"
	}
	cmd := exec.Command(filepath.Join(bin, "postgres"), "-D", data, "-p", strconv.Itoa(c.port), "-k", c.dir,
		"-c", "listen_addresses=127.0.0.1", "-c", "fsync="+fsync, "-c", "full_page_writes="+fsync,
		"-c", "max_connections=200", "-c", "shared_buffers=32MB")
	cmd.Dir = c.dir
	cmd.Stdout, cmd.Stderr = c.log, c.log
	// The server dies with the test binary (SIGINT: fast shutdown).
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Setpgid: true, Pdeathsig: syscall.SIGINT}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start postgres: %w", err)
	}
	c.cmd = cmd
	exit := c.exit
	go func() { _ = cmd.Wait(); close(exit) }()
	if err := c.waitReady(30 * time.Second); err != nil {
		_ = cmd.Process.Kill()
		<-exit
		return err
	}
	return nil
}

// waitReady waits until the server accepts connections, or it exits, or the time is up.
func (c *Cluster) waitReady(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		conn, err := pgx.Connect(ctx, c.URL("postgres"))
		cancel()
		if err == nil {
			conn.Close(context.Background())
			return nil
		}
		select {
		case <-c.exit:
			return fmt.Errorf("the server exited: %v", err)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the server did not accept connections within %v: %v", limit, err)
		}
	}
}

// URL is the connection URL of a database of the cluster.
func (c *Cluster) URL(database string) string {
	return fmt.Sprintf("postgres://%s@127.0.0.1:%d/%s?sslmode=disable", superuser, c.port, database)
}

// Port is the server's loopback port.
func (c *Cluster) Port() int { return c.port }

// NewDatabase creates a new, empty database, dropped when the test ends, and returns its URL.
func (c *Cluster) NewDatabase(t testing.TB) string {
	t.Helper()
	name := fmt.Sprintf("test_%d_%d", os.Getpid(), c.n.Add(1))
	if err := c.admin(t.Context(), "CREATE DATABASE "+name); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := c.admin(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("pgtest: %v", err)
		}
	})
	return c.URL(name)
}

// admin runs one statement on the postgres database.
func (c *Cluster) admin(ctx context.Context, sql string) error {
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, sql)
	return err
}

// Stop stops the server (fast shutdown) and removes its directory.
func (c *Cluster) Stop() {
	c.stop.Do(func() {
		if c.cmd != nil && c.cmd.Process != nil {
			_ = c.cmd.Process.Signal(syscall.SIGINT)
			select {
			case <-c.exit:
			case <-time.After(20 * time.Second):
				_ = c.cmd.Process.Kill()
				<-c.exit
			}
		}
		if c.log != nil {
			c.log.Close()
		}
		os.RemoveAll(c.dir)
	})
}
