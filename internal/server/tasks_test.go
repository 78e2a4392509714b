package server

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/endpointcreds"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/iamd-dev/iamd/internal/awsclient"
	"github.com/iamd-dev/iamd/internal/sigv4"
)

const (
	ecsTasksTrust = `{"Version":"2012-10-17","Statement":[{"Sid":"AllowECSTaskAssumption","Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	// passTaskRoles is what a launcher needs: pass app-* roles, to ECS tasks only.
	passTaskRoles = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::123456789012:role/app-*","Condition":{"StringEquals":{"iam:PassedToService":"ecs-tasks.amazonaws.com"}}}]}`
	taskRoleARN   = "arn:aws:iam::123456789012:role/app-task"
	execRoleARN   = "arn:aws:iam::123456789012:role/app-exec"
)

// taskRoles creates the roles of the task tests: app-task (may list roles), app-exec, and
// ec2-only (trusts EC2, not ECS), and a user "launcher" who may pass app-* roles to ECS.
func taskRoles(t *testing.T, ts *testServer) aws.Credentials {
	t.Helper()
	ctx := context.Background()
	c := ts.iam(ts.root)
	for name, trust := range map[string]string{"app-task": ecsTasksTrust, "app-exec": ecsTasksTrust, "ec2-only": ec2Trust} {
		mustDo(t, func() error {
			_, err := c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)})
			return err
		})
	}
	mustDo(t, func() error {
		_, err := c.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String("app-task"), PolicyName: aws.String("list"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*"}]}`)})
		return err
	})
	key := userWithKey(t, ts, "launcher", "")
	mustDo(t, func() error {
		_, err := c.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("launcher"), PolicyName: aws.String("pass"), PolicyDocument: aws.String(passTaskRoles)})
		return err
	})
	return key
}

type runTaskResult struct {
	TaskID     string `xml:"RunTaskResult>TaskId"`
	TaskARN    string `xml:"RunTaskResult>TaskArn"`
	FullURI    string `xml:"RunTaskResult>CredentialsFullUri"`
	Token      string `xml:"RunTaskResult>AuthorizationToken"`
	ExecKeyID  string `xml:"RunTaskResult>ExecutionRoleCredentials>AccessKeyId"`
	ExecSecret string `xml:"RunTaskResult>ExecutionRoleCredentials>SecretAccessKey"`
	ExecToken  string `xml:"RunTaskResult>ExecutionRoleCredentials>SessionToken"`
}

// adminCall makes a call of iamd's own API as creds, at the server's clock.
func (ts *testServer) adminCall(creds aws.Credentials, params url.Values) ([]byte, error) {
	c := awsclient.New(awsclient.Config{Endpoint: ts.endpoint, Region: "us-east-1", Credentials: sigv4.Credentials{
		AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey, SessionToken: creds.SessionToken}}, 1)
	c.Now = ts.srv.cfg.Now
	if ts.client != nil {
		c.HTTP = ts.client
	}
	return c.Query(context.Background(), "iamd", params)
}

func (ts *testServer) runTask(creds aws.Credentials, taskRole, execRole string) (*runTaskResult, error) {
	params := url.Values{"Action": {"RunTask"}, "TaskRoleArn": {taskRole}}
	if execRole != "" {
		params.Set("ExecutionRoleArn", execRole)
	}
	body, err := ts.adminCall(creds, params)
	if err != nil {
		return nil, err
	}
	var res runTaskResult
	if err := xml.Unmarshal(body, &res); err != nil {
		return nil, err
	}
	return &res, nil
}

func (ts *testServer) stopTask(creds aws.Credentials, id string) error {
	_, err := ts.adminCall(creds, url.Values{"Action": {"StopTask"}, "TaskId": {id}})
	return err
}

// wantAdminError asserts an error of iamd's own API.
func wantAdminError(t *testing.T, err error, status int, code, message string) {
	t.Helper()
	var ae *awsclient.Error
	if !errors.As(err, &ae) {
		t.Fatalf("error %v, want %s", err, code)
	}
	if ae.Status != status || ae.Code != code || ae.Message != message {
		t.Fatalf("error %d %s %q\nwant  %d %s %q", ae.Status, ae.Code, ae.Message, status, code, message)
	}
}

// containerCreds fetches a task's credentials with aws-sdk-go-v2's container credentials
// provider, as an SDK configured by AWS_CONTAINER_CREDENTIALS_FULL_URI and
// AWS_CONTAINER_AUTHORIZATION_TOKEN does.
func containerCreds(uri, token string) (aws.Credentials, error) {
	p := endpointcreds.New(uri, func(o *endpointcreds.Options) {
		o.AuthorizationToken = token
		o.HTTPClient = &http.Client{Timeout: 5 * time.Second}
		o.Retryer = aws.NopRetryer{}
	})
	return p.Retrieve(context.Background())
}

func TestTaskCredentialsThroughTheSDK(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	launcher := taskRoles(t, ts)
	task, err := ts.runTask(launcher, taskRoleARN, execRoleARN)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(task.TaskID) ||
		task.TaskARN != "arn:aws:ecs:us-east-1:123456789012:task/default/"+task.TaskID ||
		task.FullURI != ts.endpoint+"/iamd/task-credentials/"+task.TaskID || len(task.Token) < 40 {
		t.Fatalf("RunTask result %+v", task)
	}

	creds, err := containerCreds(task.FullURI, task.Token)
	if err != nil {
		t.Fatal(err)
	}
	if !creds.CanExpire || creds.Expires.Before(time.Now().Add(50*time.Minute)) || creds.AccountID != "123456789012" {
		t.Fatalf("task credentials %+v", creds)
	}
	who, err := ts.sts(creds).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(who.Arn) != "arn:aws:sts::123456789012:assumed-role/app-task/"+task.TaskID {
		t.Fatalf("task identity %s", aws.ToString(who.Arn))
	}
	// The task may do what its role allows, and nothing more.
	if _, err := ts.iam(creds).ListRoles(ctx, &awsiam.ListRolesInput{}); err != nil {
		t.Fatalf("ListRoles as the task: %v", err)
	}
	err = createRoleAs(ts.iam(creds), "x")
	wantDenied(t, err, "User: arn:aws:sts::123456789012:assumed-role/app-task/"+task.TaskID+" is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::123456789012:role/x because no identity-based policy allows the iam:CreateRole action")

	// The execution role's session is the agent's, a session of the other role.
	exec := aws.Credentials{AccessKeyID: task.ExecKeyID, SecretAccessKey: task.ExecSecret, SessionToken: task.ExecToken}
	who, err = ts.sts(exec).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(who.Arn) != "arn:aws:sts::123456789012:assumed-role/app-exec/"+task.TaskID {
		t.Fatalf("execution identity %s", aws.ToString(who.Arn))
	}
	if _, err := ts.iam(exec).ListRoles(ctx, &awsiam.ListRolesInput{}); err == nil {
		t.Fatal("the execution role may not list roles")
	}

	// The raw answer is what the ECS agent sends.
	status, body := getCredentials(t, task.FullURI, task.Token, http.MethodGet)
	var raw map[string]string
	if err := json.Unmarshal(body, &raw); err != nil || status != 200 {
		t.Fatalf("%d %s", status, body)
	}
	if !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`).MatchString(raw["Expiration"]) || raw["RoleArn"] != taskRoleARN ||
		!strings.HasPrefix(raw["AccessKeyId"], "ASIA") || raw["SecretAccessKey"] == "" || raw["Token"] == "" {
		t.Fatalf("credentials JSON %s", body)
	}
}

// getCredentials calls the endpoint directly ("" token: no Authorization header).
func getCredentials(t *testing.T, uri, token, method string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, uri, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

func TestTaskCredentialsNeedTheTasksToken(t *testing.T) {
	ts := startServer(t, "")
	launcher := taskRoles(t, ts)
	task, err := ts.runTask(launcher, taskRoleARN, "")
	if err != nil {
		t.Fatal(err)
	}
	other, err := ts.runTask(launcher, taskRoleARN, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, uri, token, method string
		status                   int
		code                     string
	}{
		{"no token", task.FullURI, "", http.MethodGet, 400, "NoAuthorizationToken"},
		{"wrong token", task.FullURI, task.Token + "x", http.MethodGet, 400, "AccessDenied"},
		{"another task's token", task.FullURI, other.Token, http.MethodGet, 400, "AccessDenied"},
		{"unknown task", ts.endpoint + "/iamd/task-credentials/0123456789abcdef0123456789abcdef", task.Token, http.MethodGet, 400, "InvalidIdInRequest"},
		{"malformed id", ts.endpoint + "/iamd/task-credentials/../healthz", task.Token, http.MethodGet, 400, "InvalidIdInRequest"},
		{"POST", task.FullURI, task.Token, http.MethodPost, 405, "MethodNotAllowed"},
	} {
		status, body := getCredentials(t, c.uri, c.token, c.method)
		var e struct {
			Code, Message string
			HTTPErrorCode int
		}
		_ = json.Unmarshal(body, &e)
		if status != c.status || e.Code != c.code || e.HTTPErrorCode != c.status || strings.Contains(string(body), "SecretAccessKey") {
			t.Errorf("%s: %d %s, want %d %s", c.name, status, body, c.status, c.code)
		}
	}
	// The SDK reports the refusal.
	if _, err := containerCreds(task.FullURI, other.Token); err == nil {
		t.Fatal("the SDK got credentials with another task's token")
	}
	if _, err := containerCreds(task.FullURI, task.Token); err != nil {
		t.Fatal(err)
	}
}

func TestStoppedTaskGetsNoCredentials(t *testing.T) {
	ts := startServer(t, "")
	launcher := taskRoles(t, ts)
	task, err := ts.runTask(launcher, taskRoleARN, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := containerCreds(task.FullURI, task.Token); err != nil {
		t.Fatal(err)
	}
	// Only its starter, or a principal allowed ecs:StopTask on it (the root user), may stop it.
	stranger := userWithKey(t, ts, "stranger", "")
	err = ts.stopTask(stranger, task.TaskID)
	wantAdminError(t, err, 403, "AccessDenied", "User: arn:aws:iam::123456789012:user/stranger is not authorized to perform: ecs:StopTask on resource: "+task.TaskARN+" because no identity-based policy allows the ecs:StopTask action")
	if err := ts.stopTask(launcher, task.TaskID); err != nil {
		t.Fatal(err)
	}
	status, body := getCredentials(t, task.FullURI, task.Token, http.MethodGet)
	if status != 400 || !strings.Contains(string(body), `"InvalidIdInRequest"`) {
		t.Fatalf("stopped task: %d %s", status, body)
	}
	if _, err := containerCreds(task.FullURI, task.Token); err == nil {
		t.Fatal("a stopped task got credentials")
	}
	err = ts.stopTask(launcher, task.TaskID)
	wantAdminError(t, err, 400, "InvalidParameterException", "The referenced task was not found.")
	// The root user may stop any task of its account.
	task, err = ts.runTask(launcher, taskRoleARN, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := ts.stopTask(ts.root, task.TaskID); err != nil {
		t.Fatal(err)
	}
}

func TestRunTaskNeedsRolesThatTrustECSTasks(t *testing.T) {
	ts := startServer(t, "")
	launcher := taskRoles(t, ts)
	c := ts.iam(ts.root)
	mustDo(t, func() error {
		_, err := c.CreateRole(context.Background(), &awsiam.CreateRoleInput{RoleName: aws.String("app-ec2"), AssumeRolePolicyDocument: aws.String(ec2Trust)})
		return err
	})
	const unable = "ECS was unable to assume the role '%s' that was provided for this task. Please verify that the role being passed has the proper trust relationship and permissions and that your IAM user has permissions to pass this role."
	for _, c := range []struct{ task, exec, refused string }{
		{"arn:aws:iam::123456789012:role/app-ec2", "", "arn:aws:iam::123456789012:role/app-ec2"},
		{taskRoleARN, "arn:aws:iam::123456789012:role/app-ec2", "arn:aws:iam::123456789012:role/app-ec2"},
		{"arn:aws:iam::123456789012:role/app-missing", "", "arn:aws:iam::123456789012:role/app-missing"},
		{"arn:aws:iam::123456789012:role/app-path/app-task", "", "arn:aws:iam::123456789012:role/app-path/app-task"},
	} {
		_, err := ts.runTask(launcher, c.task, c.exec)
		wantAdminError(t, err, 400, "InvalidParameterException", strings.Replace(unable, "%s", c.refused, 1))
	}
	_, err := ts.runTask(launcher, "app-task", "")
	wantAdminError(t, err, 400, "ClientException", "Role is not valid")
	_, err = ts.runTask(launcher, "", "")
	wantAdminError(t, err, 400, "InvalidParameterException", "TaskRoleArn must be provided.")
}

func TestRunTaskTrustConditionsOnTheSource(t *testing.T) {
	ts := startServer(t, "")
	c := ts.iam(ts.root)
	// AWS's confused-deputy guard for task roles: the source account and task ARN.
	guarded := func(account string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole",` +
			`"Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:ecs:us-east-1:` + account + `:*"},"StringEquals":{"aws:SourceAccount":"` + account + `"}}}]}`
	}
	for name, trust := range map[string]string{"ours": guarded("123456789012"), "theirs": guarded("999999999999")} {
		mustDo(t, func() error {
			_, err := c.CreateRole(context.Background(), &awsiam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)})
			return err
		})
	}
	task, err := ts.runTask(ts.root, "arn:aws:iam::123456789012:role/ours", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := containerCreds(task.FullURI, task.Token); err != nil {
		t.Fatal(err)
	}
	_, err = ts.runTask(ts.root, "arn:aws:iam::123456789012:role/theirs", "")
	wantAdminError(t, err, 400, "InvalidParameterException", "ECS was unable to assume the role 'arn:aws:iam::123456789012:role/theirs' that was provided for this task. Please verify that the role being passed has the proper trust relationship and permissions and that your IAM user has permissions to pass this role.")
}

func TestRunTaskNeedsPassRole(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	taskRoles(t, ts)
	c := ts.iam(ts.root)
	nopass := userWithKey(t, ts, "nopass", "")
	_, err := ts.runTask(nopass, taskRoleARN, "")
	wantAdminError(t, err, 403, "AccessDenied", "User: arn:aws:iam::123456789012:user/nopass is not authorized to perform: iam:PassRole on resource: "+taskRoleARN+" because no identity-based policy allows the iam:PassRole action")

	// PassRole to EC2 only does not let a user pass the role to ECS tasks.
	ec2pass := userWithKey(t, ts, "ec2pass", "")
	mustDo(t, func() error {
		_, err := c.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("ec2pass"), PolicyName: aws.String("pass"),
			PolicyDocument: aws.String(strings.Replace(passTaskRoles, "ecs-tasks.amazonaws.com", "ec2.amazonaws.com", 1))})
		return err
	})
	_, err = ts.runTask(ec2pass, taskRoleARN, "")
	wantAdminError(t, err, 403, "AccessDenied", "User: arn:aws:iam::123456789012:user/ec2pass is not authorized to perform: iam:PassRole on resource: "+taskRoleARN+" because no identity-based policy allows the iam:PassRole action")

	// Both roles must be passable: the task role alone is not enough.
	halfpass := userWithKey(t, ts, "halfpass", "")
	mustDo(t, func() error {
		_, err := c.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("halfpass"), PolicyName: aws.String("pass"),
			PolicyDocument: aws.String(strings.Replace(passTaskRoles, "role/app-*", "role/app-task", 1))})
		return err
	})
	if _, err := ts.runTask(halfpass, taskRoleARN, ""); err != nil {
		t.Fatal(err)
	}
	_, err = ts.runTask(halfpass, taskRoleARN, execRoleARN)
	wantAdminError(t, err, 403, "AccessDenied", "User: arn:aws:iam::123456789012:user/halfpass is not authorized to perform: iam:PassRole on resource: "+execRoleARN+" because no identity-based policy allows the iam:PassRole action")

	// An explicit deny wins over the allow.
	mustDo(t, func() error {
		_, err := c.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("halfpass"), PolicyName: aws.String("deny"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:PassRole","Resource":"*"}]}`)})
		return err
	})
	_, err = ts.runTask(halfpass, taskRoleARN, "")
	wantAdminError(t, err, 403, "AccessDenied", "User: arn:aws:iam::123456789012:user/halfpass is not authorized to perform: iam:PassRole on resource: "+taskRoleARN+" with an explicit deny in an identity-based policy")
}

// movableClock is a clock tests move forward.
type movableClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *movableClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *movableClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestTaskCredentialsAreRenewedBeforeTheyExpire(t *testing.T) {
	clock := &movableClock{t: time.Now()}
	ts := startServerAt(t, "", clock.now)
	launcher := taskRoles(t, ts)
	task, err := ts.runTask(launcher, taskRoleARN, "")
	if err != nil {
		t.Fatal(err)
	}
	fetch := func() map[string]string {
		t.Helper()
		status, body := getCredentials(t, task.FullURI, task.Token, http.MethodGet)
		var raw map[string]string
		if err := json.Unmarshal(body, &raw); err != nil || status != 200 {
			t.Fatalf("%d %s", status, body)
		}
		return raw
	}
	first := fetch()
	clock.add(30 * time.Minute)
	if again := fetch(); again["AccessKeyId"] != first["AccessKeyId"] {
		t.Fatal("credentials with half an hour left were replaced")
	}
	clock.add(15 * time.Minute) // 15 minutes left: SDKs refresh now, and must get new ones
	renewed := fetch()
	exp1, _ := time.Parse(time.RFC3339, first["Expiration"])
	exp2, _ := time.Parse(time.RFC3339, renewed["Expiration"])
	if renewed["AccessKeyId"] == first["AccessKeyId"] || !exp2.After(exp1) || !exp2.After(clock.now().Add(55*time.Minute)) {
		t.Fatalf("renewal: %s %s -> %s %s", first["AccessKeyId"], first["Expiration"], renewed["AccessKeyId"], renewed["Expiration"])
	}
	// The renewed session works at the moved clock.
	creds := aws.Credentials{AccessKeyID: renewed["AccessKeyId"], SecretAccessKey: renewed["SecretAccessKey"], SessionToken: renewed["Token"]}
	c := awsclient.New(awsclient.Config{Endpoint: ts.endpoint, Region: "us-east-1", Credentials: sigv4.Credentials{
		AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey, SessionToken: creds.SessionToken}}, 1)
	c.Now = clock.now
	if _, err := c.Query(context.Background(), "sts", url.Values{"Action": {"GetCallerIdentity"}, "Version": {"2011-06-15"}}); err != nil {
		t.Fatal(err)
	}
	// A role that stops trusting ECS leaves the task without new credentials at renewal.
	if err := ts.srv.iam.UpdateAssumeRolePolicy(context.Background(), "123456789012", "app-task", ec2Trust); err != nil {
		t.Fatal(err)
	}
	clock.add(45 * time.Minute)
	if status, body := getCredentials(t, task.FullURI, task.Token, http.MethodGet); status != 500 || strings.Contains(string(body), "Secret") {
		t.Fatalf("renewal of an untrusting role: %d %s", status, body)
	}
}

func TestTasksSurviveARestart(t *testing.T) {
	dir := t.TempDir()
	ts := startServer(t, dir)
	launcher := taskRoles(t, ts)
	task, err := ts.runTask(launcher, taskRoleARN, "")
	if err != nil {
		t.Fatal(err)
	}
	ts.stop()
	ts = startServer(t, dir)
	uri := ts.endpoint + "/iamd/task-credentials/" + task.TaskID
	creds, err := containerCreds(uri, task.Token)
	if err != nil {
		t.Fatal(err)
	}
	who, err := ts.sts(creds).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(who.Arn) != "arn:aws:sts::123456789012:assumed-role/app-task/"+task.TaskID {
		t.Fatalf("after a restart: %v %v", who, err)
	}
	if _, err := containerCreds(uri, "not-the-token"); err == nil {
		t.Fatal("a wrong token was accepted after a restart")
	}
	if err := ts.stopTask(launcher, task.TaskID); err != nil {
		t.Fatal(err)
	}
	if _, err := containerCreds(uri, task.Token); err == nil {
		t.Fatal("a stopped task got credentials")
	}
}

// BenchmarkTaskCredentials measures the container credentials endpoint (a cached session)
// and starting and stopping a task (two PassRole decisions, one trust evaluation, one
// sealed session, two store writes), over HTTP on loopback.
func BenchmarkTaskCredentials(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv, err := New(ctx, Config{Addr: "127.0.0.1:0", DataDir: b.TempDir(), RootAccessKeyID: testRootKey, RootSecretAccessKey: testRootSecret})
	if err != nil {
		b.Fatal(err)
	}
	if err := srv.Listen(); err != nil {
		b.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx) }()
	defer func() { cancel(); <-done }()
	ts := &testServer{endpoint: "http://" + srv.Addr(), srv: srv, root: aws.Credentials{AccessKeyID: testRootKey, SecretAccessKey: testRootSecret}}
	if _, err := ts.iam(ts.root).CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("app-task"), AssumeRolePolicyDocument: aws.String(ecsTasksTrust)}); err != nil {
		b.Fatal(err)
	}
	task, err := ts.runTask(ts.root, taskRoleARN, "")
	if err != nil {
		b.Fatal(err)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	b.Run("get-credentials", func(b *testing.B) {
		for b.Loop() {
			req, _ := http.NewRequest(http.MethodGet, task.FullURI, nil)
			req.Header.Set("Authorization", task.Token)
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Fatal(resp.StatusCode)
			}
		}
	})
	b.Run("run-stop-task", func(b *testing.B) {
		for b.Loop() {
			t, err := ts.runTask(ts.root, taskRoleARN, "")
			if err != nil {
				b.Fatal(err)
			}
			if err := ts.stopTask(ts.root, t.TaskID); err != nil {
				b.Fatal(err)
			}
		}
	})
}

type listTasksResult struct {
	Tasks []struct {
		TaskID           string `xml:"TaskId"`
		TaskARN          string `xml:"TaskArn"`
		TaskRoleARN      string `xml:"TaskRoleArn"`
		ExecutionRoleARN string `xml:"ExecutionRoleArn"`
		StartedBy        string `xml:"StartedBy"`
		StartedAt        string `xml:"StartedAt"`
	} `xml:"ListTasksResult>Tasks>member"`
}

func (ts *testServer) listTasks(t *testing.T, creds aws.Credentials) (listTasksResult, string) {
	t.Helper()
	body, err := ts.adminCall(creds, url.Values{"Action": {"ListTasks"}})
	if err != nil {
		t.Fatal(err)
	}
	var res listTasksResult
	if err := xml.Unmarshal(body, &res); err != nil {
		t.Fatal(err)
	}
	return res, string(body)
}

// A task whose `iamd task run` died can be found with ListTasks and stopped.
func TestListTasks(t *testing.T) {
	clock := &movableClock{t: time.Now().UTC().Truncate(time.Second)}
	ts := startServerAt(t, "", clock.now)
	ctx := context.Background()
	launcher := taskRoles(t, ts)
	if res, _ := ts.listTasks(t, launcher); len(res.Tasks) != 0 {
		t.Fatalf("tasks before any ran: %+v", res.Tasks)
	}
	first, err := ts.runTask(launcher, taskRoleARN, execRoleARN)
	if err != nil {
		t.Fatal(err)
	}
	started1 := clock.now()
	clock.add(time.Minute)
	second, err := ts.runTask(launcher, execRoleARN, "")
	if err != nil {
		t.Fatal(err)
	}
	// Another account's task is not listed.
	key, err := ts.srv.iam.CreateAccount(ctx, "111111111111", "other")
	if err != nil {
		t.Fatal(err)
	}
	other := aws.Credentials{AccessKeyID: key.AccessKeyID, SecretAccessKey: key.SecretAccessKey}
	if _, err := ts.iam(other).CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("theirs"), AssumeRolePolicyDocument: aws.String(ecsTasksTrust)}); err != nil {
		t.Fatal(err)
	}
	theirs, err := ts.runTask(other, "arn:aws:iam::111111111111:role/theirs", "")
	if err != nil {
		t.Fatal(err)
	}

	// Any principal of the account may list, even one with no policy; in start order.
	stranger := userWithKey(t, ts, "stranger", "")
	for _, creds := range []aws.Credentials{launcher, stranger, ts.root} {
		res, body := ts.listTasks(t, creds)
		if len(res.Tasks) != 2 {
			t.Fatalf("ListTasks: %s", body)
		}
		got, want := res.Tasks[0], first
		if got.TaskID != want.TaskID || got.TaskARN != want.TaskARN || got.TaskRoleARN != taskRoleARN || got.ExecutionRoleARN != execRoleARN ||
			got.StartedBy != "arn:aws:iam::123456789012:user/launcher" || got.StartedAt != started1.Format(time.RFC3339) {
			t.Fatalf("first task %+v\n%s", got, body)
		}
		got = res.Tasks[1]
		if got.TaskID != second.TaskID || got.TaskRoleARN != execRoleARN || got.ExecutionRoleARN != "" ||
			got.StartedAt != started1.Add(time.Minute).Format(time.RFC3339) {
			t.Fatalf("second task %+v\n%s", got, body)
		}
		if strings.Contains(body, first.Token) || strings.Contains(body, second.Token) || strings.Contains(body, "ExecutionRoleArn></") {
			t.Fatalf("ListTasks shows a token or an empty role:\n%s", body)
		}
	}
	res, body := ts.listTasks(t, other)
	if len(res.Tasks) != 1 || res.Tasks[0].TaskID != theirs.TaskID || res.Tasks[0].StartedBy != "arn:aws:iam::111111111111:root" {
		t.Fatalf("the other account's ListTasks: %s", body)
	}
	// The other account can neither see nor stop ours.
	err = ts.stopTask(other, first.TaskID)
	wantAdminError(t, err, 400, "InvalidParameterException", "The referenced task was not found.")

	if err := ts.stopTask(launcher, first.TaskID); err != nil {
		t.Fatal(err)
	}
	res, body = ts.listTasks(t, launcher)
	if len(res.Tasks) != 1 || res.Tasks[0].TaskID != second.TaskID {
		t.Fatalf("after StopTask: %s", body)
	}
	if status, _ := getCredentials(t, first.FullURI, first.Token, http.MethodGet); status != 400 {
		t.Fatalf("the stopped task's endpoint answered %d", status)
	}
	if err := ts.stopTask(ts.root, second.TaskID); err != nil {
		t.Fatal(err)
	}
	if res, body := ts.listTasks(t, launcher); len(res.Tasks) != 0 {
		t.Fatalf("after stopping both: %s", body)
	}
}
