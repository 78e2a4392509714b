package accessanalyzer

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/iamd-dev/iamd/internal/arn"
	"github.com/iamd-dev/iamd/internal/catalog"
	"github.com/iamd-dev/iamd/internal/policy"
)

// variableValue is a policy variable's value in the samples.
const variableValue = "iamd-variable"

// freshCandidates are the bytes a fresh fill is made of: the first that no pattern of the
// documents spells, so that a fill is matched only by another pattern's wildcards.
const freshCandidates = "qzjkxvwyfgh"

// fresh is how the samples fill wildcards: a run (three fresh bytes) and one byte.
type fresh struct{ run, one string }

// freshFor chooses the fill of patterns that spell none of its byte.
func freshFor(patterns []string) fresh {
	all := strings.ToLower(strings.Join(patterns, " "))
	c := freshCandidates[:1]
	for i := 0; i < len(freshCandidates); i++ {
		if !strings.Contains(all, freshCandidates[i:i+1]) {
			c = freshCandidates[i : i+1]
			break
		}
	}
	return fresh{run: c + c + c, one: c}
}

var variablePattern = regexp.MustCompile(`\$\{([^}]*)\}`)

// sampler forms the requests a check asks about: every action of the catalog (and every
// action the documents name that the catalog lacks), each on the resources that the
// documents' patterns and the action's own resource types stand for.
type sampler struct {
	cat *catalog.Catalog
	// fill is how wildcards are filled.
	fill fresh
	// value is the value of every policy variable in these samples, and ctx the context
	// that gives it to them.
	value     string
	ctx       policy.Context
	resources []string // instances of every pattern of the documents
	extra     []string // actions the documents name that the catalog does not know
	// byTypes caches resourcesFor by the action's resource types.
	byTypes map[string][]string
	// steps counts the requests asked about, up to Budget.
	steps int
	// partitions are those the documents' ARNs name, aws first: a fresh resource of each
	// resource type is sampled in each.
	partitions []string
	// truncated is set when the documents have more pairs of patterns than maxPairs.
	truncated bool
	// canMatch caches whether a sample is of a resource type.
	canMatch map[typeSample]bool
}

type typeSample struct {
	rt       *catalog.ResourceType
	resource string
}

// ofType reports whether a sample resource is of the resource type.
func (s *sampler) ofType(rt *catalog.ResourceType, r string) bool {
	if svc := arnService(r); svc != "" && svc != arnService(rt.ARN) {
		return false // another service's resource: no need to match it
	}
	k := typeSample{rt, r}
	v, ok := s.canMatch[k]
	if !ok {
		v = rt.CanMatch(r)
		s.canMatch[k] = v
	}
	return v
}

// newSampler prepares the samples of the documents' statements, with value for every
// policy variable.
func newSampler(value string, docs ...*doc) *sampler {
	s := &sampler{cat: catalog.Default(), value: value, byTypes: map[string][]string{}, canMatch: map[typeSample]bool{}}
	vars := map[string]bool{}
	seen := map[string]bool{}
	extra := map[string]string{} // lower-case: as written
	for _, d := range docs {
		for _, st := range d.statements {
			for _, r := range st.resources {
				for _, m := range variablePattern.FindAllStringSubmatch(r, -1) {
					vars[variableName(m[1])] = true
				}
			}
			for _, a := range st.actions {
				if a == "*" {
					continue
				}
				// An action the catalog lacks, or one a pattern of a service it lacks stands for.
				for _, inst := range actionInstances(a, s.fill) {
					svc, _, _ := strings.Cut(inst, ":")
					pattern := strings.ContainsAny(a, "*?")
					if pattern && s.cat.Service(svc) != nil {
						continue // the catalog's actions of the service are asked about already
					}
					if _, seen := extra[strings.ToLower(inst)]; !seen && s.cat.Action(inst) == nil {
						extra[strings.ToLower(inst)] = inst
					}
				}
			}
		}
	}
	for v := range vars {
		if v != "" {
			s.ctx.Set(v, value)
		}
	}
	var patterns []string
	for _, d := range docs {
		for _, st := range d.statements {
			patterns = append(patterns, st.resources...)
			patterns = append(patterns, st.actions...)
		}
	}
	s.fill = freshFor(patterns)
	for _, d := range docs {
		for _, st := range d.statements {
			for _, r := range st.resources {
				for _, inst := range instances(r, value, s.fill) {
					if !seen[inst] {
						seen[inst] = true
						s.resources = append(s.resources, inst)
					}
				}
			}
		}
	}
	// The common instances of pairs of patterns, the resources a pattern alone misses.
	var resolved []string
	for _, d := range docs {
		for _, st := range d.statements {
			for _, r := range st.resources {
				if r != "*" && strings.ContainsAny(r, "*?") {
					resolved = append(resolved, resolveVariables(r, value))
				}
			}
		}
	}
	pairs := 0
pairs:
	for i := range resolved {
		for j := i + 1; j < len(resolved); j++ {
			if pairs++; pairs > maxPairs {
				s.truncated = true
				break pairs
			}
			for _, inst := range commonInstances(resolved[i], resolved[j], s.fill) {
				if !seen[inst] {
					seen[inst] = true
					s.resources = append(s.resources, inst)
				}
			}
		}
	}
	sort.Strings(s.resources)
	s.partitions = []string{arn.AWS}
	for _, r := range s.resources {
		if p := arn.PartitionOfARN(r); p != "" && arn.IsPartition(p) && !slices.Contains(s.partitions, p) {
			s.partitions = append(s.partitions, p)
		}
	}
	for _, a := range extra {
		s.extra = append(s.extra, a)
	}
	sort.Strings(s.extra)
	return s
}

// variableName is the key of a policy variable's body ("aws:username, 'x'" is
// aws:username); the escapes ${*}, ${?} and ${$} name none.
func variableName(body string) string {
	name, _, _ := strings.Cut(body, ",")
	name = strings.TrimSpace(name)
	switch name {
	case "*", "?", "$":
		return ""
	}
	return name
}

// instances are resources a pattern stands for: each wildcard run filled with a fresh
// run, with nothing, with one fresh byte, and with two fresh runs around a slash (so that arn:aws:s3:::b* also
// stands for an object, arn:aws:s3:::bqqq/qqq); each ? with a fresh byte; each variable
// with its value in the samples' context. "*" is also itself: the resource of actions that
// take none.
func instances(pattern, value string, f fresh) []string {
	if pattern == "*" {
		return []string{"*", f.run}
	}
	resolved := resolveVariables(pattern, value)
	fill := func(run string) string {
		var b strings.Builder
		for i := 0; i < len(resolved); i++ {
			switch resolved[i] {
			case '*':
				b.WriteString(run)
			case '?':
				b.WriteString(f.one)
			default:
				b.WriteByte(resolved[i])
			}
		}
		return b.String()
	}
	if !strings.ContainsAny(resolved, "*?") {
		return []string{resolved}
	}
	return []string{fill(f.run), fill(""), fill(f.one), fill(f.run + "/" + f.run)}
}

// typeInstances caches typeInstance by resource type and partition.
var typeInstances sync.Map

type typePartition struct {
	rt        *catalog.ResourceType
	partition string
	fill      fresh
}

// typeInstance is a resource of a resource type in a partition: its ARN format with each
// variable filled.
func typeInstance(rt *catalog.ResourceType, partition string, f fresh) string {
	k := typePartition{rt, partition, f}
	if v, ok := typeInstances.Load(k); ok {
		return v.(string)
	}
	v := variablePattern.ReplaceAllStringFunc(rt.ARN, func(m string) string {
		switch m {
		case "${Partition}":
			return partition
		case "${Region}":
			return "us-east-1"
		case "${Account}":
			return analyzerAccount
		}
		return f.run
	})
	typeInstances.Store(k, v)
	return v
}

// resourcesFor are the samples an action is asked about on: those of the documents' that
// are of one of its resource types, and one fresh resource of each type; "*" for an action
// of no resource type. An action the catalog does not know is asked about on every sample.
func (s *sampler) resourcesFor(a *catalog.Action) []string {
	if a == nil {
		return append([]string{"*"}, s.resources...)
	}
	if len(a.Resources) == 0 {
		return []string{"*"}
	}
	var key strings.Builder
	for _, r := range a.Resources {
		if r.Type != nil {
			key.WriteString(r.Type.ARN)
			key.WriteByte(' ')
		}
	}
	if out, ok := s.byTypes[key.String()]; ok {
		return out
	}
	out := []string{}
	defer func() { s.byTypes[key.String()] = out }()
	for _, r := range s.resources {
		if r == "*" {
			continue
		}
		for _, t := range a.Resources {
			if t.Type != nil && s.ofType(t.Type, r) {
				out = append(out, r)
				break
			}
		}
	}
	for _, r := range a.Resources {
		if r.Type != nil {
			for _, p := range s.partitions {
				out = append(out, typeInstance(r.Type, p, s.fill))
			}
		}
	}
	return out
}

// actionsOf are the catalog's actions a statement's Action or NotAction element stands for.
func (s *sampler) actionsOf(st *stmt) []*catalog.Action {
	if !st.notAction {
		seen := map[*catalog.Action]bool{}
		var out []*catalog.Action
		for _, p := range st.actions {
			for _, a := range s.cat.Expand(p) {
				if !seen[a] {
					seen[a] = true
					out = append(out, a)
				}
			}
		}
		return out
	}
	var out []*catalog.Action
	for _, svc := range s.cat.Services {
		for _, a := range svc.Actions {
			excluded := false
			for _, p := range st.actions {
				if a.Matches(p) {
					excluded = true
					break
				}
			}
			if !excluded {
				out = append(out, a)
			}
		}
	}
	return out
}

// extraFor are the actions the documents name that the catalog lacks, which a statement's
// element stands for (matched as the engine does).
func (s *sampler) extraFor(st *stmt) []string {
	var out []string
	for _, a := range s.extra {
		if actionNamed(st, a) {
			out = append(out, a)
		}
	}
	return out
}

// actionNamed reports whether a statement's Action (or NotAction) element stands for an
// action, matching as IAM does: case folded, * and ? wildcards.
func actionNamed(st *stmt, action string) bool {
	return actionNamedLower(st, strings.ToLower(action))
}

// actionNamedLower is actionNamed of a lower-cased action.
func actionNamedLower(st *stmt, lower string) bool {
	hit := false
	for _, p := range st.lowerActions {
		if globLower(p, lower) {
			hit = true
			break
		}
	}
	return hit != st.notAction
}

// globFold matches an action pattern, case folded.
func globFold(pattern, s string) bool {
	return globLower(strings.ToLower(pattern), strings.ToLower(s))
}

// globLower matches a lower-case pattern against a lower-case string.
func globLower(p, t string) bool {
	if p == "*" {
		return true
	}
	// Iterative glob with backtracking on the last *.
	pi, ti, star, mark := 0, 0, -1, 0
	for ti < len(t) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == t[ti]):
			pi++
			ti++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, ti
			pi++
		case star >= 0:
			pi, mark = star+1, mark+1
			ti = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// arnService is the service part of an ARN (or ARN format), "" when it is not an ARN or
// its service is not literal.
func arnService(s string) string {
	rest, ok := strings.CutPrefix(s, "arn:")
	if !ok {
		return ""
	}
	_, rest, ok = strings.Cut(rest, ":")
	if !ok {
		return ""
	}
	svc, _, ok := strings.Cut(rest, ":")
	if !ok || strings.ContainsAny(svc, "*?$") {
		return ""
	}
	return svc
}

// actionInstances are actions an Action value stands for: itself, or for a pattern, its
// wildcards filled with a fresh word, and with nothing.
func actionInstances(a string, f fresh) []string {
	if !strings.ContainsAny(a, "*?") {
		return []string{a}
	}
	fill := func(run string) string {
		return strings.NewReplacer("*", run, "?", f.one).Replace(a)
	}
	var out []string
	for _, inst := range []string{fill(f.run), fill("")} {
		if svc, name, ok := strings.Cut(inst, ":"); ok && svc != "" && name != "" {
			out = append(out, inst)
		}
	}
	return out
}

// hasVariables reports whether a document's resources name a policy variable.
func (d *doc) hasVariables() bool {
	for _, st := range d.statements {
		for _, r := range st.resources {
			if strings.Contains(r, "${") {
				return true
			}
		}
	}
	return false
}

// samplers are the samples of the documents: one set with every policy variable given one
// value, and, when the documents name variables, another with another value, so that a
// variable is never taken for the one literal that happens to spell its value.
func samplers(docs ...*doc) []*sampler {
	out := []*sampler{newSampler(variableValue, docs...)}
	for _, d := range docs {
		if d.hasVariables() {
			return append(out, newSampler(variableValue+"-2", docs...))
		}
	}
	return out
}

// step counts one request; false once the check is over its budget.
func (s *sampler) step() bool {
	s.steps++
	return s.steps <= Budget
}

// exhausted reports whether the check ran out of budget.
func (s *sampler) exhausted() bool { return s.steps > Budget || s.truncated }

// resolveVariables writes a pattern's policy variables as their value in the samples.
func resolveVariables(pattern, value string) string {
	return variablePattern.ReplaceAllStringFunc(pattern, func(m string) string {
		switch body := m[2 : len(m)-1]; variableName(body) {
		case "":
			return strings.TrimSpace(body) // ${*} is a literal *
		default:
			return value
		}
	})
}
