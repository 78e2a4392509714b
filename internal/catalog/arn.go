package catalog

import "strings"

// MatchesResource reports whether a Resource element's value (an ARN pattern with * and ?
// wildcards and policy variables, or "*") can name a resource of one of the action's
// resource types, and returns the first type it can name. An action without resource
// types acts only on "*".
func (a *Action) MatchesResource(resource string) (bool, *ResourceType) {
	if resource == "*" {
		return true, nil
	}
	for _, r := range a.Resources {
		if r.Type != nil && r.Type.CanMatch(resource) {
			return true, r.Type
		}
	}
	return false, nil
}

// CanMatch reports whether some ARN is both of this resource type and matched by the
// Resource element's value.
func (r *ResourceType) CanMatch(resource string) bool {
	r.once.Do(func() { r.tokens = formatTokens(r.ARN) })
	return intersects(policyTokens(resource), r.tokens)
}

// token is one element of an ARN pattern: a literal byte, any one byte, or any run of
// bytes, where a run may exclude ':' (partition, region, account) or ':' and '/' (an S3
// bucket name).
type token struct {
	kind byte // 'c' literal, '?' any byte, '*' any run
	c    byte
	excl string // bytes a '*' run may not contain
}

// formatTokens reads an ARN format of the Service Authorization Reference, where each
// ${Variable} stands for any run of bytes.
func formatTokens(format string) []token {
	var out []token
	for i := 0; i < len(format); i++ {
		if strings.HasPrefix(format[i:], "${") {
			if j := strings.IndexByte(format[i:], '}'); j > 0 {
				out = append(out, token{kind: '*', excl: variableExclusions(format[i+2 : i+j])})
				i += j
				continue
			}
		}
		out = append(out, token{kind: 'c', c: format[i]})
	}
	return out
}

// variableExclusions says which bytes a variable of an ARN format cannot hold: the ARN's
// own separators in its partition, region and account, and the slash in a bucket name, so
// that s3:ListBucket on arn:aws:s3:::bucket/* is seen to name no bucket.
func variableExclusions(name string) string {
	switch name {
	case "Partition", "Region", "Account":
		return ":"
	case "BucketName":
		return ":/"
	}
	return ""
}

// policyTokens reads a Resource element's value: * and ? are wildcards, a policy variable
// ${...} may be anything, and ${*}, ${?}, ${$} are the literal characters.
func policyTokens(p string) []token {
	var out []token
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c == '*' || c == '?':
			out = append(out, token{kind: c})
		case c == '$' && i+1 < len(p) && p[i+1] == '{':
			j := strings.IndexByte(p[i:], '}')
			if j < 0 {
				out = append(out, token{kind: 'c', c: c})
				continue
			}
			switch v := p[i+2 : i+j]; v {
			case "*", "?", "$":
				out = append(out, token{kind: 'c', c: v[0]})
			default:
				out = append(out, token{kind: '*'})
			}
			i += j
		default:
			out = append(out, token{kind: 'c', c: c})
		}
	}
	return out
}

// intersects reports whether some string is matched by both token lists: a search over
// pairs of positions, where a run may match nothing (skip it) or one more byte (stay).
func intersects(a, b []token) bool {
	n, m := len(a)+1, len(b)+1
	seen := make([]bool, n*m)
	stack := []int{0}
	seen[0] = true
	push := func(i, j int) {
		if k := i*m + j; !seen[k] {
			seen[k] = true
			stack = append(stack, k)
		}
	}
	for len(stack) > 0 {
		k := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		i, j := k/m, k%m
		if i == len(a) && j == len(b) {
			return true
		}
		if i < len(a) && a[i].kind == '*' {
			push(i+1, j)
		}
		if j < len(b) && b[j].kind == '*' {
			push(i, j+1)
		}
		if i < len(a) && j < len(b) && overlap(a[i], b[j]) {
			ni, nj := i+1, j+1
			if a[i].kind == '*' {
				ni = i
			}
			if b[j].kind == '*' {
				nj = j
			}
			push(ni, nj)
		}
	}
	return false
}

// overlap reports whether one byte can be matched by both tokens.
func overlap(x, y token) bool {
	if x.kind == 'c' && y.kind == 'c' {
		return x.c == y.c
	}
	if x.kind == 'c' {
		return !strings.ContainsRune(y.excl, rune(x.c))
	}
	if y.kind == 'c' {
		return !strings.ContainsRune(x.excl, rune(y.c))
	}
	return true // two classes always share a letter
}
