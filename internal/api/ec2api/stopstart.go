package ec2api

import (
	"github.com/iamd-dev/iamd/internal/api/ec2query"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/ec2"
)

// stopInstances needs ec2:StopInstances on each instance. Force is accepted (iamd's
// machines stop at once either way); Hibernate is refused, as for any instance launched
// without hibernation.
func (a *API) stopInstances(c *call) (any, error) {
	ids, _, err := a.authorizeEach(c)
	if err != nil {
		return nil, err
	}
	changes, err := a.ec2.Stop(c.Ctx, c.account, c.region, ids, c.In.Bool("Hibernate"))
	if err != nil {
		return nil, err
	}
	for _, ch := range changes {
		if a.machines != nil && ch.Current != ch.Previous {
			a.machines.Stopped(ch.InstanceID)
		}
	}
	return stateChanges(changes), nil
}

// startInstances needs ec2:StartInstances on each instance; a started instance's metadata
// service opens again.
func (a *API) startInstances(c *call) (any, error) {
	ids, _, err := a.authorizeEach(c)
	if err != nil {
		return nil, err
	}
	changes, started, err := a.ec2.Start(c.Ctx, c.account, c.region, ids)
	if err != nil {
		return nil, err
	}
	for _, inst := range started {
		if a.machines != nil {
			a.machines.Started(inst)
		}
	}
	return stateChanges(changes), nil
}

// returnResponse is the answer of calls that say only that they succeeded.
type returnResponse struct {
	Return bool `xml:"return"`
}

// rebootInstances needs ec2:RebootInstances on each instance.
func (a *API) rebootInstances(c *call) (any, error) {
	_, insts, err := a.authorizeEach(c)
	if err != nil {
		return nil, err
	}
	if err := ec2.Reboot(insts); err != nil {
		return nil, err
	}
	return returnResponse{Return: true}, nil
}

// authorizeEach reads the call's InstanceId.N and the instances, and authorizes the call's
// action on each instance, with its condition keys; DryRun ends there with DryRunOperation.
func (a *API) authorizeEach(c *call) ([]string, []ec2.Instance, error) {
	ids := c.In.List("InstanceId")
	if len(ids) == 0 {
		return nil, nil, ec2query.MissingParameter("InstanceId")
	}
	insts, err := a.ec2.Instances(c.Ctx, c.account, c.region, ids)
	if err != nil {
		return nil, nil, err
	}
	reqs := make([]authz.Request, len(insts))
	for i := range insts {
		reqs[i] = insts[i].Request(c.Action)
	}
	if err := a.authorizeOn(c, &insts[0], reqs); err != nil {
		return nil, nil, err
	}
	if c.In.Bool("DryRun") {
		return nil, nil, dryRun()
	}
	return ids, insts, nil
}

func stateChanges(changes []ec2.StateChange) stateChangeResponse {
	var out stateChangeResponse
	for _, ch := range changes {
		out.InstancesSet.Items = append(out.InstancesSet.Items, stateChangeXML{ch.InstanceID, state(ch.Current), state(ch.Previous)})
	}
	return out
}
