package secrets

import "github.com/iamd-dev/iamd/internal/awserr"

// Secrets Manager's errors (JSON 1.1 sends every one with 400 but InternalServiceError).

func smError(code, format string, args ...any) *awserr.Error {
	return awserr.New(code, format, args...)
}

func errResourceNotFound() *awserr.Error {
	return smError("ResourceNotFoundException", "Secrets Manager can't find the specified secret.")
}

func errMarkedForDeletion() *awserr.Error {
	return smError("InvalidRequestException", "You can't perform this operation on the secret because it was marked for deletion.")
}

func invalidParameter(format string, args ...any) *awserr.Error {
	return smError("InvalidParameterException", format, args...)
}

func invalidRequest(format string, args ...any) *awserr.Error {
	return smError("InvalidRequestException", format, args...)
}

// errReplica answers a change asked of a replica, in AWS's words (as real responses quote them).
func errReplica() *awserr.Error {
	return invalidParameter("Operation not permitted on a replica secret. Call must be made in primary secret's region.")
}

// ErrDecryption is AWS's answer when a stored value cannot be decrypted (a wrong master key).
func ErrDecryption() *awserr.Error {
	return smError("DecryptionFailure", "Secrets Manager can't decrypt the protected secret text using the provided KMS key.")
}

// InternalError is AWS's answer for a failure on its side.
func InternalError() *awserr.Error {
	return awserr.New("InternalServiceError", "An error occurred on the server side.")
}

// AccessDenied is Secrets Manager's AccessDeniedException.
func AccessDenied(message string) *awserr.Error {
	return smError("AccessDeniedException", "%s", message)
}
