package iam

import (
	"crypto/rand"
	"encoding/base32"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
)

// TOTP as virtual MFA devices speak it (RFC 6238): HMAC-SHA1, six digits, 30-second steps,
// the counter the number of steps since the Unix epoch.
const (
	totpPeriod = 30 * time.Second
	// totpSkewSteps is how many steps either side of the device's expected step a code
	// authenticating a request may come from (a clock a little off, a code typed as it
	// turned).
	totpSkewSteps = 1
	// totpSyncSteps is how far from the server's step EnableMFADevice and ResyncMFADevice
	// look for the two consecutive codes: a device whose clock drifted is resynchronized,
	// and codes submitted a while after they were read still enable the device (the IAM
	// API reference: "the MFA device successfully associates with the user but the MFA
	// device becomes out of sync"). AWS does not document its window; this one is 10
	// minutes either side.
	totpSyncSteps = 20
	// maxUsedSteps is how many of the last accepted steps a device remembers: enough to
	// cover the sync window, so that a resynchronization that moves the device back in
	// time cannot make a code already used good again.
	maxUsedSteps = 2*totpSyncSteps + 2
	// seedBytes is the seed's size: 40 bytes, the 64 Base32 characters AWS's seeds have.
	seedBytes = 40
)

var totpOpts = hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// newTOTPSeed returns a new random seed in Base32 (RFC 4648, no padding needed at 40 bytes).
func newTOTPSeed() (string, error) {
	b := make([]byte, seedBytes)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base32.StdEncoding.EncodeToString(b), nil
}

// totpStep is the step of a time.
func totpStep(t time.Time) int64 { return t.Unix() / int64(totpPeriod/time.Second) }

// totpCode is the code of a seed at a step.
func totpCode(seed string, step int64) (string, error) {
	return hotp.GenerateCodeCustom(seed, uint64(step), totpOpts)
}

// totpMatch returns the step in [from, to] whose code is code and that spent does not
// refuse (a step whose code was used already), or false.
func totpMatch(seed, code string, from, to int64, spent func(step int64) bool) (int64, bool, error) {
	for step := from; step <= to; step++ {
		if spent(step) {
			continue
		}
		c, err := totpCode(seed, step)
		if err != nil {
			return 0, false, err
		}
		if c == code {
			return step, true, nil
		}
	}
	return 0, false, nil
}

// totpConsecutive returns the step of code2 when code1 and code2 are the codes of two
// consecutive steps within totpSyncSteps of now, neither of them spent.
func totpConsecutive(seed, code1, code2 string, now time.Time, spent func(step int64) bool) (int64, bool, error) {
	center := totpStep(now)
	from, to := center-totpSyncSteps, center+totpSyncSteps
	for from <= to {
		step, ok, err := totpMatch(seed, code1, from, to, spent)
		if err != nil || !ok {
			return 0, false, err
		}
		next, err := totpCode(seed, step+1)
		if err != nil {
			return 0, false, err
		}
		if next == code2 && !spent(step+1) {
			return step + 1, true, nil
		}
		from = step + 1
	}
	return 0, false, nil
}
