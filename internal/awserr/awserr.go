// Package awserr is the one error type iamd's services return to callers: an AWS error code,
// AWS's message, and the HTTP status AWS sends it with. Protocol layers render it in their
// wire format (Query XML, JSON 1.1); anything else that reaches them is an internal error.
package awserr

import (
	"errors"
	"fmt"
	"net/http"
)

// Error is an error AWS would return to a caller.
type Error struct {
	Code    string
	Message string
	Status  int
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// New makes an error with a formatted message.
func New(status int, code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Status: status}
}

// As returns err as an *Error, if it is one.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Sender reports whether AWS blames the caller (Type "Sender" in Query errors).
func (e *Error) Sender() bool { return e.Status < 500 }

// Errors the IAM API uses, with AWS's statuses.
func NoSuchEntity(format string, args ...any) *Error {
	return New(http.StatusNotFound, "NoSuchEntity", format, args...)
}

func EntityAlreadyExists(format string, args ...any) *Error {
	return New(http.StatusConflict, "EntityAlreadyExists", format, args...)
}

func DeleteConflict(format string, args ...any) *Error {
	return New(http.StatusConflict, "DeleteConflict", format, args...)
}

func LimitExceeded(format string, args ...any) *Error {
	return New(http.StatusConflict, "LimitExceeded", format, args...)
}

func InvalidInput(format string, args ...any) *Error {
	return New(http.StatusBadRequest, "InvalidInput", format, args...)
}

func ValidationError(format string, args ...any) *Error {
	return New(http.StatusBadRequest, "ValidationError", format, args...)
}

func MalformedPolicyDocument(message string) *Error {
	return &Error{Code: "MalformedPolicyDocument", Message: message, Status: http.StatusBadRequest}
}

func AccessDenied(message string) *Error {
	return &Error{Code: "AccessDenied", Message: message, Status: http.StatusForbidden}
}

// ServiceFailure is AWS's answer for a failure on its side; the message never carries
// internal details.
func ServiceFailure() *Error {
	return &Error{Code: "ServiceFailure", Message: "The request processing has failed because of an unknown error, exception or failure.", Status: http.StatusInternalServerError}
}
