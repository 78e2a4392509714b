package iamapi

import (
	"sort"
	"strconv"
	"strings"

	"github.com/iamd-dev/iamd/internal/simulate"
)

// simulationInput reads the parameters the two simulations share.
func (c *call) simulationInput() simulate.Input {
	return simulate.Input{
		Account:                            c.account,
		Partition:                          c.partition(),
		PolicyInputList:                    c.q.List("PolicyInputList"),
		PermissionsBoundaryPolicyInputList: c.q.List("PermissionsBoundaryPolicyInputList"),
		ResourcePolicy:                     c.optional("ResourcePolicy"),
		ActionNames:                        c.q.List("ActionNames"),
		ResourceArns:                       c.q.List("ResourceArns"),
		ResourceOwner:                      c.optional("ResourceOwner"),
		CallerArn:                          c.optional("CallerArn"),
		ResourceHandlingOption:             c.optional("ResourceHandlingOption"),
		ContextEntries:                     c.contextEntries(),
		MaxItems:                           c.optional("MaxItems"),
		Marker:                             c.optional("Marker"),
	}
}

// optional reads a parameter that may be absent (nil) or sent empty ("").
func (c *call) optional(name string) *string {
	if !c.q.Has(name) {
		return nil
	}
	v := c.q.Get(name)
	return &v
}

// contextEntries reads ContextEntries.member.N.{ContextKeyName, ContextKeyType,
// ContextKeyValues.member.M}.
func (c *call) contextEntries() []simulate.ContextEntry {
	var out []simulate.ContextEntry
	for _, e := range c.q.Structs("ContextEntries") {
		out = append(out, simulate.ContextEntry{Name: e["ContextKeyName"], Type: e["ContextKeyType"], Values: listField(e, "ContextKeyValues")})
	}
	return out
}

// listField reads the members of a list nested in a structure (Field.member.N) in order.
func listField(e map[string]string, field string) []string {
	prefix := field + ".member."
	type item struct {
		n int
		v string
	}
	var items []item
	for k, v := range e {
		if rest, ok := strings.CutPrefix(k, prefix); ok {
			if n, err := strconv.Atoi(rest); err == nil {
				items = append(items, item{n, v})
			}
		}
	}
	sort.Slice(items, func(i, j int) bool { return items[i].n < items[j].n })
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.v
	}
	return out
}
