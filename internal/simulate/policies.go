package simulate

import (
	"context"
	"fmt"
	"strconv"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/policy"
)

// source is a policy in a simulation with the name and type the results give it.
type source struct {
	id, typ string
	pol     *policy.Policy
}

// storedSources reads the stored policies of the user, group or role sourceARN names and
// parses them: its identity policies (a user's with its groups') and its permissions
// boundary (nil without one). Stored documents were validated when they were stored: one
// that does not parse is a failure on iamd's side.
func (s *Simulator) storedSources(ctx context.Context, account, sourceARN string) (src *iam.SimulationSource, identity []source, boundary *source, err error) {
	if src, err = s.iam.SimulationPolicies(ctx, account, sourceARN); err != nil {
		return nil, nil, nil, err
	}
	for _, sp := range src.Identity {
		p, err := parseStored(src, sp, policy.Identity)
		if err != nil {
			return nil, nil, nil, err
		}
		identity = append(identity, source{id: sp.ID, typ: IdentityPolicy, pol: p})
	}
	if src.Boundary != nil {
		p, err := parseStored(src, *src.Boundary, policy.Boundary)
		if err != nil {
			return nil, nil, nil, err
		}
		boundary = &source{id: src.Boundary.ID, typ: BoundaryPolicy, pol: p}
	}
	return src, identity, boundary, nil
}

func parseStored(src *iam.SimulationSource, sp iam.SourcePolicy, kind policy.Kind) (*policy.Policy, error) {
	p, err := policy.Parse([]byte(sp.Document), kind)
	if err != nil {
		return nil, fmt.Errorf("simulate: the stored policy %s of %s does not parse: %w", sp.ID, src.ARN, err)
	}
	return p, nil
}

// inputSources parses the policies given in the call: PolicyInputList's identity policies,
// PermissionsBoundaryPolicyInputList's boundary (at most one), and the ResourcePolicy.
func inputSources(in Input) (identity []source, boundary, resource *source, err error) {
	for i, doc := range in.PolicyInputList {
		p, err := parseInput(doc, policy.Identity, "policyInputList")
		if err != nil {
			return nil, nil, nil, err
		}
		identity = append(identity, source{id: "PolicyInputList." + strconv.Itoa(i+1), typ: IdentityPolicy, pol: p})
	}
	boundaries := in.PermissionsBoundaryPolicyInputList
	if len(boundaries) > 1 {
		return nil, nil, nil, awserr.InvalidInput("You can specify only one permissions boundary policy in PermissionsBoundaryPolicyInputList.")
	}
	if len(boundaries) == 1 {
		p, err := parseInput(boundaries[0], policy.Boundary, "permissionsBoundaryPolicyInputList")
		if err != nil {
			return nil, nil, nil, err
		}
		boundary = &source{id: "PermissionsBoundaryPolicyInputList.1", typ: BoundaryPolicy, pol: p}
	}
	if in.ResourcePolicy != nil {
		p, err := parseInput(*in.ResourcePolicy, policy.Resource, "resourcePolicy")
		if err != nil {
			return nil, nil, nil, err
		}
		resource = &source{id: "ResourcePolicy", typ: ResourcePolicy, pol: p}
	}
	return identity, boundary, resource, nil
}

// parseInput parses one policy given in the call. The simulator reports a document IAM
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
