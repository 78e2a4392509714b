package iam

import (
	"encoding/base32"
	"net/url"
	"testing"
	"time"
)

// RFC 6238, appendix B: the SHA-1 seed "12345678901234567890" and its 8-digit codes, whose
// last six digits are the 6-digit codes.
func TestTOTPMatchesRFC6238(t *testing.T) {
	seed := base32.StdEncoding.EncodeToString([]byte("12345678901234567890"))
	for unix, want := range map[int64]string{59: "287082", 1111111109: "081804", 1111111111: "050471", 1234567890: "005924", 2000000000: "279037"} {
		got, err := totpCode(seed, totpStep(time.Unix(unix, 0)))
		if err != nil || got != want {
			t.Errorf("T=%d: %q %v, want %q", unix, got, err, want)
		}
	}
}

func TestTOTPConsecutiveAndReplay(t *testing.T) {
	seed, err := newTOTPSeed()
	if err != nil || len(seed) != 64 {
		t.Fatalf("seed %q %v", seed, err)
	}
	now := time.Unix(1_800_000_015, 0)
	s := totpStep(now)
	c := func(step int64) string {
		code, err := totpCode(seed, step)
		if err != nil {
			t.Fatal(err)
		}
		return code
	}
	none := func(int64) bool { return false }
	upTo := func(last int64) func(int64) bool { return func(step int64) bool { return step <= last } }
	if step, ok, _ := totpConsecutive(seed, c(s+3), c(s+4), now, none); !ok || step != s+4 {
		t.Fatalf("consecutive codes ahead: %d %v", step, ok)
	}
	if step, ok, _ := totpConsecutive(seed, c(s-3), c(s-2), now, none); !ok || step != s-2 {
		t.Fatalf("consecutive codes behind: %d %v", step, ok)
	}
	if _, ok, _ := totpConsecutive(seed, c(s+3), c(s+4), now, upTo(s+4)); ok {
		t.Fatal("codes of used steps were accepted")
	}
	if _, ok, _ := totpConsecutive(seed, c(s+3), c(s+4), now, func(step int64) bool { return step == s+4 }); ok {
		t.Fatal("a pair ending on a used step was accepted")
	}
	if _, ok, _ := totpConsecutive(seed, c(s+totpSyncSteps+1), c(s+totpSyncSteps+2), now, none); ok {
		t.Fatal("codes past the sync window were accepted")
	}
	if _, ok, _ := totpMatch(seed, c(s), s-1, s+1, upTo(s)); ok {
		t.Fatal("a used step's code was accepted")
	}
	if step, ok, _ := totpMatch(seed, c(s+1), s-1, s+1, upTo(s)); !ok || step != s+1 {
		t.Fatal("the next step's code was refused")
	}
}

func TestMFAKeyURI(t *testing.T) {
	uri := MFAKeyURI("alice", "example-corp", "JBSWY3DPEHPK3PXP")
	want := "otpauth://totp/Amazon%20Web%20Services:alice@example-corp?secret=JBSWY3DPEHPK3PXP&issuer=Amazon%20Web%20Services"
	if uri != want {
		t.Fatalf("%s\nwant %s", uri, want)
	}
	u, err := url.Parse(uri)
	if err != nil || u.Query().Get("secret") != "JBSWY3DPEHPK3PXP" || u.Query().Get("issuer") != "Amazon Web Services" {
		t.Fatalf("parsed %v %v", u, err)
	}
	png, err := mfaQRCode(uri)
	if err != nil || len(png) < 8 || string(png[1:4]) != "PNG" {
		t.Fatalf("QR code %v", err)
	}
}
