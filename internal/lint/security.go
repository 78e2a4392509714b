package lint

import (
	"github.com/iamd-dev/iamd/internal/arn"
	"strings"

	"github.com/iamd-dev/iamd/internal/policy"
)

// checkSecurity reports grants wider than they look: NotPrincipal and NotAction with Allow,
// iam:PassRole, iam:* and sts:AssumeRole on every resource, trust policies that let
// anyone, another account without an external id, or any holder of a web identity token
// assume the role, and service principals without a source condition.
func (s *stmt) checkSecurity() {
	if s.st.Effect != policy.Allow {
		return
	}
	if s.st.NotPrincipal != nil {
		s.l.add(SecurityWarning, "ALLOW_WITH_NOT_PRINCIPAL", s.path("NotPrincipal"),
			"Using Allow with NotPrincipal can be overly permissive: it allows every principal except those listed, anonymous callers included.",
			"name the principals to allow in Principal instead")
	}
	if s.element == "NotAction" {
		s.l.add(SecurityWarning, "ALLOW_WITH_NOT_ACTION", s.path("NotAction"),
			"Allow with NotAction allows every action of every service except those listed, including actions AWS adds later.",
			"list the actions to allow in Action (or use NotAction in a Deny statement)")
	} else {
		s.checkWildcardGrants()
	}
	if s.l.opts.Kind == policy.Trust || s.l.opts.Kind == policy.Resource {
		s.checkPrincipals()
		s.checkServicePrincipals()
	}
	if s.l.opts.Kind == policy.Trust {
		s.checkWebIdentity()
	}
}

// covering returns the index of the first Action value that names the action (e.g.
// "iam:PassRole", "iam:Pass*", "iam:*", "*"), or -1.
func (s *stmt) covering(action string) int {
	a := s.l.cat.Action(action)
	if a == nil {
		return -1
	}
	for j, v := range s.values {
		if a.Matches(v) {
			return j
		}
	}
	return -1
}

// starResource returns the index of a Resource value that names every resource of the
// kind ("*", arn:aws:iam::*:role/*, arn:aws:iam::123456789012:role/*), or -1.
func (s *stmt) starResource(kind string) int {
	for j, r := range s.st.Resource {
		if r == "*" {
			return j
		}
		parts := strings.SplitN(r, ":", 6)
		if len(parts) == 6 && parts[2] == "iam" && (parts[5] == "*" || parts[5] == kind+"/*") {
			return j
		}
	}
	return -1
}

func (s *stmt) checkWildcardGrants() {
	if s.st.NotResource != nil {
		if j := s.covering("iam:PassRole"); j >= 0 {
			code := "PASS_ROLE_WITH_NOT_RESOURCE"
			if strings.Contains(s.values[j], "*") {
				code = "PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE"
			}
			s.l.add(SecurityWarning, code, s.path("NotResource"),
				"Using the iam:PassRole action with NotResource can be overly permissive: it allows passing every role but those listed.",
				"name the roles it may pass in Resource instead")
		}
		return
	}
	star := s.starResource("role")
	if star < 0 {
		return
	}
	if j := s.covering("iam:PassRole"); j >= 0 {
		code := "PASS_ROLE_WITH_STAR_IN_RESOURCE"
		if strings.Contains(s.values[j], "*") {
			code = "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE"
		}
		s.l.add(SecurityWarning, code, s.path("Resource", star),
			"Using the iam:PassRole action (through %s) with %s in the resource can be overly permissive: it lets the holder pass any role of the account to a service, with that role's permissions.",
			"name the roles it may pass (arn:aws:iam::ACCOUNT:role/NAME) and add an iam:PassedToService condition", s.values[j], s.st.Resource[star])
	}
	if s.st.Resource[star] != "*" {
		return
	}
	for j, v := range s.values {
		switch strings.ToLower(v) {
		case "*":
			s.l.add(SecurityWarning, "FULL_ACCESS_WITH_STAR_IN_RESOURCE", s.path("Action", j),
				"This statement allows every action on every resource: administrator access.",
				"list the actions and resources the principal needs")
		case "iam:*":
			s.l.add(SecurityWarning, "IAM_WILDCARD_WITH_STAR_IN_RESOURCE", s.path("Action", j),
				"iam:* on every resource lets the holder create users, keys and policies for itself: it is administrator access.",
				"list the IAM actions needed, on the ARNs of the roles, users or policies they manage")
		}
	}
	if j := s.covering("sts:AssumeRole"); j >= 0 && s.values[j] != "*" && s.l.opts.Kind != policy.Trust {
		s.l.add(SecurityWarning, "ASSUME_ROLE_WITH_STAR_IN_RESOURCE", s.path("Resource", star),
			"sts:AssumeRole (through %s) on every resource lets the holder assume any role, in any account, whose trust policy trusts it.",
			"name the roles it may assume (arn:aws:iam::ACCOUNT:role/NAME)", s.values[j])
	}
}

// limitingKeys are condition keys that tell callers apart when a policy names a wide set
// of principals: an external id, the caller's organization, account or ARN, or the source
// of a service's request.
var limitingKeys = []string{"sts:externalid", "aws:principalorgid", "aws:principalorgpaths", "aws:principalaccount", "aws:principalarn", "aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid", "aws:sourceorgpaths", "aws:userid"}

// tenantKeys are the conditions that tell a role's trusted callers apart across accounts:
// an external id (a third party acting for many customers) or the caller's organization.
var tenantKeys = []string{"sts:externalid", "aws:principalorgid", "aws:principalorgpaths"}

// hasCondition reports whether a condition on one of the keys narrows the statement (an
// operator that matches equal values, without IfExists).
func (s *stmt) hasCondition(keys []string) bool {
	for _, c := range s.st.Conditions {
		op := strings.ToLower(c.Operator)
		if negated(op) || strings.HasSuffix(op, "ifexists") || strings.HasPrefix(op, "null") {
			continue
		}
		for _, k := range keys {
			if strings.EqualFold(c.Key, k) {
				return true
			}
		}
	}
	return false
}

// checkPrincipals reports trust and resource policies open to anyone, and trust policies
// open to another account's principals without an external id or organization condition.
func (s *stmt) checkPrincipals() {
	p := s.st.Principal
	if p == nil {
		return
	}
	open := p.Wildcard
	openPath := s.path("Principal")
	for j, a := range p.AWS {
		if a == "*" {
			open, openPath = true, s.path("Principal", "AWS", j)
		}
	}
	if open && !s.hasCondition(limitingKeys) {
		code, what := "RESOURCE_POLICY_OPEN_TO_ANY_PRINCIPAL", "resource"
		if s.l.opts.Kind == policy.Trust {
			code, what = "TRUST_POLICY_OPEN_TO_ANY_PRINCIPAL", "role"
		}
		s.l.add(SecurityWarning, code, openPath,
			"This statement allows any principal of any AWS account, and anonymous callers where the service allows them, to use the "+what+": nothing in its conditions tells callers apart.",
			"name the principals in Principal, or add a condition on aws:PrincipalOrgID, aws:PrincipalAccount or sts:ExternalId")
		return
	}
	if s.l.opts.Kind != policy.Trust || s.hasCondition(tenantKeys) {
		return
	}
	for j, a := range p.AWS {
		acct := principalAccount(a)
		if acct == "" || acct == s.l.opts.Account {
			continue
		}
		typ, whose := SecurityWarning, "another account ("+acct+")"
		if s.l.opts.Account == "" {
			typ, whose = Warning, "account "+acct+" (another account, unless the role lives in "+acct+"; say --account)"
		}
		s.l.add(typ, "CROSS_ACCOUNT_TRUST_WITHOUT_EXTERNAL_ID", s.path("Principal", "AWS", j),
			"The role trusts %s with no sts:ExternalId or aws:PrincipalOrgID condition: whoever holds %s's credentials can assume it, on behalf of any tenant (the confused deputy; seed 002's cross-workspace risk).",
			`add "Condition": {"StringEquals": {"sts:ExternalId": "<one id per tenant>"}} (or aws:PrincipalOrgID for your own organization)`, whose, a)
	}
}

// principalAccount is the account of an AWS principal (an account id, a root, user or role
// ARN, an assumed-role ARN), or "".
func principalAccount(a string) string {
	if arn.IsAccountID(a) {
		return a
	}
	parts := strings.SplitN(a, ":", 6)
	if len(parts) == 6 && parts[0] == "arn" && (parts[2] == "iam" || parts[2] == "sts") {
		return parts[4]
	}
	return ""
}
