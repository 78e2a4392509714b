package server

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/iamd-dev/iamd/internal/store/pgtest"
)

// BenchmarkStores serves the same calls from a server on SQLite and from a replica on
// PostgreSQL (which asks the change feed's head before each call): a read and a write, over
// loopback HTTP through aws-sdk-go-v2. PostgreSQL runs with fsync as configured by
// IAMD_PGTEST_FSYNC (on, to compare with SQLite's fsynced commits).
func BenchmarkStores(b *testing.B) {
	url := pgtest.Own(b).NewDatabase(b)
	servers := map[string]*testServer{
		"sqlite":   storeBenchServer(b, func(*Config) {}),
		"postgres": storeBenchServer(b, func(c *Config) { c.Store = url }),
	}
	for _, name := range []string{"sqlite", "postgres"} {
		ts := servers[name]
		b.Run("GetCallerIdentity/"+name, func(b *testing.B) {
			c := ts.sts(ts.root)
			for b.Loop() {
				if _, err := c.GetCallerIdentity(context.Background(), &awssts.GetCallerIdentityInput{}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("CreateDeleteRole/"+name, func(b *testing.B) {
			c := ts.iam(ts.root)
			i := 0
			for b.Loop() {
				n := aws.String(fmt.Sprint("bench-", i))
				if _, err := c.CreateRole(context.Background(), &awsiam.CreateRoleInput{RoleName: n, AssumeRolePolicyDocument: aws.String(ec2Trust)}); err != nil {
					b.Fatal(err)
				}
				if _, err := c.DeleteRole(context.Background(), &awsiam.DeleteRoleInput{RoleName: n}); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// storeBenchServer is startServerAt for a benchmark.
func storeBenchServer(b *testing.B, opt func(*Config)) *testServer {
	b.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cfg := Config{Addr: "127.0.0.1:0", DataDir: b.TempDir(), RootAccessKeyID: testRootKey, RootSecretAccessKey: testRootSecret, Now: time.Now}
	opt(&cfg)
	srv, err := New(ctx, cfg)
	if err != nil {
		cancel()
		b.Fatal(err)
	}
	if err := srv.Listen(); err != nil {
		cancel()
		b.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx) }()
	b.Cleanup(func() { cancel(); <-done })
	return &testServer{dir: cfg.DataDir, endpoint: srv.URL(), srv: srv, root: aws.Credentials{AccessKeyID: testRootKey, SecretAccessKey: testRootSecret}}
}
