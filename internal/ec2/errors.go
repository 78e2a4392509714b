package ec2

import (
	"strings"

	"github.com/iamd-dev/iamd/internal/awserr"
)

// EC2's error codes and messages (EC2 API reference, "Error codes"); EC2's dialect gives
// them their statuses.

func invalidParameterValue(format string, args ...any) *awserr.Error {
	return awserr.New("InvalidParameterValue", format, args...)
}

func invalidParameterCombination(format string, args ...any) *awserr.Error {
	return awserr.New("InvalidParameterCombination", format, args...)
}

func missingParameter(name string) *awserr.Error {
	return awserr.New("MissingParameter", "The request must contain the parameter %s", name)
}

func malformedInstanceID(id string) *awserr.Error {
	return awserr.New("InvalidInstanceID.Malformed", "Invalid id: %q", id)
}

// instancesNotFound words InvalidInstanceID.NotFound for one or more ids.
func instancesNotFound(ids []string) *awserr.Error {
	if len(ids) == 1 {
		return awserr.New("InvalidInstanceID.NotFound", "The instance ID '%s' does not exist", ids[0])
	}
	return awserr.New("InvalidInstanceID.NotFound", "The instance IDs '%s' do not exist", strings.Join(ids, ", "))
}

func associationNotFound(id string) *awserr.Error {
	return awserr.New("InvalidAssociationID.NotFound", "An association ID '%s' does not exist", id)
}

func incorrectState(format string, args ...any) *awserr.Error {
	return awserr.New("IncorrectState", format, args...)
}

func incorrectInstanceState(format string, args ...any) *awserr.Error {
	return awserr.New("IncorrectInstanceState", format, args...)
}

// InvalidNextToken is EC2's answer for a pagination token it did not issue.
func invalidNextToken() *awserr.Error {
	return awserr.New("InvalidNextToken", "The token is invalid.")
}
