package sts

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/iamd-dev/iamd/internal/arn"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/policy"
)

// TaskSessionInput is a role session an AWS service takes on a customer's behalf, as
// ECS does for a task's roles.
type TaskSessionInput struct {
	Service     string // the service principal: ecs-tasks.amazonaws.com
	RoleARN     string
	SessionName string // ECS names task sessions after the task id
	// SourceAccount and SourceARN are aws:SourceAccount and aws:SourceArn of the
	// assumption, which trust policies may require (the confused-deputy guard AWS documents).
	SourceAccount string
	SourceARN     string
	Region        string
}

// ErrTaskRoleNotTrusted is returned when the role does not exist or its trust policy does
// not let the service assume it.
var ErrTaskRoleNotTrusted = errors.New("sts: the role does not exist or does not trust the service")

// AssumeRoleForTask issues a session of a role to an AWS service principal: only the role's
// trust policy decides (a service has no identity policies), evaluated with the service as
// the principal and the source account and ARN in the context. The session lasts the
// default hour (callers refresh it) and is never chained.
func (s *Service) AssumeRoleForTask(ctx context.Context, in TaskSessionInput) (*AssumeRoleOutput, error) {
	a, err := arn.Parse(in.RoleARN)
	if err != nil || a.Service != "iam" || !strings.HasPrefix(a.Resource, "role/") {
		return nil, ErrTaskRoleNotTrusted
	}
	roleName := a.Resource[strings.LastIndexByte(a.Resource, '/')+1:]
	role, err := s.iam.GetRole(ctx, a.Account, roleName)
	if err != nil {
		if e, ok := awserr.As(err); ok && e.Code == "NoSuchEntity" {
			return nil, ErrTaskRoleNotTrusted
		}
		return nil, err
	}
	if role.ARN() != in.RoleARN {
		return nil, ErrTaskRoleNotTrusted
	}
	trust, err := policy.Parse([]byte(role.AssumeRolePolicy), policy.Trust)
	if err != nil {
		return nil, err
	}
	trust.Name = "trust policy of " + role.ARN()
	principal, err := policy.ParsePrincipal(in.Service)
	if err != nil || principal.Kind != policy.Service {
		return nil, awserr.ValidationError("%s is not a service principal", in.Service)
	}
	now := s.now().UTC().Truncate(time.Second)
	caller := &authz.Caller{Principal: principal, Time: now, Region: in.Region}
	var rc policy.Context
	rc.Set("sts:RoleSessionName", in.SessionName)
	if in.SourceAccount != "" {
		rc.Set("aws:SourceAccount", in.SourceAccount)
	}
	if in.SourceARN != "" {
		rc.Set("aws:SourceArn", in.SourceARN)
	}
	d, err := s.authz.Decide(ctx, caller, authz.Request{Action: "sts:AssumeRole", Resource: role.ARN(), Context: rc,
		ResourcePolicy: trust, ResourceAccount: role.Account})
	if err != nil {
		return nil, err
	}
	if d.Result != policy.Allowed {
		return nil, ErrTaskRoleNotTrusted
	}
	sess := &Session{
		AccessKeyID: sessionKeyID(role.Account), SecretAccessKey: random(secretChars, 40),
		Account: role.Account, RoleName: role.Name, RoleID: role.ID, RolePath: role.Path, SessionName: in.SessionName,
		IssuedAt: now, Expires: now.Add(defaultDuration * time.Second),
	}
	token, err := s.sealer.Seal(sess)
	if err != nil {
		return nil, err
	}
	return &AssumeRoleOutput{
		Credentials:    Credentials{AccessKeyID: sess.AccessKeyID, SecretAccessKey: sess.SecretAccessKey, SessionToken: token, Expiration: sess.Expires},
		AssumedRoleID:  sess.UserID(),
		AssumedRoleARN: sess.ARN(),
	}, nil
}
