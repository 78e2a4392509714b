package adminapi

import (
	"context"
	"net/http"
	"time"

	"github.com/iamd-dev/iamd/internal/api/awsquery"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/tasks"
)

// TaskCredentialsPath is where a task's credentials are served on iamd's listener, followed
// by the task id.
const TaskCredentialsPath = "/iamd/task-credentials/"

// taskAPI serves RunTask and StopTask, the calls of the agent behind `iamd task run`.
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

// serveTasks handles RunTask and StopTask: any authenticated principal may call them; what
// it may do is decided by iam:PassRole on the roles (RunTask) and by who started the task
// (StopTask).
func (a *API) serveTasks(ctx context.Context, w http.ResponseWriter, q *awsquery.Request, caller *authz.Caller, requestID string) (string, *awserr.Error) {
	action := "iamd:" + q.Action
	fail := func(err error) (string, *awserr.Error) {
		e, ok := awserr.As(err)
		if !ok {
			e = awserr.ServiceFailure()
		}
		awsquery.WriteError(w, Namespace, e, requestID)
		return action, e
	}
	if a.tasks == nil {
		return fail(awserr.New(http.StatusBadRequest, "InvalidAction", "Could not find operation %s.", q.Action))
	}
	var result any
	switch q.Action {
	case "RunTask":
		out, err := a.tasks.svc.Run(ctx, caller, tasks.RunInput{TaskRoleARN: q.Get("TaskRoleArn"), ExecutionRoleARN: q.Get("ExecutionRoleArn")})
		if err != nil {
			return fail(err)
		}
		res := runTaskResult{
			TaskID: out.TaskID, TaskARN: out.TaskARN, AuthorizationToken: out.Token,
			CredentialsFullURI: a.tasks.base() + TaskCredentialsPath + out.TaskID,
		}
		if c := out.Execution; c != nil {
			res.ExecutionRoleCredential = &xmlCredentials{c.AccessKeyID, c.SecretAccessKey, c.SessionToken, c.Expiration.UTC().Format(time.RFC3339)}
		}
		result = res
	case "StopTask":
		if err := a.tasks.svc.Stop(ctx, caller, q.Get("TaskId")); err != nil {
			return fail(err)
		}
	}
	if err := awsquery.WriteResult(w, Namespace, q.Action, result, requestID); err != nil {
		return action, awserr.ServiceFailure()
	}
	return action, nil
}
