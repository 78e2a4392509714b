package cli

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"flag"
	"fmt"
	"net/url"
	"text/tabwriter"

	"github.com/iamd-dev/iamd/internal/awsclient"
)

// `iamd task list` and `iamd task stop`: find and stop running tasks, such as one whose
// `iamd task run` was killed before it could stop its task.

// listedTask is a task as ListTasks returns it, and as `iamd task list --json` prints it.
type listedTask struct {
	TaskID           string `xml:"TaskId" json:"TaskId"`
	TaskARN          string `xml:"TaskArn" json:"TaskArn"`
	TaskRoleARN      string `xml:"TaskRoleArn" json:"TaskRoleArn"`
	ExecutionRoleARN string `xml:"ExecutionRoleArn" json:"ExecutionRoleArn,omitempty"`
	StartedBy        string `xml:"StartedBy" json:"StartedBy"`
	StartedAt        string `xml:"StartedAt" json:"StartedAt"`
}

// taskAdminFlags parses the flags of `iamd task list|stop` and resolves the endpoint; ok is
// false (and stderr says why) on bad usage.
func taskAdminFlags(name string, args []string, env Env, extra func(*flag.FlagSet)) (*flag.FlagSet, awsclient.Config, bool) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() { fmt.Fprint(env.Stderr, taskUsage) }
	endpoint := fs.String("endpoint", "", "endpoint URL (default: as the aws CLI finds it, AWS_ENDPOINT_URL ...)")
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		return nil, awsclient.Config{}, false
	}
	cfg, err := awsclient.Resolve(*endpoint)
	if err != nil {
		fmt.Fprintf(env.Stderr, "%s: %v\n", name, err)
		return nil, awsclient.Config{}, false
	}
	return fs, cfg, true
}

// listTasks prints the running tasks of the caller's account, oldest first.
func listTasks(ctx context.Context, args []string, env Env) int {
	const name = "iamd task list"
	var asJSON *bool
	fs, cfg, ok := taskAdminFlags(name, args, env, func(fs *flag.FlagSet) {
		asJSON = fs.Bool("json", false, "print JSON")
	})
	if !ok {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "%s: unexpected %q\n", name, fs.Arg(0))
		return 2
	}
	body, err := awsclient.New(cfg, 1).Query(ctx, "iamd", url.Values{"Action": {"ListTasks"}})
	if err != nil {
		fmt.Fprintf(env.Stderr, "%s: %v\n", name, err)
		return 1
	}
	var res struct {
		Tasks []listedTask `xml:"ListTasksResult>Tasks>member"`
	}
	if err := xml.Unmarshal(body, &res); err != nil {
		fmt.Fprintf(env.Stderr, "%s: unreadable ListTasks response: %v\n", name, err)
		return 1
	}
	if *asJSON {
		if res.Tasks == nil {
			res.Tasks = []listedTask{}
		}
		out, _ := json.MarshalIndent(map[string][]listedTask{"Tasks": res.Tasks}, "", "  ")
		fmt.Fprintln(env.Stdout, string(out))
		return 0
	}
	w := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "TASK ID\tTASK ROLE\tSTARTED BY\tSTARTED AT")
	for _, t := range res.Tasks {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", t.TaskID, t.TaskRoleARN, t.StartedBy, t.StartedAt)
	}
	if err := w.Flush(); err != nil {
		return 1
	}
	return 0
}

// stopTaskByID stops a running task: whoever started it may, and anyone allowed
// ecs:StopTask on it. Its iamd task run, if any, then stops its command.
func stopTaskByID(ctx context.Context, args []string, env Env) int {
	const name = "iamd task stop"
	var reason *string
	fs, cfg, ok := taskAdminFlags(name, args, env, func(fs *flag.FlagSet) {
		reason = fs.String("reason", "", "the stopped reason (default: ECS's, \"Task stopped by user\")")
	})
	if !ok {
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintf(env.Stderr, "%s: give one task id (see iamd task list)\n", name)
		return 2
	}
	id := fs.Arg(0)
	if err := requestStopTask(ctx, awsclient.New(cfg, 1), id, *reason); err != nil {
		fmt.Fprintf(env.Stderr, "%s: %v\n", name, err)
		return 1
	}
	fmt.Fprintf(env.Stdout, "stopped task %s\n", id)
	return 0
}
