package accessanalyzer

import "strings"

// implies reports whether, in any request context, condition a holding makes b hold. It
// answers only what it can tell from the conditions' words, and false otherwise, which is
// the safe answer for every check: the same operator on the same key, where a positive
// operator's values are a subset of b's (the context matches one of a's, so one of b's),
// a negated operator's a superset (the context avoids all of a's, so all of b's), and a
// Null check the same values.
func implies(a, b cond) bool {
	if a.op != b.op || a.key != b.key {
		return false
	}
	switch {
	case strings.HasPrefix(stripQualifiers(a.op), "null"):
		return sameValues(a.values, b.values)
	case negatedOp(a.op):
		return subset(b.values, a.values)
	default:
		return subset(a.values, b.values)
	}
}

// impliedBy reports whether every condition of want holds whenever all of have hold.
func impliedBy(want, have []cond) bool {
	for _, w := range want {
		ok := false
		for _, h := range have {
			if implies(h, w) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// stripQualifiers is an operator without its set qualifier and IfExists.
func stripQualifiers(op string) string {
	if i := strings.IndexByte(op, ':'); i >= 0 {
		op = op[i+1:]
	}
	return strings.TrimSuffix(op, "ifexists")
}

// negatedOp reports whether an operator matches where the values differ.
func negatedOp(op string) bool {
	return strings.Contains(stripQualifiers(op), "not")
}

func subset(a, b []string) bool {
	in := map[string]bool{}
	for _, v := range b {
		in[v] = true
	}
	for _, v := range a {
		if !in[v] {
			return false
		}
	}
	return true
}

func sameValues(a, b []string) bool { return subset(a, b) && subset(b, a) }

// The principals a request may come from, for resource policies: a Principal value as
// type:value, every AWS principal ("AWS:*", as {"AWS": "*"} names them), or everyone ("*",
// as "Principal": "*" and NotPrincipal do, service principals included).
const (
	anyPrincipal    = "*"
	anyAWSPrincipal = "AWS:*"
)

// names reports whether the statement's principals certainly include p: "*" includes
// everyone, AWS "*" every AWS principal, a value itself. A NotPrincipal is never certain.
func (s *stmt) names(p string) bool {
	if p == "" {
		return true // an identity policy's statement: its holder
	}
	if s.notPrincipal {
		return false
	}
	for _, v := range s.principals {
		if v == anyPrincipal || v == p || v == anyAWSPrincipal && strings.HasPrefix(p, "AWS:") {
			return true
		}
	}
	return false
}

// mayName reports whether the statement's principals may include p: any NotPrincipal, a
// wildcard, the value itself, or any principal at all when p stands for many.
func (s *stmt) mayName(p string) bool {
	if p == "" {
		return true
	}
	if s.notPrincipal || (p == anyPrincipal || p == anyAWSPrincipal) && len(s.principals) > 0 {
		return true
	}
	for _, v := range s.principals {
		if v == anyPrincipal || v == p || v == anyAWSPrincipal && strings.HasPrefix(p, "AWS:") {
			return true
		}
	}
	return false
}

// principalSamples are the principals an Allow statement of a resource policy grants to:
// its values, everyone for a NotPrincipal. An identity policy's statement has one, the
// policy's holder ("").
func (s *stmt) principalSamples(resourcePolicy bool) []string {
	if !resourcePolicy {
		return []string{""}
	}
	if s.notPrincipal {
		return []string{anyPrincipal}
	}
	return s.principals
}

// principalsCover reports whether statement a certainly applies to every principal b
// applies to: a names everyone; both are NotPrincipal and a leaves out no more than b; or
// both name principals and a names each of b's (identity statements name none: their
// holder).
func principalsCover(a, b *stmt) bool {
	if !a.notPrincipal && len(a.principals) == 0 && !b.notPrincipal && len(b.principals) == 0 {
		return true
	}
	if !a.notPrincipal && subset([]string{anyPrincipal}, a.principals) {
		return true
	}
	switch {
	case a.notPrincipal && b.notPrincipal:
		return subset(a.principals, b.principals)
	case !a.notPrincipal && !b.notPrincipal:
		for _, p := range b.principals {
			if !a.names(p) {
				return false
			}
		}
		return len(b.principals) > 0
	}
	return false
}
