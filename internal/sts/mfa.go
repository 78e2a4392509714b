package sts

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"time"

	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/policy"
)

// MFA is the SerialNumber and TokenCode of GetSessionToken and AssumeRole: the caller's MFA
// device and its current code.
type MFA struct {
	SerialNumber string
	TokenCode    string
}

// given reports whether the request names a device or a code.
func (m MFA) given() bool { return m.SerialNumber != "" || m.TokenCode != "" }

var (
	mfaSerialPattern = regexp.MustCompile(`^[\w+=/:,.@-]*$`)
	tokenCodePattern = regexp.MustCompile(`^[\d]*$`)
)

// check records the members' constraint violations (STS API reference: serialNumberType,
// 9..256 characters; tokenCodeType, 6 digits).
func (m MFA) check(v *violations) {
	if m.SerialNumber != "" && !v.length(m.SerialNumber, "serialNumber", 9, 256) && !mfaSerialPattern.MatchString(m.SerialNumber) {
		v.add(m.SerialNumber, "serialNumber", `Member must satisfy regular expression pattern: [\w+=/:,.@-]*`)
	}
	if m.TokenCode != "" && !v.length(m.TokenCode, "tokenCode", 6, 6) && !tokenCodePattern.MatchString(m.TokenCode) {
		v.add(m.TokenCode, "tokenCode", `Member must satisfy regular expression pattern: [\d]*`)
	}
}

// AWS's answers to an MFA code that does not authenticate the caller.
func mfaUnknownDevice() error {
	return awserr.AccessDenied("MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.")
}

func mfaInvalidCode() error {
	return awserr.AccessDenied("MultiFactorAuthentication failed with invalid MFA one time pass code.")
}

// verifyMFA authenticates the caller by the code of one of its user's enabled devices and
// returns when (now). The caller must be an IAM user (long-term keys or its own session).
func (s *Service) verifyMFA(ctx context.Context, caller *authz.Caller, m MFA) (time.Time, error) {
	switch {
	case m.SerialNumber == "":
		return time.Time{}, mfaUnknownDevice()
	case m.TokenCode == "":
		return time.Time{}, mfaInvalidCode()
	case caller.Principal.Kind != policy.User:
		return time.Time{}, mfaUnknownDevice() // the root user's and roles' devices are not served
	}
	err := s.iam.VerifyMFACode(ctx, caller.Account, caller.EntityID, m.SerialNumber, m.TokenCode)
	switch {
	case errors.Is(err, iam.ErrMFADeviceNotAssociated):
		return time.Time{}, mfaUnknownDevice()
	case errors.Is(err, iam.ErrMFACodeInvalid):
		return time.Time{}, mfaInvalidCode()
	case err != nil:
		return time.Time{}, err
	}
	return s.now().UTC().Truncate(time.Second), nil
}

// setMFAKeys puts an MFA authentication into a trust evaluation's context, as the session it
// makes will carry it.
func setMFAKeys(rc *policy.Context, authTime, now time.Time) {
	if authTime.IsZero() {
		return
	}
	rc.Set("aws:MultiFactorAuthPresent", "true")
	age := int64(0)
	if now.After(authTime) {
		age = int64(now.Sub(authTime) / time.Second)
	}
	rc.Set("aws:MultiFactorAuthAge", strconv.FormatInt(age, 10))
}
