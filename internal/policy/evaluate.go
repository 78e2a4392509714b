package policy

import (
	"strings"

	"github.com/iamd-dev/iamd/internal/arn"
)

// Set is every policy that bears on one request.
type Set struct {
	Identity []*Policy   // the caller's identity-based policies (its own, its groups')
	Resource *Policy     // the resource's policy (a trust policy for sts:AssumeRole*); nil if none
	Boundary *Policy     // the caller's permissions boundary; nil if none
	Session  []*Policy   // session policies; the session may do what any of them allows
	SCPs     [][]*Policy // SCPs by level, organization root first; every level must allow
	RCPs     [][]*Policy // RCPs by level, organization root first; every level must allow
}

// Evaluate decides the request under the set's policies.
func Evaluate(set *Set, req *Request) Decision {
	var d Decision
	EvaluateInto(&d, set, req)
	return d
}

// layerResult is what one layer's policies said.
type layerResult struct {
	deny  bool
	allow grant // grantNone when nothing allowed
}

// EvaluateInto is Evaluate writing into d, reusing its slices: with a reused Decision it
// allocates nothing.
//
// The logic is AWS's (IAM User Guide, "Policy evaluation logic"):
//   - sts:GetCallerIdentity needs no permission and is always allowed;
//   - an applicable Deny in any policy denies;
//   - every level of SCPs must allow (for principals of an account, the root included); RCPs
//     only deny (AWS keeps RCPFullAWSAccess at every level), for every caller but services;
//   - resources AWS owns inside an account (AWS managed policies, AWS-reserved roles) cannot
//     be changed by anyone;
//   - in the resource's own account, a resource-based policy that names the caller itself
//     (a user, a session, a federated user) or everyone grants on its own; one that names a
//     role grants to the role's sessions but stays within their boundary and session
//     policies; one that names the account only delegates to identity policies;
//   - across accounts, both the resource-based policy and the caller's identity-based
//     policies must allow;
//   - a permissions boundary and session policies, when present, must also allow;
//   - KMS keys and role trust need their resource-based policy to allow in every case.
func EvaluateInto(d *Decision, set *Set, req *Request) {
	d.reset()
	if req.lowerAction == "sts:getcalleridentity" {
		d.Result = Allowed
		return
	}
	p := &req.Principal
	denied := LayerNone
	noteDeny := func(l Layer, r layerResult) {
		if r.deny && denied == LayerNone {
			denied = l
		}
	}

	scpOK := true
	if p.IsIAM() {
		for i, level := range set.SCPs {
			r := evalLevel(d, LayerSCP, i, level, req, false)
			noteDeny(LayerSCP, r)
			scpOK = scpOK && r.allow != grantNone
		}
	}
	if p.Kind != Service {
		// RCPs only restrict: AWS attaches RCPFullAWSAccess at every level and it cannot be
		// detached, so a level never lacks an Allow.
		for i, level := range set.RCPs {
			noteDeny(LayerRCP, evalLevel(d, LayerRCP, i, level, req, true))
		}
	}
	var res layerResult
	if set.Resource != nil {
		res = evalPolicy(d, LayerResource, 0, set.Resource, req, true, set.Boundary != nil)
		noteDeny(LayerResource, res)
	}
	var ident layerResult
	if p.IsIAM() {
		for i, pol := range set.Identity {
			r := evalPolicy(d, LayerIdentity, i, pol, req, false, false)
			ident.deny = ident.deny || r.deny
			ident.allow = max(ident.allow, r.allow)
		}
		noteDeny(LayerIdentity, ident)
	}
	boundaryOK, sessionOK := true, true
	if set.Boundary != nil && p.IsIAM() {
		r := evalPolicy(d, LayerBoundary, 0, set.Boundary, req, false, false)
		noteDeny(LayerBoundary, r)
		boundaryOK = r.allow != grantNone
	}
	if len(set.Session) > 0 && p.IsIAM() {
		var s layerResult
		for i, pol := range set.Session {
			r := evalPolicy(d, LayerSession, i, pol, req, false, false)
			s.deny = s.deny || r.deny
			s.allow = max(s.allow, r.allow)
		}
		noteDeny(LayerSession, s)
		sessionOK = s.allow != grantNone
	}

	switch {
	case denied != LayerNone:
		d.Result, d.DeniedBy = ExplicitDeny, denied
		return
	case !scpOK:
		d.DeniedBy = LayerSCP
		return
	case isProtected(req):
		d.DeniedBy = LayerResource
		return
	}

	// The root user may do anything its account's policies do not deny; a federated user
	// session without session policies has no permissions (GetFederationToken).
	identityAllows := ident.allow != grantNone || p.Kind == Account
	if p.Kind == FederatedUser && len(set.Session) == 0 {
		sessionOK = false
	}
	needsResourcePolicy := requiresResourcePolicy(req)
	var allowed bool
	switch {
	case !p.IsIAM():
		// Services, federated providers and anonymous callers have no identity policies:
		// only the resource's policy can allow them.
		allowed = res.allow != grantNone
	case !req.sameAccount():
		allowed = res.allow != grantNone && identityAllows && boundaryOK && sessionOK
	case needsResourcePolicy && res.allow == grantNone:
		allowed = false
	case res.allow == grantDirect:
		allowed = true
	default:
		allowed = (identityAllows || res.allow == grantRole) && boundaryOK && sessionOK
	}
	if allowed {
		d.Result = Allowed
		return
	}
	// Name the layer that failed to allow, for the authorization-failure message.
	switch {
	case !p.IsIAM() || needsResourcePolicy && res.allow == grantNone || !req.sameAccount() && res.allow == grantNone:
		d.DeniedBy = LayerResource
	case !identityAllows && res.allow < grantRole:
		d.DeniedBy = LayerIdentity
	case !boundaryOK:
		d.DeniedBy = LayerBoundary
	case !sessionOK:
		d.DeniedBy = LayerSession
	default:
		d.DeniedBy = LayerIdentity
	}
}

// requiresResourcePolicy reports whether the action's resource must itself allow the caller:
// a KMS key's key policy, a role's trust policy.
func requiresResourcePolicy(req *Request) bool {
	switch req.service() {
	case "kms":
		return req.resourceIsARN && strings.HasPrefix(arn.Part(req.Resource, req.resourceParts, 5), "key/")
	case "sts":
		return IsTrustAction(req.lowerAction)
	}
	return false
}

// IsTrustAction reports whether a role's trust policy governs the action: the AssumeRole
// family and the session features it gates (sts:TagSession, sts:SetSourceIdentity,
// sts:SetContext).
func IsTrustAction(action string) bool {
	a := strings.ToLower(action)
	switch a {
	case "sts:tagsession", "sts:setsourceidentity", "sts:setcontext":
		return true
	}
	return strings.HasPrefix(a, "sts:assumerole")
}

// evalLevel evaluates one level of SCPs or RCPs: the level allows when any of its policies
// allows.
func evalLevel(d *Decision, layer Layer, index int, level []*Policy, req *Request, withPrincipal bool) layerResult {
	var out layerResult
	for _, pol := range level {
		r := evalPolicy(d, layer, index, pol, req, withPrincipal, false)
		out.deny = out.deny || r.deny
		out.allow = max(out.allow, r.allow)
	}
	return out
}

// evalPolicy applies each statement of one policy, recording the ones that apply.
func evalPolicy(d *Decision, layer Layer, index int, pol *Policy, req *Request, withPrincipal, hasBoundary bool) layerResult {
	var out layerResult
	for _, st := range pol.index.candidates(req.lowerService) {
		g := st.applies(req, d, withPrincipal, hasBoundary)
		if g == grantNone {
			continue
		}
		d.Matched = append(d.Matched, Match{Layer: layer, Index: index, Policy: pol, Statement: st})
		if st.Effect == Deny {
			out.deny = true
		} else {
			out.allow = max(out.allow, g)
		}
	}
	return out
}

// applies reports whether the statement applies to the request, and for a resource-based
// statement how it names the caller.
func (st *Statement) applies(req *Request, d *Decision, withPrincipal, hasBoundary bool) grant {
	if !st.actions.matches(req.lowerAction, req.lowerService) || !st.resourcesMatch(req) {
		return grantNone
	}
	g := grantDirect
	if withPrincipal && st.who.present {
		if g = st.who.match(&req.Principal, st.Effect, hasBoundary); g == grantNone {
			return grantNone
		}
	}
	for _, c := range st.Conditions {
		if !c.eval(&req.Context, d) {
			return grantNone
		}
	}
	return g
}
