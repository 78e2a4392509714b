package iamapi

import (
	"encoding/base64"
	"github.com/iamd-dev/iamd/internal/arn"
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/policy"
)

// The names the simulator gives policies of each source (SourcePolicyType), and the keys of
// EvalDecisionDetails. AWS answers "IAM Policy" and "Resource Policy", not the values its API
// model lists (user, group, role, aws-managed, user-managed, resource, none).
const (
	sourceIAMPolicy = "IAM Policy"
	sourceBoundary  = "PermissionsBoundaryPolicy"
	sourceResource  = "Resource Policy"

	detailIdentity = "IAM Policy"
	detailResource = "Resource Policy"
	detailBoundary = "PermissionsBoundaryPolicy"
)

// readInputPolicies reads PolicyInputList, PermissionsBoundaryPolicyInputList and
// ResourcePolicy. A document the policy language refuses is InvalidInput with AWS's text.
func (c *call) readInputPolicies(sim *simulation, custom bool) error {
	for i, doc := range c.q.List("PolicyInputList") {
		p, err := parseInput(doc, policy.Identity, "policyInputList")
		if err != nil {
			return err
		}
		sim.identity = append(sim.identity, simPolicy{id: "PolicyInputList." + strconv.Itoa(i+1), typ: sourceIAMPolicy, pol: p})
	}
	boundaries := c.q.List("PermissionsBoundaryPolicyInputList")
	if len(boundaries) > 1 {
		return awserr.InvalidInput("You can specify only one permissions boundary policy in PermissionsBoundaryPolicyInputList.")
	}
	if len(boundaries) == 1 {
		// A boundary given here replaces the one the principal has.
		p, err := parseInput(boundaries[0], policy.Boundary, "permissionsBoundaryPolicyInputList")
		if err != nil {
			return err
		}
		sim.boundary = &simPolicy{id: "PermissionsBoundaryPolicyInputList.1", typ: sourceBoundary, pol: p}
	}
	if c.q.Has("ResourcePolicy") {
		p, err := parseInput(c.q.Get("ResourcePolicy"), policy.Resource, "resourcePolicy")
		if err != nil {
			return err
		}
		sim.resource = &simPolicy{id: "ResourcePolicy", typ: sourceResource, pol: p}
	}
	sim.actions = c.q.List("ActionNames")
	sim.resources = c.q.List("ResourceArns")
	if len(sim.resources) == 0 {
		sim.resources = []string{"*"}
	}
	if err := checkResourceHandling(c.q.Get("ResourceHandlingOption"), sim.resources); err != nil {
		return err
	}
	var err error
	sim.context, sim.supplied, err = contextEntries(c.q.Structs("ContextEntries"))
	return err
}

// parseInput parses one policy given as a string. The simulator reports a document IAM
// would refuse as InvalidInput (MalformedPolicyDocument is not among its errors).
func parseInput(doc string, kind policy.Kind, member string) (*policy.Policy, error) {
	// Length (1..131072 characters) and character set, before the document is parsed.
	if err := iam.CheckPolicyDocumentText(doc, member); err != nil {
		return nil, err
	}
	p, err := policy.Parse([]byte(doc), kind)
	if err != nil {
		if pe, ok := err.(*policy.Error); ok {
			return nil, awserr.InvalidInput("%s", pe.Message)
		}
		return nil, awserr.InvalidInput("Syntax errors in policy.")
	}
	return p, nil
}

// readCaller settles who the simulated caller is and who owns the resources. CallerArn may
// only name an IAM user; it is required to simulate a resource policy (its Principal
// element needs a caller to match).
func (c *call) readCaller(sim *simulation, callerARN string, src *iam.SimulationSource) error {
	if callerARN != "" {
		p, err := policy.ParsePrincipal(callerARN)
		if err != nil || p.Kind != policy.User {
			return awserr.InvalidInput("Invalid CallerArn: %s. You can specify only the ARN of an IAM user.", callerARN)
		}
		sim.caller = p
	} else {
		if sim.resource != nil {
			return awserr.InvalidInput("CallerArn must be specified when the simulation includes a ResourcePolicy and PolicySourceArn is not the ARN of an IAM user.")
		}
		// Without a resource policy the caller only needs to be an IAM principal of the
		// account: identity policies apply to whoever holds them.
		sim.caller = policy.Principal{Kind: policy.User, ID: "arn:aws:iam::" + c.account + ":user/", Account: c.account}
		if src != nil && src.Kind == "role" {
			sim.caller = policy.Principal{Kind: policy.Role, ID: src.ARN, Account: c.account, Name: src.Name}
		}
	}
	owner := c.q.Get("ResourceOwner")
	switch {
	case owner == "":
		sim.owner = sim.caller.Account
	case arn.IsAccountID(owner):
		sim.owner = owner
	case strings.HasPrefix(owner, "arn:aws:iam::") && strings.HasSuffix(owner, ":root") && arn.IsAccountID(owner[len("arn:aws:iam::"):len(owner)-len(":root")]):
		sim.owner = owner[len("arn:aws:iam::") : len(owner)-len(":root")]
	default:
		return awserr.InvalidInput("Invalid ResourceOwner: %s. Give an account ID or arn:aws:iam::ACCOUNT-ID:root.", owner)
	}
	return nil
}

// contextKeyTypes are ContextEntry's ContextKeyType values.
var contextKeyTypes = []string{"string", "stringList", "numeric", "numericList", "boolean", "booleanList", "ip", "ipList", "binary", "binaryList", "date", "dateList"}

// contextEntries reads ContextEntries.member.N.{ContextKeyName, ContextKeyType,
// ContextKeyValues.member.M} into the simulation's request context, checking each value
// against its type. supplied holds the lower-cased names given.
func contextEntries(entries []map[string]string) (policy.Context, map[string]bool, error) {
	var ctx policy.Context
	supplied := map[string]bool{}
	for i, e := range entries {
		member := "contextEntries." + strconv.Itoa(i+1) + ".member"
		name := e["ContextKeyName"]
		if name == "" {
			return ctx, nil, awserr.InvalidInput("ContextKeyName is required in each ContextEntry.")
		}
		if len(name) < 5 || len(name) > 256 {
			return ctx, nil, lengthConstraint(name, member+".contextKeyName", 5, 256)
		}
		typ := e["ContextKeyType"]
		if typ == "" {
			return ctx, nil, awserr.InvalidInput("ContextKeyType is required for the context key %s.", name)
		}
		known := false
		for _, t := range contextKeyTypes {
			known = known || t == typ
		}
		if !known {
			return ctx, nil, awserr.ValidationError("1 validation error detected: Value '%s' at '%s.contextKeyType' failed to satisfy constraint: Member must satisfy enum value set: [%s]", typ, member, strings.Join(contextKeyTypes, ", "))
		}
		values := listField(e, "ContextKeyValues")
		if !strings.HasSuffix(typ, "List") && len(values) > 1 {
			return ctx, nil, awserr.InvalidInput("The context key %s of type %s takes a single value, not %d.", name, typ, len(values))
		}
		for _, v := range values {
			if !validContextValue(strings.TrimSuffix(typ, "List"), v) {
				return ctx, nil, awserr.InvalidInput("Invalid value %s for the context key %s of type %s.", v, name, typ)
			}
		}
		ctx.Set(name, values...)
		supplied[strings.ToLower(name)] = true
	}
	return ctx, supplied, nil
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

func validContextValue(typ, v string) bool {
	switch typ {
	case "numeric":
		_, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		return err == nil
	case "boolean":
		return strings.EqualFold(v, "true") || strings.EqualFold(v, "false")
	case "ip":
		if strings.Contains(v, "/") {
			_, err := netip.ParsePrefix(v)
			return err == nil
		}
		_, err := netip.ParseAddr(v)
		return err == nil
	case "binary":
		_, err := base64.StdEncoding.DecodeString(v)
		return err == nil
	case "date":
		if _, err := strconv.ParseInt(v, 10, 64); err == nil {
			return true
		}
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04Z07:00", "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
			if _, err := time.Parse(layout, v); err == nil {
				return true
			}
		}
		return false
	}
	return true
}

// resourceHandlingOptions are the EC2 scenarios and the resource types each needs.
var resourceHandlingOptions = map[string][]string{
	"EC2-Classic-InstanceStore":    {"instance", "image", "security-group"},
	"EC2-Classic-EBS":              {"instance", "image", "security-group", "volume"},
	"EC2-VPC-InstanceStore":        {"instance", "image", "security-group", "network-interface"},
	"EC2-VPC-InstanceStore-Subnet": {"instance", "image", "security-group", "network-interface", "subnet"},
	"EC2-VPC-EBS":                  {"instance", "image", "security-group", "network-interface", "volume"},
	"EC2-VPC-EBS-Subnet":           {"instance", "image", "security-group", "network-interface", "subnet", "volume"},
}

// checkResourceHandling enforces a scenario's resources: each type it needs must be among
// ResourceArns.
func checkResourceHandling(option string, resources []string) error {
	if option == "" {
		return nil
	}
	needs, ok := resourceHandlingOptions[option]
	if !ok {
		return awserr.InvalidInput("Invalid ResourceHandlingOption: %s.", option)
	}
	for _, typ := range needs {
		found := false
		for _, r := range resources {
			parts := strings.SplitN(r, ":", 6)
			found = found || (len(parts) == 6 && parts[2] == "ec2" && strings.HasPrefix(parts[5], typ+"/"))
		}
		if !found {
			return awserr.InvalidInput("The ResourceHandlingOption %s requires a resource of type %s in ResourceArns.", option, typ)
		}
	}
	return nil
}
