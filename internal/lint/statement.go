package lint

import (
	"fmt"
	"github.com/iamd-dev/iamd/internal/arn"
	"strings"

	"github.com/iamd-dev/iamd/internal/catalog"
	"github.com/iamd-dev/iamd/internal/policy"
)

// stmt checks one statement.
type stmt struct {
	l    *linter
	st   *policy.Statement
	base []any // path of the statement

	element string              // "Action" or "NotAction"
	values  []string            // its values
	matched [][]*catalog.Action // the catalog actions each value names (nil for "*" and unknown ones)
	star    bool                // a value is "*"
	invalid int                 // values that name no action
}

func (s *stmt) path(more ...any) []any {
	return append(append([]any{}, s.base...), more...)
}

func (s *stmt) check() {
	s.element, s.values = "Action", s.st.Action
	if s.st.NotAction != nil {
		s.element, s.values = "NotAction", s.st.NotAction
	}
	s.checkActions()
	s.redundantActions()
	s.checkResources()
	s.checkConditions()
	s.checkSecurity()
}

// checkActions reports values that name no service or no action.
func (s *stmt) checkActions() {
	s.matched = make([][]*catalog.Action, len(s.values))
	for j, v := range s.values {
		if v == "*" {
			s.star = true
			continue
		}
		prefix, _, _ := strings.Cut(v, ":")
		if !strings.ContainsAny(prefix, "*?") && s.l.cat.Service(prefix) == nil {
			s.invalid++
			s.l.add(Error, "INVALID_SERVICE_IN_ACTION", s.path(s.element, j),
				"The service %s specified in the action %s does not exist.",
				"use a service prefix of the Service Authorization Reference (iamd's catalog: `iamd policy expand` lists actions)", prefix, v)
			continue
		}
		acts := s.l.cat.Expand(v)
		if len(acts) == 0 {
			s.invalid++
			what := "The action %s does not exist."
			if strings.ContainsAny(v, "*?") {
				what = "The pattern %s matches no action."
			}
			s.l.add(Error, "INVALID_ACTION", s.path(s.element, j), what,
				"correct the action name; the service's actions are listed by `iamd policy expand` of \""+prefix+":*\"", v)
			continue
		}
		s.matched[j] = acts
	}
	if s.invalid == len(s.values) {
		s.l.add(Warning, "EMPTY_STATEMENT", s.path(), "No value of %s names an action of AWS: this statement has no effect.",
			"correct the actions or delete the statement", s.element)
	}
}

// redundantActions reports values whose actions another value of the statement names too.
func (s *stmt) redundantActions() {
	sets := make([]map[*catalog.Action]bool, len(s.values))
	for j, acts := range s.matched {
		if acts != nil {
			sets[j] = map[*catalog.Action]bool{}
			for _, a := range acts {
				sets[j][a] = true
			}
		}
	}
	for j := range s.values {
		if sets[j] == nil {
			continue
		}
		for k := range s.values {
			covered := false
			switch {
			case k == j:
			case s.values[k] == "*":
				covered = true
			case sets[k] != nil && len(sets[j]) <= len(sets[k]):
				covered = subset(sets[j], sets[k]) && (len(sets[j]) < len(sets[k]) || k < j)
			}
			if covered {
				s.l.add(Suggestion, "REDUNDANT_ACTION", s.path(s.element, j),
					"%s is redundant: %s in the same statement already names its actions.", "remove "+s.values[j], s.values[j], s.values[k])
				break
			}
		}
	}
}

func subset(a, b map[*catalog.Action]bool) bool {
	for x := range a {
		if !b[x] {
			return false
		}
	}
	return true
}

// checkResources reports malformed ARNs, and, for Action statements, actions that can use
// none of the statement's resources and resources no action of it can use.
func (s *stmt) checkResources() {
	element, resources := "Resource", s.st.Resource
	if s.st.NotResource != nil {
		element, resources = "NotResource", s.st.NotResource
	}
	malformed := make([]bool, len(resources))
	for j, r := range resources {
		malformed[j] = !s.checkARN(s.path(element, j), r)
	}
	if element != "Resource" || s.element != "Action" || s.star || len(resources) == 0 {
		return
	}
	used := make([]bool, len(resources))
	for j, acts := range s.matched {
		if acts == nil {
			continue
		}
		usable := false
		for _, a := range acts {
			for k, r := range resources {
				if ok, _ := a.MatchesResource(r); ok {
					usable, used[k] = true, true
				}
			}
		}
		if !usable {
			s.l.add(Error, "RESOURCE_TYPE_MISMATCH", s.path(s.element, j),
				"%s %s; no Resource of this statement can name one, so the statement grants nothing for it.",
				"name a resource of that type in Resource, or move the action to a statement that does", s.values[j], describeResources(acts))
		}
	}
	for k, r := range resources {
		if !used[k] && !malformed[k] && r != "*" && s.invalid < len(s.values) {
			s.l.add(Warning, "RESOURCE_TYPE_MISMATCH", s.path(element, k),
				"%s is not a resource any action of this statement acts on.",
				"correct the ARN (service, resource type) or remove it", r)
		}
	}
}

// describeResources says what resource types the actions act on.
func describeResources(acts []*catalog.Action) string {
	if len(acts) == 1 {
		a := acts[0]
		if len(a.Resources) == 0 {
			return "acts on no resource type: it supports only \"*\" in Resource"
		}
		var formats []string
		for _, r := range a.Resources {
			if r.Type != nil && len(formats) < 3 {
				formats = append(formats, r.Type.Name+" ("+r.Type.ARN+")")
			}
		}
		return "acts on " + strings.Join(formats, ", ")
	}
	return fmt.Sprintf("names %d actions, none of which", len(acts)) + " acts on the statement's resources"
}

// checkARN checks the fields of a Resource value, reporting whether it is well formed.
func (s *stmt) checkARN(path []any, r string) bool {
	if r == "*" {
		return true
	}
	parts := strings.SplitN(r, ":", 6)
	if len(parts) < 6 {
		return false // the parser refuses it
	}
	fixed := func(v string) bool { return v != "" && !strings.ContainsAny(v, "*?$") }
	partition, service, region, account, resource := parts[1], parts[2], parts[3], parts[4], parts[5]
	switch {
	case fixed(partition) && !partitions[partition]:
		s.l.add(Error, "INVALID_PARTITION", path, "The resource ARN %s names the partition %q, which does not exist.",
			"use aws (or aws-cn, aws-us-gov, ...) as the ARN's partition", r, partition)
	case fixed(service) && !s.l.arnServices()[service]:
		s.l.add(Error, "INVALID_SERVICE", path, "The resource ARN %s names the service %q, which has no resource types.",
			"use the service namespace AWS documents for the resource's ARN", r, service)
	case fixed(region) && !validRegion(region):
		s.l.add(Error, "INVALID_REGION", path, "The resource ARN %s names %q, which is not a Region.",
			"write a Region such as us-east-1, or * for any", r, region)
	case fixed(account) && account != "aws" && !arn.IsAccountID(account):
		s.l.add(Error, "INVALID_ARN_ACCOUNT", path, "The resource ARN %s names %q, which is not a 12-digit account ID.",
			"write the 12-digit account ID, or * for any account", r, account)
	case resource == "":
		s.l.add(Error, "MISSING_ARN_FIELD", path, "The resource ARN %s has no resource part.",
			"complete the ARN with the resource type and name, e.g. role/NAME", r)
	default:
		return true
	}
	return false
}

var partitions = map[string]bool{
	"aws": true, "aws-cn": true, "aws-us-gov": true, "aws-iso": true, "aws-iso-b": true,
	"aws-iso-e": true, "aws-iso-f": true, "aws-eusc": true,
}

func validRegion(r string) bool {
	// xx-[gov-|iso-...]name-N, e.g. us-east-1, us-gov-west-1, eu-central-2, us-isob-east-1
	parts := strings.Split(r, "-")
	if len(parts) < 3 || len(parts[0]) != 2 {
		return false
	}
	last := parts[len(parts)-1]
	if last == "" {
		return false
	}
	for _, c := range last {
		if c < '0' || c > '9' {
			return false
		}
	}
	for _, p := range parts[:len(parts)-1] {
		if p == "" {
			return false
		}
		for _, c := range p {
			if c < 'a' || c > 'z' {
				return false
			}
		}
	}
	return true
}

// arnServices is every service namespace that appears in a resource type's ARN format.
func (l *linter) arnServices() map[string]bool {
	arnServicesOnce.Do(func() {
		arnServicesSet = map[string]bool{}
		for _, svc := range l.cat.Services {
			for _, r := range svc.ResourceTypes {
				if parts := strings.SplitN(r.ARN, ":", 4); len(parts) == 4 {
					arnServicesSet[parts[2]] = true
				}
			}
		}
	})
	return arnServicesSet
}
