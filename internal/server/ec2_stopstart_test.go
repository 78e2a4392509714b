package server

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsec2 "github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// stateChange asserts one instance's change in a Stop/StartInstances answer.
func stateChange(t *testing.T, list []ec2types.InstanceStateChange, id string, prev, cur ec2types.InstanceStateName, prevCode, curCode int32) {
	t.Helper()
	if len(list) != 1 {
		t.Fatalf("%d state changes", len(list))
	}
	ch := list[0]
	if aws.ToString(ch.InstanceId) != id || ch.PreviousState.Name != prev || ch.CurrentState.Name != cur ||
		aws.ToInt32(ch.PreviousState.Code) != prevCode || aws.ToInt32(ch.CurrentState.Code) != curCode {
		t.Fatalf("change %s %s(%d) -> %s(%d), want %s %s(%d) -> %s(%d)", aws.ToString(ch.InstanceId), ch.PreviousState.Name, aws.ToInt32(ch.PreviousState.Code),
			ch.CurrentState.Name, aws.ToInt32(ch.CurrentState.Code), id, prev, prevCode, cur, curCode)
	}
}

// A machine stopped and started again: its states as EC2 reports them, its metadata endpoint
// closed while stopped and its role's credentials back afterwards, its association kept.
func TestStopStartInstances(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	machineRole(t, ts, "Tower-Role", ec2Trust, listRolesPolicy)
	machineRole(t, ts, "Other-Role", ec2Trust, "")
	c := ts.ec2(ts.root)
	id := aws.ToString(launch(t, ts, "Tower-Role").InstanceId)
	base := metadataURL(t, ts, id)
	sdkCredentials(t, base)
	assocs := func() []ec2types.IamInstanceProfileAssociation {
		t.Helper()
		out, err := c.DescribeIamInstanceProfileAssociations(ctx, &awsec2.DescribeIamInstanceProfileAssociationsInput{
			Filters: []ec2types.Filter{{Name: aws.String("instance-id"), Values: []string{id}}}})
		if err != nil {
			t.Fatal(err)
		}
		return out.IamInstanceProfileAssociations
	}
	before := assocs()
	if len(before) != 1 {
		t.Fatalf("%d associations", len(before))
	}

	stop, err := c.StopInstances(ctx, &awsec2.StopInstancesInput{InstanceIds: []string{id}})
	if err != nil {
		t.Fatal(err)
	}
	stateChange(t, stop.StoppingInstances, id, ec2types.InstanceStateNameRunning, ec2types.InstanceStateNameStopping, 16, 64)
	got := describe(t, c, &awsec2.DescribeInstancesInput{InstanceIds: []string{id}})[0]
	if got.State.Name != ec2types.InstanceStateNameStopped || aws.ToInt32(got.State.Code) != 80 || got.StateReason == nil ||
		aws.ToString(got.StateReason.Code) != "Client.UserInitiatedShutdown" || !strings.HasPrefix(aws.ToString(got.StateTransitionReason), "User initiated (") ||
		aws.ToString(got.PrivateIpAddress) == "" || got.IamInstanceProfile == nil {
		t.Fatalf("stopped instance %+v %+v %q", got.State, got.StateReason, aws.ToString(got.StateTransitionReason))
	}
	// The metadata endpoint is gone: nothing listens where it was.
	if _, ok := ts.srv.imds.Endpoint(id); ok {
		t.Fatal("a stopped instance still has a metadata endpoint")
	}
	if resp, err := (&http.Client{Timeout: 5 * time.Second}).Get(base + "latest/meta-data/instance-id"); err == nil {
		resp.Body.Close()
		t.Fatalf("the stopped instance's endpoint answered %d", resp.StatusCode)
	} else if !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("want connection refused, got %v", err)
	}
	// The association stays, and cannot be replaced while the instance is stopped.
	if after := assocs(); len(after) != 1 || aws.ToString(after[0].AssociationId) != aws.ToString(before[0].AssociationId) ||
		after[0].State != ec2types.IamInstanceProfileAssociationStateAssociated {
		t.Fatalf("associations while stopped %+v", after)
	}
	_, err = c.ReplaceIamInstanceProfileAssociation(ctx, &awsec2.ReplaceIamInstanceProfileAssociationInput{AssociationId: before[0].AssociationId,
		IamInstanceProfile: &ec2types.IamInstanceProfileSpecification{Name: aws.String("Other-Role")}})
	if ae := apiError(t, err, "IncorrectState"); ae.ErrorMessage() != "The association "+aws.ToString(before[0].AssociationId)+" is not the active association" {
		t.Fatal(ae.ErrorMessage())
	}

	// Stopping again answers stopped twice (Force is accepted); hibernation is refused.
	again, err := c.StopInstances(ctx, &awsec2.StopInstancesInput{InstanceIds: []string{id}, Force: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	stateChange(t, again.StoppingInstances, id, ec2types.InstanceStateNameStopped, ec2types.InstanceStateNameStopped, 80, 80)
	_, err = c.StopInstances(ctx, &awsec2.StopInstancesInput{InstanceIds: []string{id}, Hibernate: aws.Bool(true)})
	if ae := apiError(t, err, "UnsupportedHibernationConfiguration"); httpStatus(err) != 400 ||
		ae.ErrorMessage() != "The instance can't be hibernated because it was not configured at launch for hibernation: "+id {
		t.Fatal(ae.ErrorMessage())
	}
	_, err = c.StopInstances(ctx, &awsec2.StopInstancesInput{InstanceIds: []string{id}, DryRun: aws.Bool(true)})
	apiError(t, err, "DryRunOperation")

	start, err := c.StartInstances(ctx, &awsec2.StartInstancesInput{InstanceIds: []string{id}})
	if err != nil {
		t.Fatal(err)
	}
	stateChange(t, start.StartingInstances, id, ec2types.InstanceStateNameStopped, ec2types.InstanceStateNamePending, 80, 0)
	got = describe(t, c, &awsec2.DescribeInstancesInput{InstanceIds: []string{id}})[0]
	if got.State.Name != ec2types.InstanceStateNameRunning || got.StateReason != nil || aws.ToString(got.StateTransitionReason) != "" {
		t.Fatalf("started instance %+v %+v", got.State, got.StateReason)
	}
	running, err := c.StartInstances(ctx, &awsec2.StartInstancesInput{InstanceIds: []string{id}})
	if err != nil {
		t.Fatal(err)
	}
	stateChange(t, running.StartingInstances, id, ec2types.InstanceStateNameRunning, ec2types.InstanceStateNameRunning, 16, 16)

	// Metadata is served again, with the role's credentials, and the association is the same.
	creds := sdkCredentials(t, metadataURL(t, ts, id))
	who, err := ts.sts(creds).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(who.Arn) != "arn:aws:sts::123456789012:assumed-role/Tower-Role/"+id {
		t.Fatalf("identity after start %+v %v", who, err)
	}
	if after := assocs(); len(after) != 1 || aws.ToString(after[0].AssociationId) != aws.ToString(before[0].AssociationId) {
		t.Fatalf("associations after start %+v", after)
	}

	// A terminated instance can be neither stopped nor started; an unknown one is not found.
	if _, err := c.TerminateInstances(ctx, &awsec2.TerminateInstancesInput{InstanceIds: []string{id}}); err != nil {
		t.Fatal(err)
	}
	_, err = c.StopInstances(ctx, &awsec2.StopInstancesInput{InstanceIds: []string{id}})
	if ae := apiError(t, err, "IncorrectInstanceState"); ae.ErrorMessage() != "This instance '"+id+"' is not in a state from which it can be stopped." {
		t.Fatal(ae.ErrorMessage())
	}
	_, err = c.StartInstances(ctx, &awsec2.StartInstancesInput{InstanceIds: []string{id}})
	if ae := apiError(t, err, "IncorrectInstanceState"); ae.ErrorMessage() != "The instance '"+id+"' is not in a state from which it can be started." {
		t.Fatal(ae.ErrorMessage())
	}
	_, err = c.StopInstances(ctx, &awsec2.StopInstancesInput{InstanceIds: []string{"i-0123456789abcdef0"}})
	apiError(t, err, "InvalidInstanceID.NotFound")
}

// Stop and start are authorized on the instance with its tags (ec2:ResourceTag/*,
// aws:ResourceTag/*); a refusal is UnauthorizedOperation with an encoded message, and
// changes nothing.
func TestStopStartAuthorization(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	tagged := func(team string) func(*awsec2.RunInstancesInput) {
		return func(in *awsec2.RunInstancesInput) {
			in.TagSpecifications = []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeInstance,
				Tags: []ec2types.Tag{{Key: aws.String("Team"), Value: aws.String(team)}}}}
		}
	}
	blue := aws.ToString(launch(t, ts, "", tagged("blue")).InstanceId)
	red := aws.ToString(launch(t, ts, "", tagged("red")).InstanceId)
	operator := userWithKey(t, ts, "operator", "")
	mustDo(t, func() error {
		_, err := ts.iam(ts.root).PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("operator"), PolicyName: aws.String("p"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[
				{"Effect":"Allow","Action":"ec2:StopInstances","Resource":"arn:aws:ec2:*:*:instance/*","Condition":{"StringEquals":{"ec2:ResourceTag/Team":"blue"}}},
				{"Effect":"Allow","Action":"ec2:StartInstances","Resource":"arn:aws:ec2:*:*:instance/*","Condition":{"StringEquals":{"aws:ResourceTag/Team":"blue"}}}]}`)})
		return err
	})
	c := ts.ec2(operator)
	unauthorized := func(err error) {
		t.Helper()
		ae := apiError(t, err, "UnauthorizedOperation")
		if httpStatus(err) != 403 || !strings.HasPrefix(ae.ErrorMessage(), "You are not authorized to perform this operation. Encoded authorization failure message: ") {
			t.Fatalf("%d %q", httpStatus(err), ae.ErrorMessage())
		}
	}
	_, err := c.StopInstances(ctx, &awsec2.StopInstancesInput{InstanceIds: []string{blue, red}})
	unauthorized(err)
	if got := describe(t, ts.ec2(ts.root), &awsec2.DescribeInstancesInput{InstanceIds: []string{blue}}); got[0].State.Name != ec2types.InstanceStateNameRunning {
		t.Fatalf("a refused call stopped %s", blue)
	}
	if _, err := c.StopInstances(ctx, &awsec2.StopInstancesInput{InstanceIds: []string{blue}}); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.ec2(ts.root).StopInstances(ctx, &awsec2.StopInstancesInput{InstanceIds: []string{red}}); err != nil {
		t.Fatal(err)
	}
	_, err = c.StartInstances(ctx, &awsec2.StartInstancesInput{InstanceIds: []string{red}})
	unauthorized(err)
	if _, err := c.StartInstances(ctx, &awsec2.StartInstancesInput{InstanceIds: []string{blue}}); err != nil {
		t.Fatal(err)
	}
}
