package secretbox

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/store/sqlite"
)

// BenchmarkRotate measures rotations of 4000 documents (two accounts) on a real SQLite
// store: b.N rotations, each to a new key, reported as values re-sealed per second.
func BenchmarkRotate(b *testing.B) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	box, _ := New(bytes.Repeat([]byte{9}, KeySize))
	accounts := []string{"111111111111", "222222222222"}
	const perAccount = 2000
	err = st.Update(ctx, func(tx docstore.Tx) error {
		for _, a := range accounts {
			for i := range perAccount {
				id := fmt.Sprintf("doc-%05d", i)
				d := testDoc{Ctx: a + "/" + id, Plain: "p"}
				if d.Sealed, err = box.Seal([]byte(d.Plain), d.Ctx); err != nil {
					return err
				}
				if err := tx.Put(docstore.Key{Collection: testCollection.Name, Account: a, ID: id}, &d); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	r := NewRotator(box, st, "", func(context.Context) ([]string, error) { return accounts, nil }, []Collection{testCollection}, time.Now)
	r.settle = 0 // measure the re-sealing, not the wait for late writers
	b.ResetTimer()
	for i := range b.N {
		rot, err := r.Rotate(ctx, bytes.Repeat([]byte{byte(10 + i%200)}, KeySize))
		if err != nil {
			b.Fatal(err)
		}
		if rot.Resealed[testCollection.Name] != len(accounts)*perAccount {
			b.Fatalf("re-sealed %v", rot.Resealed)
		}
	}
	b.ReportMetric(float64(b.N*len(accounts)*perAccount)/b.Elapsed().Seconds(), "values/s")
}
