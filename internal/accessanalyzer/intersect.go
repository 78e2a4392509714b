package accessanalyzer

import "strings"

// maxPairs bounds the pairs of patterns whose common instances a check samples; a check of
// more pairs is refused (UnprocessableEntityError) rather than answered from fewer.
const maxPairs = 20000

// commonInstances are resources two patterns (their variables resolved) both stand for,
// when there are any: the shortest, and the same with a fresh word where both patterns
// have a wildcard run at once. They are what the instances of each pattern alone miss: a
// request inside a new Allow's pattern and an existing Deny's at once
// (arn:aws:s3:::b/x* and arn:aws:s3:::*/x*y share arn:aws:s3:::b/xy).
func commonInstances(p, q string, f fresh) []string {
	type state struct{ i, j int }
	type step struct {
		prev state
		emit string
	}
	start, goal := state{0, 0}, state{len(p), len(q)}
	seen := map[state]step{start: {}}
	queue := []state{start}
	fresh := state{-1, -1} // the first state where both patterns are at a wildcard run
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		if s == goal {
			break
		}
		next := func(t state, emit string) {
			if _, ok := seen[t]; !ok {
				seen[t] = step{prev: s, emit: emit}
				queue = append(queue, t)
			}
		}
		var a, b byte
		if s.i < len(p) {
			a = p[s.i]
		}
		if s.j < len(q) {
			b = q[s.j]
		}
		if a == '*' && b == '*' && fresh.i < 0 {
			fresh = s
		}
		// A wildcard run may end here.
		if a == '*' {
			next(state{s.i + 1, s.j}, "")
		}
		if b == '*' {
			next(state{s.i, s.j + 1}, "")
		}
		switch {
		case s.i == len(p) || s.j == len(q):
			// One pattern is spent: only its wildcard runs' ends (above) can go on.
		case a == '*' && b == '*':
		case a == '*':
			next(state{s.i, s.j + 1}, literal(b, f))
		case b == '*':
			next(state{s.i + 1, s.j}, literal(a, f))
		case a == '?' || b == '?' || a == b:
			c := literal(a, f)
			if a == '?' {
				c = literal(b, f)
			}
			next(state{s.i + 1, s.j + 1}, c)
		}
	}
	if _, ok := seen[goal]; !ok {
		return nil
	}
	var parts []string
	var states []state
	for s := goal; s != start; s = seen[s].prev {
		parts = append(parts, seen[s].emit)
		states = append(states, seen[s].prev)
	}
	var shortest, freshened strings.Builder
	for k := len(parts) - 1; k >= 0; k-- {
		if states[k] == fresh {
			freshened.WriteString(f.run)
		}
		shortest.WriteString(parts[k])
		freshened.WriteString(parts[k])
	}
	out := []string{shortest.String()}
	if f := freshened.String(); f != out[0] {
		out = append(out, f)
	}
	return out
}

// literal is a pattern byte as an instance spells it: ? is a fresh byte.
func literal(c byte, f fresh) string {
	if c == '?' {
		return f.one
	}
	return string(c)
}
