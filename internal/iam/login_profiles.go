package iam

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/docstore"
)

// colLoginProfile holds users' login profiles (console passwords), keyed by the user's
// lower-cased name: a user has at most one.
const colLoginProfile = "iam.login-profile"

// maxPasswordHistory is how many earlier password hashes a profile keeps: the most that
// PasswordReusePrevention can ask about (the current password is the first of them).
const maxPasswordHistory = maxPasswordReuse - 1

// loginProfileDoc is a stored login profile. The password is kept only as a salted Argon2id
// hash (password_hash.go), and so are the earlier ones reuse prevention compares against.
type loginProfileDoc struct {
	Account               string    `json:"account"`
	UserName              string    `json:"userName"`
	UserID                string    `json:"userId"` // the user's AIDA id
	CreateDate            time.Time `json:"createDate"`
	PasswordResetRequired bool      `json:"passwordResetRequired,omitempty"`
	PasswordLastChanged   time.Time `json:"passwordLastChanged"`
	PasswordHash          string    `json:"passwordHash"`
	// PreviousHashes are the hashes of earlier passwords, the most recent first.
	PreviousHashes []string `json:"previousHashes,omitempty"`
	// Revision counts the profile's changes, so that a change decided outside the write
	// transaction (hashing is slow) applies only to the profile it was decided on.
	Revision int `json:"revision"`
}

// LoginProfile is a user's login profile as the API shows it: never the password or hash.
type LoginProfile struct {
	UserName              string
	CreateDate            time.Time
	PasswordResetRequired bool
}

func (d *loginProfileDoc) view() *LoginProfile {
	return &LoginProfile{UserName: d.UserName, CreateDate: d.CreateDate, PasswordResetRequired: d.PasswordResetRequired}
}

func noSuchLoginProfile(user string) error {
	return awserr.NoSuchEntity("Login Profile for User %s cannot be found.", user)
}

// loginProfileBusy is the answer when the profile changed between the request's checks and
// its write: AWS's EntityTemporarilyUnmodifiable, which a retry clears.
func loginProfileBusy(user string) error {
	return awserr.New("EntityTemporarilyUnmodifiable", "Login Profile for User %s cannot be modified while login profile is being modified.", user)
}

// getLoginProfile reads a user's profile (ok false when the user has none).
func getLoginProfile(tx docstore.Tx, account, user string) (loginProfileDoc, bool, error) {
	var d loginProfileDoc
	err := tx.Get(key(colLoginProfile, account, user), &d)
	switch {
	case errors.Is(err, docstore.ErrNotFound):
		return d, false, nil
	case err != nil:
		return d, false, fmt.Errorf("iam: reading the login profile of user %s of account %s: %w", user, account, err)
	}
	return d, true, nil
}

// passwordState is what deciding a new password needs: the user, their profile, the
// account's policy and name, read in one transaction.
type passwordState struct {
	user        User
	profile     loginProfileDoc
	hasProfile  bool
	policy      *PasswordPolicy
	accountName string
}

func (s *Service) readPasswordState(ctx context.Context, account, user string) (passwordState, error) {
	var st passwordState
	err := s.view(ctx, func(tx docstore.Tx) (err error) {
		if err = getUser(tx, account, user, &st.user); err != nil {
			return err
		}
		if st.profile, st.hasProfile, err = getLoginProfile(tx, account, st.user.Name); err != nil {
			return err
		}
		if st.policy, err = getPasswordPolicy(tx, account); err != nil {
			return err
		}
		var a Account
		if err := tx.Get(docstore.Key{Collection: colAccount, ID: account}, &a); err == nil {
			st.accountName = a.Name
		} else if !errors.Is(err, docstore.ErrNotFound) {
			return err
		}
		return nil
	})
	return st, err
}

// newPasswordHash checks a new password against the account's rules and the profile's
// recent passwords, and hashes it. It reads no store: it runs outside any transaction.
func (st *passwordState) newPasswordHash(password string) (string, error) {
	if err := checkPasswordRules(st.policy, st.accountName, password); err != nil {
		return "", err
	}
	if n := st.policy.reuseWindow(); n > 0 && st.hasProfile {
		recent := append([]string{st.profile.PasswordHash}, st.profile.PreviousHashes...)
		if len(recent) > n {
			recent = recent[:n]
		}
		for _, h := range recent {
			same, err := passwordMatches(h, password)
			if err != nil {
				return "", err
			}
			if same {
				return "", passwordViolation("Password should not be one of your %d most recent passwords", n)
			}
		}
	}
	return hashPassword(password)
}

// setPassword makes hash the profile's password, keeping the one it replaces.
func (d *loginProfileDoc) setPassword(hash string, at time.Time) {
	if d.PasswordHash != "" {
		d.PreviousHashes = append([]string{d.PasswordHash}, d.PreviousHashes...)
		if len(d.PreviousHashes) > maxPasswordHistory {
			d.PreviousHashes = d.PreviousHashes[:maxPasswordHistory]
		}
	}
	d.PasswordHash, d.PasswordLastChanged = hash, at
}

// changeLoginProfile applies a change decided on st's reading of the profile, in a write
// transaction: the user and the profile must still be the ones read.
func (s *Service) changeLoginProfile(ctx context.Context, account string, st *passwordState, change func(d *loginProfileDoc)) error {
	return s.update(ctx, func(tx docstore.Tx) error {
		var u User
		if err := getUser(tx, account, st.user.Name, &u); err != nil {
			return err
		}
		d, ok, err := getLoginProfile(tx, account, u.Name)
		switch {
		case err != nil:
			return err
		case !ok:
			return noSuchLoginProfile(u.Name)
		case u.ID != st.user.ID || d.Revision != st.profile.Revision:
			return loginProfileBusy(u.Name)
		}
		change(&d)
		d.Revision++
		return tx.Put(key(colLoginProfile, account, u.Name), &d)
	})
}

// CreateLoginProfileInput is CreateLoginProfile's parameters.
type CreateLoginProfileInput struct {
	Account               string
	UserName              string
	Password              string
	PasswordGiven         bool
	PasswordResetRequired bool
}

// CreateLoginProfile gives a user a console password, which must satisfy the account's
// password policy (AWS's default rules without one).
func (s *Service) CreateLoginProfile(ctx context.Context, in CreateLoginProfileInput) (*LoginProfile, error) {
	if err := userKind.checkName(in.UserName); err != nil {
		return nil, err
	}
	if !in.PasswordGiven {
		return nil, awserr.ValidationError("1 validation error detected: Value null at 'password' failed to satisfy constraint: Member must not be null")
	}
	if err := checkPasswordText(in.Password, "password"); err != nil {
		return nil, err
	}
	st, err := s.readPasswordState(ctx, in.Account, in.UserName)
	if err != nil {
		return nil, err
	}
	if st.hasProfile {
		return nil, loginProfileExists(st.user.Name)
	}
	hash, err := st.newPasswordHash(in.Password)
	if err != nil {
		return nil, err
	}
	now := s.clock()
	d := loginProfileDoc{
		Account: in.Account, UserName: st.user.Name, UserID: st.user.ID, CreateDate: now,
		PasswordResetRequired: in.PasswordResetRequired, PasswordLastChanged: now, PasswordHash: hash,
	}
	err = s.update(ctx, func(tx docstore.Tx) error {
		var u User
		if err := getUser(tx, in.Account, st.user.Name, &u); err != nil {
			return err
		}
		if u.ID != st.user.ID {
			return loginProfileBusy(u.Name)
		}
		err := tx.Insert(key(colLoginProfile, in.Account, u.Name), &d)
		if errors.Is(err, docstore.ErrConflict) {
			return loginProfileExists(u.Name)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return d.view(), nil
}

func loginProfileExists(user string) error {
	return awserr.EntityAlreadyExists("Login Profile for user %s already exists.", user)
}

// GetLoginProfile returns a user's login profile.
func (s *Service) GetLoginProfile(ctx context.Context, account, user string) (*LoginProfile, error) {
	var d loginProfileDoc
	err := s.view(ctx, func(tx docstore.Tx) error {
		var u User
		if err := getUser(tx, account, user, &u); err != nil {
			return err
		}
		var ok bool
		var err error
		if d, ok, err = getLoginProfile(tx, account, u.Name); err != nil {
			return err
		} else if !ok {
			return noSuchLoginProfile(u.Name)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d.view(), nil
}

// UpdateLoginProfileInput is UpdateLoginProfile's parameters; what is not given is kept.
type UpdateLoginProfileInput struct {
	Account               string
	UserName              string
	Password              *string
	PasswordResetRequired *bool
}

// UpdateLoginProfile sets a user's password for them (an administrator's reset) and/or
// whether they must choose a new one at their next sign-in.
func (s *Service) UpdateLoginProfile(ctx context.Context, in UpdateLoginProfileInput) error {
	if err := userKind.checkName(in.UserName); err != nil {
		return err
	}
	if in.Password != nil {
		if err := checkPasswordText(*in.Password, "password"); err != nil {
			return err
		}
	}
	st, err := s.readPasswordState(ctx, in.Account, in.UserName)
	if err != nil {
		return err
	}
	if !st.hasProfile {
		return noSuchLoginProfile(st.user.Name)
	}
	var hash string
	if in.Password != nil {
		if hash, err = st.newPasswordHash(*in.Password); err != nil {
			return err
		}
	}
	now := s.clock()
	return s.changeLoginProfile(ctx, in.Account, &st, func(d *loginProfileDoc) {
		if hash != "" {
			d.setPassword(hash, now)
		}
		if in.PasswordResetRequired != nil {
			d.PasswordResetRequired = *in.PasswordResetRequired
		}
	})
}

// DeleteLoginProfile removes a user's console password (their access keys are untouched).
func (s *Service) DeleteLoginProfile(ctx context.Context, account, user string) error {
	if err := userKind.checkName(user); err != nil {
		return err
	}
	return s.update(ctx, func(tx docstore.Tx) error {
		var u User
		if err := getUser(tx, account, user, &u); err != nil {
			return err
		}
		err := tx.Delete(key(colLoginProfile, account, u.Name))
		if errors.Is(err, docstore.ErrNotFound) {
			return noSuchLoginProfile(u.Name)
		}
		return err
	})
}

// ChangePassword changes an IAM user's own password: the old one must be the current one,
// and the new one satisfy the account's rules. It clears PasswordResetRequired. Whether the
// user may call it at all (an identity policy, or the policy's AllowUsersToChangePassword)
// is decided before (PasswordSelfService).
func (s *Service) ChangePassword(ctx context.Context, account, user, oldPassword, newPassword string) error {
	if err := checkPasswordText(oldPassword, "oldPassword"); err != nil {
		return err
	}
	if err := checkPasswordText(newPassword, "newPassword"); err != nil {
		return err
	}
	st, err := s.readPasswordState(ctx, account, user)
	if err != nil {
		return err
	}
	if !st.hasProfile {
		return noSuchLoginProfile(st.user.Name)
	}
	same, err := passwordMatches(st.profile.PasswordHash, oldPassword)
	if err != nil {
		return err
	}
	if !same {
		return awserr.AccessDenied("The old password is incorrect.")
	}
	hash, err := st.newPasswordHash(newPassword)
	if err != nil {
		return err
	}
	now := s.clock()
	return s.changeLoginProfile(ctx, account, &st, func(d *loginProfileDoc) {
		d.setPassword(hash, now)
		d.PasswordResetRequired = false
	})
}

// SelfServiceGrants is what an account's password policy lets each of its IAM users do on
// themselves without any identity policy (AllowUsersToChangePassword): AWS applies it at
// the account level, for all users.
type SelfServiceGrants struct {
	// ChangePassword: iam:ChangePassword on the user itself. An expired password under
	// HardExpiry loses it: only a user allowed iam:ChangePassword by a policy may then
	// reset it through the API.
	ChangePassword bool
	// GetAccountPasswordPolicy: iam:GetAccountPasswordPolicy.
	GetAccountPasswordPolicy bool
}

// PasswordSelfService returns what the account's password policy grants the IAM user.
func (s *Service) PasswordSelfService(ctx context.Context, account, user string) (SelfServiceGrants, error) {
	var g SelfServiceGrants
	err := s.view(ctx, func(tx docstore.Tx) error {
		p, err := getPasswordPolicy(tx, account)
		if err != nil || p == nil || !p.AllowUsersToChangePassword {
			return err
		}
		g.GetAccountPasswordPolicy, g.ChangePassword = true, true
		if p.hardExpiry() && user != "" {
			d, ok, err := getLoginProfile(tx, account, user)
			if err != nil {
				return err
			}
			if exp := p.expiresAt(d.PasswordLastChanged); ok && !exp.IsZero() && !s.clock().Before(exp) {
				g.ChangePassword = false
			}
		}
		return nil
	})
	return g, err
}

// PasswordStatus is what a credential report says of one user's console password.
type PasswordStatus struct {
	// Enabled: the user has a login profile (password_enabled).
	Enabled bool
	// LastChanged is when the password was last set (password_last_changed; zero when not
	// Enabled).
	LastChanged time.Time
	// NextRotation is when the account's MaxPasswordAge requires a new password
	// (password_next_rotation; zero when passwords do not expire or the user has none).
	NextRotation time.Time
}

// PasswordStatuses returns the console password status of every user of the account with
// a login profile, by user name as stored; a user missing from the map has no password
// (password_enabled false). It reads the account in one transaction, for the credential
// report.
func (s *Service) PasswordStatuses(ctx context.Context, account string) (map[string]PasswordStatus, error) {
	var out map[string]PasswordStatus
	err := s.view(ctx, func(tx docstore.Tx) (err error) {
		out, err = passwordStatuses(tx, account)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// passwordStatuses is PasswordStatuses in a transaction of the caller's.
func passwordStatuses(tx docstore.Tx, account string) (map[string]PasswordStatus, error) {
	p, err := getPasswordPolicy(tx, account)
	if err != nil {
		return nil, err
	}
	profiles, err := listDocs(tx, colLoginProfile, account, func(*loginProfileDoc) bool { return true })
	if err != nil {
		return nil, err
	}
	out := map[string]PasswordStatus{}
	for _, d := range profiles {
		out[d.UserName] = PasswordStatus{Enabled: true, LastChanged: d.PasswordLastChanged, NextRotation: p.expiresAt(d.PasswordLastChanged)}
	}
	return out, nil
}

// hasLoginProfile reports whether a user has a login profile (DeleteUser's conflict).
func hasLoginProfile(tx docstore.Tx, account, user string) (bool, error) {
	_, ok, err := getLoginProfile(tx, account, user)
	return ok, err
}

// renameLoginProfile moves a user's login profile to the user's new name (UpdateUser).
func renameLoginProfile(tx docstore.Tx, account, oldName, newName string) error {
	d, ok, err := getLoginProfile(tx, account, oldName)
	if err != nil || !ok {
		return err
	}
	d.UserName = newName
	d.Revision++
	if !strings.EqualFold(oldName, newName) {
		if err := tx.Delete(key(colLoginProfile, account, oldName)); err != nil {
			return err
		}
	}
	return tx.Put(key(colLoginProfile, account, newName), &d)
}
