package iamapi

import (
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/iam"
)

// OnDeletionTask: the service-linked role a DeletionTaskId names
// (task/aws-service-role/PRINCIPAL/ROLE/UUID), deleted or not.
const OnDeletionTask ResourceKind = "deletion-task"

func serviceLinkedRoleRoutes() map[string]route {
	create := creates((*call).newServiceLinkedRoleARN, (*call).createServiceLinkedRole)
	create.Conditions = (*call).serviceLinkedRoleConditions
	return map[string]route{
		"CreateServiceLinkedRole":            create,
		"DeleteServiceLinkedRole":            on(OnRole, (*call).deleteServiceLinkedRole),
		"GetServiceLinkedRoleDeletionStatus": routeOn(OnDeletionTask, (*call).deletionTaskRoleARN, (*call).getServiceLinkedRoleDeletionStatus),
	}
}

// newServiceLinkedRoleARN is the ARN of the role CreateServiceLinkedRole makes:
// role/aws-service-role/PRINCIPAL/NAME, the name the service gives it.
func (c *call) newServiceLinkedRoleARN() string {
	return iam.ServiceLinkedRoleARN(c.partition(), c.account, c.q.Get("AWSServiceName"), c.q.Get("CustomSuffix"))
}

// serviceLinkedRoleConditions are CreateServiceLinkedRole's condition keys: iam:AWSServiceName
// besides those every call has.
func (c *call) serviceLinkedRoleConditions() authz.Context {
	ctx := c.conditionKeys()
	if name := c.q.Get("AWSServiceName"); name != "" {
		ctx.Set("iam:AWSServiceName", name)
	}
	return ctx
}

// deletionTaskRoleARN is the ARN of the role the request's DeletionTaskId names.
func (c *call) deletionTaskRoleARN() (string, error) {
	return iam.DeletionTaskRoleARN(c.partition(), c.account, c.q.Get("DeletionTaskId"))
}

func (c *call) createServiceLinkedRole() (any, error) {
	r, err := c.api.iam.CreateServiceLinkedRole(c.ctx, iam.CreateServiceLinkedRoleInput{
		Account: c.account, ServiceName: c.q.Get("AWSServiceName"), CustomSuffix: c.q.Get("CustomSuffix"),
		Description: c.q.Get("Description"),
	})
	if err != nil {
		return nil, err
	}
	return roleResult{roleXML(r, false)}, nil
}

type deleteServiceLinkedRoleResult struct {
	DeletionTaskID string `xml:"DeletionTaskId"`
}

func (c *call) deleteServiceLinkedRole() (any, error) {
	task, err := c.api.iam.DeleteServiceLinkedRole(c.ctx, c.account, c.q.Get("RoleName"))
	if err != nil {
		return nil, err
	}
	return deleteServiceLinkedRoleResult{task.ID}, nil
}

type deletionStatusResult struct {
	Status string `xml:"Status"`
}

func (c *call) getServiceLinkedRoleDeletionStatus() (any, error) {
	task, err := c.api.iam.ServiceLinkedRoleDeletionStatus(c.ctx, c.account, c.q.Get("DeletionTaskId"))
	if err != nil {
		return nil, err
	}
	return deletionStatusResult{task.Status}, nil
}
