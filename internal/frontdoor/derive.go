package frontdoor

import (
	"strings"

	"github.com/iamd-dev/iamd/internal/arn"
	"github.com/iamd-dev/iamd/internal/catalog"
)

// deriver fills resource types' ARN formats from one need's parameters.
type deriver struct {
	call    *Call
	rule    *rule
	svc     *catalog.Service // the action's service: its formats read ARNs given as names
	params  map[string][]string
	lower   map[string]string // lower-case parameter name -> its name
	account string
}

func newDeriver(c *Call, r *rule, svc *catalog.Service, n need, account string) *deriver {
	d := &deriver{call: c, rule: r, svc: svc, params: n.params, lower: map[string]string{}, account: account}
	for k := range n.params {
		d.lower[strings.ToLower(k)] = k
	}
	return d
}

// fixed are the variables every format shares, filled from the call, not its members.
func (d *deriver) fixed(v string) (string, bool) {
	switch v {
	case "Partition":
		return arn.PartitionOf(d.call.Region), true
	case "Region":
		return d.call.Region, d.call.Region != ""
	case "Account":
		return d.account, d.account != ""
	}
	return "", false
}

func isFixed(v string) bool { return v == "Partition" || v == "Region" || v == "Account" }

// given are the ARNs the call gives for resources of the type (a TopicArn, a queue URL's).
func (d *deriver) given(rt *catalog.ResourceType) []string {
	var out []string
	for _, f := range formatsOf(rt) {
		for _, raw := range d.givenARNs(f) {
			if values, ok := f.match(raw); ok {
				out = append(out, f.render(values))
			}
		}
	}
	return dedupe(out)
}

// named are the ARNs of the type filled from the members named after its format's variables
// (a value may be the whole ARN: a FunctionName, an SSM parameter's Name), with the call's
// partition, region and account; false when no format can be filled. byMember reports that
// a member filled some variable (a format of none, such as API Gateway's /account, names no
// resource of the call's by itself).
func (d *deriver) named(rt *catalog.ResourceType) (arns []string, byMember, ok bool) {
	for _, f := range formatsOf(rt) {
		if out, ok := d.filled(f, rt); ok {
			byMember = false
			for _, v := range f.vars {
				byMember = byMember || !isFixed(v)
			}
			return out, byMember, true
		}
	}
	return nil, false, false
}

// filled is the format filled from the members named after its variables.
func (d *deriver) filled(f *arnFormat, rt *catalog.ResourceType) ([]string, bool) {
	var out []string
	combos := []map[string]string{{}}
	for _, v := range f.vars {
		var choices []map[string]string // the values v may take, each with the variables a whole ARN sets
		if value, ok := d.fixed(v); ok {
			choices = []map[string]string{{v: value}}
		} else if isFixed(v) {
			return nil, false
		} else {
			for _, value := range d.names(v, rt) {
				choice, ok := d.nameValue(f, v, value)
				if !ok {
					return nil, false
				}
				choices = append(choices, choice)
			}
			if len(choices) == 0 {
				if setByARN(combos, v) {
					continue // a whole ARN given for an earlier variable set it (a stack's id)
				}
				return nil, false
			}
		}
		var next []map[string]string
		for _, c := range combos {
			for _, choice := range choices {
				m := make(map[string]string, len(c)+len(choice))
				for k, x := range c {
					m[k] = x
				}
				for k, x := range choice { // a whole ARN's account and region are the resource's
					m[k] = x
				}
				next = append(next, m)
			}
		}
		combos = next
	}
	for _, values := range combos {
		out = append(out, f.render(values))
	}
	return dedupe(out), true
}

// setByARN reports whether every combination sets the variable: a member named after an
// earlier variable held the whole ARN (DescribeStacks' StackName may be the stack's ARN, which
// holds its id).
func setByARN(combos []map[string]string, v string) bool {
	for _, c := range combos {
		if _, ok := c[v]; !ok {
			return false
		}
	}
	return true
}

// nameValue is what a member's value sets: the variable, or, for an ARN, every variable of
// the format when it is an ARN of the type (its account and region too), else the variable
// as read from an ARN of another type of the service that has it (an ECS service's cluster
// given as the cluster's ARN). False for an ARN neither reads.
func (d *deriver) nameValue(f *arnFormat, v, value string) (map[string]string, bool) {
	if d.rule.literal || !strings.HasPrefix(value, "arn:") {
		if strings.HasSuffix(v, "WithoutLeadingSlash") {
			value = strings.TrimPrefix(value, "/")
		}
		return map[string]string{v: value}, value != ""
	}
	if values, ok := f.match(value); ok {
		return values, true
	}
	for _, rt := range d.svc.ResourceTypes {
		for _, other := range formatsOf(rt) {
			if !other.has(v) {
				continue
			}
			if values, ok := other.match(value); ok {
				return map[string]string{v: values[v]}, true
			}
		}
	}
	return nil, false
}

// givenARNs are the ARNs given for resources of the format's kind: the ARN values of the
// members that name a resource by its ARN (Arn, ResourceArn, Resource as Lambda's tagging
// calls name it, TopicArn for ${TopicName}), and those the rule reads from other parameters. None but the rule's for a service whose members are never ARNs.
func (d *deriver) givenARNs(f *arnFormat) []string {
	var out []string
	if d.rule.arns != nil {
		out = append(out, d.rule.arns(d.call, d.params)...)
	}
	if d.rule.literal {
		return out
	}
	members := []string{"Arn", "ResourceArn", "ResourceArns", "ResourceARN", "ResourceArnList", "Resource", "ResourceName"}
	for _, v := range f.vars {
		if !isFixed(v) {
			stem := strings.TrimSuffix(strings.TrimSuffix(v, "Name"), "Id")
			members = append(members, stem+"Arn", stem+"ARN", stem+"Arns", stem+"ARNs")
		}
	}
	for _, m := range dedupe(members) {
		for _, value := range d.param(m) {
			if strings.HasPrefix(value, "arn:") {
				out = append(out, value)
			}
		}
	}
	return out
}

// names are the values of the first member that may name the variable, nil when none does.
func (d *deriver) names(v string, rt *catalog.ResourceType) []string {
	for _, m := range d.candidates(v, rt) {
		if values := d.param(m); len(values) > 0 {
			return values
		}
	}
	return nil
}

// candidates are the members a variable may be filled from, in order: the rule's aliases,
// the member of its name (TableName), its plural (a list: Names), its name without "Name"
// (Bucket for BucketName), Name or Id when the variable is the type's own (ParameterName of
// parameter), the type's own Id or Name when the variable is a bare Id, Name or ResourceId.
func (d *deriver) candidates(v string, rt *catalog.ResourceType) []string {
	out := append([]string(nil), d.rule.aliases[v]...)
	base := strings.TrimSuffix(v, "WithoutLeadingSlash")
	out = append(out, base, base+"s")
	if stem, ok := strings.CutSuffix(base, "Name"); ok && stem != "" {
		out = append(out, stem, stem+"s")
	}
	own := camel(rt.Name) // in any case: S3's accesspoint is AccessPointName's
	switch generic := strings.TrimPrefix(base, "Resource"); {
	case strings.EqualFold(base, own+"Name"):
		out = append(out, "Name", "Names")
	case strings.EqualFold(base, own+"Id"):
		out = append(out, "Id", "Ids")
	case generic == "Id" || generic == "Name" || generic == "Identifier":
		out = append(out, own+generic, own+generic+"s") // route53's hostedzone/${Id} is HostedZoneId
	}
	return out
}

// param is the values of the parameter named so in any case, nil when a map's keys stand in
// for it (only an alias may read a map's keys).
func (d *deriver) param(name string) []string {
	k, ok := d.lower[strings.ToLower(name)]
	if !ok {
		return nil
	}
	for _, m := range d.call.Operation.Input {
		if m.Name == k && m.Type == "map" && !d.isAlias(k) {
			return nil
		}
	}
	return d.params[k]
}

func (d *deriver) isAlias(member string) bool {
	for _, ms := range d.rule.aliases {
		for _, m := range ms {
			if m == member {
				return true
			}
		}
	}
	return false
}

// camel is a resource type's name as a member's words: compute-environment is
// ComputeEnvironment.
func camel(name string) string {
	var b strings.Builder
	up := true
	for _, r := range name {
		switch {
		case r == '-' || r == '_' || r == ' ':
			up = true
		case up && 'a' <= r && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
			up = false
		default:
			b.WriteRune(r)
			up = false
		}
	}
	return b.String()
}

// dedupe is the strings in their first order, each once.
func dedupe(in []string) []string {
	seen := make(map[string]bool, len(in))
	out := in[:0:0]
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
