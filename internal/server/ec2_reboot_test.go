package server

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsec2 "github.com/aws/aws-sdk-go-v2/service/ec2"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
)

// RebootInstances (BOSH's reboot_vm): running machines reboot and keep serving their role's
// credentials, terminated ones are ignored as AWS documents, stopped ones are refused; it
// needs ec2:RebootInstances on each instance.
func TestRebootInstances(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	machineRole(t, ts, "Tower-Role", ec2Trust, listRolesPolicy)
	c := ts.ec2(ts.root)
	running := aws.ToString(launch(t, ts, "Tower-Role").InstanceId)
	stopped := aws.ToString(launch(t, ts, "").InstanceId)
	gone := aws.ToString(launch(t, ts, "").InstanceId)
	mustDo(t, func() error {
		_, err := c.StopInstances(ctx, &awsec2.StopInstancesInput{InstanceIds: []string{stopped}})
		return err
	})
	mustDo(t, func() error {
		_, err := c.TerminateInstances(ctx, &awsec2.TerminateInstancesInput{InstanceIds: []string{gone}})
		return err
	})

	if _, err := c.RebootInstances(ctx, &awsec2.RebootInstancesInput{InstanceIds: []string{running, gone}}); err != nil {
		t.Fatal(err)
	}
	sdkCredentials(t, metadataURL(t, ts, running)) // still served after the reboot
	_, err := c.RebootInstances(ctx, &awsec2.RebootInstancesInput{InstanceIds: []string{stopped}})
	ae := apiError(t, err, "IncorrectInstanceState")
	if !strings.Contains(ae.ErrorMessage(), stopped) {
		t.Fatalf("message %q", ae.ErrorMessage())
	}
	_, err = c.RebootInstances(ctx, &awsec2.RebootInstancesInput{InstanceIds: []string{"i-0123456789abcdef0"}})
	apiError(t, err, "InvalidInstanceID.NotFound")
	_, err = c.RebootInstances(ctx, &awsec2.RebootInstancesInput{InstanceIds: []string{running}, DryRun: aws.Bool(true)})
	apiError(t, err, "DryRunOperation")

	operator := userWithKey(t, ts, "operator", "")
	_, err = ts.ec2(operator).RebootInstances(ctx, &awsec2.RebootInstancesInput{InstanceIds: []string{running}})
	apiError(t, err, "UnauthorizedOperation")
	mustDo(t, func() error {
		_, err := ts.iam(ts.root).PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("operator"), PolicyName: aws.String("p"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:RebootInstances","Resource":"arn:aws:ec2:*:*:instance/*"}]}`)})
		return err
	})
	if _, err := ts.ec2(operator).RebootInstances(ctx, &awsec2.RebootInstancesInput{InstanceIds: []string{running}}); err != nil {
		t.Fatal(err)
	}
}
