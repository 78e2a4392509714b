package iam

import (
	"context"
	"errors"

	"github.com/iamd-dev/iamd/internal/docstore"
)

// Why a code did not authenticate a user (VerifyMFACode); STS words each as AWS does.
var (
	// ErrMFADeviceNotAssociated: the serial number names no device enabled for the user.
	ErrMFADeviceNotAssociated = errors.New("iam: the serial number names no MFA device of the user")
	// ErrMFACodeInvalid: the code is not the device's current code, or was used already.
	ErrMFACodeInvalid = errors.New("iam: the MFA code is not valid")
)

// HasActiveMFADevice reports whether the user has an MFA device enabled (the credential
// report's mfa_active column). A user that does not exist has none.
func (s *Service) HasActiveMFADevice(ctx context.Context, account, userName string) (bool, error) {
	active := false
	err := s.view(ctx, func(tx docstore.Tx) error {
		var u User
		if err := tx.Get(key(colUser, account, userName), &u); err != nil {
			if errors.Is(err, docstore.ErrNotFound) {
				return nil
			}
			return err
		}
		have, err := devicesOf(tx, account, u.ID)
		active = len(have) > 0
		return err
	})
	return active, err
}

// usersWithActiveMFA is the unique ids of the account's users with an MFA device enabled
// (HasActiveMFADevice of every user at once), in a transaction of the caller's.
func usersWithActiveMFA(tx docstore.Tx, account string) (map[string]bool, error) {
	devices, err := listDocs(tx, colMFADevice, account, (*MFADevice).Assigned)
	out := map[string]bool{}
	for i := range devices {
		out[devices[i].UserID] = true
	}
	return out, err
}

// VerifyMFACode authenticates a user (of the unique id) by a code of one of its enabled
// devices: the code of the device's current step, give or take one, not used before. An
// accepted code is used up. It returns ErrMFADeviceNotAssociated or ErrMFACodeInvalid when
// the code does not authenticate the user. Using a code is not an IAM change: the generation
// stays.
func (s *Service) VerifyMFACode(ctx context.Context, account, userID, serial, code string) error {
	if len(code) != authCodeLength || !authCodePattern.MatchString(code) {
		return ErrMFACodeInvalid
	}
	return s.store.Update(ctx, func(tx docstore.Tx) error {
		var d MFADevice
		if err := getMFADevice(tx, account, serial, &d); err != nil {
			if isNoSuchEntity(err) {
				return ErrMFADeviceNotAssociated
			}
			return err
		}
		if userID == "" || d.UserID != userID {
			return ErrMFADeviceNotAssociated
		}
		seed, err := s.openSeed(&d)
		if err != nil {
			return err
		}
		expected := totpStep(s.now()) + d.Drift
		spent := func(step int64) bool { return step <= d.LastStep || d.spent(step) }
		step, ok, err := totpMatch(seed, code, expected-totpSkewSteps, expected+totpSkewSteps, spent)
		if err != nil {
			return err
		}
		if !ok {
			return ErrMFACodeInvalid
		}
		d.LastStep = step
		d.use(step)
		return putMFADevice(tx, &d)
	})
}
