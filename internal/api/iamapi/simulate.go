package iamapi

import (
	"encoding/base64"
	"strconv"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/policy"
)

// The policy simulator: SimulatePrincipalPolicy and SimulateCustomPolicy evaluate policies
// against actions of any service (the engine needs no catalog of actions), and
// GetContextKeysFor*Policy list the keys those policies read.

func simulationRoutes() map[string]route {
	return map[string]route{
		"SimulatePrincipalPolicy":          on(OnPolicySource, (*call).simulatePrincipalPolicy),
		"SimulateCustomPolicy":             anywhere((*call).simulateCustomPolicy),
		"GetContextKeysForPrincipalPolicy": on(OnPolicySource, (*call).contextKeysForPrincipalPolicy),
		"GetContextKeysForCustomPolicy":    anywhere((*call).contextKeysForCustomPolicy),
	}
}

func (c *call) simulatePrincipalPolicy() (any, error) {
	sourceARN := c.q.Get("PolicySourceArn")
	if err := c.checkSimulationParams(true); err != nil {
		return nil, err
	}
	src, err := c.api.iam.SimulationPolicies(c.ctx, c.account, sourceARN)
	if err != nil {
		return nil, err
	}
	sim := &simulation{account: c.account}
	for _, sp := range src.Identity {
		p, err := policy.Parse([]byte(sp.Document), policy.Identity)
		if err != nil {
			return nil, awserr.ServiceFailure()
		}
		sim.identity = append(sim.identity, simPolicy{id: sp.ID, typ: sourceIAMPolicy, pol: p})
	}
	if src.Boundary != nil {
		p, err := policy.Parse([]byte(src.Boundary.Document), policy.Boundary)
		if err != nil {
			return nil, awserr.ServiceFailure()
		}
		sim.boundary = &simPolicy{id: src.Boundary.ID, typ: sourceBoundary, pol: p}
	}
	if err := c.readInputPolicies(sim, false); err != nil {
		return nil, err
	}
	// The caller defaults to the user whose policies are simulated; a group or role has no
	// caller of its own (CallerArn must then name one to simulate a resource policy).
	callerARN := c.q.Get("CallerArn")
	if callerARN == "" && src.Kind == "user" {
		callerARN = sourceARN
	}
	if err := c.readCaller(sim, callerARN, src); err != nil {
		return nil, err
	}
	return c.runSimulation(sim)
}

func (c *call) simulateCustomPolicy() (any, error) {
	if err := c.checkSimulationParams(false); err != nil {
		return nil, err
	}
	sim := &simulation{account: c.account}
	if err := c.readInputPolicies(sim, true); err != nil {
		return nil, err
	}
	if err := c.readCaller(sim, c.q.Get("CallerArn"), nil); err != nil {
		return nil, err
	}
	return c.runSimulation(sim)
}

// checkSimulationParams validates the parameters' presence and sizes as the IAM API model
// constrains them.
func (c *call) checkSimulationParams(principal bool) error {
	if principal {
		if err := requiredLength(c.q.Get("PolicySourceArn"), c.q.Has("PolicySourceArn"), "policySourceArn", 20, 2048); err != nil {
			return err
		}
	} else if len(c.q.List("PolicyInputList")) == 0 {
		return awserr.ValidationError("1 validation error detected: Value null at 'policyInputList' failed to satisfy constraint: Member must not be null")
	}
	actions := c.q.List("ActionNames")
	if len(actions) == 0 {
		return awserr.ValidationError("1 validation error detected: Value null at 'actionNames' failed to satisfy constraint: Member must not be null")
	}
	for _, a := range actions {
		if len(a) < 3 || len(a) > 128 {
			return listConstraint(actions, "actionNames", 3, 128)
		}
	}
	resources := c.q.List("ResourceArns")
	for _, r := range resources {
		if len(r) < 1 || len(r) > 2048 {
			return listConstraint(resources, "resourceArns", 1, 2048)
		}
	}
	for _, name := range []string{"ResourceOwner", "CallerArn"} {
		if v := c.q.Get(name); c.q.Has(name) && (len(v) < 1 || len(v) > 2048) {
			return lengthConstraint(v, lowerFirst(name), 1, 2048)
		}
	}
	if v := c.q.Get("ResourceHandlingOption"); c.q.Has("ResourceHandlingOption") && (len(v) < 1 || len(v) > 64) {
		return lengthConstraint(v, "resourceHandlingOption", 1, 64)
	}
	if v := c.q.Get("Marker"); c.q.Has("Marker") && (len(v) < 1 || len(v) > 320) {
		return lengthConstraint(v, "marker", 1, 320)
	}
	return nil
}

func requiredLength(v string, present bool, member string, min, max int) error {
	if !present {
		return awserr.ValidationError("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", member)
	}
	if len(v) < min || len(v) > max {
		return lengthConstraint(v, member, min, max)
	}
	return nil
}

func lengthConstraint(v, member string, min, max int) error {
	rule := "Member must have length less than or equal to " + strconv.Itoa(max)
	if len(v) < min {
		rule = "Member must have length greater than or equal to " + strconv.Itoa(min)
	}
	return awserr.ValidationError("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: %s", v, member, rule)
}

// listConstraint is the error for a list member of the wrong length, in the form AWS's
// validation gives for list members.
func listConstraint(values []string, member string, min, max int) error {
	list := "["
	for i, v := range values {
		if i > 0 {
			list += ", "
		}
		list += v
	}
	list += "]"
	return awserr.ValidationError("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to %d, Member must have length greater than or equal to %d]", list, member, max, min)
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]|0x20) + s[1:]
}

// simulationPage is one page of evaluation results.
type simulationPage struct {
	start, end int
	marker     string
}

// pageOf cuts n results into the page the call asks for; the marker is the next index.
func (c *call) pageOf(n int) (simulationPage, error) {
	max := 100
	if v, ok, err := c.q.Int("MaxItems"); ok {
		if err != nil || v < 1 || v > 1000 {
			return simulationPage{}, awserr.ValidationError("1 validation error detected: Value '%s' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000", c.q.Get("MaxItems"))
		}
		max = v
	}
	start := 0
	if m := c.q.Get("Marker"); m != "" {
		raw, err := base64.RawURLEncoding.DecodeString(m)
		if err != nil {
			return simulationPage{}, awserr.InvalidInput("Invalid Marker.")
		}
		start, err = strconv.Atoi(string(raw))
		if err != nil || start < 0 || start > n {
			return simulationPage{}, awserr.InvalidInput("Invalid Marker.")
		}
	}
	p := simulationPage{start: start, end: min(start+max, n)}
	if p.end < n {
		p.marker = base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(p.end)))
	}
	return p, nil
}
