package sts

import (
	"context"
	"strconv"
	"time"

	"github.com/iamd-dev/iamd/internal/arn"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/policy"
)

// Durations of GetSessionToken and GetFederationToken (STS API reference).
const (
	userSessionDefault = 43200
	userSessionMax     = 129600
	rootSessionMax     = 3600
)

// GetSessionToken issues temporary credentials for a user (or the root user) with the
// user's own permissions. With an MFA device and code (mfa), the code is verified against
// the user's enabled device and the session carries the MFA authentication.
func (s *Service) GetSessionToken(ctx context.Context, caller *authz.Caller, durationSeconds int, mfa MFA) (*Credentials, error) {
	if caller.Principal.Kind != policy.User && caller.Principal.Kind != policy.Account {
		return nil, awserr.AccessDenied("Cannot call GetSessionToken with session credentials")
	}
	var v violations
	mfa.check(&v)
	if err := v.err(); err != nil {
		return nil, err
	}
	max := userSessionMax
	if caller.Principal.Kind == policy.Account {
		max = rootSessionMax
	}
	// The root user's sessions last an hour at most: a longer request is cut to one hour.
	duration, err := checkTokenDuration(durationSeconds, userSessionDefault, userSessionMax)
	if err != nil {
		return nil, err
	}
	duration = min(duration, max)
	var mfaTime time.Time
	if mfa.given() {
		if mfaTime, err = s.verifyMFA(ctx, caller, mfa); err != nil {
			return nil, err
		}
	}
	sess := s.newSession(caller, duration)
	sess.Kind, sess.UserName, sess.UserARN, sess.UserIDValue = KindUser, caller.UserName, caller.Principal.ID, caller.UserID
	sess.MFAAuthTime = mfaTime
	return s.credentials(sess)
}

// GetFederationTokenInput is GetFederationToken's parameters.
type GetFederationTokenInput struct {
	Name            string
	DurationSeconds int
	Policy          string
	PolicyARNs      []string
}

// GetFederationTokenOutput is GetFederationToken's result.
type GetFederationTokenOutput struct {
	Credentials      Credentials
	FederatedUserID  string
	FederatedUserARN string
	PackedPolicySize int
}

// GetFederationToken issues credentials for a federated user whose permissions are the
// intersection of the calling user's policies and the session policies passed (none passed:
// no permissions).
func (s *Service) GetFederationToken(ctx context.Context, caller *authz.Caller, in GetFederationTokenInput) (*GetFederationTokenOutput, error) {
	if caller.Principal.Kind != policy.User && caller.Principal.Kind != policy.Account {
		return nil, awserr.AccessDenied("Cannot call GetFederationToken with session credentials")
	}
	var v violations
	if !v.length(in.Name, "name", 2, 32) && !sessionNamePattern.MatchString(in.Name) {
		v.add(in.Name, "name", `Member must satisfy regular expression pattern: [\w+=,.@-]*`)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	if len(in.Policy) > maxPackedPolicy {
		return nil, awserr.New("PackedPolicyTooLarge", "Packed size of consumed policies exceeds 100%% of limit.")
	}
	max := userSessionMax
	if caller.Principal.Kind == policy.Account {
		max = rootSessionMax
	}
	duration, err := checkTokenDuration(in.DurationSeconds, userSessionDefault, userSessionMax)
	if err != nil {
		return nil, err
	}
	duration = min(duration, max)
	d, err := s.authz.Decide(ctx, caller, authz.Request{Action: "sts:GetFederationToken",
		Resource: FederatedUserARN(caller.Principal.Partition(), caller.Account, in.Name)})
	if err != nil {
		return nil, err
	}
	if d.Result != policy.Allowed {
		return nil, awserr.AccessDenied(authz.DeniedMessage(caller.Principal.ID, "sts:GetFederationToken",
			FederatedUserARN(caller.Principal.Partition(), caller.Account, in.Name), &d))
	}
	policies, err := s.sessionPolicies(ctx, caller.Account, AssumeRoleInput{Policy: in.Policy, PolicyARNs: in.PolicyARNs})
	if err != nil {
		return nil, err
	}
	sess := s.newSession(caller, duration)
	sess.Kind, sess.UserName, sess.UserARN, sess.FederatedName, sess.Policies = KindFederatedUser, caller.UserName, caller.Principal.ID, in.Name, policies
	sess.UserIDValue = caller.UserID // binds the session to the user's unique id
	creds, err := s.credentials(sess)
	if err != nil {
		return nil, err
	}
	out := &GetFederationTokenOutput{Credentials: *creds, FederatedUserID: sess.UserID(), FederatedUserARN: sess.ARN()}
	if in.Policy != "" || len(in.PolicyARNs) > 0 {
		out.PackedPolicySize = packedPercent(AssumeRoleInput{Policy: in.Policy, PolicyARNs: in.PolicyARNs})
	}
	return out, nil
}

// newSession starts a session of the caller's account, in its partition.
func (s *Service) newSession(caller *authz.Caller, duration int) *Session {
	now := s.now().UTC().Truncate(time.Second)
	partition := caller.Principal.Partition()
	if partition == arn.AWS {
		partition = ""
	}
	return &Session{
		AccessKeyID: sessionKeyID(caller.Account), SecretAccessKey: iam.NewSecretAccessKey(),
		Account: caller.Account, Partition: partition, IssuedAt: now, Expires: now.Add(time.Duration(duration) * time.Second),
	}
}

func (s *Service) credentials(sess *Session) (*Credentials, error) {
	token, err := s.sealer.Seal(sess)
	if err != nil {
		return nil, err
	}
	return &Credentials{AccessKeyID: sess.AccessKeyID, SecretAccessKey: sess.SecretAccessKey, SessionToken: token, Expiration: sess.Expires}, nil
}

func checkTokenDuration(seconds, def, max int) (int, error) {
	switch {
	case seconds == 0:
		return def, nil
	case seconds < minDuration:
		return 0, constraint(strconv.Itoa(seconds), "durationSeconds", "Member must have value greater than or equal to 900")
	case seconds > max:
		return 0, constraint(strconv.Itoa(seconds), "durationSeconds", "Member must have value less than or equal to "+strconv.Itoa(max))
	}
	return seconds, nil
}

// GetAccessKeyInfo returns the account an access key belongs to. It needs
// sts:GetAccessKeyInfo; keys that iamd does not know are refused as unknown.
func (s *Service) GetAccessKeyInfo(ctx context.Context, caller *authz.Caller, id string) (string, error) {
	var v violations
	v.length(id, "accessKeyId", 16, 128)
	if err := v.err(); err != nil {
		return "", err
	}
	if err := s.authz.Authorize(ctx, caller, authz.Request{Action: "sts:GetAccessKeyInfo", Resource: "*"}); err != nil {
		return "", err
	}
	if account, ok := AccountOfSessionKey(id); ok {
		return account, nil
	}
	account, err := s.iam.AccessKeyAccount(ctx, id)
	if err != nil {
		return "", awserr.New("InvalidParameterValue", "The access key %s is not valid.", id)
	}
	return account, nil
}
