package policy

import "fmt"

// Kind is the role a policy document plays; it decides which elements are required or
// forbidden when the document is parsed.
type Kind uint8

const (
	Identity Kind = iota // attached to a user, group or role (inline or managed)
	Resource             // attached to a resource, such as a secret or a bucket
	Trust                // a role's trust policy (AssumeRolePolicyDocument)
	Boundary             // a permissions boundary
	SCP                  // an AWS Organizations service control policy
	RCP                  // an AWS Organizations resource control policy
	Session              // a session policy passed to AssumeRole or GetFederationToken
)

var kindNames = [...]string{"identity", "resource", "trust", "boundary", "scp", "rcp", "session"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// ParseKind reads a kind by its name as the CLI spells it.
func ParseKind(s string) (Kind, error) {
	for i, n := range kindNames {
		if n == s {
			return Kind(i), nil
		}
	}
	return 0, fmt.Errorf("unknown policy type %q (want identity, resource, trust, boundary, scp, rcp or session)", s)
}

// hasPrincipal reports whether statements of this kind name a principal.
func (k Kind) hasPrincipal() bool { return k == Resource || k == Trust || k == RCP }
