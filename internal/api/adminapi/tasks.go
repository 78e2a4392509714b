package adminapi

import (
	"context"
	"time"

	"github.com/iamd-dev/iamd/internal/api/awsquery"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/tasks"
)

// TaskCredentialsPath is where a task's credentials are served on iamd's listener, followed
// by the task id.
const TaskCredentialsPath = "/iamd/task-credentials/"

// taskAPI serves RunTask, DescribeTask and StopTask, the calls of the agent behind
// `iamd task run`, and ListTasks, behind `iamd task list`.
type taskAPI struct {
	svc *tasks.Service
	// base is the listener's loopback URL (http://127.0.0.1:PORT), known once it listens.
	base func() string
}

// EnableTasks adds RunTask and StopTask; base returns the URL the credentials endpoint is
// reached at from this machine.
func (a *API) EnableTasks(svc *tasks.Service, base func() string) {
	a.tasks = &taskAPI{svc: svc, base: base}
}

type runTaskResult struct {
	TaskID                  string          `xml:"TaskId"`
	TaskARN                 string          `xml:"TaskArn"`
	CredentialsFullURI      string          `xml:"CredentialsFullUri"`
	AuthorizationToken      string          `xml:"AuthorizationToken"`
	ExecutionRoleCredential *xmlCredentials `xml:"ExecutionRoleCredentials,omitempty"`
}

type xmlCredentials struct {
	AccessKeyID     string `xml:"AccessKeyId"`
	SecretAccessKey string `xml:"SecretAccessKey"`
	SessionToken    string `xml:"SessionToken"`
	Expiration      string `xml:"Expiration"`
}

// runTask starts a task: any authenticated principal may call it; what it may do is
// decided by iam:PassRole on the roles.
func (a *API) runTask(ctx context.Context, q *awsquery.Request, caller *authz.Caller) (any, error) {
	if a.tasks == nil {
		return nil, unknownAction(q.Action)
	}
	out, err := a.tasks.svc.Run(ctx, caller, tasks.RunInput{TaskRoleARN: q.Get("TaskRoleArn"), ExecutionRoleARN: q.Get("ExecutionRoleArn")})
	if err != nil {
		return nil, err
	}
	res := runTaskResult{
		TaskID: out.TaskID, TaskARN: out.TaskARN, AuthorizationToken: out.Token,
		CredentialsFullURI: a.tasks.base() + TaskCredentialsPath + out.TaskID,
	}
	if c := out.Execution; c != nil {
		res.ExecutionRoleCredential = &xmlCredentials{c.AccessKeyID, c.SecretAccessKey, c.SessionToken, c.Expiration.UTC().Format(time.RFC3339)}
	}
	return res, nil
}

// stopTask stops a running task (TaskId, and ECS's optional Reason): whoever started it
// may, and anyone allowed ecs:StopTask on the stored task's ARN.
func (a *API) stopTask(ctx context.Context, q *awsquery.Request, caller *authz.Caller) (any, error) {
	if a.tasks == nil {
		return nil, unknownAction(q.Action)
	}
	return nil, a.tasks.svc.Stop(ctx, caller, q.Get("TaskId"), q.Get("Reason"))
}

type describeTaskResult struct {
	Task xmlTask `xml:"Task"`
}

// describeTask shows one task of the caller's account, running or stopped within the hour
// (LastStatus RUNNING or STOPPED, and then StoppedAt, StoppedBy, StoppedReason and StopCode
// as ECS's DescribeTasks words them): `iamd task run` polls it to learn that its task was
// stopped. Any authenticated principal of the account may describe, as any may list.
func (a *API) describeTask(ctx context.Context, q *awsquery.Request, caller *authz.Caller) (any, error) {
	if a.tasks == nil {
		return nil, unknownAction(q.Action)
	}
	t, err := a.tasks.svc.Describe(ctx, caller, q.Get("TaskId"))
	if err != nil {
		return nil, err
	}
	return describeTaskResult{Task: toXMLTask(t)}, nil
}

type listTasksResult struct {
	Tasks []xmlTask `xml:"Tasks>member"`
}

type xmlTask struct {
	TaskID           string `xml:"TaskId"`
	TaskARN          string `xml:"TaskArn"`
	TaskRoleARN      string `xml:"TaskRoleArn"`
	ExecutionRoleARN string `xml:"ExecutionRoleArn,omitempty"`
	StartedBy        string `xml:"StartedBy"`
	StartedAt        string `xml:"StartedAt"`
	LastStatus       string `xml:"LastStatus"`
	StoppedAt        string `xml:"StoppedAt,omitempty"`
	StoppedBy        string `xml:"StoppedBy,omitempty"`
	StoppedReason    string `xml:"StoppedReason,omitempty"`
	StopCode         string `xml:"StopCode,omitempty"`
}

func toXMLTask(t *tasks.Task) xmlTask {
	x := xmlTask{
		TaskID: t.ID, TaskARN: t.TaskARN, TaskRoleARN: t.TaskRoleARN, ExecutionRoleARN: t.ExecutionRoleARN,
		StartedBy: t.StartedBy, StartedAt: t.StartedAt.UTC().Format(time.RFC3339), LastStatus: t.LastStatus,
		StoppedBy: t.StoppedBy, StoppedReason: t.StoppedReason, StopCode: t.StopCode,
	}
	if !t.StoppedAt.IsZero() {
		x.StoppedAt = t.StoppedAt.UTC().Format(time.RFC3339)
	}
	return x
}

// listTasks lists the running tasks of the caller's account, in start order, for
// `iamd task list`: any authenticated principal of the account may list all of the
// account's tasks (ids, roles, who started them and when; never a token), so that a task
// whose `iamd task run` was killed can be found and stopped by whoever may stop it.
func (a *API) listTasks(ctx context.Context, q *awsquery.Request, caller *authz.Caller) (any, error) {
	if a.tasks == nil {
		return nil, unknownAction(q.Action)
	}
	list, err := a.tasks.svc.List(ctx, caller)
	if err != nil {
		return nil, err
	}
	res := listTasksResult{Tasks: make([]xmlTask, 0, len(list))}
	for i := range list {
		res.Tasks = append(res.Tasks, toXMLTask(&list[i]))
	}
	return res, nil
}
