package simulate

import (
	"context"

	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/policy"
)

// Simulator simulates the policies of an account's users, groups and roles. Simulations of
// given documents alone need no account's state: Custom and CustomContextKeys.
type Simulator struct {
	iam *iam.Service
}

// New makes a simulator reading principals' policies from the iam service.
func New(svc *iam.Service) *Simulator {
	return &Simulator{iam: svc}
}

// Principal runs SimulatePrincipalPolicy: the identity policies of the user (with its
// groups'), group or role PolicySourceArn names, and its permissions boundary, with the
// policies the input gives (a boundary given replaces the principal's).
func (s *Simulator) Principal(ctx context.Context, in PrincipalInput) (*Results, error) {
	if err := checkPrincipalInput(in); err != nil {
		return nil, err
	}
	src, identity, boundary, err := s.storedSources(ctx, in.Account, *in.PolicySourceArn)
	if err != nil {
		return nil, err
	}
	// The caller defaults to the user whose policies are simulated; a group or role has no
	// caller of its own (CallerArn must then name one to simulate a resource policy).
	callerARN := valueOf(in.CallerArn)
	if callerARN == "" && src.Kind == "user" {
		callerARN = src.ARN
	}
	return simulateWith(in.Input, identity, boundary, callerARN, src)
}

// Custom runs SimulateCustomPolicy: the policies the input gives, alone.
func Custom(in Input) (*Results, error) {
	if err := checkCustomInput(in); err != nil {
		return nil, err
	}
	return simulateWith(in, nil, nil, valueOf(in.CallerArn), nil)
}

// simulateWith adds the input's policies to a principal's (src; none for a custom
// simulation), settles the caller, and runs the simulation.
func simulateWith(in Input, identity []source, boundary *source, callerARN string, src *iam.SimulationSource) (*Results, error) {
	inputs, inputBoundary, resource, err := inputSources(in)
	if err != nil {
		return nil, err
	}
	sim := &simulation{identity: append(identity, inputs...), boundary: boundary, resource: resource, actions: in.ActionNames, resources: in.ResourceArns}
	if inputBoundary != nil {
		sim.boundary = inputBoundary
	}
	if len(sim.resources) == 0 {
		sim.resources = []string{"*"}
	}
	if err := checkResourceHandling(valueOf(in.ResourceHandlingOption), sim.resources); err != nil {
		return nil, err
	}
	if sim.context, sim.supplied, err = contextOf(in.ContextEntries); err != nil {
		return nil, err
	}
	if sim.caller, err = callerOf(in.Account, in.Partition, callerARN, src, resource != nil); err != nil {
		return nil, err
	}
	if sim.owner, err = ownerOf(valueOf(in.ResourceOwner), sim.caller); err != nil {
		return nil, err
	}
	return sim.run(in.MaxItems, in.Marker)
}

// PrincipalContextKeys runs GetContextKeysForPrincipalPolicy: the context keys that the
// policies of the user (with its groups'), group or role PolicySourceArn names, its
// permissions boundary and the policies the input gives read.
func (s *Simulator) PrincipalContextKeys(ctx context.Context, in ContextKeysInput) ([]string, error) {
	if err := checkRequired(in.PolicySourceArn, "policySourceArn", 20, 2048); err != nil {
		return nil, err
	}
	_, identity, boundary, err := s.storedSources(ctx, in.Account, *in.PolicySourceArn)
	if err != nil {
		return nil, err
	}
	var policies []*policy.Policy
	for _, p := range identity {
		policies = append(policies, p.pol)
	}
	if boundary != nil {
		policies = append(policies, boundary.pol)
	}
	for _, doc := range in.PolicyInputList {
		p, err := parseInput(doc, policy.Identity, "policyInputList")
		if err != nil {
			return nil, err
		}
		policies = append(policies, p)
	}
	return contextKeys(policies), nil
}

// CustomContextKeys runs GetContextKeysForCustomPolicy: the context keys the documents
// read. Any kind of policy may be asked about: identity-based or resource-based.
func CustomContextKeys(policyInputList []string) ([]string, error) {
	if len(policyInputList) == 0 {
		return nil, notNull("policyInputList")
	}
	var policies []*policy.Policy
	for _, doc := range policyInputList {
		p, err := parseInput(doc, policy.Identity, "policyInputList")
		if err != nil {
			if rp, rerr := policy.Parse([]byte(doc), policy.Resource); rerr == nil {
				p, err = rp, nil
			}
		}
		if err != nil {
			return nil, err
		}
		policies = append(policies, p)
	}
	return contextKeys(policies), nil
}

// valueOf is an optional parameter's value ("" when absent).
func valueOf(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
