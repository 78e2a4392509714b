package iam

import "testing"

// BenchmarkHashPassword is the cost of storing one password (Argon2id with iamd's
// parameters): deliberately slow, it bounds how fast a stolen database can be guessed at.
func BenchmarkHashPassword(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := hashPassword("Correct-Horse-9"); err != nil {
			b.Fatal(err)
		}
	}
}
