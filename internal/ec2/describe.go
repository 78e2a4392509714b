package ec2

import (
	"context"
	"encoding/json"
	"math"
	"path"
	"strconv"
	"strings"

	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/pagecursor"
)

// Filter is one DescribeInstances filter: a name and the values any of which may match
// (with * and ? wildcards, as EC2 filters allow).
type Filter struct {
	Name   string
	Values []string
}

// DescribeInput is DescribeInstances's parameters.
type DescribeInput struct {
	Account, Region string
	IDs             []string
	Filters         []Filter
	MaxResults      int // 0: all
	NextToken       string
}

// DescribeOutput is a page of instances, in id order, grouped by the caller into
// reservations.
type DescribeOutput struct {
	Instances []Instance
	NextToken string
}

// Describe lists instances by id and filters, a page at a time.
func (s *Service) Describe(ctx context.Context, in DescribeInput) (*DescribeOutput, error) {
	if len(in.IDs) > 0 && in.MaxResults > 0 {
		return nil, invalidParameterCombination("The parameter instancesSet cannot be used with the parameter maxResults")
	}
	if in.MaxResults != 0 && (in.MaxResults < 5 || in.MaxResults > 1000) {
		return nil, invalidParameterValue("Value ( %d ) for parameter maxResults is invalid. Expecting a value greater than 5.", in.MaxResults)
	}
	if err := checkFilterLimit(in.Filters); err != nil {
		return nil, err
	}
	for _, f := range in.Filters {
		if !knownFilter(f.Name) {
			return nil, invalidParameterValue("The filter '%s' is invalid", f.Name)
		}
	}
	after, err := instanceCursor(in.NextToken)
	if err != nil {
		return nil, err
	}
	if len(in.IDs) > 0 {
		// Named instances are read by key; a missing one is an error, as AWS answers.
		all, err := s.Instances(ctx, in.Account, in.Region, dedupe(in.IDs))
		if err != nil {
			return nil, err
		}
		out := &DescribeOutput{}
		for _, inst := range all {
			if (after == "" || inst.ID > after) && matchesAll(&inst, in.Filters) {
				out.Instances = append(out.Instances, inst)
			}
		}
		return out, nil
	}
	limit := in.MaxResults
	if limit == 0 {
		limit = math.MaxInt // AWS answers every instance when no MaxResults is given
	}
	out := &DescribeOutput{}
	err = s.store.View(ctx, func(tx docstore.Tx) error {
		now := s.now()
		walk := s.instanceWalk(tx, in.Account, in.Region, keyedValues(in.Filters, "instance-id"))
		take := func(_ string, raw []byte) (Instance, bool, error) {
			var inst Instance
			if err := json.Unmarshal(raw, &inst); err != nil {
				return inst, false, err
			}
			settle(&inst)
			return inst, visible(&inst, now) && matchesAll(&inst, in.Filters), nil
		}
		var next string
		var err error
		out.Instances, next, err = pagecursor.Collect(walk, regionCursor(in.Region, after), limit, take)
		if next != "" {
			out.NextToken = pagecursor.Encode(strings.TrimPrefix(next, in.Region+"/"))
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func dedupe(ids []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// instanceFilters are the DescribeInstances filters iamd answers, by the value they read.
var instanceFilters = map[string]func(*Instance) []string{
	"instance-id":                    func(i *Instance) []string { return []string{i.ID} },
	"instance-state-name":            func(i *Instance) []string { return []string{i.State} },
	"instance-state-code":            func(i *Instance) []string { return []string{strconv.Itoa(StateCode(i.State))} },
	"image-id":                       func(i *Instance) []string { return []string{i.ImageID} },
	"instance-type":                  func(i *Instance) []string { return []string{i.InstanceType} },
	"reservation-id":                 func(i *Instance) []string { return []string{i.ReservationID} },
	"owner-id":                       func(i *Instance) []string { return []string{i.Account} },
	"availability-zone":              func(i *Instance) []string { return []string{i.AvailabilityZone} },
	"private-ip-address":             func(i *Instance) []string { return []string{i.PrivateIP} },
	"private-dns-name":               func(i *Instance) []string { return []string{i.PrivateDNSName()} },
	"metadata-options.http-tokens":   func(i *Instance) []string { return []string{i.Metadata.HTTPTokens} },
	"metadata-options.http-endpoint": func(i *Instance) []string { return []string{i.Metadata.HTTPEndpoint} },
	"iam-instance-profile.arn": func(i *Instance) []string {
		if i.Profile == nil {
			return nil
		}
		return []string{i.Profile.ProfileARN}
	},
	"iam-instance-profile.id": func(i *Instance) []string {
		if i.Profile == nil {
			return nil
		}
		return []string{i.Profile.ProfileID}
	},
	"tag-key": func(i *Instance) []string {
		out := make([]string, len(i.Tags))
		for k, t := range i.Tags {
			out[k] = t.Key
		}
		return out
	},
	"tag-value": func(i *Instance) []string {
		out := make([]string, len(i.Tags))
		for k, t := range i.Tags {
			out[k] = t.Value
		}
		return out
	},
}

func knownFilter(name string) bool {
	if strings.HasPrefix(name, "tag:") && len(name) > len("tag:") {
		return true
	}
	_, ok := instanceFilters[name]
	return ok
}

// matchesAll reports whether the instance passes every filter (filters AND, values OR).
func matchesAll(inst *Instance, filters []Filter) bool {
	for _, f := range filters {
		var have []string
		if key, ok := strings.CutPrefix(f.Name, "tag:"); ok {
			for _, t := range inst.Tags {
				if t.Key == key {
					have = append(have, t.Value)
				}
			}
		} else {
			have = instanceFilters[f.Name](inst)
		}
		if !anyMatch(f.Values, have) {
			return false
		}
	}
	return true
}

func anyMatch(patterns, values []string) bool {
	for _, p := range patterns {
		for _, v := range values {
			if globMatch(p, v) {
				return true
			}
		}
	}
	return false
}

// globMatch matches EC2 filter wildcards: * any run of characters, ? one character.
func globMatch(pattern, v string) bool {
	if !strings.ContainsAny(pattern, "*?[\\") {
		return pattern == v
	}
	// path.Match treats / specially; EC2 values rarely hold one, but match them literally.
	esc := strings.NewReplacer("[", "\\[", "\\", "\\\\").Replace(pattern)
	ok, err := path.Match(strings.ReplaceAll(esc, "/", "\x00"), strings.ReplaceAll(v, "/", "\x00"))
	return err == nil && ok
}
