package cli

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"time"

	"github.com/iamd-dev/iamd/internal/awsclient"
)

// How `iamd task run` learns that its task was stopped by someone else (iamd task stop):
// it asks the server for the task (DescribeTask) every taskPollInterval while the command
// runs, and stops the command once the task is STOPPED.

// taskPollInterval is how often a running task's status is checked; tests shorten it.
var taskPollInterval = 3 * time.Second

// describedTask is a task as DescribeTask returns it.
type describedTask struct {
	TaskID        string `xml:"TaskId"`
	TaskARN       string `xml:"TaskArn"`
	LastStatus    string `xml:"LastStatus"`
	StoppedAt     string `xml:"StoppedAt"`
	StoppedBy     string `xml:"StoppedBy"`
	StoppedReason string `xml:"StoppedReason"`
	StopCode      string `xml:"StopCode"`
}

// stoppedMessage says who stopped the task and why.
func (t *describedTask) stoppedMessage() string {
	if t.StoppedBy == "" {
		return fmt.Sprintf("task %s is no longer known to iamd: its credentials are gone", t.TaskID)
	}
	return fmt.Sprintf("task %s was stopped by %s (%s)", t.TaskID, t.StoppedBy, t.StoppedReason)
}

// describeTask asks iamd for a task of the caller's account.
func describeTask(ctx context.Context, client *awsclient.Client, id string) (*describedTask, error) {
	body, err := client.Query(ctx, "iamd", url.Values{"Action": {"DescribeTask"}, "TaskId": {id}})
	if err != nil {
		return nil, err
	}
	var res struct {
		Task describedTask `xml:"DescribeTaskResult>Task"`
	}
	if err := xml.Unmarshal(body, &res); err != nil || res.Task.LastStatus == "" {
		return nil, fmt.Errorf("unreadable DescribeTask response: %v", err)
	}
	return &res.Task, nil
}

// taskWatch watches a running task.
type taskWatch struct {
	stopped <-chan struct{} // closed when the task was stopped
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	task    *describedTask // once stopped
}

// watchTask polls the task until end is called; when the task is found stopped (or gone:
// a task the server no longer knows has no credentials either), it says so on stderr and
// closes stopped. Failed polls are reported once and retried.
func watchTask(ctx context.Context, client *awsclient.Client, id string, env Env, name string, timeout time.Duration) *taskWatch {
	ctx, cancel := context.WithCancel(ctx)
	stopped := make(chan struct{})
	w := &taskWatch{stopped: stopped, cancel: cancel}
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		tick := time.NewTicker(taskPollInterval)
		defer tick.Stop()
		warned := false
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			t, err := describeTask(ctx, client, id)
			var ae *awsclient.Error
			switch {
			case ctx.Err() != nil:
				return
			case errors.As(err, &ae) && ae.Code == "InvalidParameterException" && ae.Message == "The referenced task was not found.":
				t = &describedTask{TaskID: id, LastStatus: "STOPPED"}
			case err != nil:
				if !warned {
					fmt.Fprintf(env.Stderr, "%s: checking whether task %s still runs: %v (retrying)\n", name, id, err)
					warned = true
				}
				continue
			}
			if t.LastStatus != "STOPPED" {
				continue
			}
			fmt.Fprintf(env.Stderr, "%s: %s; stopping the command: SIGTERM, then SIGKILL after %s\n", name, t.stoppedMessage(), timeout)
			w.task = t
			close(stopped)
			return
		}
	}()
	return w
}

// end stops watching and returns the stopped task, or nil if it was not stopped.
func (w *taskWatch) end() *describedTask {
	w.cancel()
	w.wg.Wait()
	return w.task
}
