package ec2api

import (
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/ec2"
)

// stopInstances needs ec2:StopInstances on each instance. Force is accepted (iamd's
// machines stop at once either way); Hibernate is refused, as for any instance launched
// without hibernation.
func (a *API) stopInstances(c *call) (any, error) {
	ids, _, err := a.authorizeEach(c, "ec2:StopInstances")
	if err != nil {
		return nil, err
	}
	changes, err := a.ec2.Stop(c.ctx, c.account, c.region, ids, boolParam(c.q.Params, "Hibernate"))
	if err != nil {
		return nil, err
	}
	for _, ch := range changes {
		if a.machines != nil && ch.Current != ch.Previous {
			a.machines.Stopped(ch.InstanceID)
		}
	}
	return stateChangesResponse(c, changes), nil
}

// startInstances needs ec2:StartInstances on each instance; a started instance's metadata
// service opens again.
func (a *API) startInstances(c *call) (any, error) {
	ids, _, err := a.authorizeEach(c, "ec2:StartInstances")
	if err != nil {
		return nil, err
	}
	changes, started, err := a.ec2.Start(c.ctx, c.account, c.region, ids)
	if err != nil {
		return nil, err
	}
	for _, inst := range started {
		if a.machines != nil {
			a.machines.Started(inst)
		}
	}
	return stateChangesResponse(c, changes), nil
}

// returnResponse is the answer of calls that say only that they succeeded.
type returnResponse struct {
	RequestID string `xml:"requestId"`
	Return    bool   `xml:"return"`
}

// rebootInstances needs ec2:RebootInstances on each instance.
func (a *API) rebootInstances(c *call) (any, error) {
	_, insts, err := a.authorizeEach(c, "ec2:RebootInstances")
	if err != nil {
		return nil, err
	}
	if err := ec2.Reboot(insts); err != nil {
		return nil, err
	}
	return returnResponse{RequestID: c.requestID, Return: true}, nil
}

// authorizeEach reads the call's InstanceId.N and the instances, and authorizes action on
// each instance, with its condition keys; DryRun ends there with DryRunOperation.
func (a *API) authorizeEach(c *call, action string) ([]string, []ec2.Instance, error) {
	ids := strList(c.q.Params, "InstanceId")
	if len(ids) == 0 {
		return nil, nil, missingParam("InstanceId")
	}
	insts, err := a.ec2.Instances(c.ctx, c.account, c.region, ids)
	if err != nil {
		return nil, nil, err
	}
	reqs := make([]authz.Request, len(insts))
	for i := range insts {
		reqs[i] = instanceRequest(action, &insts[i])
	}
	c.resource = insts[0].ARN()
	if err := a.authorize(c, reqs...); err != nil {
		return nil, nil, err
	}
	if boolParam(c.q.Params, "DryRun") {
		return nil, nil, dryRun()
	}
	return ids, insts, nil
}

func stateChangesResponse(c *call, changes []ec2.StateChange) stateChangeResponse {
	out := stateChangeResponse{RequestID: c.requestID}
	for _, ch := range changes {
		out.InstancesSet.Items = append(out.InstancesSet.Items, stateChangeXML{ch.InstanceID, state(ch.Current), state(ch.Previous)})
	}
	return out
}
