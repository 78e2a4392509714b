package accessanalyzer

import (
	"fmt"
	"strings"
)

// Policy types, as Access Analyzer names them.
const (
	IdentityPolicy        = "IDENTITY_POLICY"
	ResourcePolicy        = "RESOURCE_POLICY"
	ServiceControlPolicy  = "SERVICE_CONTROL_POLICY"
	ResourceControlPolicy = "RESOURCE_CONTROL_POLICY"
)

// Results of the access checks.
const (
	Pass = "PASS"
	Fail = "FAIL"
)

// The reasons of a ValidationException, as Access Analyzer's model names them.
const (
	ReasonFieldValidationFailed = "fieldValidationFailed"
	ReasonCannotParse           = "cannotParse"
	ReasonOther                 = "other"
)

// Field is one field of a request at fault, with what is wrong with it.
type Field struct {
	Name    string `json:"name"`
	Message string `json:"message"`
}

// ValidationError is an input Access Analyzer refuses: its ValidationException, with the
// fields at fault.
type ValidationError struct {
	Reason  string
	Message string
	Fields  []Field
}

// Error is the message.
func (e *ValidationError) Error() string { return e.Message }

// InvalidParameterError is a parameter whose value Access Analyzer cannot use (a policy
// document that is not a policy): its InvalidParameterException.
type InvalidParameterError struct{ Message string }

// Error is the message.
func (e *InvalidParameterError) Error() string { return e.Message }

// fieldErrors gathers the faults of one request's fields.
type fieldErrors []Field

func (f *fieldErrors) add(name, format string, args ...any) {
	*f = append(*f, Field{Name: name, Message: fmt.Sprintf(format, args...)})
}

// err is the ValidationException of the faults, nil for none.
func (f fieldErrors) err() error {
	if len(f) == 0 {
		return nil
	}
	var parts []string
	for _, x := range f {
		parts = append(parts, x.Name+": "+x.Message)
	}
	return &ValidationError{Reason: ReasonFieldValidationFailed, Message: "Invalid request: " + strings.Join(parts, "; "), Fields: f}
}

// required notes a missing required field.
func (f *fieldErrors) required(name, value string) {
	if value == "" {
		f.add(name, "Member must not be null")
	}
}

// oneOf notes a value outside the field's enumeration (an empty value is left to required).
func (f *fieldErrors) oneOf(name, value string, allowed ...string) {
	if value == "" {
		return
	}
	for _, a := range allowed {
		if value == a {
			return
		}
	}
	f.add(name, "Member must satisfy enum value set: [%s]", strings.Join(allowed, ", "))
}

// maxPolicyLength bounds a policy document, as Access Analyzer's checks do for the
// largest policies IAM stores; iamd refuses a longer one rather than reason about it slowly.
const maxPolicyLength = 1 << 17

func (f *fieldErrors) document(name, doc string) {
	f.required(name, doc)
	if len(doc) > maxPolicyLength {
		f.add(name, "Member must have length less than or equal to %d", maxPolicyLength)
	}
}

// UnprocessableEntityError is a request Access Analyzer cannot process: its
// UnprocessableEntityException. iamd answers it for documents whose check would ask more
// requests than its budget allows (a sound answer needs them all).
type UnprocessableEntityError struct{ Message string }

// Error is the message.
func (e *UnprocessableEntityError) Error() string { return e.Message }

var errTooComplex = &UnprocessableEntityError{Message: "The specified entity could not be processed: the policies are too complex to check."}

// Budget is how many requests one check may ask the engine about.
var Budget = 5_000_000
