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

// colPasswordPolicy holds each account's password policy (at most one, id passwordPolicyID).
const (
	colPasswordPolicy = "iam.password-policy"
	passwordPolicyID  = "PasswordPolicy"
)

// The bounds of UpdateAccountPasswordPolicy's numbers (IAM API Reference), and the length an
// account policy asks for when MinimumPasswordLength is left out.
const (
	minPasswordLengthFloor   = 6
	maxPasswordLengthCeiling = 128
	maxPasswordAgeDays       = 1095
	maxPasswordReuse         = 24
)

// passwordSymbols are the non-alphanumeric characters RequireSymbols asks for (IAM API
// Reference, UpdateAccountPasswordPolicy).
const passwordSymbols = "!@#$%^&*()_+-=[]{}|'"

// PasswordPolicy is an account's password policy for its IAM users' console passwords. The
// root user's password is not subject to it.
type PasswordPolicy struct {
	Account                    string `json:"account"`
	MinimumPasswordLength      int    `json:"minimumPasswordLength"`
	RequireSymbols             bool   `json:"requireSymbols,omitempty"`
	RequireNumbers             bool   `json:"requireNumbers,omitempty"`
	RequireUppercaseCharacters bool   `json:"requireUppercaseCharacters,omitempty"`
	RequireLowercaseCharacters bool   `json:"requireLowercaseCharacters,omitempty"`
	AllowUsersToChangePassword bool   `json:"allowUsersToChangePassword,omitempty"`
	// MaxPasswordAge is how many days a password is valid (0: passwords never expire).
	MaxPasswordAge int `json:"maxPasswordAge,omitempty"`
	// PasswordReusePrevention is how many of a user's most recent passwords (the current one
	// counted) a new one may not repeat (0: no limit).
	PasswordReusePrevention int `json:"passwordReusePrevention,omitempty"`
	// HardExpiry is nil when the policy was set without it (GetAccountPasswordPolicy then
	// leaves it out).
	HardExpiry *bool `json:"hardExpiry,omitempty"`
}

// ExpirePasswords reports whether passwords expire (GetAccountPasswordPolicy's
// ExpirePasswords).
func (p *PasswordPolicy) ExpirePasswords() bool { return p != nil && p.MaxPasswordAge > 0 }

// hardExpiry reports whether an expired password locks its user out of changing it alone.
func (p *PasswordPolicy) hardExpiry() bool { return p != nil && p.HardExpiry != nil && *p.HardExpiry }

// expiresAt is when a password set at changed expires (zero when passwords never expire).
func (p *PasswordPolicy) expiresAt(changed time.Time) time.Time {
	if !p.ExpirePasswords() || changed.IsZero() {
		return time.Time{}
	}
	return changed.AddDate(0, 0, p.MaxPasswordAge)
}

// reuseWindow is how many recent passwords (the current one first) a new one may not repeat.
func (p *PasswordPolicy) reuseWindow() int {
	if p == nil {
		return 0
	}
	return p.PasswordReusePrevention
}

// UpdatePasswordPolicyInput is UpdateAccountPasswordPolicy's parameters: a number left out
// is nil and takes AWS's default.
type UpdatePasswordPolicyInput struct {
	Account                    string
	MinimumPasswordLength      *int
	RequireSymbols             bool
	RequireNumbers             bool
	RequireUppercaseCharacters bool
	RequireLowercaseCharacters bool
	AllowUsersToChangePassword bool
	MaxPasswordAge             *int
	PasswordReusePrevention    *int
	HardExpiry                 *bool
}

// UpdateAccountPasswordPolicy sets the account's password policy. Like AWS's, it replaces
// the whole policy: a parameter left out takes its default. Passwords already set are not
// checked again; MaxPasswordAge applies to them at once.
func (s *Service) UpdateAccountPasswordPolicy(ctx context.Context, in UpdatePasswordPolicyInput) error {
	if err := checkPasswordPolicyInput(in); err != nil {
		return err
	}
	p := &PasswordPolicy{
		Account: in.Account, MinimumPasswordLength: minPasswordLengthFloor,
		RequireSymbols: in.RequireSymbols, RequireNumbers: in.RequireNumbers,
		RequireUppercaseCharacters: in.RequireUppercaseCharacters, RequireLowercaseCharacters: in.RequireLowercaseCharacters,
		AllowUsersToChangePassword: in.AllowUsersToChangePassword, HardExpiry: in.HardExpiry,
	}
	if in.MinimumPasswordLength != nil {
		p.MinimumPasswordLength = *in.MinimumPasswordLength
	}
	if in.MaxPasswordAge != nil {
		p.MaxPasswordAge = *in.MaxPasswordAge
	}
	if in.PasswordReusePrevention != nil {
		p.PasswordReusePrevention = *in.PasswordReusePrevention
	}
	return s.update(ctx, func(tx docstore.Tx) error {
		return tx.Put(passwordPolicyKey(in.Account), p)
	})
}

// checkPasswordPolicyInput checks the numbers' bounds, reporting every failed constraint in
// one ValidationError as AWS does, in the order of the API's members.
func checkPasswordPolicyInput(in UpdatePasswordPolicyInput) error {
	var failed []string
	bound := func(v *int, member string, lo, hi int) {
		switch {
		case v == nil:
		case *v < lo:
			failed = append(failed, fmt.Sprintf("Value '%d' at '%s' failed to satisfy constraint: Member must have value greater than or equal to %d", *v, member, lo))
		case *v > hi:
			failed = append(failed, fmt.Sprintf("Value '%d' at '%s' failed to satisfy constraint: Member must have value less than or equal to %d", *v, member, hi))
		}
	}
	bound(in.MaxPasswordAge, "maxPasswordAge", 1, maxPasswordAgeDays)
	bound(in.MinimumPasswordLength, "minimumPasswordLength", minPasswordLengthFloor, maxPasswordLengthCeiling)
	bound(in.PasswordReusePrevention, "passwordReusePrevention", 1, maxPasswordReuse)
	switch len(failed) {
	case 0:
		return nil
	case 1:
		return awserr.ValidationError("1 validation error detected: %s", failed[0])
	}
	return awserr.ValidationError("%d validation errors detected: %s", len(failed), strings.Join(failed, "; "))
}

// GetAccountPasswordPolicy returns the account's password policy; an account without one
// (AWS's default rules apply) answers NoSuchEntity, as AWS does.
func (s *Service) GetAccountPasswordPolicy(ctx context.Context, account string) (*PasswordPolicy, error) {
	var p *PasswordPolicy
	err := s.view(ctx, func(tx docstore.Tx) (err error) {
		p, err = getPasswordPolicy(tx, account)
		return err
	})
	if err != nil {
		return nil, err
	}
	if p == nil {
		return nil, awserr.NoSuchEntity("The Password Policy with domain name %s cannot be found.", account)
	}
	return p, nil
}

// DeleteAccountPasswordPolicy deletes the account's password policy: AWS's default rules
// apply again.
func (s *Service) DeleteAccountPasswordPolicy(ctx context.Context, account string) error {
	return s.update(ctx, func(tx docstore.Tx) error {
		err := tx.Delete(passwordPolicyKey(account))
		if errors.Is(err, docstore.ErrNotFound) {
			return awserr.NoSuchEntity("The account policy with name PasswordPolicy cannot be found.")
		}
		return err
	})
}

func passwordPolicyKey(account string) docstore.Key {
	return key(colPasswordPolicy, account, passwordPolicyID)
}

// getPasswordPolicy reads the account's policy (nil when it has none).
func getPasswordPolicy(tx docstore.Tx, account string) (*PasswordPolicy, error) {
	var p PasswordPolicy
	err := tx.Get(passwordPolicyKey(account), &p)
	switch {
	case errors.Is(err, docstore.ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("iam: reading the password policy of account %s: %w", account, err)
	}
	return &p, nil
}

// Default rules, for an account without a password policy (IAM User Guide, "Set an account
// password policy for IAM users": the default password policy).
const (
	defaultMinPasswordLength  = 8
	defaultPasswordCategories = 3 // of upper case, lower case, digits, symbols
)

// passwordViolation is AWS's answer to a password the account's rules refuse.
func passwordViolation(format string, args ...any) error {
	return awserr.New("PasswordPolicyViolation", format, args...)
}

// checkPasswordRules checks a new password against the account's policy, or AWS's default
// rules when p is nil (accountName is the account's name, which a password may not be).
// The password never appears in the answer.
func checkPasswordRules(p *PasswordPolicy, accountName, password string) error {
	var lower, upper, digit, symbol bool
	for _, r := range password {
		switch {
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= '0' && r <= '9':
			digit = true
		case strings.ContainsRune(passwordSymbols, r):
			symbol = true
		}
	}
	length := len([]rune(password))
	if p == nil {
		categories := 0
		for _, has := range []bool{lower, upper, digit, symbol} {
			if has {
				categories++
			}
		}
		if length < defaultMinPasswordLength || categories < defaultPasswordCategories ||
			(accountName != "" && password == accountName) {
			return passwordViolation("Password does not conform to the account password policy.")
		}
		return nil
	}
	switch {
	case length < p.MinimumPasswordLength:
		return passwordViolation("Password should have a minimum length of %d", p.MinimumPasswordLength)
	case p.RequireLowercaseCharacters && !lower:
		return passwordViolation("Password should have at least one lowercase letter")
	case p.RequireUppercaseCharacters && !upper:
		return passwordViolation("Password should have at least one uppercase letter")
	case p.RequireNumbers && !digit:
		return passwordViolation("Password should have at least one number")
	case p.RequireSymbols && !symbol:
		return passwordViolation("Password should have at least one symbol")
	}
	return nil
}

// checkPasswordText checks a password parameter against the API's constraints on every
// password member: 1..128 characters, each a tab, line feed, carriage return or one of
// U+0020..U+00FF. Unlike other members', a password's value is never quoted back.
func checkPasswordText(password, member string) error {
	if password == "" {
		return awserr.ValidationError("1 validation error detected: Value at '%s' failed to satisfy constraint: Member must have length greater than or equal to 1", member)
	}
	n := 0
	for _, r := range password {
		n++
		if !(r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r <= 0xFF)) {
			return awserr.ValidationError(`1 validation error detected: Value at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: [\u0009\u000A\u000D\u0020-\u00FF]+`, member)
		}
	}
	if n > maxPasswordLengthCeiling {
		return awserr.ValidationError("1 validation error detected: Value at '%s' failed to satisfy constraint: Member must have length less than or equal to %d", member, maxPasswordLengthCeiling)
	}
	return nil
}
