package server

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsec2 "github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/iamd-dev/iamd/internal/awsclient"
	"github.com/iamd-dev/iamd/internal/sigv4"
)

// rawEC2 is an EC2 Query client that sends parameters as given (the SDK would refuse
// counts that are not numbers): it returns the error code and message, "" for a success.
func rawEC2(t *testing.T, ts *testServer, creds aws.Credentials) func(kv ...string) (string, string) {
	t.Helper()
	c := awsclient.New(awsclient.Config{Endpoint: ts.endpoint, Region: "us-east-1",
		Credentials: sigv4.Credentials{AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey, SessionToken: creds.SessionToken}}, 1)
	return func(kv ...string) (string, string) {
		t.Helper()
		v := url.Values{"Version": {"2016-11-15"}}
		for i := 0; i < len(kv); i += 2 {
			v.Add(kv[i], kv[i+1])
		}
		_, err := c.Query(context.Background(), "ec2", v)
		if err == nil {
			return "", ""
		}
		var ae *awsclient.Error
		if !errors.As(err, &ae) {
			t.Fatalf("not an AWS error: %v", err)
		}
		return ae.Code, ae.Message
	}
}

// A huge MaxCount costs nothing before the call is authorized and the instance limit
// applied: a caller without permission is refused at once, root launches what the limit
// allows (20 running instances), and a MinCount above the limit is InstanceLimitExceeded.
// The SDK's client gives up after 10 seconds, so each answer also came in time.
func TestRunInstancesHugeCounts(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	run := func(c *awsec2.Client, minCount, maxCount int32) (*awsec2.RunInstancesOutput, error) {
		return c.RunInstances(ctx, &awsec2.RunInstancesInput{ImageId: aws.String("ami-0abcdef1234567890"),
			InstanceType: ec2types.InstanceTypeT3Micro, MinCount: aws.Int32(minCount), MaxCount: aws.Int32(maxCount)})
	}
	nobody := ts.ec2(userWithKey(t, ts, "nobody", ""))
	for _, n := range []int32{2147483647, 100000} {
		_, err := run(nobody, 1, n)
		apiError(t, err, "UnauthorizedOperation")
	}

	root := ts.ec2(ts.root)
	_, err := run(root, 2147483647, 2147483647)
	ae := apiError(t, err, "InstanceLimitExceeded")
	const limitMsg = "You have requested more instances (2147483647) than your current instance limit of 20 allows for the specified instance type. Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit."
	if ae.ErrorMessage() != limitMsg || httpStatus(err) != 400 {
		t.Fatalf("%d %s", httpStatus(err), ae.ErrorMessage())
	}
	out, err := run(root, 1, 2147483647)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Instances) != 20 {
		t.Fatalf("launched %d instances, want the limit's 20", len(out.Instances))
	}
	for i, inst := range out.Instances {
		if aws.ToInt32(inst.AmiLaunchIndex) != int32(i) {
			t.Fatalf("instance %d has launch index %d", i, aws.ToInt32(inst.AmiLaunchIndex))
		}
	}
	_, err = run(root, 1, 100000)
	ae = apiError(t, err, "InstanceLimitExceeded")
	if !strings.HasPrefix(ae.ErrorMessage(), "You have requested more instances (1) than your current instance limit of 20 allows") {
		t.Fatal(ae.ErrorMessage())
	}
	if n := len(describe(t, root, &awsec2.DescribeInstancesInput{})); n != 20 {
		t.Fatalf("%d instances after the refused launch, want 20", n)
	}
}

// Counts EC2 refuses, and parameters that are not 32-bit integers, are refused before
// anything else, with EC2's errors; nothing launches.
func TestRunInstancesCountErrors(t *testing.T) {
	ts := startServer(t, "")
	call := rawEC2(t, ts, ts.root)
	base := []string{"Action", "RunInstances", "ImageId", "ami-0abcdef1234567890"}
	for _, c := range []struct {
		minCount, maxCount string // "-" leaves the parameter out
		code, msg          string
	}{
		{"3", "2", "InvalidParameterValue", "Value (3) for parameter minCount is invalid. Expected a value less than or equal to maxCount (2)."},
		{"0", "1", "InvalidParameterValue", "Minimum instance count must be greater than zero"},
		{"1", "0", "InvalidParameterValue", "Maximum instance count must be greater than zero"},
		{"-1", "1", "InvalidParameterValue", "Minimum instance count must be greater than zero"},
		{"1", "-2147483648", "InvalidParameterValue", "Maximum instance count must be greater than zero"},
		{"one", "1", "InvalidParameterValue", "Invalid value 'one' for MinCount"},
		{"1", "1.5", "InvalidParameterValue", "Invalid value '1.5' for MaxCount"},
		{"1", "2147483648", "InvalidParameterValue", "Invalid value '2147483648' for MaxCount"},
		{"1", "99999999999999999999999", "InvalidParameterValue", "Invalid value '99999999999999999999999' for MaxCount"},
		{"-", "1", "MissingParameter", "The request must contain the parameter MinCount"},
		{"1", "-", "MissingParameter", "The request must contain the parameter MaxCount"},
	} {
		kv := append([]string{}, base...)
		if c.minCount != "-" {
			kv = append(kv, "MinCount", c.minCount)
		}
		if c.maxCount != "-" {
			kv = append(kv, "MaxCount", c.maxCount)
		}
		code, msg := call(kv...)
		if code != c.code || msg != c.msg {
			t.Errorf("MinCount=%s MaxCount=%s: %s %q, want %s %q", c.minCount, c.maxCount, code, msg, c.code, c.msg)
		}
	}
	if code, msg := call("Action", "DescribeInstances"); code != "" {
		t.Fatal(code, msg)
	}
	if n := len(describe(t, ts.ec2(ts.root), &awsec2.DescribeInstancesInput{})); n != 0 {
		t.Fatalf("refused launches left %d instances", n)
	}
}

// Lists in EC2 parameters are bounded by what EC2 takes, whatever indexes they use: more
// than 200 filter values is FilterLimitExceeded, a member index of 2147483647 is one
// member, and tags on creation are at most 50 per instance however many specifications
// carry them.
func TestEC2ParameterListLimits(t *testing.T) {
	ts := startServer(t, "")
	call := rawEC2(t, ts, ts.root)
	kv := []string{"Action", "DescribeInstances", "Filter.1.Name", "instance-state-name"}
	for i := 1; i <= 201; i++ {
		kv = append(kv, "Filter.1.Value."+itoa(i), "running")
	}
	code, msg := call(kv...)
	if code != "FilterLimitExceeded" || msg != "The maximum number of filter values specified on a single call is 200" {
		t.Fatalf("%s %q", code, msg)
	}
	if code, msg := call(kv[:len(kv)-2]...); code != "" {
		t.Fatalf("200 filter values: %s %s", code, msg)
	}
	code, msg = call("Action", "DescribeIamInstanceProfileAssociations", "Filter.2147483647.Name", "state",
		"Filter.2147483647.Value.2147483647", "associated")
	if code != "" {
		t.Fatalf("%s %s", code, msg)
	}
	code, msg = call("Action", "DescribeInstances", "InstanceId.2147483647", "i-0123456789abcdef0")
	if code != "InvalidInstanceID.NotFound" || msg != "The instance ID 'i-0123456789abcdef0' does not exist" {
		t.Fatalf("%s %q", code, msg)
	}

	run := []string{"Action", "RunInstances", "ImageId", "ami-0abcdef1234567890", "MinCount", "1", "MaxCount", "1"}
	for spec := 1; spec <= 2; spec++ {
		s := "TagSpecification." + itoa(spec) + "."
		run = append(run, s+"ResourceType", "instance")
		for i := 1; i <= 26; i++ {
			run = append(run, s+"Tag."+itoa(i)+".Key", "k"+itoa(spec)+"-"+itoa(i), s+"Tag."+itoa(i)+".Value", "v")
		}
	}
	code, msg = call(run...)
	if code != "TagLimitExceeded" || msg != "The maximum number of tags for a resource has been reached." {
		t.Fatalf("52 tags in two specifications: %s %q", code, msg)
	}
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}
