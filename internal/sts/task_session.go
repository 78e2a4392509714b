package sts

import (
	"context"
	"errors"
	"time"

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
	principal, err := policy.ParsePrincipal(in.Service)
	if err != nil || principal.Kind != policy.Service {
		return nil, awserr.ValidationError("%s is not a service principal", in.Service)
	}
	role, trust, err := s.roleToAssume(ctx, in.RoleARN, ErrTaskRoleNotTrusted)
	if e, ok := awserr.As(err); ok && e.Code == "ValidationError" {
		return nil, ErrTaskRoleNotTrusted // not a role ARN
	}
	if err != nil {
		return nil, err
	}
	caller := &authz.Caller{Principal: principal, Time: s.now().UTC().Truncate(time.Second), Region: in.Region}
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
	return s.issueRoleSession(ctx, caller, role, AssumeRoleInput{RoleARN: in.RoleARN, SessionName: in.SessionName}, false)
}
