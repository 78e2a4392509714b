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

const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

// newID returns prefix plus random characters of AWS's unique-id alphabet: 21 characters in
// all for entities, 20 for access key ids.
func newID(prefix string) string {
	n := 17
	if prefix == prefixAccessKey {
		n = 16
	}
	return prefix + randomString(idAlphabet, n)
}

const secretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

// newSecretKey returns a 40-character secret access key from crypto/rand.
func newSecretKey() string { return randomString(secretAlphabet, 40) }

func randomString(alphabet string, n int) string {
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
