package secrets

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits Secrets Manager documents.
const (
	maxNameLen        = 512
	maxDescriptionLen = 2048
	maxValueBytes     = 65536
	maxTags           = 50
	maxStagesPerVer   = 20
	maxVersions       = 100
	minTokenLen       = 32
	maxTokenLen       = 64
	maxPolicyLen      = 20480 // ResourcePolicy, in characters
)

// CheckPolicyLength checks a ResourcePolicy (PutResourcePolicy, ValidateResourcePolicy)
// against the API's length constraint, 1..20480 characters, as the JSON protocol's
// validation reports it: a ValidationException, before the document is parsed.
func CheckPolicyLength(doc string) error {
	if doc == "" {
		return smError("ValidationException", "1 validation error detected: Value null at 'resourcePolicy' failed to satisfy constraint: Member must not be null")
	}
	if len(doc) > maxPolicyLen && utf8.RuneCountInString(doc) > maxPolicyLen {
		return smError("ValidationException", "1 validation error detected: Value '%s' at 'resourcePolicy' failed to satisfy constraint: Member must have length less than or equal to %d", doc, maxPolicyLen)
	}
	return nil
}

func validName(name string) error {
	if name == "" || len(name) > maxNameLen {
		return invalidParameter("Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!")
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/_+=.@-!", r)) {
			return invalidParameter("Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!")
		}
	}
	return nil
}

func validDescription(d string) error {
	if utf8.RuneCountInString(d) > maxDescriptionLen {
		return invalidParameter("Description must be no longer than %d characters.", maxDescriptionLen)
	}
	return nil
}

func validToken(token string) error {
	if token == "" {
		return invalidRequest("You must provide a ClientRequestToken value. We recommend a UUID-type value.")
	}
	// The API's length constraint, answered by the service's request validation.
	if len(token) < minTokenLen {
		return smError("ValidationException", "1 validation error detected: Value '%s' at 'clientRequestToken' failed to satisfy constraint: Member must have length greater than or equal to %d", token, minTokenLen)
	}
	if len(token) > maxTokenLen {
		return smError("ValidationException", "1 validation error detected: Value '%s' at 'clientRequestToken' failed to satisfy constraint: Member must have length less than or equal to %d", token, maxTokenLen)
	}
	return nil
}

// validValue checks a value given as SecretString and/or SecretBinary (hasString tells an
// empty string from none).
func validValue(v Value, required bool) error {
	switch {
	case v.String != nil && v.Binary != nil:
		return invalidParameter("You can't specify both a binary secret value and a string secret value in the same secret.")
	case v.String == nil && v.Binary == nil:
		if required {
			return invalidParameter("You must provide either SecretString or SecretBinary.")
		}
	case v.String != nil && (*v.String == "" || len(*v.String) > maxValueBytes):
		return invalidParameter("SecretString must be between 1 and %d bytes.", maxValueBytes)
	case v.Binary != nil && (len(v.Binary) == 0 || len(v.Binary) > maxValueBytes):
		return invalidParameter("SecretBinary must be between 1 and %d bytes.", maxValueBytes)
	}
	return nil
}

// HasValue reports whether a value was given.
func (v Value) HasValue() bool { return v.String != nil || v.Binary != nil }

func validTags(tags []Tag) error {
	if len(tags) > maxTags {
		return smError("LimitExceededException", "A secret can have at most %d tags.", maxTags)
	}
	for _, t := range tags {
		if t.Key == "" || utf8.RuneCountInString(t.Key) > 128 || utf8.RuneCountInString(t.Value) > 256 {
			return invalidParameter("Tag keys must be 1-128 characters and tag values at most 256 characters.")
		}
		if !validTagText(t.Key) || !validTagText(t.Value) {
			return invalidParameter("Tag keys and values can contain only Unicode letters, digits, white space and the characters _ . : / = + - @.")
		}
		if strings.HasPrefix(strings.ToLower(t.Key), "aws:") {
			return invalidParameter("Tag keys beginning with aws: are reserved for AWS use.")
		}
	}
	return nil
}

// validTagText reports whether a tag key or value holds only what Secrets Manager's user
// guide allows: Unicode letters, digits and white space (the \p{L}\p{Z}\p{N} of AWS's
// tagging pattern) and _.:/=+-@. It refuses invalid UTF-8 and control characters (NUL).
func validTagText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if !(unicode.IsLetter(r) || unicode.In(r, unicode.Z, unicode.N) || strings.ContainsRune("_.:/=+-@", r)) {
			return false
		}
	}
	return true
}

func validStage(label string) error {
	if label == "" || len(label) > 256 {
		return invalidParameter("Staging labels must be 1-256 characters long.")
	}
	return nil
}

// mergeTags adds or replaces tags by key.
func mergeTags(have, add []Tag) []Tag {
	out := append([]Tag(nil), have...)
	for _, t := range add {
		replaced := false
		for i := range out {
			if out[i].Key == t.Key {
				out[i].Value, replaced = t.Value, true
			}
		}
		if !replaced {
			out = append(out, t)
		}
	}
	return out
}
