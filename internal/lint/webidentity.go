package lint

import (
	"strings"
)

// webProvider is the identity provider a Federated principal names for web identity
// federation: the prefix of its condition keys (PROVIDER:sub, PROVIDER:aud) and what kind
// of issuer it is.
type webProvider struct {
	host string // the condition keys' prefix: token.actions.githubusercontent.com, oidc.eks.../id/X, accounts.google.com
	kind string // "github", "eks", "google", "cognito" or "oidc" (any other IAM OIDC provider)
}

// federatedWebProvider reads a Federated principal: an IAM OIDC provider's ARN
// (arn:aws:iam::ACCOUNT:oidc-provider/HOST[/PATH]) or one of the built-in web identity
// providers. SAML providers and other names give ok false.
func federatedWebProvider(p string) (webProvider, bool) {
	lower := strings.ToLower(p)
	switch lower {
	case "accounts.google.com":
		return webProvider{host: lower, kind: "google"}, true
	case "cognito-identity.amazonaws.com":
		return webProvider{host: lower, kind: "cognito"}, true
	}
	parts := strings.SplitN(p, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "iam" || !strings.HasPrefix(parts[5], "oidc-provider/") {
		return webProvider{}, false
	}
	host := strings.TrimPrefix(parts[5], "oidc-provider/")
	h := strings.ToLower(host)
	switch {
	case h == "token.actions.githubusercontent.com":
		return webProvider{host: host, kind: "github"}, true
	case strings.HasPrefix(h, "oidc.eks.") && strings.Contains(h, ".amazonaws.com/id/"):
		return webProvider{host: host, kind: "eks"}, true
	case h == "accounts.google.com":
		return webProvider{host: host, kind: "google"}, true
	case h == "cognito-identity.amazonaws.com":
		return webProvider{host: host, kind: "cognito"}, true
	}
	return webProvider{host: host, kind: "oidc"}, true
}

// claimConditions returns the conditions of the statement that narrow a provider's claim
// (PROVIDER:claim with an operator that matches equal values, without IfExists), split into
// exact ones and pattern (StringLike) ones.
func (s *stmt) claimConditions(host, claim string) (exact, like []int) {
	key := host + ":" + claim
	for i, c := range s.st.Conditions {
		op := strings.ToLower(c.Operator)
		if !strings.EqualFold(c.Key, key) || negated(op) || strings.HasSuffix(op, "ifexists") || strings.HasPrefix(op, "null") {
			continue
		}
		if strings.Contains(op, "like") {
			like = append(like, i)
		} else {
			exact = append(exact, i)
		}
	}
	return exact, like
}

// checkWebIdentity reports trust policy statements that let web identity tokens assume the
// role without naming whose tokens: no PROVIDER:sub condition (anyone the issuer gives a
// token to: for GitHub Actions, every repository on GitHub), a sub pattern that matches
// every subject, and no PROVIDER:aud condition where the audience is what tells apps apart.
func (s *stmt) checkWebIdentity() {
	p := s.st.Principal
	if p == nil || len(p.Federated) == 0 || s.covering("sts:AssumeRoleWithWebIdentity") < 0 {
		return
	}
	for j, f := range p.Federated {
		prov, ok := federatedWebProvider(f)
		if !ok {
			continue
		}
		at := s.path("Principal", "Federated", j)
		switch prov.kind {
		case "cognito":
			s.checkCognito(prov, at)
			continue
		case "google":
			if exact, like := s.claimConditions(prov.host, "aud"); len(exact)+len(like) == 0 {
				s.l.add(SecurityWarning, "OIDC_TRUST_MISSING_AUD_CONDITION", at,
					"The role trusts Google ID tokens with no accounts.google.com:aud condition: a token Google issued to any app, for any Google account, can assume it.",
					`add "StringEquals": {"accounts.google.com:aud": "<your app's OAuth client ID>"}`)
			}
			continue
		}
		s.checkSub(prov, at)
		if exact, like := s.claimConditions(prov.host, "aud"); len(exact)+len(like) == 0 {
			s.l.add(Warning, "OIDC_TRUST_MISSING_AUD_CONDITION", at,
				"The role trusts %s with no %s:aud condition: STS still checks the token's audience against the provider's client IDs, but the role accepts a token minted for any of them.",
				`add "StringEquals": {"`+prov.host+`:aud": "sts.amazonaws.com"} (or the client ID the tokens are issued for)`, prov.host, prov.host)
		}
	}
}

// checkSub reports an IAM OIDC provider's trust without a sub condition, or with sub
// patterns that match every subject (or, for GitHub and EKS, every repository or service
// account).
func (s *stmt) checkSub(prov webProvider, at []any) {
	exact, like := s.claimConditions(prov.host, "sub")
	if prov.kind == "github" {
		// GitHub's job_workflow_ref names the repository of the workflow, as sub does.
		e, l := s.claimConditions(prov.host, "job_workflow_ref")
		exact, like = append(exact, e...), append(like, l...)
	}
	if len(exact)+len(like) == 0 {
		who := map[string]string{
			"github": "any GitHub Actions workflow of any repository on GitHub",
			"eks":    "any pod of the cluster, in any namespace, with any service account",
		}[prov.kind]
		if who == "" {
			who = "anyone " + prov.host + " issues a token to"
		}
		s.l.add(SecurityWarning, "OIDC_TRUST_MISSING_SUB_CONDITION", at,
			"The role trusts %s with no %s:sub condition: %s can assume it.",
			subFix(prov), prov.host, prov.host, who)
		return
	}
	if len(exact) > 0 {
		return // an exact subject: the patterns beside it narrow it further
	}
	// Each pattern condition must hold (they are ANDed); within one, any value matches (OR).
	// The statement is as wide as its narrowest condition's widest value.
	worst, worstRank, worstCond, worstVal := "", 3, -1, -1
	for _, i := range like {
		c := s.st.Conditions[i]
		rank, widest, at := 3, "", -1
		for j, v := range c.Values {
			if r, why := subWidth(prov, v); r < rank {
				rank, widest, at = r, why, j
			}
		}
		if worstCond < 0 || rank > worstRank {
			worst, worstRank, worstCond, worstVal = widest, rank, i, at
		}
	}
	if worstRank >= 2 {
		return
	}
	c := s.st.Conditions[worstCond]
	path := s.path("Condition", c.Operator, c.Key, worstVal)
	fix := "replace the pattern with " + subPattern(prov)
	if worstRank == 0 {
		s.l.add(SecurityWarning, "OIDC_TRUST_OVERLY_PERMISSIVE_SUB", path,
			"The pattern %q of %s matches %s: anyone %s issues a token to can assume the role.",
			fix, c.Values[worstVal], c.Key, worst, prov.host)
		return
	}
	s.l.add(Warning, "OIDC_TRUST_WIDE_SUB", path,
		"The pattern %q of %s matches %s.", fix, c.Values[worstVal], c.Key, worst)
}

// subWidth ranks a StringLike value of a sub condition: 0 when it matches every subject
// (or a leading wildcard lets any subject end with it), 1 when it matches every repository
// of a GitHub owner or every service account of an EKS namespace (or every namespace), 2
// when it names one.
func subWidth(prov webProvider, v string) (int, string) {
	if v == "" {
		return 2, ""
	}
	if v[0] == '*' || v[0] == '?' {
		return 0, "any subject (a leading wildcard)"
	}
	switch prov.kind {
	case "github":
		// repo:OWNER/REPO:... — the owner and repository must be written out.
		rest, ok := strings.CutPrefix(v, "repo:")
		if !ok {
			return 2, ""
		}
		owner, repo, _ := strings.Cut(rest, "/")
		if strings.ContainsAny(owner, "*?") {
			return 0, "repositories of any owner (a wildcard in the owner)"
		}
		if name, _, _ := strings.Cut(repo, ":"); strings.ContainsAny(name, "*?") {
			return 1, "every repository of " + owner + ", including any created later, not one repository"
		}
	case "eks":
		rest, ok := strings.CutPrefix(v, "system:serviceaccount:")
		if !ok {
			return 2, ""
		}
		ns, name, _ := strings.Cut(rest, ":")
		if strings.ContainsAny(ns, "*?") {
			return 1, "service accounts of every namespace of the cluster"
		}
		if strings.ContainsAny(name, "*?") {
			return 1, "every service account of the namespace " + ns
		}
	}
	return 2, ""
}

// subPattern is the shape of a sub value that names one subject of the provider.
func subPattern(prov webProvider) string {
	switch prov.kind {
	case "github":
		return `"repo:OWNER/REPO:ref:refs/heads/BRANCH" (or "repo:OWNER/REPO:*" with StringLike)`
	case "eks":
		return `"system:serviceaccount:NAMESPACE:SERVICE_ACCOUNT"`
	}
	return "the subject of the tokens to trust, without a leading wildcard"
}

// subFix is the fix of a missing sub condition for the provider.
func subFix(prov webProvider) string {
	switch prov.kind {
	case "github":
		return `add "StringEquals": {"token.actions.githubusercontent.com:sub": "repo:OWNER/REPO:ref:refs/heads/BRANCH"} (or StringLike "repo:OWNER/REPO:*")`
	case "eks":
		return `add "StringEquals": {"` + prov.host + `:sub": "system:serviceaccount:NAMESPACE:SERVICE_ACCOUNT"}`
	}
	return `add "StringEquals": {"` + prov.host + `:sub": "<the subject of the tokens to trust>"}`
}

// checkCognito reports a Cognito identity pool trust without an aud condition (any
// identity pool of any account) or without an amr condition (guests of the pool as well as
// signed-in users).
func (s *stmt) checkCognito(prov webProvider, at []any) {
	if exact, like := s.claimConditions(prov.host, "aud"); len(exact)+len(like) == 0 {
		s.l.add(SecurityWarning, "OIDC_TRUST_MISSING_AUD_CONDITION", at,
			"The role trusts Amazon Cognito identities with no cognito-identity.amazonaws.com:aud condition: an identity of any identity pool, in any account, can assume it.",
			`add "StringEquals": {"cognito-identity.amazonaws.com:aud": "REGION:IDENTITY-POOL-ID"}`)
		return
	}
	if exact, like := s.claimConditions(prov.host, "amr"); len(exact)+len(like) == 0 {
		s.l.add(Warning, "OIDC_TRUST_MISSING_AMR_CONDITION", at,
			"The role trusts the identity pool's identities with no cognito-identity.amazonaws.com:amr condition: unauthenticated (guest) identities can assume it as well as signed-in ones.",
			`add "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}`)
	}
}
