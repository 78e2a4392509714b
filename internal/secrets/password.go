package secrets

import (
	"crypto/rand"
	"math/big"
	"strings"
)

// PasswordInput is GetRandomPassword's parameters, under the names of the operation's JSON
// input; Length 0 means AWS's default of 32, and RequireEach nil means true.
type PasswordInput struct {
	Length             int64 `json:"PasswordLength"`
	ExcludeCharacters  string
	ExcludeNumbers     bool
	ExcludePunctuation bool
	ExcludeUppercase   bool
	ExcludeLowercase   bool
	IncludeSpace       bool
	RequireEach        *bool `json:"RequireEachIncludedType"`
}

// The character classes of GetRandomPassword.
const (
	upperChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	lowerChars = "abcdefghijklmnopqrstuvwxyz"
	digitChars = "0123456789"
	punctChars = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
)

// RandomPassword draws a password from crypto/rand (GetRandomPassword).
func RandomPassword(in PasswordInput) (string, error) {
	length := in.Length
	if length == 0 {
		length = 32
	}
	if length < 1 || length > 4096 {
		return "", invalidParameter("PasswordLength must be between 1 and 4096.")
	}
	if len(in.ExcludeCharacters) > 4096 {
		return "", invalidParameter("ExcludeCharacters must be at most 4096 characters.")
	}
	keep := func(set string) string {
		return strings.Map(func(r rune) rune {
			if strings.ContainsRune(in.ExcludeCharacters, r) {
				return -1
			}
			return r
		}, set)
	}
	var classes []string
	for _, c := range []struct {
		set      string
		included bool
	}{
		{upperChars, !in.ExcludeUppercase}, {lowerChars, !in.ExcludeLowercase},
		{digitChars, !in.ExcludeNumbers}, {punctChars, !in.ExcludePunctuation}, {" ", in.IncludeSpace},
	} {
		if !c.included {
			continue
		}
		if set := keep(c.set); set != "" {
			classes = append(classes, set)
		}
	}
	all := strings.Join(classes, "")
	if all == "" {
		return "", invalidParameter("The password cannot be generated: every character type is excluded.")
	}
	requireEach := in.RequireEach == nil || *in.RequireEach
	if requireEach && int64(len(classes)) > length {
		return "", invalidParameter("The password length is too short to include every required character type.")
	}
	out := make([]byte, 0, length)
	if requireEach {
		for _, c := range classes {
			out = append(out, c[randInt(len(c))])
		}
	}
	for int64(len(out)) < length {
		out = append(out, all[randInt(len(all))])
	}
	// Shuffle (Fisher-Yates), so that the required characters are anywhere.
	for i := len(out) - 1; i > 0; i-- {
		j := randInt(i + 1)
		out[i], out[j] = out[j], out[i]
	}
	return string(out), nil
}

func randInt(n int) int {
	v, err := rand.Int(rand.Reader, big.NewInt(int64(n)))
	if err != nil {
		panic("crypto/rand: " + err.Error())
	}
	return int(v.Int64())
}
