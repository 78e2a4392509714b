package access

import (
	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/policy"
)

// actor is a node that acts with policies of its own: a user, a role (as its sessions), an
// account's root user, a principal of an account iamd does not hold, or a service.
type actor struct {
	id        string
	kind      string
	account   string
	principal policy.Principal
	set       *policy.Set
	// base holds the condition keys the stored state fixes for the actor's requests: its
	// tags (aws:PrincipalTag/...) and, for users and roots, aws:userid.
	base policy.Context
	// note is a requirement every edge of the actor carries (an external principal's
	// identity policies, which iamd does not hold).
	note string
	// acts reports an actor whose own calls are decided here: users, roles, roots.
	acts bool
	// contexts are base with the engine's derived keys, by resource account (contextIn).
	contexts map[string]policy.Context
	// services are the service prefixes its identity policies' Allow statements name
	// (allowedServices), computed once.
	services map[string]bool
	// absent are lower-cased keys the actor's requests never carry (a user without an MFA
	// device has no MFA keys): no witness sets them.
	absent []string
	// assumeAction is how it assumes a role: sts:AssumeRole ("") or, for an identity
	// provider, sts:AssumeRoleWithWebIdentity or sts:AssumeRoleWithSAML.
	assumeAction string
	// userName is a user's name (AddUserToGroup paths add this user).
	userName string
}

// roleInfo is what a role is as a resource: its trust policy and tags.
type roleInfo struct {
	role  iam.Role
	trust *policy.Policy
}

// groupInfo is a group with its policies compiled.
type groupInfo struct {
	group    iam.Group
	identity []*policy.Policy
}

// secretInfo is a secret as a resource: its resource policy and condition keys.
type secretInfo struct {
	arn, account string
	policy       *policy.Policy
	keys         policy.Context
}

// principalTags sets aws:PrincipalTag/KEY for each tag.
func principalTags(ctx *policy.Context, tags []iam.Tag) {
	for _, t := range tags {
		ctx.Set("aws:PrincipalTag/"+t.Key, t.Value)
	}
}

// resourceTags sets iam:ResourceTag/KEY and aws:ResourceTag/KEY for each tag of an IAM
// resource.
func resourceTags(ctx *policy.Context, tags []iam.Tag) {
	for _, t := range tags {
		ctx.Set("iam:ResourceTag/"+t.Key, t.Value)
		ctx.Set("aws:ResourceTag/"+t.Key, t.Value)
	}
}

func namedPolicy(name, doc string) iam.NamedPolicy { return iam.NamedPolicy{Name: name, Document: doc} }

// mayAllow reports whether the actor's identity policies have an Allow statement that can
// apply to an action of the service: without one, an action no resource policy governs
// (IAM's, EC2's RunInstances, iam:PassRole) is implicitly denied, and the engine need not
// be asked.
func (a *actor) mayAllow(service string) bool {
	if a.kind == KindAccount {
		return true
	}
	if a.services == nil {
		a.services = allowedServices(a.set)
	}
	return a.services["*"] || a.services[service]
}
