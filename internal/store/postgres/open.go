package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// openTimeout bounds how long Open tries to reach the server when ctx sets no deadline.
const openTimeout = 15 * time.Second

// Open connects to the database at url (postgres://user:password@host:port/db?..., or any
// form pgx accepts), brings its schema up to date and starts listening for other processes'
// changes. ctx bounds only the opening. The URL's password never appears in errors.
func Open(ctx context.Context, url string) (_ *Store, err error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, errors.New("postgres: the store URL cannot be parsed (want postgres://USER:PASSWORD@HOST:PORT/DATABASE)")
	}
	if !strings.Contains(url, "pool_max_conns") {
		// pgxpool's default (4 on a small machine) would queue a busy server's requests, each
		// of which reads the change feed's head besides its own transactions.
		cfg.MaxConns = int32(max(16, 4*runtime.GOMAXPROCS(0)))
	}
	cc := cfg.ConnConfig
	cc.RuntimeParams["synchronous_commit"] = "on" // see the package doc: Update is durable
	if cc.RuntimeParams["application_name"] == "" {
		cc.RuntimeParams["application_name"] = "iamd"
	}
	where := fmt.Sprintf("%s as %s, database %s", net.JoinHostPort(cc.Host, strconv.Itoa(int(cc.Port))), cc.User, cc.Database)
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, openTimeout)
		defer cancel()
	}
	pool, err := pgxpool.NewWithConfig(context.WithoutCancel(ctx), cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %s: %w", where, err)
	}
	s := &Store{pool: pool, origin: newOrigin(), wsem: make(chan struct{}, 1), wake: make(chan struct{}, 1)}
	s.idle = sync.NewCond(&s.mu)
	defer func() {
		if err != nil {
			pool.Close()
		}
	}()
	if err := pool.Ping(ctx); err != nil {
		return nil, fmt.Errorf("postgres: cannot reach the database server at %s: %w", where, err)
	}
	if err := migrate(ctx, pool); err != nil {
		return nil, fmt.Errorf("%w (%s)", err, where)
	}
	s.listen()
	return s, nil
}

// newOrigin is a random id for the Store, in the change rows it writes.
func newOrigin() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
