package policy

import (
	"fmt"
	"strings"
	"testing"
)

// bigPolicy builds a valid identity policy of about size bytes: statements of several
// resources, separated by sep ("" for one line, "\n" for one statement a line).
func bigPolicy(tb testing.TB, size int, sep string) []byte {
	tb.Helper()
	var b strings.Builder
	b.WriteString(`{"Version":"2012-10-17","Statement":[`)
	for i := 0; b.Len() < size; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(sep)
		fmt.Fprintf(&b, `{"Sid":"S%d","Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],`+
			`"Resource":["arn:aws:s3:::bucket-%d","arn:aws:s3:::bucket-%d/ünïcödé/*"],`+
			`"Condition":{"StringEquals":{"aws:PrincipalTag/team":"team-%d"}}}`, i, i, i, i)
	}
	b.WriteString(sep + `]}`)
	data := []byte(b.String())
	if _, err := Parse(data, Identity); err != nil {
		tb.Fatal(err)
	}
	return data
}

func benchmarkParseData(b *testing.B, data []byte) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(data, Identity); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseOneLineMegabyte parses a 1 MB policy written on a single line: the cost
// must grow with the document, not with the square of its longest line.
func BenchmarkParseOneLineMegabyte(b *testing.B) {
	benchmarkParseData(b, bigPolicy(b, 1<<20, ""))
}

// BenchmarkParseManyLinesMegabyte parses a 1 MB policy of one statement a line.
func BenchmarkParseManyLinesMegabyte(b *testing.B) {
	benchmarkParseData(b, bigPolicy(b, 1<<20, "\n"))
}

// BenchmarkParseOneLine parses one-line policies of growing size: per byte the cost must
// stay flat (it grew with the line's length while columns were counted from its start).
func BenchmarkParseOneLine(b *testing.B) {
	for _, kb := range []int{16, 64, 256} {
		data := bigPolicy(b, kb<<10, "")
		b.Run(fmt.Sprintf("%dKB", kb), func(b *testing.B) { benchmarkParseData(b, data) })
	}
}
