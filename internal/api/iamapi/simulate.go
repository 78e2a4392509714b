package iamapi

import "github.com/iamd-dev/iamd/internal/simulate"

// The policy simulator: SimulatePrincipalPolicy and SimulateCustomPolicy evaluate policies
// against actions of any service, and GetContextKeysFor*Policy list the keys those
// policies read. The simulate package does the work; these handlers read its input from
// the Query parameters and write its results as AWS's XML.

func simulationRoutes() map[string]route {
	return map[string]route{
		"SimulatePrincipalPolicy":          on(OnPolicySource, (*call).simulatePrincipalPolicy),
		"SimulateCustomPolicy":             anywhere((*call).simulateCustomPolicy),
		"GetContextKeysForPrincipalPolicy": on(OnPolicySource, (*call).contextKeysForPrincipalPolicy),
		"GetContextKeysForCustomPolicy":    anywhere((*call).contextKeysForCustomPolicy),
	}
}

func (c *call) simulatePrincipalPolicy() (any, error) {
	in := simulate.PrincipalInput{Input: c.simulationInput(), PolicySourceArn: c.optional("PolicySourceArn")}
	res, err := simulate.New(c.api.iam).Principal(c.ctx, in)
	if err != nil {
		return nil, err
	}
	return simulateResultOf(res), nil
}

func (c *call) simulateCustomPolicy() (any, error) {
	res, err := simulate.Custom(c.simulationInput())
	if err != nil {
		return nil, err
	}
	return simulateResultOf(res), nil
}

func (c *call) contextKeysForPrincipalPolicy() (any, error) {
	in := simulate.ContextKeysInput{Account: c.account, PolicySourceArn: c.optional("PolicySourceArn"), PolicyInputList: c.q.List("PolicyInputList")}
	keys, err := simulate.New(c.api.iam).PrincipalContextKeys(c.ctx, in)
	if err != nil {
		return nil, err
	}
	return contextKeysResultOf(keys), nil
}

func (c *call) contextKeysForCustomPolicy() (any, error) {
	keys, err := simulate.CustomContextKeys(c.q.List("PolicyInputList"))
	if err != nil {
		return nil, err
	}
	return contextKeysResultOf(keys), nil
}
