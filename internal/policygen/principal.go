package policygen

import (
	"fmt"

	"github.com/iamd-dev/iamd/internal/policy"
)

// Principal is whose calls a policy is generated from: a user, a role (its sessions'
// calls), a federated user or an account's root user.
//
// Callers are matched by account, kind and name. A role session's audited caller is
// arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION, which carries no role path: a role is
// matched by its name (unique in its account whatever its path), and every session of it
// counts, whether the principal is given as the role's ARN (arn:aws:iam::ACCOUNT:role/PATH/
// ROLE) or as one session's ARN. Users are matched by name too, so a user's ARN may be given
// with or without its path.
type Principal struct {
	ARN     string // as given
	kind    string // user, role, federated-user or root
	account string
	name    string
}

// ParsePrincipal reads a principal's ARN.
func ParsePrincipal(s string) (Principal, error) {
	p, err := policy.ParsePrincipal(s)
	if err != nil {
		return Principal{}, err
	}
	kind := identityKind(p.Kind)
	if kind == "" || p.Account == "" {
		return Principal{}, fmt.Errorf("principal %q is not a user, role, role session, federated user or root user ARN", s)
	}
	return Principal{ARN: s, kind: kind, account: p.Account, name: p.Name}, nil
}

// Matches reports whether an audited caller is the principal (one of its sessions, for a
// role).
func (p Principal) Matches(caller string) bool {
	c, err := policy.ParsePrincipal(caller)
	if err != nil {
		return false
	}
	return identityKind(c.Kind) == p.kind && c.Account == p.account && c.Name == p.name
}

// identityKind is the identity whose policies a principal of the kind has; "" for none.
func identityKind(k policy.PrincipalKind) string {
	switch k {
	case policy.User:
		return "user"
	case policy.Role, policy.AssumedRole:
		return "role"
	case policy.FederatedUser:
		return "federated-user"
	case policy.Account:
		return "root"
	}
	return ""
}
