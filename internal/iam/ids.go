package iam

import (
	"crypto/rand"
	"math/big"
)

// Prefixes of AWS unique ids.
const (
	prefixUser            = "AIDA"
	prefixGroup           = "AGPA"
	prefixRole            = "AROA"
	prefixPolicy          = "ANPA"
	prefixInstanceProfile = "AIPA"
	prefixAccessKey       = "AKIA"
)

// IDAlphabet is the alphabet of AWS unique ids and access key ids (base32's).
const IDAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

// newID returns prefix plus random characters of AWS's unique-id alphabet: 21 characters in
// all for entities, 20 for access key ids.
func newID(prefix string) string {
	n := 17
	if prefix == prefixAccessKey {
		n = 16
	}
	return prefix + RandomString(IDAlphabet, n)
}

const secretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

// NewSecretAccessKey returns a 40-character secret access key from crypto/rand, for a
// user's access key or a session's.
func NewSecretAccessKey() string { return RandomString(secretAlphabet, 40) }

// RandomString returns n characters drawn uniformly from alphabet with crypto/rand.
func RandomString(alphabet string, n int) string {
	b := make([]byte, n)
	max := big.NewInt(int64(len(alphabet)))
	for i := range b {
		v, err := rand.Int(rand.Reader, max)
		if err != nil {
			panic("crypto/rand failed: " + err.Error())
		}
		b[i] = alphabet[v.Int64()]
	}
	return string(b)
}
