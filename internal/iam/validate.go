package iam

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"

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

// checkPolicy parses a document as IAM would store it for its kind, with AWS's error.
func checkPolicy(doc string, kind policy.Kind) error {
	if doc == "" {
		return constraint(doc, "policyDocument", "Member must have length greater than or equal to 1")
	}
	if _, err := policy.Parse([]byte(doc), kind); err != nil {
		if pe, ok := err.(*policy.Error); ok {
			return awserr.MalformedPolicyDocument(pe.Message)
		}
		return awserr.MalformedPolicyDocument("Syntax errors in policy.")
	}
	return nil
}

// checkTags validates tags as IAM does: at most 50, keys 1..128, values 0..256, unique keys.
func checkTags(tags []Tag) error {
	if len(tags) > 50 {
		return awserr.LimitExceeded("Cannot exceed quota for TagsPerResource: 50")
	}
	seen := map[string]bool{}
	for i, t := range tags {
		member := "tags." + strconv.Itoa(i+1) + ".member."
		switch {
		case t.Key == "":
			return constraint(t.Key, member+"key", "Member must have length greater than or equal to 1")
		case len(t.Key) > 128:
			return constraint(t.Key, member+"key", "Member must have length less than or equal to 128")
		case len(t.Value) > 256:
			return constraint(t.Value, member+"value", "Member must have length less than or equal to 256")
		case seen[strings.ToLower(t.Key)]:
			return awserr.InvalidInput("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
		}
		seen[strings.ToLower(t.Key)] = true
	}
	return nil
}

// mergeTags adds or replaces tags by key (case-insensitively), keeping the order.
func mergeTags(have, add []Tag) []Tag {
	out := append([]Tag(nil), have...)
	for _, t := range add {
		replaced := false
		for i := range out {
			if strings.EqualFold(out[i].Key, t.Key) {
				out[i] = t
				replaced = true
				break
			}
		}
		if !replaced {
			out = append(out, t)
		}
	}
	return out
}

// removeTags drops tags by key.
func removeTags(have []Tag, keys []string) []Tag {
	var out []Tag
	for _, t := range have {
		drop := false
		for _, k := range keys {
			if strings.EqualFold(t.Key, k) {
				drop = true
			}
		}
		if !drop {
			out = append(out, t)
		}
	}
	return out
}
