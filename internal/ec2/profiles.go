package ec2

import (
	"context"
	"strings"

	"github.com/iamd-dev/iamd/internal/arn"
	"github.com/iamd-dev/iamd/internal/awserr"
)

// ProfileRef names an instance profile as RunInstances and the association calls do: by
// Name or by Arn (IamInstanceProfileSpecification).
type ProfileRef struct {
	Name string
	ARN  string
}

// Profile is an instance profile resolved in IAM, with its role (if it has one).
type Profile struct {
	ARN      string
	ID       string
	Name     string
	RoleARN  string // "" for a profile without a role
	RoleName string
}

// ResolveProfile finds the instance profile of the account a request names; an unknown
// profile is InvalidParameterValue as EC2 words it.
func (s *Service) ResolveProfile(ctx context.Context, account string, ref ProfileRef) (*Profile, error) {
	name, param := ref.Name, "iamInstanceProfile.name"
	invalid := func() error {
		if ref.ARN != "" {
			return invalidParameterValue("Value (%s) for parameter iamInstanceProfile.arn is invalid. Invalid IAM Instance Profile ARN", ref.ARN)
		}
		return invalidParameterValue("Value (%s) for parameter %s is invalid. Invalid IAM Instance Profile name", ref.Name, param)
	}
	if ref.ARN != "" {
		a, err := arn.Parse(ref.ARN)
		if err != nil || a.Service != "iam" || !strings.HasPrefix(a.Resource, "instance-profile/") || a.Account != account {
			return nil, invalid()
		}
		arnName := a.Resource[strings.LastIndexByte(a.Resource, '/')+1:]
		if name != "" && name != arnName {
			return nil, invalidParameterCombination("The parameter 'iamInstanceProfile.name' may not be used in combination with 'iamInstanceProfile.arn'")
		}
		name = arnName
	}
	if name == "" {
		return nil, invalidParameterValue("Value () for parameter iamInstanceProfile is invalid. An instance profile name or ARN is required")
	}
	p, err := s.iam.GetInstanceProfile(ctx, account, name)
	if err != nil {
		if e, ok := awserr.As(err); ok && (e.Code == "NoSuchEntity" || e.Code == "ValidationError") {
			return nil, invalid()
		}
		return nil, err
	}
	out := &Profile{
		ARN:  p.Profile.ARN(), // the stored profile's, with its path
		ID:   p.Profile.ID,
		Name: p.Profile.Name,
	}
	if ref.ARN != "" && ref.ARN != out.ARN {
		return nil, invalid() // the path in the ARN must be the profile's
	}
	if len(p.Roles) > 0 {
		// The stored role's ARN, with its path: what iam:PassRole is authorized on.
		out.RoleARN, out.RoleName = p.Roles[0].ARN(), p.Roles[0].Name
	}
	return out, nil
}
