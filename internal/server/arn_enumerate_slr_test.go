package server

import "github.com/iamd-dev/iamd/internal/api/iamapi"

// The service-linked role actions in the enumeration of every IAM action
// (arn_enumerate_test.go).
func init() {
	slr := "arn:aws:iam::" + arnAcct + ":role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
	arnCases["CreateServiceLinkedRole"] = arnCase{resource: slr, params: map[string]string{"AWSServiceName": "autoscaling.amazonaws.com"}}
	arnCases["DeleteServiceLinkedRole"] = arnCase{entity: "role"}
	// The deletion task names its role, which is what the status is authorized on.
	arnCases["GetServiceLinkedRoleDeletionStatus"] = arnCase{resource: slr, params: map[string]string{
		"DeletionTaskId": "task/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling/00000000-0000-4000-8000-000000000000"}}
	arnKindEntities[iamapi.OnDeletionTask] = []string{""}
}
