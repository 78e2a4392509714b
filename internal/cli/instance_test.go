package cli

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/iamd-dev/iamd/internal/awsclient"
)

// params is a Query request's parameters, given as name, value, name, value, ...
func params(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// query makes one signed Query call to the server of startServe as its root user.
func query(t *testing.T, service string, params url.Values) string {
	t.Helper()
	cfg, err := awsclient.Resolve("")
	if err != nil {
		t.Fatal(err)
	}
	body, err := awsclient.New(cfg, 1).Query(context.Background(), service, params)
	if err != nil {
		t.Fatalf("%s %s: %v", service, params.Get("Action"), err)
	}
	return string(body)
}

func TestInstanceEnvAndExec(t *testing.T) {
	startServe(t)
	query(t, "iam", params("Action", "CreateRole", "Version", "2010-05-08", "RoleName", "Tower-Role", "AssumeRolePolicyDocument",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`))
	query(t, "iam", params("Action", "PutRolePolicy", "Version", "2010-05-08", "RoleName", "Tower-Role", "PolicyName", "p", "PolicyDocument",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*"}]}`))
	query(t, "iam", params("Action", "CreateInstanceProfile", "Version", "2010-05-08", "InstanceProfileName", "Tower-Instance"))
	query(t, "iam", params("Action", "AddRoleToInstanceProfile", "Version", "2010-05-08", "InstanceProfileName", "Tower-Instance", "RoleName", "Tower-Role"))
	body := query(t, "ec2", params("Action", "RunInstances", "Version", "2016-11-15", "ImageId", "ami-0abcdef1234567890", "MinCount", "1", "MaxCount", "1",
		"IamInstanceProfile.Name", "Tower-Instance"))
	var run struct {
		ID string `xml:"instancesSet>item>instanceId"`
	}
	if err := xml.Unmarshal([]byte(body), &run); err != nil || run.ID == "" {
		t.Fatalf("RunInstances: %v\n%s", err, body)
	}

	r := run2(t, "instance", "env", run.ID).want(t, 0)
	for _, want := range []string{"unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN", "export AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:",
		"export AWS_REGION=us-east-1\n", "export AWS_DEFAULT_REGION=us-east-1\n", "export AWS_ENDPOINT_URL=" + os.Getenv("AWS_ENDPOINT_URL") + "\n"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("instance env lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "AWS_EC2_METADATA_DISABLED=") {
		t.Error("instance env sets AWS_EC2_METADATA_DISABLED")
	}
	run2(t, "instance", "env", "i-0000000000000000f").want(t, 1)
	if r := run2(t, "exec", "--", "true").want(t, 2); !strings.Contains(r.stderr, "--instance") {
		t.Errorf("exec without a source: %s", r.stderr)
	}

	// The Go SDK's default chain, in a child process run by iamd exec, finds the role
	// through instance metadata: the keys of the caller running exec do not leak in.
	r = run2(t, "exec", "--instance", run.ID, "--", os.Args[0], "-test.run=^TestHelperSDKProgram$").want(t, 0)
	for _, want := range []string{"arn:aws:sts::123456789012:assumed-role/Tower-Role/" + run.ID, "ListRoles: ok", "CreateUser: AccessDenied"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("program output lacks %q:\n%s\n%s", want, r.stdout, r.stderr)
		}
	}
	// The program's exit code is exec's; one that cannot start is 127, as in shells.
	run2(t, "exec", "--instance", run.ID, "--", "sh", "-c", "exit 3").want(t, 3)
	run2(t, "exec", "--instance", run.ID, "--", "/nonexistent/program").want(t, 127)
	// Exactly one source of credentials, with only its own options.
	if r := run2(t, "exec", "--instance", run.ID, "--role", "arn:aws:iam::123456789012:role/Tower-Role", "--", "true").want(t, 2); !strings.Contains(r.stderr, "exclude each other") {
		t.Errorf("exec with two sources: %s", r.stderr)
	}
	if r := run2(t, "exec", "--instance", run.ID, "--session-name", "x", "--", "true").want(t, 2); !strings.Contains(r.stderr, "go with --role") {
		t.Errorf("exec --instance with a role option: %s", r.stderr)
	}
}

func run2(t *testing.T, args ...string) result { return run(t, "", args...) }

// TestHelperSDKProgram is the program iamd exec runs in TestInstanceEnvAndExec: an
// unchanged SDK program with the default configuration.
func TestHelperSDKProgram(t *testing.T) {
	if os.Getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT") == "" {
		t.Skip("run by TestInstanceEnvAndExec under iamd exec")
	}
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	who, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println(*who.Arn)
	_, err = iam.NewFromConfig(cfg).ListRoles(ctx, &iam.ListRolesInput{})
	fmt.Println("ListRoles:", code(err))
	user := "x"
	_, err = iam.NewFromConfig(cfg).CreateUser(ctx, &iam.CreateUserInput{UserName: &user})
	fmt.Println("CreateUser:", code(err))
}

func code(err error) string {
	var ae smithy.APIError
	if err == nil {
		return "ok"
	}
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return err.Error()
}
