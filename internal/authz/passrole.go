package authz

// PassRole is iam:PassRole of a role to a service: iam:PassedToService names the service
// principal the role is given to (ec2.amazonaws.com, ecs-tasks.amazonaws.com), and
// iam:AssociatedResourceArn, when associatedResource is given, the resource the role will
// act for (an instance's ARN); AWS sets that key only for the services that name one.
func PassRole(roleARN, toService, associatedResource string) Request {
	var ctx Context
	ctx.Set("iam:PassedToService", toService)
	if associatedResource != "" {
		ctx.Set("iam:AssociatedResourceArn", associatedResource)
	}
	return Request{Action: "iam:PassRole", Resource: roleARN, Context: ctx}
}
