//go:build unix

package cli

import (
	"context"
	"os"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// runningTask runs `iamd task run ARGS -- sh -c SCRIPT` in-process; SCRIPT is prefixed with
// a line printing "ready PID TASK_ID". It returns the task id, the program's pid and the
// run's exit code channel and streams.
func runningTask(t *testing.T, args []string, script string) (id string, pid int, done <-chan int, stdout, stderr *syncBuffer) {
	t.Helper()
	stdout, stderr = &syncBuffer{}, &syncBuffer{}
	codes := make(chan int, 1)
	argv := append(append([]string{"task", "run", "--task-role", "arn:aws:iam::123456789012:role/app-task"}, args...),
		"--", "sh", "-c", `echo "ready $$ ${AWS_CONTAINER_CREDENTIALS_FULL_URI##*/}"; `+script)
	go func() {
		codes <- Main(context.Background(), argv, Env{Stdin: strings.NewReader(""), Stdout: stdout, Stderr: stderr})
	}()
	ready := regexp.MustCompile(`ready (\d+) ([0-9a-f]{32})`)
	deadline := time.Now().Add(15 * time.Second)
	for {
		if m := ready.FindStringSubmatch(stdout.String()); m != nil {
			pid, _ = strconv.Atoi(m[1])
			return m[2], pid, codes, stdout, stderr
		}
		if time.Now().After(deadline) {
			t.Fatalf("the task's program did not start:\n%s\n%s", stdout.String(), stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitExit waits (bounded) for the run to exit.
func waitExit(t *testing.T, done <-chan int, stdout, stderr *syncBuffer) int {
	t.Helper()
	select {
	case code := <-done:
		return code
	case <-time.After(30 * time.Second):
		t.Fatalf("iamd task run did not exit after its task was stopped:\n%s\n%s", stdout.String(), stderr.String())
		return 0
	}
}

// gone tells whether the process has exited (and been reaped).
func gone(pid int) bool { return syscall.Kill(pid, 0) == syscall.ESRCH }

func TestTaskStopStopsTheRunningCommand(t *testing.T) {
	startServe(t)
	createRole(t, "app-task", cliECSTrust)
	defer func(d time.Duration) { taskPollInterval = d }(taskPollInterval)
	taskPollInterval = 50 * time.Millisecond

	// An operator who may stop the account's tasks (and did not start this one).
	iamCall(t, map[string][]string{"Action": {"CreateUser"}, "UserName": {"ops"}})
	iamCall(t, map[string][]string{"Action": {"PutUserPolicy"}, "UserName": {"ops"}, "PolicyName": {"stop"},
		"PolicyDocument": {`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecs:StopTask","Resource":"arn:aws:ecs:us-east-1:123456789012:task/default/*"}]}`}})
	body := query(t, "iam", map[string][]string{"Action": {"CreateAccessKey"}, "UserName": {"ops"}, "Version": {"2010-05-08"}})
	field := func(name string) string {
		i := strings.Index(body, "<"+name+">") + len(name) + 2
		return body[i : i+strings.Index(body[i:], "<")]
	}
	opsKey, opsSecret := field("AccessKeyId"), field("SecretAccessKey")
	rootKey, rootSecret := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
	as := func(key, secret string, args ...string) result {
		t.Setenv("AWS_ACCESS_KEY_ID", key)
		t.Setenv("AWS_SECRET_ACCESS_KEY", secret)
		defer func() { t.Setenv("AWS_ACCESS_KEY_ID", rootKey); t.Setenv("AWS_SECRET_ACCESS_KEY", rootSecret) }()
		return run(t, "", args...)
	}

	// A program that exits on SIGTERM: it gets SIGTERM and no SIGKILL.
	id, pid, done, stdout, stderr := runningTask(t, []string{"--stop-timeout", "20s"},
		`trap 'echo got-term; exit 0' TERM; while :; do sleep 0.05; done`)
	if r := as(opsKey, opsSecret, "task", "stop", id).want(t, 0); r.stdout != "stopped task "+id+"\n" {
		t.Fatalf("task stop: %q", r.stdout)
	}
	code := waitExit(t, done, stdout, stderr)
	if code != 143 || !strings.Contains(stdout.String(), "got-term") || !gone(pid) {
		t.Fatalf("exit %d (want 143), program gone %v\n%s\n%s", code, gone(pid), stdout.String(), stderr.String())
	}
	for _, want := range []string{
		"iamd task run: task " + id + " was stopped by arn:aws:iam::123456789012:user/ops (Task stopped by user); stopping the command: SIGTERM, then SIGKILL after 20s\n",
		"iamd task run: the command exited with status 0 after SIGTERM\n",
	} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
	if strings.Contains(stderr.String(), "not found") {
		t.Errorf("the run reported its stopped task as missing:\n%s", stderr.String())
	}

	// A program that ignores SIGTERM is killed after the stop timeout.
	id, pid, done, stdout, stderr = runningTask(t, []string{"--stop-timeout", "300ms"}, `trap '' TERM; while :; do sleep 0.05; done`)
	run(t, "", "task", "stop", "--reason", "host maintenance", id).want(t, 0)
	code = waitExit(t, done, stdout, stderr)
	if code != 137 || !gone(pid) {
		t.Fatalf("exit %d (want 137), program gone %v\n%s\n%s", code, gone(pid), stdout.String(), stderr.String())
	}
	for _, want := range []string{
		"iamd task run: task " + id + " was stopped by arn:aws:iam::123456789012:root (host maintenance); stopping the command: SIGTERM, then SIGKILL after 300ms\n",
		"iamd task run: the command did not exit within 300ms of SIGTERM and was killed\n",
	} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}

	// A task that ends by itself is stopped by its run, with ECS's reason, and is listed no more.
	r := run(t, "", "task", "run", "--task-role", "arn:aws:iam::123456789012:role/app-task", "--", "sh", "-c", "exit 4").want(t, 4)
	if r.stderr != "" {
		t.Fatalf("stderr %q", r.stderr)
	}
	if r := run(t, "", "task", "list").want(t, 0); strings.Count(r.stdout, "\n") != 1 {
		t.Fatalf("tasks left running:\n%s", r.stdout)
	}
	run(t, "", "task", "run", "--task-role", "arn:aws:iam::123456789012:role/app-task", "--stop-timeout", "-1s", "--", "true").want(t, 2)
}
