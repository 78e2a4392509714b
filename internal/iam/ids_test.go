package iam

import (
	"strings"
	"testing"
)

func TestRandomStringDrawsFromItsAlphabet(t *testing.T) {
	for _, alphabet := range []string{IDAlphabet, secretAlphabet, "xy"} {
		for _, n := range []int{0, 1, 40} {
			s := RandomString(alphabet, n)
			if len(s) != n {
				t.Fatalf("RandomString(%q, %d) = %q: length %d", alphabet, n, s, len(s))
			}
			for _, c := range s {
				if !strings.ContainsRune(alphabet, c) {
					t.Fatalf("RandomString(%q, %d) = %q: %q is not in the alphabet", alphabet, n, s, c)
				}
			}
		}
	}
	if RandomString(IDAlphabet, 16) == RandomString(IDAlphabet, 16) {
		t.Fatal("two 16-character draws are equal")
	}
}

func TestIDsAndSecretKeysHaveAWSShapes(t *testing.T) {
	for prefix, want := range map[string]int{prefixUser: 21, prefixRole: 21, prefixGroup: 21, prefixAccessKey: 20} {
		id := newID(prefix)
		if len(id) != want || !strings.HasPrefix(id, prefix) || strings.Trim(id, IDAlphabet) != "" {
			t.Fatalf("newID(%s) = %q, want %d characters of the id alphabet", prefix, id, want)
		}
	}
	key := NewSecretAccessKey()
	if len(key) != 40 || strings.Trim(key, secretAlphabet) != "" {
		t.Fatalf("NewSecretAccessKey(): %d characters, want 40 of the secret alphabet", len(key))
	}
}
