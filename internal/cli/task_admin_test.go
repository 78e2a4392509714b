package cli

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/iamd-dev/iamd/internal/awsclient"
)

// orphanTask starts a task as `iamd task run` does, and leaves it running as a killed
// `iamd task run` would; it returns its id, credentials URI and token.
func orphanTask(t *testing.T, role string) (id, uri, token string) {
	t.Helper()
	cfg, err := awsclient.Resolve("")
	if err != nil {
		t.Fatal(err)
	}
	body, err := awsclient.New(cfg, 1).Query(context.Background(), "iamd", url.Values{"Action": {"RunTask"}, "TaskRoleArn": {role}})
	if err != nil {
		t.Fatal(err)
	}
	var res runTaskResponse
	if err := xml.Unmarshal(body, &res); err != nil || res.TaskID == "" {
		t.Fatalf("RunTask: %v %s", err, body)
	}
	return res.TaskID, res.FullURI, res.Token
}

func endpointStatus(t *testing.T, uri, token string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, uri, nil)
	req.Header.Set("Authorization", token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestTaskListAndStop(t *testing.T) {
	startServe(t)
	createRole(t, "app-task", cliECSTrust)
	createRole(t, "app-other", cliECSTrust)
	r := run(t, "", "task", "list").want(t, 0)
	if r.stdout != "TASK ID  TASK ROLE  STARTED BY  STARTED AT\n" {
		t.Fatalf("no tasks: %q", r.stdout)
	}
	first, uri, token := orphanTask(t, "arn:aws:iam::123456789012:role/app-task")
	second, _, _ := orphanTask(t, "arn:aws:iam::123456789012:role/app-other")

	r = run(t, "", "task", "list").want(t, 0)
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	row := regexp.MustCompile(`^([0-9a-f]{32})  (arn:aws:iam::123456789012:role/app-\w+) +arn:aws:iam::123456789012:root  (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)$`)
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "TASK ID ") {
		t.Fatalf("task list:\n%s", r.stdout)
	}
	got := map[string]string{}
	for _, line := range lines[1:] {
		m := row.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("task list row %q", line)
		}
		got[m[1]] = m[2]
	}
	if got[first] != "arn:aws:iam::123456789012:role/app-task" || got[second] != "arn:aws:iam::123456789012:role/app-other" {
		t.Fatalf("task list:\n%s", r.stdout)
	}

	r = run(t, "", "task", "list", "--json").want(t, 0)
	var listed struct{ Tasks []listedTask }
	if err := json.Unmarshal([]byte(r.stdout), &listed); err != nil || len(listed.Tasks) != 2 {
		t.Fatalf("task list --json: %v\n%s", err, r.stdout)
	}
	for _, task := range listed.Tasks {
		if task.TaskARN != "arn:aws:ecs:us-east-1:123456789012:task/default/"+task.TaskID || got[task.TaskID] != task.TaskRoleARN ||
			task.StartedBy != "arn:aws:iam::123456789012:root" || task.StartedAt == "" {
			t.Fatalf("task list --json:\n%s", r.stdout)
		}
	}
	if strings.Contains(r.stdout, token) {
		t.Fatal("task list shows a task's token")
	}

	if endpointStatus(t, uri, token) != 200 {
		t.Fatal("the orphaned task's endpoint does not answer")
	}
	r = run(t, "", "task", "stop", first).want(t, 0)
	if r.stdout != "stopped task "+first+"\n" {
		t.Fatalf("task stop: %q", r.stdout)
	}
	if status := endpointStatus(t, uri, token); status != 400 {
		t.Fatalf("the stopped task's endpoint answered %d", status)
	}
	r = run(t, "", "task", "list", "--json").want(t, 0)
	if err := json.Unmarshal([]byte(r.stdout), &listed); err != nil || len(listed.Tasks) != 1 || listed.Tasks[0].TaskID != second {
		t.Fatalf("after task stop: %v\n%s", err, r.stdout)
	}
	r = run(t, "", "task", "stop", first).want(t, 1)
	if !strings.Contains(r.stderr, "iamd task stop: InvalidParameterException (HTTP 400): The referenced task was not found.") {
		t.Fatalf("stopping a stopped task: %q", r.stderr)
	}
	run(t, "", "task", "stop", second).want(t, 0)
	r = run(t, "", "task", "list", "--json").want(t, 0)
	if strings.TrimSpace(r.stdout) != "{\n  \"Tasks\": []\n}" {
		t.Fatalf("no tasks, --json: %q", r.stdout)
	}
	// Usage errors.
	for _, bad := range [][]string{{"task", "stop"}, {"task", "stop", first, second}, {"task", "list", "extra"}, {"task", "list", "--nope"}} {
		run(t, "", bad...).want(t, 2)
	}
}
