package accessanalyzer

import (
	"regexp"
	"slices"
	"sort"
	"strings"

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
