package iam

import (
	"context"
	"strings"

	"github.com/iamd-dev/iamd/internal/awserr"
)

// Role templates are AWS's (arn:aws:iam::aws:role-template/SERVICE/NAME:MAJOR): AcquireRole
// creates a role from one, GetRoleTemplateVersion reads one. iamd has no role templates, so
// each template ARN names one that does not exist.

// CheckRoleTemplateARN validates a TemplateArn: 20 to 2048 characters, the ARN of a role
// template.
func CheckRoleTemplateARN(templateARN string) error {
	switch n := len(templateARN); {
	case templateARN == "":
		return awserr.ValidationError("1 validation error detected: Value null at 'templateArn' failed to satisfy constraint: Member must not be null")
	case n < 20:
		return constraint(templateARN, "templateArn", "Member must have length greater than or equal to 20")
	case n > 2048:
		return constraint(templateARN, "templateArn", "Member must have length less than or equal to 2048")
	}
	parts := strings.SplitN(templateARN, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "iam" || !strings.HasPrefix(parts[5], "role-template/") {
		return awserr.InvalidInput("%s is not the ARN of a role template.", templateARN)
	}
	return nil
}

// RoleTemplateVersion reads a version of a role template; none exists.
func (s *Service) RoleTemplateVersion(ctx context.Context, templateARN string, minorVersion int) error {
	if err := CheckRoleTemplateARN(templateARN); err != nil {
		return err
	}
	return awserr.NoSuchEntity("The role template %s does not exist.", templateARN)
}

// AcquireRole creates a role from a role template; none exists, so nothing is created.
func (s *Service) AcquireRole(ctx context.Context, account, templateARN string, minorVersion int) error {
	return s.RoleTemplateVersion(ctx, templateARN, minorVersion)
}
