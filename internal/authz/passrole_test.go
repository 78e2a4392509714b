package authz

import (
	"reflect"
	"testing"
)

// iam:PassRole carries the service the role is passed to, and the associated resource only
// when there is one (ECS names none, EC2 the instance).
func TestPassRole(t *testing.T) {
	const role = "arn:aws:iam::123456789012:role/app"
	r := PassRole(role, "ecs-tasks.amazonaws.com", "")
	if r.Action != "iam:PassRole" || r.Resource != role {
		t.Fatalf("request %+v", r)
	}
	if got, _ := r.Context.Get("iam:PassedToService"); !reflect.DeepEqual(got, []string{"ecs-tasks.amazonaws.com"}) {
		t.Errorf("iam:PassedToService = %q", got)
	}
	if r.Context.Has("iam:AssociatedResourceArn") {
		t.Error("iam:AssociatedResourceArn set without a resource")
	}
	const instance = "arn:aws:ec2:us-east-1:123456789012:instance/*"
	r = PassRole(role, "ec2.amazonaws.com", instance)
	if got, _ := r.Context.Get("iam:AssociatedResourceArn"); !reflect.DeepEqual(got, []string{instance}) {
		t.Errorf("iam:AssociatedResourceArn = %q", got)
	}
	if got, _ := r.Context.Get("iam:PassedToService"); !reflect.DeepEqual(got, []string{"ec2.amazonaws.com"}) {
		t.Errorf("iam:PassedToService = %q", got)
	}
}
