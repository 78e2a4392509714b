package server

import (
	"context"
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/iamd-dev/iamd/internal/awsclient"
	"github.com/iamd-dev/iamd/internal/sigv4"
)

type describedTask struct {
	TaskID        string `xml:"TaskId"`
	TaskARN       string `xml:"TaskArn"`
	TaskRoleARN   string `xml:"TaskRoleArn"`
	LastStatus    string `xml:"LastStatus"`
	StoppedAt     string `xml:"StoppedAt"`
	StoppedBy     string `xml:"StoppedBy"`
	StoppedReason string `xml:"StoppedReason"`
	StopCode      string `xml:"StopCode"`
}

// adminCallIn is adminCall signed for region (the server's).
func (ts *testServer) adminCallIn(region string, creds aws.Credentials, params url.Values) ([]byte, error) {
	c := awsclient.New(awsclient.Config{Endpoint: ts.endpoint, Region: region, Credentials: sigv4.Credentials{
		AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey, SessionToken: creds.SessionToken}}, 1)
	c.Now = ts.srv.cfg.Now
	return c.Query(context.Background(), "iamd", params)
}

func (ts *testServer) describeTaskIn(region string, creds aws.Credentials, id string) (*describedTask, error) {
	body, err := ts.adminCallIn(region, creds, url.Values{"Action": {"DescribeTask"}, "TaskId": {id}})
	if err != nil {
		return nil, err
	}
	var res struct {
		Task describedTask `xml:"DescribeTaskResult>Task"`
	}
	if err := xml.Unmarshal(body, &res); err != nil {
		return nil, err
	}
	return &res.Task, nil
}

func putUserPolicy(t *testing.T, ts *testServer, user, doc string) {
	t.Helper()
	mustDo(t, func() error {
		_, err := ts.iam(ts.root).PutUserPolicy(context.Background(), &awsiam.PutUserPolicyInput{UserName: aws.String(user), PolicyName: aws.String("p"), PolicyDocument: aws.String(doc)})
		return err
	})
}

// StopTask is decided on the stored task's ARN: the task ARN it was started with (region
// included, even after the server's region changed), and ecs:cluster.
func TestStopTaskAuthorizesOnTheStoredTaskARN(t *testing.T) {
	clock := &movableClock{t: time.Now().UTC().Truncate(time.Second)}
	dir := t.TempDir()
	ts := startServerAt(t, dir, clock.now)
	launcher := taskRoles(t, ts)
	task, err := ts.runTask(launcher, taskRoleARN, "")
	if err != nil {
		t.Fatal(err)
	}
	other, err := ts.runTask(launcher, taskRoleARN, "")
	if err != nil {
		t.Fatal(err)
	}
	stranger := userWithKey(t, ts, "stranger", "")
	// One operator may stop tasks of the default cluster, another only the other task.
	operator := userWithKey(t, ts, "operator", "")
	putUserPolicy(t, ts, "operator", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecs:StopTask","Resource":"arn:aws:ecs:us-east-1:123456789012:task/default/*",
		"Condition":{"ArnEquals":{"ecs:cluster":"arn:aws:ecs:us-east-1:123456789012:cluster/default"}}}]}`)
	scoped := userWithKey(t, ts, "scoped", "")
	putUserPolicy(t, ts, "scoped", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecs:StopTask","Resource":"`+other.TaskARN+`"}]}`)
	wrongCluster := userWithKey(t, ts, "wrongcluster", "")
	putUserPolicy(t, ts, "wrongcluster", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecs:StopTask","Resource":"*",
		"Condition":{"ArnEquals":{"ecs:cluster":"arn:aws:ecs:us-east-1:123456789012:cluster/prod"}}}]}`)

	// The server now runs in another region: the tasks keep their ARNs.
	ts.stop()
	ts = startServerAt(t, dir, clock.now, func(c *Config) { c.Region = "eu-west-1" })
	stop := func(creds aws.Credentials, id string) error {
		_, err := ts.adminCallIn("eu-west-1", creds, url.Values{"Action": {"StopTask"}, "TaskId": {id}})
		return err
	}
	got, err := ts.describeTaskIn("eu-west-1", stranger, task.TaskID)
	if err != nil || got.TaskARN != "arn:aws:ecs:us-east-1:123456789012:task/default/"+task.TaskID || got.LastStatus != "RUNNING" {
		t.Fatalf("DescribeTask after the region changed: %+v %v", got, err)
	}
	denied := func(user string) string {
		return "User: arn:aws:iam::123456789012:user/" + user + " is not authorized to perform: ecs:StopTask on resource: " + task.TaskARN + " because no identity-based policy allows the ecs:StopTask action"
	}
	wantAdminError(t, stop(stranger, task.TaskID), 403, "AccessDenied", denied("stranger"))
	wantAdminError(t, stop(scoped, task.TaskID), 403, "AccessDenied", denied("scoped"))
	wantAdminError(t, stop(wrongCluster, task.TaskID), 403, "AccessDenied", denied("wrongcluster"))
	// An id in another spelling is no task.
	wantAdminError(t, stop(ts.root, strings.ToUpper(task.TaskID)), 400, "InvalidParameterException", "The referenced task was not found.")
	if err := stop(operator, task.TaskID); err != nil {
		t.Fatal(err)
	}
	if err := stop(scoped, other.TaskID); err != nil {
		t.Fatal(err)
	}
}

// A stopped task shows for an hour who stopped it and why, as DescribeTasks does; it is no
// longer listed, and its credentials are gone.
func TestDescribeTaskShowsWhoStoppedIt(t *testing.T) {
	clock := &movableClock{t: time.Now().UTC().Truncate(time.Second)}
	ts := startServerAt(t, "", clock.now)
	launcher := taskRoles(t, ts)
	task, err := ts.runTask(launcher, taskRoleARN, "")
	if err != nil {
		t.Fatal(err)
	}
	got, err := ts.describeTaskIn("us-east-1", launcher, task.TaskID)
	if err != nil || got.TaskARN != task.TaskARN || got.TaskRoleARN != taskRoleARN || got.LastStatus != "RUNNING" || got.StoppedBy != "" || got.StopCode != "" {
		t.Fatalf("a running task: %+v %v", got, err)
	}
	clock.add(time.Minute)
	if _, err := ts.adminCall(ts.root, url.Values{"Action": {"StopTask"}, "TaskId": {task.TaskID}, "Reason": {"draining the host"}}); err != nil {
		t.Fatal(err)
	}
	got, err = ts.describeTaskIn("us-east-1", launcher, task.TaskID)
	if err != nil || got.LastStatus != "STOPPED" || got.StoppedBy != "arn:aws:iam::123456789012:root" || got.StoppedReason != "draining the host" ||
		got.StopCode != "UserInitiated" || got.StoppedAt != clock.now().Format(time.RFC3339) {
		t.Fatalf("a stopped task: %+v %v", got, err)
	}
	if status, _ := getCredentials(t, task.FullURI, task.Token, http.MethodGet); status != 400 {
		t.Fatalf("the stopped task's endpoint answered %d", status)
	}
	if res, body := ts.listTasks(t, launcher); len(res.Tasks) != 0 {
		t.Fatalf("ListTasks shows a stopped task: %s", body)
	}
	wantAdminError(t, ts.stopTask(ts.root, task.TaskID), 400, "InvalidParameterException", "The referenced task was not found.")

	// Without a reason, ECS's; the starter stops its own task without ecs:StopTask.
	second, err := ts.runTask(launcher, taskRoleARN, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := ts.stopTask(launcher, second.TaskID); err != nil {
		t.Fatal(err)
	}
	got, err = ts.describeTaskIn("us-east-1", ts.root, second.TaskID)
	if err != nil || got.StoppedBy != "arn:aws:iam::123456789012:user/launcher" || got.StoppedReason != "Task stopped by user" {
		t.Fatalf("stopped by its starter: %+v %v", got, err)
	}
	// Another account sees neither.
	key, err := ts.srv.iam.CreateAccount(context.Background(), "111111111111", "other")
	if err != nil {
		t.Fatal(err)
	}
	_, err = ts.describeTaskIn("us-east-1", aws.Credentials{AccessKeyID: key.AccessKeyID, SecretAccessKey: key.SecretAccessKey}, second.TaskID)
	wantAdminError(t, err, 400, "InvalidParameterException", "The referenced task was not found.")

	// An hour later the stopped tasks are gone.
	clock.add(61 * time.Minute)
	_, err = ts.describeTaskIn("us-east-1", launcher, task.TaskID)
	wantAdminError(t, err, 400, "InvalidParameterException", "The referenced task was not found.")
	_, err = ts.describeTaskIn("us-east-1", launcher, "not-a-task-id")
	wantAdminError(t, err, 400, "InvalidParameterException", "The referenced task was not found.")
}

// iam:PassRole is decided on the role's real ARN, its path included: a task starts only
// with the exact ARN IAM keeps for the role, and is stored with it.
func TestRunTaskPassesTheStoredRole(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	mustDo(t, func() error {
		_, err := ts.iam(ts.root).CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("svc-task"), Path: aws.String("/svc/"), AssumeRolePolicyDocument: aws.String(ecsTasksTrust)})
		return err
	})
	const pathed = "arn:aws:iam::123456789012:role/svc/svc-task"
	pass := func(resource string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"` + resource + `","Condition":{"StringEquals":{"iam:PassedToService":"ecs-tasks.amazonaws.com"}}}]}`
	}
	bypath := userWithKey(t, ts, "bypath", "")
	putUserPolicy(t, ts, "bypath", pass("arn:aws:iam::123456789012:role/svc/*"))
	byname := userWithKey(t, ts, "byname", "")
	putUserPolicy(t, ts, "byname", pass("arn:aws:iam::123456789012:role/svc-*"))

	task, err := ts.runTask(bypath, pathed, "")
	if err != nil {
		t.Fatal(err)
	}
	if res, body := ts.listTasks(t, bypath); len(res.Tasks) != 1 || res.Tasks[0].TaskRoleARN != pathed {
		t.Fatalf("the task's role: %s", body)
	}
	if creds, err := containerCreds(task.FullURI, task.Token); err != nil || creds.AccountID != "123456789012" {
		t.Fatalf("the task's credentials: %v", err)
	}
	// A policy on the ARN without the path does not let the role be passed...
	_, err = ts.runTask(byname, pathed, "")
	wantAdminError(t, err, 403, "AccessDenied", "User: arn:aws:iam::123456789012:user/byname is not authorized to perform: iam:PassRole on resource: "+pathed+" because no identity-based policy allows the iam:PassRole action")
	// ...and the ARN without the path, or in another case, is not the role's.
	const unable = "ECS was unable to assume the role '%s' that was provided for this task. Please verify that the role being passed has the proper trust relationship and permissions and that your IAM user has permissions to pass this role."
	for _, wrong := range []string{"arn:aws:iam::123456789012:role/svc-task", "arn:aws:iam::123456789012:role/svc/SVC-TASK", "arn:aws:iam::123456789012:role/other/svc-task"} {
		_, err = ts.runTask(ts.root, wrong, "")
		wantAdminError(t, err, 400, "InvalidParameterException", strings.Replace(unable, "%s", wrong, 1))
	}
	// Another account's root user cannot pass the role: it is not its account's.
	key, err := ts.srv.iam.CreateAccount(ctx, "111111111111", "other")
	if err != nil {
		t.Fatal(err)
	}
	_, err = ts.runTask(aws.Credentials{AccessKeyID: key.AccessKeyID, SecretAccessKey: key.SecretAccessKey}, pathed, "")
	wantAdminError(t, err, 403, "AccessDenied", "User: arn:aws:iam::111111111111:root is not authorized to perform: iam:PassRole on resource: "+pathed+" because no resource-based policy allows the iam:PassRole action")
}
