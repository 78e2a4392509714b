package iam

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/policy"
)

var (
	namePattern = regexp.MustCompile(`^[\w+=,.@-]+$`)
	pathPattern = regexp.MustCompile(`^(/|/[\x21-\x7E]+/)$`)
)

// constraint is AWS's ValidationError text for one failed member constraint.
func constraint(value, member, rule string) *awserr.Error {
	return awserr.ValidationError("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: %s", value, member, rule)
}

// checkName validates an entity name: 1..max characters of [\w+=,.@-].
func checkName(value, member string, max int) error {
	switch {
	case value == "":
		return constraint(value, member, "Member must have length greater than or equal to 1")
	case len(value) > max:
		return constraint(value, member, fmt.Sprintf("Member must have length less than or equal to %d", max))
	case !namePattern.MatchString(value):
		return constraint(value, member, `Member must satisfy regular expression pattern: [\w+=,.@-]+`)
	}
	return nil
}

// checkPath validates a path ("/" by default) and returns it.
func checkPath(value, member string) (string, error) {
	if value == "" {
		return "/", nil
	}
	switch {
	case len(value) > 512:
		return "", constraint(value, member, "Member must have length less than or equal to 512")
	case !pathPattern.MatchString(value):
		return "", constraint(value, member, `Member must satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007E]+\u002F)`)
	}
	return value, nil
}

// checkPathPrefix validates a PathPrefix filter ("/" when empty).
func checkPathPrefix(value string) (string, error) {
	if value == "" {
		return "/", nil
	}
	if len(value) > 512 || !strings.HasPrefix(value, "/") {
		return "", constraint(value, "pathPrefix", `Member must satisfy regular expression pattern: \u002F[\u0021-\u007F]*`)
	}
	return value, nil
}

// policySize is how IAM measures a policy against its quotas: without white space.
func policySize(doc string) int {
	n := 0
	for _, r := range doc {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

// maxPolicyDocumentLen is the API's length constraint on every policy document member
// (PolicyDocument, AssumeRolePolicyDocument, PolicyInputList members), in characters.
const maxPolicyDocumentLen = 131072

// CheckPolicyDocumentText checks a policy document against the constraints the IAM API
// puts on every document member before anything reads it: 1..131072 characters, each a
// tab, line feed, carriage return or one of U+0020..U+00FF. It is cheap and linear, so a
// huge document is refused before it is parsed.
func CheckPolicyDocumentText(doc, member string) error {
	if err := CheckPolicyDocumentLength(doc, member); err != nil {
		return err
	}
	for _, r := range doc {
		if !(r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r <= 0xFF)) {
			// An invalid UTF-8 byte reads as U+FFFD and fails here too. AWS leaves the
			// value out of this message.
			return awserr.ValidationError(`1 validation error detected: Value at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: [\u0009\u000A\u000D\u0020-\u00FF]+`, member)
		}
	}
	return nil
}

// CheckPolicyDocumentLength checks only the length constraint, 1..131072 characters
// (runes are counted only when the bytes are past the limit).
func CheckPolicyDocumentLength(doc, member string) error {
	if doc == "" {
		return constraint(doc, member, "Member must have length greater than or equal to 1")
	}
	if len(doc) > maxPolicyDocumentLen && utf8.RuneCountInString(doc) > maxPolicyDocumentLen {
		return constraint(doc, member, fmt.Sprintf("Member must have length less than or equal to %d", maxPolicyDocumentLen))
	}
	return nil
}

// checkPolicy checks a document as IAM would store it for its kind, with AWS's errors: the
// API's constraints first (at most 131072 characters, so that the linear parser's work is
// bounded), then the grammar. Quotas (ACLSizePerRole, PolicySize) are checked by the
// callers after the grammar, as the order IAM answers in when a document breaks both.
func checkPolicy(doc string, kind policy.Kind) error {
	if err := CheckPolicyDocumentText(doc, "policyDocument"); err != nil {
		return err
	}
	_, err := policy.Parse([]byte(doc), kind)
	return malformedPolicy(err)
}

// checkManagedPolicy is checkPolicy for a customer managed policy's document, which IAM also
// requires to be of Version 2012-10-17.
func checkManagedPolicy(doc string) error {
	if err := CheckPolicyDocumentText(doc, "policyDocument"); err != nil {
		return err
	}
	_, err := policy.ParseManaged([]byte(doc))
	return malformedPolicy(err)
}

// malformedPolicy is a parse failure as AWS's MalformedPolicyDocument (nil stays nil).
func malformedPolicy(err error) error {
	if err == nil {
		return nil
	}
	if pe, ok := err.(*policy.Error); ok {
		return awserr.MalformedPolicyDocument(pe.Message)
	}
	return awserr.MalformedPolicyDocument("Syntax errors in policy.")
}

var wordIDPattern = regexp.MustCompile(`^\w+$`)

// checkWordID checks an id parameter of the API's [\w]+ shape (access keys, certificates,
// SSH keys, service-specific credentials): min..128 word characters, with AWS's constraint
// texts.
func checkWordID(id, member string, min int) error {
	switch {
	case len(id) < min:
		return constraint(id, member, fmt.Sprintf("Member must have length greater than or equal to %d", min))
	case len(id) > 128:
		return constraint(id, member, "Member must have length less than or equal to 128")
	case !wordIDPattern.MatchString(id):
		return constraint(id, member, `Member must satisfy regular expression pattern: [\w]+`)
	}
	return nil
}
