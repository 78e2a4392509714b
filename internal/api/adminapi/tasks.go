package adminapi

import (
	"strconv"
	"time"

	"github.com/iamd-dev/iamd/internal/api/route"
	"github.com/iamd-dev/iamd/internal/awserr"
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

// EnableTasks adds RunTask, StopTask, ListTasks and DescribeTask; base returns the URL the
// credentials endpoint is reached at from this machine.
func (a *API) EnableTasks(svc *tasks.Service, base func() string) {
	t := &taskAPI{svc: svc, base: base}
	a.addRoutes(map[string]route.Route[call]{
		"RunTask":      {Auth: route.ByHandler, Handle: t.run},
		"StopTask":     {Auth: route.ByHandler, Handle: t.stop},
		"ListTasks":    {Auth: route.Unauthorized, Handle: t.list},
		"DescribeTask": {Auth: route.Unauthorized, Handle: t.describe},
	})
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

// run starts a task: any authenticated principal may call it; what it may do is
// decided by iam:PassRole on the roles.
func (t *taskAPI) run(c call) (any, error) {
	out, err := t.svc.Run(c.Ctx, c.Caller, tasks.RunInput{TaskRoleARN: c.In.Get("TaskRoleArn"), ExecutionRoleARN: c.In.Get("ExecutionRoleArn")})
	if err != nil {
		return nil, err
	}
	res := runTaskResult{
		TaskID: out.TaskID, TaskARN: out.TaskARN, AuthorizationToken: out.Token,
		CredentialsFullURI: t.base() + TaskCredentialsPath + out.TaskID,
	}
	if e := out.Execution; e != nil {
		res.ExecutionRoleCredential = &xmlCredentials{e.AccessKeyID, e.SecretAccessKey, e.SessionToken, e.Expiration.UTC().Format(time.RFC3339)}
	}
	return res, nil
}

// stop stops a running task (TaskId, and ECS's optional Reason): whoever started it
// may, and anyone allowed ecs:StopTask on the stored task's ARN.
func (t *taskAPI) stop(c call) (any, error) {
	return nil, t.svc.Stop(c.Ctx, c.Caller, c.In.Get("TaskId"), c.In.Get("Reason"))
}

type describeTaskResult struct {
	Task xmlTask `xml:"Task"`
}

// describe shows one task of the caller's account, running or stopped within the hour
// (LastStatus RUNNING or STOPPED, and then StoppedAt, StoppedBy, StoppedReason and StopCode
// as ECS's DescribeTasks words them): `iamd task run` polls it to learn that its task was
// stopped. Any authenticated principal of the account may describe, as any may list.
func (t *taskAPI) describe(c call) (any, error) {
	task, err := t.svc.Describe(c.Ctx, c.Caller, c.In.Get("TaskId"))
	if err != nil {
		return nil, err
	}
	return describeTaskResult{Task: toXMLTask(task)}, nil
}

type listTasksResult struct {
	Tasks     []xmlTask `xml:"Tasks>member"`
	NextToken string    `xml:"NextToken,omitempty"`
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

// list lists the running tasks of the caller's account, in start order, for
// `iamd task list`: any authenticated principal of the account may list all of the
// account's tasks (ids, roles, who started them and when; never a token), so that a task
// whose `iamd task run` was killed can be found and stopped by whoever may stop it.
func (t *taskAPI) list(c call) (any, error) {
	page := tasks.Page{NextToken: c.In.Get("NextToken")}
	if v := c.In.Get("MaxResults"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return nil, awserr.New("InvalidParameterException", "maxResults must be between 1 and 100.")
		}
		page.MaxResults = n
	}
	list, next, err := t.svc.List(c.Ctx, c.Caller, page)
	if err != nil {
		return nil, err
	}
	res := listTasksResult{Tasks: make([]xmlTask, 0, len(list)), NextToken: next}
	for i := range list {
		res.Tasks = append(res.Tasks, toXMLTask(&list[i]))
	}
	return res, nil
}
