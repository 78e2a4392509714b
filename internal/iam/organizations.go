package iam

import (
	"context"
	"regexp"
	"unicode/utf8"

	"github.com/iamd-dev/iamd/internal/awserr"
)

// iamd's accounts belong to no AWS Organization. What IAM does with an organization (the
// centralized root access features, the service last accessed reports of Organizations
// entities) is answered here as AWS answers an account outside any organization.

// The centralized root access features of an organization (ListOrganizationsFeatures).
const (
	FeatureRootCredentialsManagement = "RootCredentialsManagement"
	FeatureRootSessions              = "RootSessions"
)

// errNoOrganization is IAM's answer, for the centralized root access operations, to an
// account that no organization has (the IAM API reference's OrganizationNotFoundException).
func errNoOrganization() error {
	return awserr.New("OrganizationNotFoundException", "The request was rejected because no organization is associated with your account.")
}

// ListOrganizationsFeatures lists the centralized root access features enabled for the
// account's organization; the account has none.
func (s *Service) ListOrganizationsFeatures(ctx context.Context, account string) (orgID string, features []string, err error) {
	return "", nil, errNoOrganization()
}

// SetOrganizationsFeature enables or disables a centralized root access feature of the
// account's organization; the account has none.
func (s *Service) SetOrganizationsFeature(ctx context.Context, account, feature string, enable bool) (orgID string, features []string, err error) {
	return "", nil, errNoOrganization()
}

var (
	entityPathPattern       = regexp.MustCompile(`^o-[0-9a-z]{10,32}/r-[0-9a-z]{4,32}[0-9a-z-/]*`)
	organizationsPolicyIDRe = regexp.MustCompile(`^p-[0-9a-zA-Z_]{8,128}$`)
)

// CheckOrganizationsEntityPath validates GenerateOrganizationsAccessReport's EntityPath and
// OrganizationsPolicyId against the API reference's constraints.
func CheckOrganizationsEntityPath(entityPath, policyID string) error {
	var v []string
	add := func(value, member, rule string) {
		v = append(v, "Value '"+value+"' at '"+member+"' failed to satisfy constraint: "+rule)
	}
	switch n := utf8.RuneCountInString(entityPath); {
	case n < 19:
		add(entityPath, "entityPath", "Member must have length greater than or equal to 19")
	case n > 427:
		add(entityPath, "entityPath", "Member must have length less than or equal to 427")
	case !entityPathPattern.MatchString(entityPath):
		add(entityPath, "entityPath", `Member must satisfy regular expression pattern: ^o-[0-9a-z]{10,32}\/r-[0-9a-z]{4,32}[0-9a-z-\/]*`)
	}
	if policyID != "" && !organizationsPolicyIDRe.MatchString(policyID) {
		add(policyID, "organizationsPolicyId", `Member must satisfy regular expression pattern: ^p-[0-9a-zA-Z_]{8,128}$`)
	}
	return violationsError(v)
}

// violationsError is AWS's one ValidationError for the members that failed.
func violationsError(v []string) error {
	switch len(v) {
	case 0:
		return nil
	case 1:
		return awserr.ValidationError("1 validation error detected: %s", v[0])
	}
	msg := ""
	for i, s := range v {
		if i > 0 {
			msg += "; "
		}
		msg += s
	}
	return awserr.ValidationError("%d validation errors detected: %s", len(v), msg)
}

// GenerateOrganizationsAccessReport starts a report of the services an Organizations
// entity's SCPs allow. It needs the account to be an organization's management account; an
// account outside any organization is refused as Organizations refuses it.
func (s *Service) GenerateOrganizationsAccessReport(ctx context.Context, account, entityPath, policyID string) (string, error) {
	if err := CheckOrganizationsEntityPath(entityPath, policyID); err != nil {
		return "", err
	}
	return "", awserr.New("AWSOrganizationsNotInUseException", "Your account is not a member of an organization.")
}

// GetOrganizationsAccessReport reads a report GenerateOrganizationsAccessReport started; no
// report of an account outside any organization exists.
func (s *Service) GetOrganizationsAccessReport(ctx context.Context, account, jobID string) error {
	if err := CheckJobID(jobID); err != nil {
		return err
	}
	return awserr.NoSuchEntity("No report exists for the job id %s.", jobID)
}

// CheckJobID validates a report's JobId: exactly 36 characters.
func CheckJobID(jobID string) error {
	switch n := utf8.RuneCountInString(jobID); {
	case jobID == "":
		return awserr.ValidationError("1 validation error detected: Value null at 'jobId' failed to satisfy constraint: Member must not be null")
	case n < 36:
		return constraint(jobID, "jobId", "Member must have length greater than or equal to 36")
	case n > 36:
		return constraint(jobID, "jobId", "Member must have length less than or equal to 36")
	}
	return nil
}
