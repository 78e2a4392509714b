package policy

import (
	"strings"

	"github.com/iamd-dev/iamd/internal/arn"
)

// grant is how closely a resource-based policy statement names the caller. It decides
// whether the statement grants on its own (AWS: a user, session or "*" named directly), is
// still limited by the caller's boundary and session policy (a role named for its sessions),
// or only delegates to the caller's account (the account named: its identity policies must
// allow too).
type grant uint8

const (
	grantNone    grant = iota
	grantAccount       // the caller's account (id or root ARN)
	grantRole          // the role whose session is calling
	grantDirect        // the caller itself, or everyone
)

// roleRef is a role a Principal element names by its ARN, in that ARN's partition.
type roleRef struct{ partition, account, name string }

// accountRef is an account a Principal element names: by its id alone (partition "", the
// policy's own partition: account ids are unique across partitions) or by its root user's
// ARN, in that ARN's partition.
type accountRef struct{ partition, account string }

// names reports whether the reference is the principal's account.
func (a accountRef) names(p *Principal) bool {
	return a.account == p.Account && (a.partition == "" || a.partition == p.Partition())
}

// names reports whether the reference is the principal's role (or a session's).
func (r roleRef) names(p *Principal) bool {
	return r.account == p.Account && r.name == p.Name && r.partition == p.Partition()
}

// principalMatcher is a compiled Principal or NotPrincipal element.
type principalMatcher struct {
	present  bool
	negated  bool
	wildcard bool
	accounts []accountRef // accounts named by id or root ARN
	arns     []string     // user, session and federated-user ARNs
	roles    []roleRef    // roles, which also match their sessions
	others   []string     // Service, Federated and CanonicalUser values
}

func compilePrincipals(p *Principals, negated bool) principalMatcher {
	m := principalMatcher{present: true, negated: negated, wildcard: p.Wildcard}
	for _, v := range p.AWS {
		switch {
		case v == "*":
			m.wildcard = true
		case arn.IsAccountID(v):
			m.accounts = append(m.accounts, accountRef{account: v})
		default:
			a, err := arn.Parse(v)
			switch {
			case err != nil:
				m.arns = append(m.arns, v)
			case a.Service == "iam" && a.Resource == "root":
				m.accounts = append(m.accounts, accountRef{a.Partition, a.Account})
			case a.Service == "iam" && strings.HasPrefix(a.Resource, "role/"):
				m.roles = append(m.roles, roleRef{partition: a.Partition, account: a.Account, name: lastSegment(a.Resource)})
			default:
				m.arns = append(m.arns, v)
			}
		}
	}
	m.others = append(m.others, p.Service...)
	m.others = append(m.others, p.Federated...)
	m.others = append(m.others, p.CanonicalUser...)
	return m
}

// match reports how the element names the caller; the statement applies when it is not
// grantNone. hasBoundary matters only for NotPrincipal.
func (m *principalMatcher) match(p *Principal, effect Effect, hasBoundary bool) grant {
	if !m.negated {
		return m.grantFor(p)
	}
	// NotPrincipal. AWS documents that a Deny with NotPrincipal always denies a caller that
	// has a permissions boundary, whatever the element lists.
	if effect == Deny && hasBoundary && p.IsIAM() {
		return grantDirect
	}
	// A caller is a chain of principals: a session, its role, its account; a user and its
	// account. A Deny spares the caller only when every link is listed: AWS evaluates the
	// account, then the role, then the session, so a NotPrincipal that omits the account
	// denies the whole account (reference_policies_elements_notprincipal). An Allow (which
	// AWS no longer supports with NotPrincipal) leaves out a caller when any link is listed.
	chain, n := p.chain()
	listed := 0
	for i := 0; i < n; i++ {
		if m.lists(&chain[i]) {
			listed++
		}
	}
	if effect == Deny && listed == n || effect == Allow && listed > 0 {
		return grantNone
	}
	return grantDirect
}

func (m *principalMatcher) grantFor(p *Principal) grant {
	if m.wildcard {
		return grantDirect
	}
	switch p.Kind {
	case Anonymous:
		return grantNone
	case Service, Federated:
		for _, o := range m.others {
			if o == p.ID {
				return grantDirect
			}
		}
		for _, a := range m.arns {
			if a == p.ID {
				return grantDirect
			}
		}
		return grantNone
	}
	for _, a := range m.arns {
		if a == p.ID {
			return grantDirect
		}
	}
	if p.Kind == Role || p.Kind == AssumedRole {
		for _, r := range m.roles {
			if r.names(p) {
				return grantRole
			}
		}
	}
	for _, a := range m.accounts {
		if a.names(p) {
			if p.Kind == Account {
				return grantDirect
			}
			return grantAccount
		}
	}
	return grantNone
}

// lists reports whether the element names this exact principal.
func (m *principalMatcher) lists(p *Principal) bool {
	if m.wildcard {
		return true
	}
	switch p.Kind {
	case Account:
		for _, a := range m.accounts {
			if a.names(p) {
				return true
			}
		}
		return false
	case Role:
		for _, r := range m.roles {
			if r.names(p) {
				return true
			}
		}
		return false
	case Service, Federated:
		for _, o := range m.others {
			if o == p.ID {
				return true
			}
		}
	}
	for _, a := range m.arns {
		if a == p.ID {
			return true
		}
	}
	return false
}

// chain is the caller and the principals it acts for: a session, its role and its account;
// a user and its account.
// The links are kept in the Principal, built once by NewRequest.
func (p *Principal) chain() (links [3]Principal, n int) {
	links[0] = *p
	switch p.Kind {
	case AssumedRole:
		links[1] = Principal{Kind: Role, ID: p.roleARN, Account: p.Account, Name: p.Name}
		links[2] = Principal{Kind: Account, ID: p.rootARN, Account: p.Account}
		return links, 3
	case User, Role, FederatedUser:
		links[1] = Principal{Kind: Account, ID: p.rootARN, Account: p.Account}
		return links, 2
	}
	return links, 1
}
