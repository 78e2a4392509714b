package catalog

import (
	"runtime"
	"testing"
)

// BenchmarkLoad measures reading the embedded catalog (what the first use costs) and the
// heap it keeps.
func BenchmarkLoad(b *testing.B) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var keep *Catalog
	for b.Loop() {
		c, err := Load(compressed)
		if err != nil {
			b.Fatal(err)
		}
		keep = c
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "MB-retained")
	runtime.KeepAlive(keep)
}

func BenchmarkExpandServiceWildcard(b *testing.B) {
	c := Default()
	for b.Loop() {
		if len(c.Expand("s3:Get*")) == 0 {
			b.Fatal("empty")
		}
	}
}

func BenchmarkMatchesResource(b *testing.B) {
	a := Default().Action("s3:GetObject")
	for b.Loop() {
		if ok, _ := a.MatchesResource("arn:aws:s3:::bucket/${aws:username}/*"); !ok {
			b.Fatal("no match")
		}
	}
}

func BenchmarkKey(b *testing.B) {
	c := Default()
	for b.Loop() {
		if _, ok := c.Key("aws:PrincipalTag/team"); !ok {
			b.Fatal("not found")
		}
	}
}
