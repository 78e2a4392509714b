// Command pgcluster runs a throwaway PostgreSQL cluster for the end-to-end scripts: it
// starts one as pgtest does for the Go tests (a temporary directory, a free loopback port,
// an unprivileged user), prints its connection URL on the first line of standard output,
// and stops it, removing its files, on SIGINT or SIGTERM. It exits 3 when PostgreSQL's
// server binaries are not installed, so that a script can skip.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/iamd-dev/iamd/internal/store/pgtest"
)

func main() {
	c, err := pgtest.Start()
	if errors.Is(err, pgtest.ErrUnavailable) {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	fmt.Println(c.URL("postgres"))
	<-stop
	c.Stop()
}
