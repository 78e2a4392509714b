package server

import (
	"context"
	"encoding/xml"
	"io"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	awsec2 "github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Machines and tasks of an aws-cn account: the instance profile, the instance, its role
// session and its metadata are the partition's; EC2 is ec2.amazonaws.com.cn there, while ECS
// tasks keep ecs-tasks.amazonaws.com.
func TestPartitionMachinesAndTasks(t *testing.T) {
	const region, p = "cn-north-1", "arn:aws-cn:"
	ts := startServerIn(t, "", region)
	ctx := context.Background()
	acct := DefaultAccountID
	c := ts.iamIn(ts.root, region)
	trust := func(service string) *string {
		return aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"` + service + `"},"Action":"sts:AssumeRole"}]}`)
	}
	for name, service := range map[string]string{"Machine": "ec2.amazonaws.com.cn", "app-task": "ecs-tasks.amazonaws.com"} {
		if _, err := c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: trust(service)}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String("p"), PolicyDocument: aws.String(listRolesPolicy)}); err != nil {
			t.Fatal(err)
		}
	}
	profile, err := c.CreateInstanceProfile(ctx, &awsiam.CreateInstanceProfileInput{InstanceProfileName: aws.String("Machine"), Path: aws.String("/ec2/")})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := aws.ToString(profile.InstanceProfile.Arn), p+"iam::"+acct+":instance-profile/ec2/Machine"; got != want {
		t.Fatalf("instance profile %s, want %s", got, want)
	}
	if _, err := c.AddRoleToInstanceProfile(ctx, &awsiam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("Machine"), RoleName: aws.String("Machine")}); err != nil {
		t.Fatal(err)
	}

	cfg := ts.config(ts.root)
	cfg.Region = region
	ec2c := awsec2.NewFromConfig(cfg)
	run, err := ec2c.RunInstances(ctx, &awsec2.RunInstancesInput{ImageId: aws.String("ami-0abcdef1234567890"), InstanceType: ec2types.InstanceTypeT3Micro,
		MinCount: aws.Int32(1), MaxCount: aws.Int32(1), IamInstanceProfile: &ec2types.IamInstanceProfileSpecification{Name: aws.String("Machine")}})
	if err != nil {
		t.Fatal(err)
	}
	inst := run.Instances[0]
	id := aws.ToString(inst.InstanceId)
	if got := aws.ToString(inst.IamInstanceProfile.Arn); got != aws.ToString(profile.InstanceProfile.Arn) {
		t.Fatalf("instance's profile %s", got)
	}
	base := metadataURL(t, ts, id)
	client := imds.New(imds.Options{Endpoint: base})
	for path, want := range map[string]string{"services/partition": "aws-cn", "services/domain": "amazonaws.com.cn", "placement/region": region} {
		out, err := client.GetMetadata(ctx, &imds.GetMetadataInput{Path: path})
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		b, _ := io.ReadAll(out.Content)
		if string(b) != want {
			t.Errorf("%s = %q, want %q", path, b, want)
		}
	}
	creds := sdkCredentials(t, base)
	who, err := ts.stsIn(creds, region).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := aws.ToString(who.Arn), p+"sts::"+acct+":assumed-role/Machine/"+id; got != want {
		t.Fatalf("the machine is %s, want %s", got, want)
	}
	if _, err := ts.iamIn(creds, region).ListRoles(ctx, &awsiam.ListRolesInput{}); err != nil {
		t.Fatal(err)
	}

	// A launch is authorized on the partition's instance ARN: a policy of the aws partition's
	// denies nothing here.
	user, err := c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("ops")})
	if err != nil {
		t.Fatal(err)
	}
	denyOn := func(partition string) {
		t.Helper()
		doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:RunInstances","Resource":"*"},` +
			`{"Effect":"Deny","Action":"ec2:RunInstances","Resource":"arn:` + partition + `:ec2:` + region + `:` + acct + `:instance/*"}]}`
		if _, err := c.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: user.User.UserName, PolicyName: aws.String("p"), PolicyDocument: aws.String(doc)}); err != nil {
			t.Fatal(err)
		}
	}
	denyOn("aws")
	key, err := c.CreateAccessKey(ctx, &awsiam.CreateAccessKeyInput{UserName: user.User.UserName})
	if err != nil {
		t.Fatal(err)
	}
	opsCfg := ts.config(aws.Credentials{AccessKeyID: aws.ToString(key.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(key.AccessKey.SecretAccessKey)})
	opsCfg.Region = region
	ops := awsec2.NewFromConfig(opsCfg)
	plain := &awsec2.RunInstancesInput{ImageId: aws.String("ami-0abcdef1234567890"), InstanceType: ec2types.InstanceTypeT3Micro, MinCount: aws.Int32(1), MaxCount: aws.Int32(1)}
	if _, err := ops.RunInstances(ctx, plain); err != nil {
		t.Fatalf("a Deny on the aws partition's instances refused a launch in aws-cn: %v", err)
	}
	denyOn("aws-cn")
	_, err = ops.RunInstances(ctx, plain)
	apiError(t, err, "UnauthorizedOperation")

	// Tasks: the task ARN and the task role's session are the partition's.
	body, err := ts.adminCallIn(region, ts.root, url.Values{"Action": {"RunTask"}, "TaskRoleArn": {p + "iam::" + acct + ":role/app-task"}})
	if err != nil {
		t.Fatal(err)
	}
	task := parseRunTask(t, body)
	if want := p + "ecs:" + region + ":" + acct + ":task/default/" + task.TaskID; task.TaskARN != want {
		t.Fatalf("task ARN %s, want %s", task.TaskARN, want)
	}
	tc, err := containerCreds(task.FullURI, task.Token)
	if err != nil {
		t.Fatal(err)
	}
	who, err = ts.stsIn(tc, region).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := aws.ToString(who.Arn), p+"sts::"+acct+":assumed-role/app-task/"+task.TaskID; got != want {
		t.Fatalf("the task is %s, want %s", got, want)
	}
	// A task role named by an ARN of the aws partition is no role of the account.
	_, err = ts.adminCallIn(region, ts.root, url.Values{"Action": {"RunTask"}, "TaskRoleArn": {"arn:aws:iam::" + acct + ":role/app-task"}})
	if err == nil || !strings.Contains(err.Error(), "InvalidParameterException") {
		t.Fatalf("RunTask with the aws partition's role ARN: %v", err)
	}
}

func parseRunTask(t *testing.T, body []byte) *runTaskResult {
	t.Helper()
	var res runTaskResult
	if err := xml.Unmarshal(body, &res); err != nil {
		t.Fatal(err)
	}
	return &res
}
