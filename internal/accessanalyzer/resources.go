package accessanalyzer

import (
	"strings"
	"sync"

	"github.com/iamd-dev/iamd/internal/catalog"
)

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
