package ec2

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
)

// newID returns prefix followed by "0" and 16 random hex digits: AWS's 17-character
// resource ids (i-0123456789abcdef0, r-..., iip-assoc-...).
func newID(prefix string) string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return prefix + "0" + hex.EncodeToString(b[:])
}

// validID reports whether s is prefix followed by 8 or 17 lower-case hex digits, the
// short and long forms of EC2 ids.
func validID(s, prefix string) bool {
	if !strings.HasPrefix(s, prefix) {
		return false
	}
	rest := s[len(prefix):]
	if len(rest) != 8 && len(rest) != 17 {
		return false
	}
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// ValidInstanceID reports whether s is shaped as an instance id.
func ValidInstanceID(s string) bool { return validID(s, "i-") }
