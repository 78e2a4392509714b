// Package awserr is the one error type iamd's services return to callers: an AWS error code
// and AWS's message. It carries no HTTP status: each protocol layer keeps one table from code
// to status (Statuses) and renders the error in its wire format (Query XML, EC2's dialect,
// JSON 1.1). Anything else that reaches a protocol layer is an internal failure: its cause is
// logged and the caller sees the service's own code for a failure on its side.
package awserr

import (
	"errors"
	"fmt"
)

// Error is an error AWS would return to a caller.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// New makes an error with a formatted message.
func New(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// As returns err as an *Error, if it is one.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Errors the IAM API uses (their statuses are the Query protocol's table).
func NoSuchEntity(format string, args ...any) *Error {
	return New("NoSuchEntity", format, args...)
}
func EntityAlreadyExists(format string, args ...any) *Error {
	return New("EntityAlreadyExists", format, args...)
}
func DeleteConflict(format string, args ...any) *Error {
	return New("DeleteConflict", format, args...)
}
func LimitExceeded(format string, args ...any) *Error {
	return New("LimitExceeded", format, args...)
}
func InvalidInput(format string, args ...any) *Error {
	return New("InvalidInput", format, args...)
}
func ValidationError(format string, args ...any) *Error {
	return New("ValidationError", format, args...)
}
func MalformedPolicyDocument(message string) *Error {
	return &Error{Code: "MalformedPolicyDocument", Message: message}
}
func AccessDenied(message string) *Error {
	return &Error{Code: "AccessDenied", Message: message}
}

// ServiceFailure is IAM's answer for a failure on its side; the message never carries
// internal details.
func ServiceFailure() *Error {
	return &Error{Code: "ServiceFailure", Message: "The request processing has failed because of an unknown error, exception or failure."}
}
