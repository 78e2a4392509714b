package ec2

import (
	"context"
	"errors"
	"time"

	"github.com/iamd-dev/iamd/internal/arn"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/policy"
	"github.com/iamd-dev/iamd/internal/sts"
)

// ServicePrincipal is the principal a machine's role sessions are issued to (in the aws
// partition; ServicePrincipalIn for others).
const ServicePrincipal = "ec2.amazonaws.com"

// ServicePrincipalIn is EC2's principal in the partition: ec2.amazonaws.com.cn in aws-cn.
func ServicePrincipalIn(partition string) string { return arn.ServicePrincipal("ec2", partition) }

// ErrNoRole is returned by RoleCredentials for an instance without a profile, or whose
// profile has no role.
var ErrNoRole = errors.New("ec2: the instance has no role")

// RoleCredentials are a machine's role session, for the metadata service.
type RoleCredentials struct {
	ProfileARN string
	ProfileID  string
	RoleName   string
	RoleARN    string
	// Denied is set (and the credentials empty) when EC2 may not assume the role: its
	// trust policy does not allow ec2.amazonaws.com.
	Denied      bool
	Credentials sts.Credentials
	IssuedAt    time.Time
}

// RoleOf returns the current profile and role of an instance, ErrNoRole if none.
func (s *Service) RoleOf(ctx context.Context, inst *Instance) (*Profile, error) {
	if inst.Profile == nil {
		return nil, ErrNoRole
	}
	p, err := s.ResolveProfile(ctx, inst.Account, ProfileRef{ARN: inst.Profile.ProfileARN})
	if err != nil {
		if e, ok := awserr.As(err); ok && e.Code == "InvalidParameterValue" {
			return nil, ErrNoRole // the profile was deleted since
		}
		return nil, err
	}
	if p.RoleARN == "" {
		return nil, ErrNoRole
	}
	return p, nil
}

// RoleCredentials issues a session of the instance's role (p, as RoleOf found it) to
// ec2.amazonaws.com, with the instance id as the session name, as EC2 does for instance
// profiles; the role's trust policy must allow the service.
func (s *Service) RoleCredentials(ctx context.Context, inst *Instance, p *Profile) (*RoleCredentials, error) {
	principal, err := policy.ParsePrincipal(ServicePrincipalIn(arn.PartitionOf(inst.Region)))
	if err != nil {
		return nil, err
	}
	now := s.now()
	caller := &authz.Caller{Principal: principal, Time: now, Region: inst.Region}
	out := &RoleCredentials{ProfileARN: p.ARN, ProfileID: p.ID, RoleName: p.RoleName, RoleARN: p.RoleARN, IssuedAt: now.UTC().Truncate(time.Second)}
	res, err := s.sts.AssumeRole(ctx, caller, sts.AssumeRoleInput{RoleARN: p.RoleARN, SessionName: inst.ID})
	if err != nil {
		if e, ok := awserr.As(err); ok && e.Code == "AccessDenied" {
			out.Denied = true
			return out, nil
		}
		return nil, err
	}
	out.Credentials = res.Credentials
	return out, nil
}
