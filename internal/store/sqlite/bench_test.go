package sqlite

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/iamd-dev/iamd/internal/docstore"
)

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

// benchStore opens a store holding 1000 documents. Its context is cancellable, as a
// request's is.
func benchStore(b *testing.B) (*Store, context.Context) {
	s, err := Open(b.Context(), b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	ctx, cancel := context.WithCancel(b.Context())
	b.Cleanup(cancel)
	err = s.Update(ctx, func(tx docstore.Tx) error {
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
	return s, ctx
}

func benchKey(i int) docstore.Key {
	return docstore.Key{Collection: "iam.role", Account: "123456789012", ID: fmt.Sprintf("role-%04d", i)}
}

// BenchmarkGet is one View with one Get.
func BenchmarkGet(b *testing.B) {
	s, ctx := benchStore(b)
	i := 0
	for b.Loop() {
		var d benchDoc
		k := benchKey(i % 1000)
		if err := s.View(ctx, func(tx docstore.Tx) error { return tx.Get(k, &d) }); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkGetParallel(b *testing.B) {
	s, ctx := benchStore(b)
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
}

// BenchmarkUpdatePut is one Update with one Put: a durable commit, an fsync of the log.
// Each Put changes the document: SQLite writes nothing for a Put of the same bytes.
func BenchmarkUpdatePut(b *testing.B) {
	s, ctx := benchStore(b)
	i := 0
	for b.Loop() {
		k, d := benchKey(i%1000), bdoc
		d.Serial = i
		if err := s.Update(ctx, func(tx docstore.Tx) error { return tx.Put(k, d) }); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkList100 lists 100 documents of 1000 in one View.
func BenchmarkList100(b *testing.B) {
	s, ctx := benchStore(b)
	for b.Loop() {
		n := 0
		err := s.View(ctx, func(tx docstore.Tx) error {
			return tx.List("iam.role", "123456789012", "role-01", "", func(string, []byte) error { n++; return nil })
		})
		if err != nil || n != 100 {
			b.Fatal(n, err)
		}
	}
}

// BenchmarkUpdatePutConcurrent is BenchmarkUpdatePut from 16 goroutines at once: each
// Update a durable commit, as concurrent IAM writes are. Its ns/op against
// BenchmarkUpdatePut's shows whether concurrent commits share an fsync.
func BenchmarkUpdatePutConcurrent(b *testing.B) {
	s, ctx := benchStore(b)
	var serial atomic.Int64
	b.SetParallelism(16 / max(1, runtime.GOMAXPROCS(0)))
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := int(serial.Add(1))
			k, d := benchKey(i%1000), bdoc
			d.Serial = i
			if err := s.Update(ctx, func(tx docstore.Tx) error { return tx.Put(k, d) }); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
