package cli

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/endpointcreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/iamd-dev/iamd/internal/awsclient"
)

// The test binary doubles as the program `iamd task run` and `iamd exec` run: with
// IAMD_TEST_CHILD set, TestHelperChild finds credentials as an SDK in a container does
// (the container endpoint when AWS_CONTAINER_CREDENTIALS_FULL_URI is set, else the
// environment's keys), asks STS who it is, reports what its environment held, and exits
// with IAMD_TEST_CHILD_EXIT.
func TestHelperChild(t *testing.T) {
	if os.Getenv("IAMD_TEST_CHILD") == "" {
		t.Skip("run as a child of iamd task run / iamd exec")
	}
	var provider aws.CredentialsProvider
	if uri := os.Getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI"); uri != "" {
		provider = endpointcreds.New(uri, func(o *endpointcreds.Options) { o.AuthorizationToken = os.Getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN") })
	} else {
		provider = credentials.NewStaticCredentialsProvider(os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY"), os.Getenv("AWS_SESSION_TOKEN"))
	}
	client := sts.NewFromConfig(aws.Config{Region: os.Getenv("AWS_REGION"), Credentials: aws.NewCredentialsCache(provider),
		BaseEndpoint: aws.String(os.Getenv("AWS_ENDPOINT_URL")), RetryMaxAttempts: 1})
	who, err := client.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		fmt.Printf("error=%v\n", err)
	} else {
		fmt.Printf("arn=%s\n", aws.ToString(who.Arn))
	}
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_SHARED_CREDENTIALS_FILE", "AWS_REGION", "KEEP_ME"} {
		fmt.Printf("%s=%s\n", k, os.Getenv(k))
	}
	code, _ := strconv.Atoi(os.Getenv("IAMD_TEST_CHILD_EXIT"))
	os.Exit(code)
}

// child is the command line that runs TestHelperChild.
func child() []string {
	return []string{os.Args[0], "-test.run=^TestHelperChild$"}
}

// childOutput reads the KEY=VALUE lines the helper printed.
func childOutput(stdout string) map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(stdout, "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			out[k] = v
		}
	}
	return out
}

// iamCall makes an IAM call as the environment's (root) credentials.
func iamCall(t *testing.T, params url.Values) {
	t.Helper()
	cfg, err := awsclient.Resolve("")
	if err != nil {
		t.Fatal(err)
	}
	params.Set("Version", "2010-05-08")
	if _, err := awsclient.New(cfg, 1).Query(context.Background(), "iam", params); err != nil {
		t.Fatalf("%s: %v", params.Get("Action"), err)
	}
}

const (
	cliECSTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	cliEC2Trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
)

func createRole(t *testing.T, name, trust string) {
	t.Helper()
	iamCall(t, url.Values{"Action": {"CreateRole"}, "RoleName": {name}, "AssumeRolePolicyDocument": {trust}})
}

func TestTaskRun(t *testing.T) {
	startServe(t)
	createRole(t, "app-task", cliECSTrust)
	createRole(t, "ec2-only", cliEC2Trust)
	t.Setenv("IAMD_TEST_CHILD", "1")
	t.Setenv("AWS_PROFILE", "somebody")
	t.Setenv("KEEP_ME", "kept")
	t.Setenv("IAMD_TEST_CHILD_EXIT", "7")

	args := append([]string{"task", "run", "--task-role", "arn:aws:iam::123456789012:role/app-task", "--"}, child()...)
	r := run(t, "", args...).want(t, 7)
	out := childOutput(r.stdout)
	uri := out["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
	id := uri[strings.LastIndexByte(uri, '/')+1:]
	if out["arn"] != "arn:aws:sts::123456789012:assumed-role/app-task/"+id || len(id) != 32 {
		t.Fatalf("the task's program is not the task role's session:\n%s\n%s", r.stdout, r.stderr)
	}
	if out["AWS_ACCESS_KEY_ID"] != "" || out["AWS_PROFILE"] != "" || out["AWS_SHARED_CREDENTIALS_FILE"] != os.DevNull ||
		out["KEEP_ME"] != "kept" || out["AWS_REGION"] != "us-east-1" || out["AWS_CONTAINER_AUTHORIZATION_TOKEN"] == "" {
		t.Fatalf("the task's environment:\n%s", r.stdout)
	}
	// The task stopped with its program: its endpoint no longer answers.
	req, _ := http.NewRequest(http.MethodGet, uri, nil)
	req.Header.Set("Authorization", out["AWS_CONTAINER_AUTHORIZATION_TOKEN"])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Fatalf("the stopped task's endpoint answered %d", resp.StatusCode)
	}

	// A role that does not trust ECS tasks: the task does not start, and iamd says why.
	args = append([]string{"task", "run", "--task-role", "arn:aws:iam::123456789012:role/ec2-only", "--"}, child()...)
	r = run(t, "", args...).want(t, 1)
	if r.stdout != "" || !strings.Contains(r.stderr, "InvalidParameterException (HTTP 400): ECS was unable to assume the role 'arn:aws:iam::123456789012:role/ec2-only' that was provided for this task.") {
		t.Fatalf("stdout %q stderr %q", r.stdout, r.stderr)
	}
	// Usage errors.
	for _, bad := range [][]string{
		{"task", "run", "--", "true"},
		{"task", "run", "--task-role", "arn:aws:iam::123456789012:role/app-task"},
		{"task", "run", "--task-role", "arn:aws:iam::123456789012:role/app-task", "--secret", "X=arn:aws:secretsmanager:us-east-1:123456789012:secret:x", "--", "true"},
		{"task", "run", "--task-role", "arn:aws:iam::123456789012:role/app-task", "--secret", "novalue", "--execution-role", "arn:aws:iam::123456789012:role/app-task", "--", "true"},
		{"task"},
	} {
		run(t, "", bad...).want(t, 2)
	}
}

func TestTaskRunNeedsPassRole(t *testing.T) {
	startServe(t)
	createRole(t, "app-task", cliECSTrust)
	iamCall(t, url.Values{"Action": {"CreateUser"}, "UserName": {"dev"}})
	cfg, _ := awsclient.Resolve("")
	body, err := awsclient.New(cfg, 1).Query(context.Background(), "iam", url.Values{"Action": {"CreateAccessKey"}, "UserName": {"dev"}, "Version": {"2010-05-08"}})
	if err != nil {
		t.Fatal(err)
	}
	s := string(body)
	field := func(name string) string {
		i := strings.Index(s, "<"+name+">") + len(name) + 2
		return s[i : i+strings.Index(s[i:], "<")]
	}
	t.Setenv("AWS_ACCESS_KEY_ID", field("AccessKeyId"))
	t.Setenv("AWS_SECRET_ACCESS_KEY", field("SecretAccessKey"))
	r := run(t, "", "task", "run", "--task-role", "arn:aws:iam::123456789012:role/app-task", "--", "true").want(t, 1)
	if !strings.Contains(r.stderr, "AccessDenied (HTTP 403): User: arn:aws:iam::123456789012:user/dev is not authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role/app-task") {
		t.Fatalf("stderr %q", r.stderr)
	}
}

func TestExecRole(t *testing.T) {
	startServe(t)
	createRole(t, "deployer", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"ws-7f3e"}}}]}`)
	t.Setenv("IAMD_TEST_CHILD", "1")
	t.Setenv("IAMD_TEST_CHILD_EXIT", "0")
	t.Setenv("AWS_PROFILE", "somebody")

	args := append([]string{"exec", "--role", "arn:aws:iam::123456789012:role/deployer", "--external-id", "ws-7f3e", "--session-name", "ci", "--"}, child()...)
	r := run(t, "", args...).want(t, 0)
	out := childOutput(r.stdout)
	if out["arn"] != "arn:aws:sts::123456789012:assumed-role/deployer/ci" || !strings.HasPrefix(out["AWS_ACCESS_KEY_ID"], "ASIA") || out["AWS_PROFILE"] != "" {
		t.Fatalf("exec --role:\n%s\n%s", r.stdout, r.stderr)
	}
	t.Setenv("IAMD_TEST_CHILD_EXIT", "3")
	args = append([]string{"exec", "--role", "arn:aws:iam::123456789012:role/deployer", "--external-id", "ws-7f3e", "--"}, child()...)
	r = run(t, "", args...).want(t, 3)
	if !strings.HasPrefix(childOutput(r.stdout)["arn"], "arn:aws:sts::123456789012:assumed-role/deployer/iamd-exec-") {
		t.Fatalf("default session name:\n%s", r.stdout)
	}

	// Without the ExternalId the trust policy asks for, the role is not assumed.
	args = append([]string{"exec", "--role", "arn:aws:iam::123456789012:role/deployer", "--"}, child()...)
	r = run(t, "", args...).want(t, 1)
	if r.stdout != "" || !strings.Contains(r.stderr, "AccessDenied (HTTP 403): User: arn:aws:iam::123456789012:root is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/deployer") {
		t.Fatalf("stdout %q stderr %q", r.stdout, r.stderr)
	}
	run(t, "", "exec", "--role", "arn:aws:iam::123456789012:role/deployer").want(t, 2)
	run(t, "", "exec", "--", "true").want(t, 2)
	// A program that cannot be started.
	run(t, "", "exec", "--role", "arn:aws:iam::123456789012:role/deployer", "--external-id", "ws-7f3e", "--", "/nonexistent/program").want(t, 127)
}
