package cli

import (
	"context"
	"encoding/xml"
	"flag"
	"fmt"
	"maps"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/iamd-dev/iamd/internal/awsclient"
	"github.com/iamd-dev/iamd/internal/sigv4"
)

const taskUsage = `usage: iamd task run --task-role ARN [--execution-role ARN] [--secret NAME=SECRET_ARN ...] [--stop-timeout D] [--endpoint URL] -- COMMAND [ARG...]
       iamd task list [--json] [--endpoint URL]
       iamd task stop [--reason TEXT] [--endpoint URL] TASK_ID

Runs COMMAND as an ECS task would run: iamd starts a task (you need iam:PassRole on both roles
for ecs-tasks.amazonaws.com, and the roles must trust ecs-tasks.amazonaws.com), fetches each
secret from Secrets Manager with the execution role's credentials into the variable NAME, and
runs COMMAND with AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN,
from which the SDKs and the aws CLI get the task role's credentials. COMMAND gets none of
your own credentials: iamd removes every AWS_* variable that names an identity (keys,
profiles, web identity, container, instance metadata and SSO settings) and points
AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE at /dev/null, so that neither ~/.aws nor your
files reach it; region, endpoint and CA bundle settings stay. The task stops when COMMAND
exits; iamd exits with its code.

When the task is stopped meanwhile (iamd task stop), iamd stops COMMAND as ECS does: SIGTERM,
then SIGKILL if it has not exited after --stop-timeout (default 30s, ECS's default), and
exits with 143 (128+SIGTERM), or 137 (128+SIGKILL) when it had to kill it, saying who
stopped the task.

iamd task list prints the running tasks of your account, oldest first (any principal of the
account may list them); iamd task stop stops one, such as a task whose iamd task run was
killed: its starter may, and anyone allowed ecs:StopTask on the task's ARN (the account's
root user always is).
`

// secretFlags collect repeated --secret NAME=VALUE_FROM.
type secretFlags []taskSecret

func (s *secretFlags) String() string { return "" }

func (s *secretFlags) Set(v string) error {
	name, from, ok := strings.Cut(v, "=")
	if !ok || name == "" || from == "" {
		return fmt.Errorf("want NAME=SECRET_ARN, got %q", v)
	}
	*s = append(*s, taskSecret{Name: name, ValueFrom: from})
	return nil
}

type runTaskResponse struct {
	TaskID     string `xml:"RunTaskResult>TaskId"`
	FullURI    string `xml:"RunTaskResult>CredentialsFullUri"`
	Token      string `xml:"RunTaskResult>AuthorizationToken"`
	ExecKeyID  string `xml:"RunTaskResult>ExecutionRoleCredentials>AccessKeyId"`
	ExecSecret string `xml:"RunTaskResult>ExecutionRoleCredentials>SecretAccessKey"`
	ExecToken  string `xml:"RunTaskResult>ExecutionRoleCredentials>SessionToken"`
}

func runTask(ctx context.Context, args []string, env Env) int {
	if len(args) > 0 && args[0] == "list" {
		return listTasks(ctx, args[1:], env)
	}
	if len(args) > 0 && args[0] == "stop" {
		return stopTaskByID(ctx, args[1:], env)
	}
	if len(args) == 0 || args[0] != "run" {
		fmt.Fprint(env.Stderr, taskUsage)
		return 2
	}
	const name = "iamd task run"
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() { fmt.Fprint(env.Stderr, taskUsage) }
	taskRole := fs.String("task-role", "", "the task role's ARN")
	execRole := fs.String("execution-role", "", "the execution role's ARN (needed for --secret)")
	endpoint := fs.String("endpoint", "", "endpoint URL (default: as the aws CLI finds it, AWS_ENDPOINT_URL ...)")
	stopTimeout := fs.Duration("stop-timeout", 30*time.Second, "after iamd task stop: how long COMMAND has between SIGTERM and SIGKILL")
	var secrets secretFlags
	fs.Var(&secrets, "secret", "NAME=SECRET_ARN: put the secret's value in NAME (repeatable)")
	command, ok := parseCommandLine(fs, args[1:], env)
	if !ok {
		return 2
	}
	switch {
	case *taskRole == "":
		fmt.Fprintf(env.Stderr, "%s: --task-role is required\n", name)
		return 2
	case *stopTimeout < 0:
		fmt.Fprintf(env.Stderr, "%s: --stop-timeout must not be negative\n", name)
		return 2
	case len(secrets) > 0 && *execRole == "":
		fmt.Fprintf(env.Stderr, "%s: --secret needs --execution-role: the execution role fetches secrets\n", name)
		return 2
	}
	cfg, err := awsclient.Resolve(*endpoint)
	if err != nil {
		fmt.Fprintf(env.Stderr, "%s: %v\n", name, err)
		return 2
	}
	client := awsclient.New(cfg, 1)
	params := url.Values{"Action": {"RunTask"}, "TaskRoleArn": {*taskRole}}
	if *execRole != "" {
		params.Set("ExecutionRoleArn", *execRole)
	}
	body, err := client.Query(ctx, "iamd", params)
	if err != nil {
		fmt.Fprintf(env.Stderr, "%s: the task did not start: %v\n", name, err)
		return 1
	}
	var task runTaskResponse
	if err := xml.Unmarshal(body, &task); err != nil || task.TaskID == "" {
		fmt.Fprintf(env.Stderr, "%s: unreadable RunTask response: %v\n", name, err)
		return 1
	}
	ownStop := true
	defer func() {
		if ownStop {
			stopTask(ctx, client, task.TaskID, env, name)
		}
	}()

	var secretEnv map[string]string
	if len(secrets) > 0 {
		execCfg := cfg
		execCfg.Credentials = sigv4.Credentials{AccessKeyID: task.ExecKeyID, SecretAccessKey: task.ExecSecret, SessionToken: task.ExecToken}
		if secretEnv, err = fetchTaskSecrets(ctx, awsclient.New(execCfg, 1), secrets); err != nil {
			fmt.Fprintf(env.Stderr, "%s: the task did not start: %v\n", name, err)
			return 1
		}
	}
	change := isolated(map[string]string{
		"AWS_CONTAINER_CREDENTIALS_FULL_URI": task.FullURI,
		"AWS_CONTAINER_AUTHORIZATION_TOKEN":  task.Token,
		"AWS_ENDPOINT_URL":                   cfg.Endpoint,
		"AWS_REGION":                         cfg.Region,
		"AWS_DEFAULT_REGION":                 cfg.Region,
		// A task has no instance metadata of its own: its SDK must not fall back to the
		// machine's instance role when the task's credentials are refused (once it stopped).
		"AWS_EC2_METADATA_DISABLED": "true",
	})
	maps.Copy(change.set, secretEnv)

	watch := watchTask(ctx, client, task.TaskID, env, name, *stopTimeout)
	res := supervise(command, change, env, name, &childStop{requested: watch.stopped, timeout: *stopTimeout})
	if watch.end() == nil { // not stopped by anyone else
		return res.code
	}
	ownStop = false // the task is stopped already
	switch {
	case res.killed:
		fmt.Fprintf(env.Stderr, "%s: the command did not exit within %s of SIGTERM and was killed\n", name, *stopTimeout)
		return 128 + int(syscall.SIGKILL)
	case res.stopped:
		fmt.Fprintf(env.Stderr, "%s: the command exited with status %d after SIGTERM\n", name, res.code)
		return 128 + int(syscall.SIGTERM)
	}
	return res.code // it had exited by itself before it could be stopped
}

// essentialExited is ECS's stopped reason for a task whose essential container exited.
const essentialExited = "Essential container in task exited"

// stopTask stops the task once its command exited, or when iamd task run fails after
// starting it; a task that was stopped meanwhile by someone else is reported as such.
func stopTask(ctx context.Context, client *awsclient.Client, id string, env Env, name string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	err := requestStopTask(ctx, client, id, essentialExited)
	if err == nil {
		return
	}
	if t, derr := describeTask(ctx, client, id); derr == nil && t.LastStatus == "STOPPED" {
		fmt.Fprintf(env.Stderr, "%s: %s\n", name, t.stoppedMessage())
		return
	}
	fmt.Fprintf(env.Stderr, "%s: stopping task %s: %v\n", name, id, err)
}

// requestStopTask asks iamd to stop a task, for reason ("" for ECS's default).
func requestStopTask(ctx context.Context, client *awsclient.Client, id, reason string) error {
	params := url.Values{"Action": {"StopTask"}, "TaskId": {id}}
	if reason != "" {
		params.Set("Reason", reason)
	}
	_, err := client.Query(ctx, "iamd", params)
	return err
}
