package server

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsec2 "github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/iamd-dev/iamd/internal/awsclient"
)

// A RunInstances retried with its client token launches nothing more: the same reservation
// and instances come back; other parameters with that token are refused.
func TestRunInstancesClientToken(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.ec2(ts.root)
	run := func(token, image string, count int32) (*awsec2.RunInstancesOutput, error) {
		return c.RunInstances(ctx, &awsec2.RunInstancesInput{ImageId: aws.String(image), InstanceType: ec2types.InstanceTypeT3Micro,
			MinCount: aws.Int32(count), MaxCount: aws.Int32(count), ClientToken: aws.String(token)})
	}
	first, err := run("deploy-42", "ami-0abcdef1234567890", 2)
	if err != nil {
		t.Fatal(err)
	}
	again, err := run("deploy-42", "ami-0abcdef1234567890", 2)
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(again.ReservationId) != aws.ToString(first.ReservationId) || ids(again.Instances) != ids(first.Instances) || len(again.Instances) != 2 {
		t.Fatalf("retry gave %s %s, first %s %s", aws.ToString(again.ReservationId), ids(again.Instances), aws.ToString(first.ReservationId), ids(first.Instances))
	}
	// The first answer shows the instances pending, the retry as they are now.
	if first.Instances[0].State.Name != ec2types.InstanceStateNamePending || again.Instances[0].State.Name != ec2types.InstanceStateNameRunning ||
		aws.ToString(again.Instances[0].ClientToken) != "deploy-42" {
		t.Fatalf("states %s then %s, token %q", first.Instances[0].State.Name, again.Instances[0].State.Name, aws.ToString(again.Instances[0].ClientToken))
	}
	if all := describe(t, c, &awsec2.DescribeInstancesInput{}); sortedIDs(all) != sortedIDs(first.Instances) {
		t.Fatalf("described %s, want %s", ids(all), ids(first.Instances))
	}

	_, err = run("deploy-42", "ami-0fedcba9876543210", 2)
	if ae := apiError(t, err, "IdempotentParameterMismatch"); httpStatus(err) != 400 ||
		ae.ErrorMessage() != "Arguments on this idempotent request are inconsistent with arguments used in previous request(s)." {
		t.Fatalf("%d %q", httpStatus(err), ae.ErrorMessage())
	}
	_, err = run("deploy-42", "ami-0abcdef1234567890", 1)
	apiError(t, err, "IdempotentParameterMismatch")
	_, err = run(strings.Repeat("t", 65), "ami-0abcdef1234567890", 1)
	apiError(t, err, "InvalidParameterValue")
	if all := describe(t, c, &awsec2.DescribeInstancesInput{}); len(all) != 2 {
		t.Fatalf("%d instances after refused requests, want 2", len(all))
	}
	// A token of 64 characters is fine, and another token launches anew.
	other, err := run(strings.Repeat("t", 64), "ami-0abcdef1234567890", 1)
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(other.ReservationId) == aws.ToString(first.ReservationId) {
		t.Fatal("a new token reused the reservation")
	}

	// The retry is authorized like any call: a user without ec2:RunInstances is refused.
	user := userWithKey(t, ts, "retrier", "")
	_, err = ts.ec2(user).RunInstances(ctx, &awsec2.RunInstancesInput{ImageId: aws.String("ami-0abcdef1234567890"), InstanceType: ec2types.InstanceTypeT3Micro,
		MinCount: aws.Int32(2), MaxCount: aws.Int32(2), ClientToken: aws.String("deploy-42")})
	apiError(t, err, "UnauthorizedOperation")
}

// A terminated instance's client token still answers with it for at least 24 hours after
// termination, as AWS documents; then the token is forgotten and launches anew.
func TestClientTokenOutlivesTermination(t *testing.T) {
	var now atomic.Int64
	_, call := rootEC2AtClock(t, &now)
	run := func() (string, error) {
		return call("Action", "RunInstances", "ImageId", "ami-0abcdef1234567890", "MinCount", "1", "MaxCount", "1", "ClientToken", "nightly")
	}
	body, err := run()
	if err != nil {
		t.Fatal(err)
	}
	id := between(body, "<instanceId>", "</instanceId>")
	if _, err := call("Action", "TerminateInstances", "InstanceId.1", id); err != nil {
		t.Fatal(err)
	}
	now.Add(23 * 3600)
	body, err = run()
	if err != nil || between(body, "<instanceId>", "</instanceId>") != id || !strings.Contains(body, "<name>terminated</name>") {
		t.Fatalf("23 hours after termination: %v %s", err, body)
	}
	// DescribeInstances no longer shows it, though.
	_, err = call("Action", "DescribeInstances", "InstanceId.1", id)
	var ae *awsclient.Error
	if !errors.As(err, &ae) || ae.Code != "InvalidInstanceID.NotFound" {
		t.Fatalf("describe: %v", err)
	}
	now.Add(2 * 3600)
	body, err = run()
	if err != nil {
		t.Fatal(err)
	}
	if got := between(body, "<instanceId>", "</instanceId>"); got == id || !instanceIDPattern.MatchString(got) {
		t.Fatalf("25 hours after termination: launched %q (the old one was %s)", got, id)
	}
}

func sortedIDs(list []ec2types.Instance) string {
	out := make([]string, len(list))
	for i, inst := range list {
		out[i] = aws.ToString(inst.InstanceId)
	}
	slices.Sort(out)
	return strings.Join(out, ",")
}
