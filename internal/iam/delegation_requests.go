package iam

import (
	"context"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/iamd-dev/iamd/internal/arn"
	"github.com/iamd-dev/iamd/internal/awserr"
)

// Delegation requests (temporary access delegation) are made by AWS partners that went
// through AWS's partner onboarding (CreateDelegationRequest "is not available for general
// use"). No account of iamd is an onboarded partner, so no delegation request exists: each
// operation on one answers as AWS does for a request that does not exist, and creating one
// is refused.

var delegationRequestIDPattern = regexp.MustCompile(`^[\w-]+$`)

// CheckDelegationRequestID validates a DelegationRequestId (16 to 128 of [\w-]).
func CheckDelegationRequestID(id string) error {
	switch n := utf8.RuneCountInString(id); {
	case id == "":
		return awserr.ValidationError("1 validation error detected: Value null at 'delegationRequestId' failed to satisfy constraint: Member must not be null")
	case n < 16:
		return constraint(id, "delegationRequestId", "Member must have length greater than or equal to 16")
	case n > 128:
		return constraint(id, "delegationRequestId", "Member must have length less than or equal to 128")
	case !delegationRequestIDPattern.MatchString(id):
		return constraint(id, "delegationRequestId", `Member must satisfy regular expression pattern: [\w-]+`)
	}
	return nil
}

// CheckDelegationNotes validates the Notes of RejectDelegationRequest and
// UpdateDelegationRequest (at most 500 characters).
func CheckDelegationNotes(notes string) error {
	if utf8.RuneCountInString(notes) > 500 {
		return constraint(notes, "notes", "Member must have length less than or equal to 500")
	}
	return nil
}

// DelegationRequestARN is the ARN of a delegation request of the account.
func DelegationRequestARN(partition, account, id string) string {
	return arn.IAM(partition, account, "delegation-request/"+id)
}

func noSuchDelegationRequest(id string) error {
	return awserr.NoSuchEntity("The delegation request %s does not exist.", id)
}

// CreateDelegationRequest is refused: only onboarded partners create delegation requests.
func (s *Service) CreateDelegationRequest(ctx context.Context, account string) (string, error) {
	return "", awserr.AccessDenied("CreateDelegationRequest is not available for general use: the account " + account + " has not completed the AWS partner onboarding for temporary delegation.")
}

// DelegationRequestAction is one of the operations on an existing delegation request (Get,
// Accept, Associate, Reject, Update, SendDelegationToken); none exists.
func (s *Service) DelegationRequestAction(ctx context.Context, account, id string) error {
	return noSuchDelegationRequest(id)
}

// ListDelegationRequests lists the delegation requests the account owns: none.
func (s *Service) ListDelegationRequests(ctx context.Context, account string, p Page) (PageOf[string], error) {
	return paginate([]string(nil), func(s string) string { return s }, p)
}

// HumanReadableSummary summarizes the entity the ARN names; the only kind AWS summarizes is
// a delegation request, and none exists.
func (s *Service) HumanReadableSummary(ctx context.Context, account, entityARN string) error {
	parts := strings.SplitN(entityARN, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "iam" {
		return awserr.InvalidInput("Invalid ARN %s.", entityARN)
	}
	id, ok := strings.CutPrefix(parts[5], "delegation-request/")
	if !ok {
		return awserr.InvalidInput("The entity type of %s is not supported: the only supported entity type is delegation-request.", entityARN)
	}
	return noSuchDelegationRequest(id)
}
