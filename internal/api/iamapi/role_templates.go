package iamapi

import (
	"strings"

	"github.com/iamd-dev/iamd/internal/arn"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/iam"
)

// OnRoleTemplate: the role template TemplateArn names (AWS's:
// arn:aws:iam::aws:role-template/SERVICE/NAME:MAJOR).
const OnRoleTemplate ResourceKind = "role-template"

// roleTemplateRoutes read role templates and create roles from them. iamd has no role
// templates (package iam): once authorized on the template's ARN, each names one that does
// not exist.
func roleTemplateRoutes() map[string]route {
	return map[string]route{
		"GetRoleTemplateVersion": onRoleTemplate("MinorVersion", (*call).getRoleTemplateVersion),
		"AcquireRole":            onRoleTemplate("TemplateMinorVersion", (*call).acquireRole),
	}
}

// onRoleTemplate authorizes an action on the template TemplateArn names, once it and the
// minor version parameter are valid.
func onRoleTemplate(minorParam string, run func(*call) (any, error)) route {
	return routeOn(OnRoleTemplate, func(c *call) (string, error) {
		if _, err := c.minorVersion(minorParam); err != nil {
			return "", err
		}
		arn := c.q.Get("TemplateArn")
		if err := iam.CheckRoleTemplateARN(arn); err != nil {
			return "", err
		}
		return arn, nil
	}, run)
}

// minorVersion reads the optional minor version parameter (0 when absent).
func (c *call) minorVersion(param string) (int, error) {
	n, ok, err := c.q.Int(param)
	switch {
	case !ok:
		return 0, nil
	case err != nil:
		return 0, awserr.ValidationError("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must be a number", c.q.Get(param), lowerFirst(param))
	case n < 0:
		return 0, awserr.ValidationError("1 validation error detected: Value '%d' at '%s' failed to satisfy constraint: Member must have value greater than or equal to 0", n, lowerFirst(param))
	}
	return n, nil
}

// isAWSRoleTemplate reports whether the ARN is one of AWS's role templates.
func isAWSRoleTemplate(resource string) bool {
	return arn.PartitionOfARN(resource) != "" && strings.HasPrefix(resource, arn.IAM(arn.PartitionOfARN(resource), "aws", "role-template/"))
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]+'a'-'A') + s[1:]
}

func (c *call) getRoleTemplateVersion() (any, error) {
	n, _ := c.minorVersion("MinorVersion")
	return nil, c.api.iam.RoleTemplateVersion(c.ctx, c.q.Get("TemplateArn"), n)
}

func (c *call) acquireRole() (any, error) {
	n, _ := c.minorVersion("TemplateMinorVersion")
	return nil, c.api.iam.AcquireRole(c.ctx, c.account, c.q.Get("TemplateArn"), n)
}
