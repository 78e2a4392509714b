package lint

import (
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/iamd-dev/iamd/internal/catalog"
	"github.com/iamd-dev/iamd/internal/policy"
)

// family is the kind of values a condition operator compares.
type family string

const (
	famString  family = "String"
	famNumeric family = "Numeric"
	famDate    family = "Date"
	famBool    family = "Bool"
	famBinary  family = "Binary"
	famIP      family = "IPAddress"
	famARN     family = "ARN"
	famNull    family = "Null"
)

// operatorFamily reads an operator such as ForAllValues:StringLikeIfExists.
func operatorFamily(op string) (f family, qualifier string) {
	base := op
	if i := strings.IndexByte(base, ':'); i >= 0 {
		qualifier, base = strings.ToLower(base[:i]), base[i+1:]
	}
	base = strings.TrimSuffix(strings.ToLower(base), "ifexists")
	switch {
	case strings.HasPrefix(base, "string"):
		return famString, qualifier
	case strings.HasPrefix(base, "numeric"):
		return famNumeric, qualifier
	case strings.HasPrefix(base, "date"):
		return famDate, qualifier
	case base == "bool":
		return famBool, qualifier
	case base == "binaryequals":
		return famBinary, qualifier
	case strings.HasSuffix(base, "ipaddress"):
		return famIP, qualifier
	case strings.HasPrefix(base, "arn"):
		return famARN, qualifier
	}
	return famNull, qualifier
}

// negated reports whether an operator matches when the values differ (StringNotEquals,
// NotIpAddress, ...), so that it narrows nothing down by itself.
func negated(op string) bool {
	return strings.Contains(strings.ToLower(op), "not")
}

// suggestedOperator is an operator for values of a key's type.
var suggestedOperator = map[string]string{
	"String": "StringEquals", "Numeric": "NumericEquals", "Date": "DateGreaterThan", "Bool": "Bool",
	"IPAddress": "IpAddress", "ARN": "ArnLike", "Binary": "BinaryEquals",
}

func (s *stmt) checkConditions() {
	for _, c := range s.st.Conditions {
		s.checkCondition(c)
	}
}

func (s *stmt) checkCondition(c *policy.Condition) {
	keyPath := s.path("Condition", c.Operator, policy.Key(c.Key))
	fam, qualifier := operatorFamily(c.Operator)
	k, known := s.lookupKey(c, keyPath)

	if known {
		base := strings.TrimPrefix(string(k.Type), "ArrayOf")
		if !compatible(fam, base, k.Name) {
			s.l.add(Warning, "TYPE_MISMATCH", keyPath,
				"The operator %s compares %s values, but %s is of type %s.",
				"use a "+base+" operator such as "+suggestedOperator[base], c.Operator, fam, c.Key, k.Type)
		}
		s.checkQualifier(c, k, qualifier, fam, keyPath)
		s.checkKeyApplies(c, k, keyPath)
	}
	for j, v := range c.Values {
		if strings.Contains(v, "${") {
			continue // a policy variable: known only at request time
		}
		if why := badValue(fam, v); why != "" {
			s.l.add(Error, valueMismatchCode[fam], s.path("Condition", c.Operator, c.Key, j),
				"The value %q of %s is not %s, so the condition never matches.", "write "+why, v, c.Operator, why)
		}
	}
}

// multivaluedClaims are keys the catalog types as single strings that hold a list in the
// request: Cognito's amr claim (["authenticated", "cognito-identity.amazonaws.com", ...]),
// which AWS's examples test with ForAnyValue:StringLike.
var multivaluedClaims = map[string]bool{"cognito-identity.amazonaws.com:amr": true}

// checkQualifier reports set qualifiers on single-valued keys and multivalued keys (the
// catalog's ArrayOf types: aws:TagKeys, aws:CalledVia, sts:TransitiveTagKeys, ...) without
// one.
func (s *stmt) checkQualifier(c *policy.Condition, k catalog.ConditionKey, qualifier string, fam family, keyPath []any) {
	multi := strings.HasPrefix(string(k.Type), "ArrayOf") || multivaluedClaims[strings.ToLower(c.Key)]
	switch {
	case qualifier == "forallvalues" && !multi:
		s.l.add(SecurityWarning, "FORALLVALUES_WITH_SINGLE_VALUED_KEY", keyPath,
			"Using ForAllValues qualifier with the single-valued condition key %s can be overly permissive: it also matches when the key is absent.",
			"remove ForAllValues:", c.Key)
	case qualifier == "foranyvalue" && !multi:
		s.l.add(Warning, "FORANYVALUE_WITH_SINGLE_VALUED_KEY", keyPath,
			"Using ForAnyValue qualifier with the single-valued condition key %s: the key has at most one value, so the qualifier adds nothing, except that a negated operator then no longer matches when the key is absent.",
			"remove ForAnyValue:", c.Key)
	case qualifier == "" && multi && fam != famNull:
		s.l.add(Error, "MISSING_QUALIFIER", keyPath,
			"The request context key %s can have multiple values: AWS requires the ForAllValues: or ForAnyValue: qualifier with %s, and does not document what the bare operator compares.",
			"write ForAnyValue:"+c.Operator+" (any value matches) or ForAllValues:"+c.Operator+" (every value matches, with a Null condition beside it in an Allow)", c.Key, c.Operator)
	}
}

// lookupKey finds a condition key in the catalog, reporting keys that do not exist.
func (s *stmt) lookupKey(c *policy.Condition, path []any) (catalog.ConditionKey, bool) {
	prefix, _, _ := strings.Cut(c.Key, ":")
	if strings.EqualFold(prefix, "aws") {
		if k, ok := s.l.cat.GlobalKey(c.Key); ok {
			return k, true
		}
		if k, ok := s.l.cat.Key(c.Key); ok {
			return k, true
		}
		s.l.add(Error, "INVALID_GLOBAL_CONDITION_KEY", path, "The global condition key %s does not exist.",
			"use a global condition key AWS documents (aws:PrincipalOrgID, aws:SourceIp, aws:PrincipalArn, ...)", c.Key)
		return catalog.ConditionKey{}, false
	}
	if k, ok := s.l.cat.Key(c.Key); ok {
		return k, true
	}
	if s.l.cat.Service(prefix) == nil && (strings.ContainsAny(prefix, "./") || prefix == "saml") {
		// A key of an identity provider (token.actions.githubusercontent.com:sub, an
		// OIDC provider's host, saml:...): its names are the provider's.
		return catalog.ConditionKey{}, false
	}
	if s.l.cat.Service(prefix) == nil {
		s.l.add(Error, "INVALID_SERVICE_CONDITION_KEY", path, "The condition key %s names the service %s, which does not exist.",
			"use a key of the service whose actions the statement names", c.Key, prefix)
		return catalog.ConditionKey{}, false
	}
	s.l.add(Error, "INVALID_SERVICE_CONDITION_KEY", path, "The condition key %s does not exist in the service %s.",
		"use a condition key the service documents in the Service Authorization Reference", c.Key, prefix)
	return catalog.ConditionKey{}, false
}

// checkKeyApplies reports a service key that no action of the statement supports: the
// key is then absent from every request the statement is about.
func (s *stmt) checkKeyApplies(c *policy.Condition, k catalog.ConditionKey, path []any) {
	if s.element != "Action" || s.star || k.Category != "" {
		return
	}
	if prefix, _, _ := strings.Cut(c.Key, ":"); strings.EqualFold(prefix, "aws") {
		return
	}
	some := false
	for _, acts := range s.matched {
		for _, a := range acts {
			if s.l.cat.KeyApplies(a, c.Key) {
				return
			}
			some = true
		}
	}
	if some {
		s.l.add(Warning, "UNSUPPORTED_CONDITION_KEY_FOR_ACTIONS", path,
			"No action of this statement supports the condition key %s: it is absent from their requests, so the condition does not hold as written.",
			"use a key the statement's actions support, or move the condition to a statement with actions that support it", c.Key)
	}
}

// compatible reports whether an operator family fits a key's type.
func compatible(f family, keyType, name string) bool {
	switch f {
	case famNull, famBinary:
		return true
	case famString:
		return keyType == "String" || keyType == "ARN"
	case famNumeric:
		return keyType == "Numeric" || strings.EqualFold(name, "aws:EpochTime")
	case famDate:
		return keyType == "Date"
	case famBool:
		return keyType == "Bool"
	case famIP:
		return keyType == "IPAddress"
	case famARN:
		return keyType == "ARN"
	}
	return true
}

// badValue says what a condition value should be when it cannot be one of the operator's
// values, or "" when it can.
// valueMismatchCode is the issue code of a value its operator cannot read: Access
// Analyzer's "Type mismatch" checks by the operator's type, and iamd's own
// MALFORMED_CONDITION_VALUE for an ARN operator's value, which Access Analyzer has no check of.
var valueMismatchCode = map[family]string{
	famNumeric: "TYPE_MISMATCH_NUMBER",
	famDate:    "TYPE_MISMATCH_DATE",
	famBool:    "TYPE_MISMATCH_BOOLEAN",
	famNull:    "TYPE_MISMATCH_BOOLEAN",
	famIP:      "TYPE_MISMATCH_IP_RANGE",
	famARN:     "MALFORMED_CONDITION_VALUE",
}

func badValue(f family, v string) string {
	switch f {
	case famNumeric:
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			return "a number"
		}
	case famDate:
		if !isDate(v) {
			return "a date (2006-01-02T15:04:05Z or seconds since 1970)"
		}
	case famBool, famNull:
		if !strings.EqualFold(v, "true") && !strings.EqualFold(v, "false") {
			return "true or false"
		}
	case famIP:
		if _, err := netip.ParsePrefix(v); err != nil {
			if _, err := netip.ParseAddr(v); err != nil {
				return "an IP address or CIDR range (203.0.113.0/24)"
			}
		}
	case famARN:
		if v != "*" && !strings.HasPrefix(v, "arn:") {
			return "an ARN"
		}
	}
	return ""
}

func isDate(v string) bool {
	if _, err := strconv.ParseInt(v, 10, 64); err == nil {
		return true
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05.999999999Z07:00", "2006-01-02T15:04Z07:00", "2006-01-02", "2006-01-02T15:04:05"} {
		if _, err := time.Parse(layout, v); err == nil {
			return true
		}
	}
	return false
}
