package sts

import "testing"

func TestSessionKeyIDNamesItsAccount(t *testing.T) {
	for _, account := range []string{"123456789012", "000000000001", "999999999999", "111111111111"} {
		id := sessionKeyID(account)
		if len(id) != 20 || id[:4] != "ASIA" {
			t.Fatalf("id %q", id)
		}
		got, ok := AccountOfSessionKey(id)
		if !ok || got != account {
			t.Fatalf("AccountOfSessionKey(%q) = %q, %v; want %s", id, got, ok, account)
		}
	}
	for _, bad := range []string{"AKIAIOSFODNN7EXAMPLE", "ASIA", "ASIA99999999AAAAAAAA", "ASIA7777777777777777", "ASIA1111111111111111"} {
		if _, ok := AccountOfSessionKey(bad); ok {
			t.Fatalf("AccountOfSessionKey(%q) accepted", bad)
		}
	}
}
