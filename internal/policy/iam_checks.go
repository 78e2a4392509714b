package policy

import (
	"fmt"
	"strconv"
	"strings"
)

// The checks IAM applies to the documents it stores (identity policies, permissions
// boundaries, trust and session policies) beyond the grammar, in the order IAM reports
// them: after the grammar and the statement ids, the "legacy" checks over the whole
// document (an Effect in the wrong case, a date that does not parse, an ARN of four or five
// parts), then each statement's actions and resources. The texts are AWS's, as AWS answers
// them and public sources quote them (docs/CONFORMANCE.md lists the cases).

// iamParsed reports whether IAM's own parser reads documents of the kind. Resource-based
// policies are read by the service that holds them (S3, Secrets Manager, ...), with their
// own rules.
func (k Kind) iamParsed() bool {
	return k == Identity || k == Boundary || k == Trust || k == Session
}

// checksResources reports whether IAM checks the form of each resource of the kind's
// statements (a trust policy has none).
func (k Kind) checksResources() bool { return k == Identity || k == Boundary || k == Session }

// legacyCheck is the document-wide pass whose failures AWS reports as "The policy failed
// legacy parsing".
func legacyCheck(statements []*Statement, effects []string, kind Kind) error {
	for i, st := range statements {
		if effects[i] != st.Effect.String() {
			return malformed(st.Pos, msgLegacyParsing, "Effect %q must be written \"Allow\" or \"Deny\"", effects[i])
		}
		for _, c := range st.Conditions {
			if c.spec.family != famDate {
				continue
			}
			for _, v := range c.Values {
				if !validDateValue(v) {
					return malformed(c.Pos, msgLegacyParsing, "%s value %q is not a date", c.Operator, v)
				}
			}
		}
		if !kind.checksResources() {
			continue
		}
		for _, r := range concat(st.Resource, st.NotResource) {
			if legacyARN(r) {
				return malformed(st.Pos, msgLegacyParsing, "resource %q has too few parts or no service", r)
			}
		}
	}
	return nil
}

// legacyARN: an ARN of a known partition with four or five parts, or with an empty service.
func legacyARN(r string) bool {
	if !strings.HasPrefix(r, "arn:") {
		return false
	}
	parts := strings.Split(r, ":")
	if len(parts) < 3 || !validPartition(parts[1]) {
		return false
	}
	return len(parts) == 4 || len(parts) == 5 || (len(parts) >= 4 && parts[2] == "")
}

// checkAction applies IAM's rules to one Action or NotAction entry: a vendor prefix, one
// colon, a vendor of letters, digits, '-', '_' and '.' (wildcards allowed).
func checkAction(pos Pos, a string) error {
	if a == "*" {
		return nil
	}
	vendor, _, found := strings.Cut(a, ":")
	if !found || vendor == "" {
		return malformed(pos, msgVendorPrefix, "action %q", a)
	}
	if strings.Count(a, ":") > 1 {
		return malformed(pos, msgOneColon, "action %q", a)
	}
	for _, c := range vendor {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-_.*?", c)) {
			return malformed(pos, fmt.Sprintf(msgVendorInvalidFormat, vendor), "action %q", a)
		}
	}
	return nil
}

// resourceInARNForm is the first check of a resource: "*" or something with a colon.
func resourceInARNForm(r string) bool { return r == "*" || strings.Contains(r, ":") }

// checkResource applies IAM's rules to one Resource or NotResource entry already known to be
// "*" or to contain a colon. A value with colons that does not start with "arn:" is read as
// an ARN whose first part is "arn" (AWS's message then names it so, its missing parts "*").
func checkResource(pos Pos, r string) error {
	if r == "*" {
		return nil
	}
	parts := strings.Split(r, ":")
	if parts[0] != "arn" {
		parts[0] = "arn"
		for len(parts) < 6 {
			parts = append(parts, "*")
		}
	}
	asARN := strings.Join(parts, ":")
	if !validPartition(parts[1]) {
		return malformed(pos, fmt.Sprintf(msgPartitionFormat, parts[1], asARN), "")
	}
	if len(parts) < 3 || parts[2] == "" {
		return malformed(pos, msgResourceVendor, "resource %q", r)
	}
	if len(parts) < 6 {
		return nil // "arn:aws:service" alone: IAM accepts it
	}
	service, region := parts[2], parts[3]
	switch {
	case service == "iam" && region != "":
		return malformed(pos, fmt.Sprintf(msgIAMRegionFormat, r), "")
	case service == "s3" && region != "":
		return malformed(pos, fmt.Sprintf(msgRegionFormat, r), "")
	case service == "iam" && !validIAMResourcePath(strings.Join(parts[5:], ":")):
		return malformed(pos, msgIAMPath, "resource %q", r)
	}
	return nil
}

// iamResourcePrefixes are the resource types of IAM ARNs: those AWS's message lists, and the
// types the Service Authorization Reference has added since (assumed-role, delegation
// requests, role templates).
var iamResourcePrefixes = []string{
	"user/", "federated-user/", "role/", "group/", "instance-profile/", "mfa/", "server-certificate/",
	"policy/", "sms-mfa/", "saml-provider/", "oidc-provider/", "report/", "access-report/",
	"assumed-role/", "delegation-request/", "role-template/",
}

func validIAMResourcePath(resource string) bool {
	if resource == "*" || strings.HasPrefix(resource, "${") {
		return true
	}
	for _, p := range iamResourcePrefixes {
		if strings.HasPrefix(resource, p) {
			return true
		}
	}
	return false
}

// partitions are AWS's partitions (the aws-sdk's endpoints data names them).
var partitions = map[string]bool{
	"aws": true, "aws-cn": true, "aws-us-gov": true, "aws-iso": true, "aws-iso-b": true,
	"aws-iso-e": true, "aws-iso-f": true, "aws-eusc": true,
}

// validPartition: a known partition, or a pattern (a wildcard or a variable) that IAM
// leaves to evaluation.
func validPartition(p string) bool {
	return partitions[p] || strings.ContainsAny(p, "*?") || strings.HasPrefix(p, "${")
}

// validDateValue is the grammar of the values IAM accepts for a Date operator: an integer
// (epoch seconds) that fits in 64 bits, a policy variable, or an ISO 8601 date with an
// optional time of day and offset, written as leniently as IAM reads it ("2016-12-13t2:00:00"
// and "01T" both pass; an offset's hours need two digits, a fraction at most nine).
func validDateValue(v string) bool {
	if strings.Contains(v, "${") {
		return true
	}
	if _, err := strconv.ParseInt(v, 10, 64); err == nil {
		return true
	}
	s := &dateScanner{s: v}
	_ = s.optional('-') || s.optional('+') // a signed year
	year := s.digits(1, 9)
	if year < 0 {
		return false
	}
	if s.optional('-') {
		if m := s.digits(2, 2); m < 1 || m > 12 {
			return false
		}
		if s.optional('-') {
			if d := s.digits(2, 2); d < 1 || d > 31 {
				return false
			}
		}
	}
	if s.optional('T') || s.optional('t') {
		if s.done() {
			return true
		}
		if h := s.digits(1, 2); h < 0 || h > 24 {
			return false
		}
		if s.optional(':') {
			if m := s.digits(1, 2); m < 0 || m > 59 {
				return false
			}
			if s.optional(':') {
				if sec := s.digits(1, 2); sec < 0 || sec > 60 {
					return false
				}
				if s.optional('.') || s.optional(',') {
					if s.digits(1, 9) < 0 {
						return false
					}
				}
			}
		}
		if !s.offset() {
			return false
		}
	}
	return s.done()
}

// dateScanner reads a date value left to right.
type dateScanner struct {
	s string
	i int
}

func (d *dateScanner) done() bool { return d.i == len(d.s) }

func (d *dateScanner) optional(c byte) bool {
	if d.i < len(d.s) && d.s[d.i] == c {
		d.i++
		return true
	}
	return false
}

// digits reads between min and max digits and returns their value (-1: too few, or more
// digits follow than max allows).
func (d *dateScanner) digits(min, max int) int {
	start := d.i
	for d.i < len(d.s) && d.s[d.i] >= '0' && d.s[d.i] <= '9' {
		d.i++
	}
	n := d.i - start
	if n < min || n > max {
		return -1
	}
	v, _ := strconv.Atoi(d.s[start:d.i])
	return v
}

// offset reads an optional zone: Z, or +HH, +HH:MM, +HHMM (two-digit hours).
func (d *dateScanner) offset() bool {
	if d.done() || d.optional('Z') || d.optional('z') {
		return true
	}
	if !d.optional('+') && !d.optional('-') {
		return false
	}
	if h := d.digits(2, 2); h < 0 || h > 23 {
		return false
	}
	if d.done() {
		return true
	}
	d.optional(':')
	m := d.digits(2, 2)
	return m >= 0 && m <= 59
}
