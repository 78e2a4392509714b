package postgres

import (
	"context"
	"fmt"
	"testing"

	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/store/pgtest"
	"github.com/iamd-dev/iamd/internal/store/sqlite"
)

// The benchmarks run each operation on PostgreSQL and on SQLite, side by side, for the
// README's ratio. The test cluster runs with fsync off unless IAMD_PGTEST_FSYNC=on (SQLite
// always fsyncs its commits): compare with it on.

// benchDoc is about the size of an IAM role.
type benchDoc struct {
	Name   string            `json:"name"`
	ARN    string            `json:"arn"`
	Policy string            `json:"policy"`
	Tags   map[string]string `json:"tags"`
	Serial int               `json:"serial"`
}

var bdoc = benchDoc{
	Name:   "deploy-role",
	ARN:    "arn:aws:iam::123456789012:role/deploy-role",
	Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
	Tags:   map[string]string{"team": "platform", "env": "prod"},
}

func benchKey(i int) docstore.Key {
	return docstore.Key{Collection: "iam.role", Account: "123456789012", ID: fmt.Sprintf("role-%04d", i)}
}

// benchStores opens each kind of store holding 1000 documents.
func benchStores(b *testing.B) map[string]docstore.Store {
	pg, err := Open(b.Context(), pgtest.Database(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { pg.Close() })
	lite, err := sqlite.Open(b.Context(), b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { lite.Close() })
	stores := map[string]docstore.Store{"postgres": pg, "sqlite": lite}
	for _, s := range stores {
		err := s.Update(b.Context(), func(tx docstore.Tx) error {
			for i := range 1000 {
				if err := tx.Put(benchKey(i), bdoc); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return stores
}

// each runs fn as a sub-benchmark on each kind of store.
func each(b *testing.B, fn func(b *testing.B, ctx context.Context, s docstore.Store)) {
	stores := benchStores(b)
	for _, name := range []string{"postgres", "sqlite"} {
		b.Run(name, func(b *testing.B) { fn(b, b.Context(), stores[name]) })
	}
}

// BenchmarkView is one View with one Get.
func BenchmarkView(b *testing.B) {
	each(b, func(b *testing.B, ctx context.Context, s docstore.Store) {
		i := 0
		for b.Loop() {
			var d benchDoc
			k := benchKey(i % 1000)
			if err := s.View(ctx, func(tx docstore.Tx) error { return tx.Get(k, &d) }); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

// BenchmarkViewParallel is BenchmarkView from GOMAXPROCS goroutines.
func BenchmarkViewParallel(b *testing.B) {
	each(b, func(b *testing.B, ctx context.Context, s docstore.Store) {
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				var d benchDoc
				k := benchKey(i % 1000)
				if err := s.View(ctx, func(tx docstore.Tx) error { return tx.Get(k, &d) }); err != nil {
					b.Error(err)
					return
				}
				i++
			}
		})
	})
}

// BenchmarkUpdate is one Update that reads and replaces one document, committed durably
// (and, on PostgreSQL, recorded in the change feed).
func BenchmarkUpdate(b *testing.B) {
	each(b, func(b *testing.B, ctx context.Context, s docstore.Store) {
		i := 0
		for b.Loop() {
			k := benchKey(i % 1000)
			err := s.Update(ctx, func(tx docstore.Tx) error {
				var d benchDoc
				if err := tx.Get(k, &d); err != nil {
					return err
				}
				d.Serial++
				return tx.Put(k, d)
			})
			if err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

// BenchmarkUpdateParallel is BenchmarkUpdate from 8 goroutines per GOMAXPROCS (SQLite
// commits them in groups; PostgreSQL one at a time under the write lock).
func BenchmarkUpdateParallel(b *testing.B) {
	each(b, func(b *testing.B, ctx context.Context, s docstore.Store) {
		b.SetParallelism(8)
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				k := benchKey(i % 1000)
				err := s.Update(ctx, func(tx docstore.Tx) error {
					var d benchDoc
					if err := tx.Get(k, &d); err != nil {
						return err
					}
					d.Serial++
					return tx.Put(k, d)
				})
				if err != nil {
					b.Error(err)
					return
				}
				i++
			}
		})
	})
}

// BenchmarkHead is the catch-up check a replica makes before each request.
func BenchmarkHead(b *testing.B) {
	s, err := Open(b.Context(), pgtest.Database(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	for b.Loop() {
		if _, err := s.Head(b.Context()); err != nil {
			b.Fatal(err)
		}
	}
}
