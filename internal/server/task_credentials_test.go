package server

import (
	"net/http"
	"testing"
)

// Every request for task credentials is audited: who got credentials, and who was refused.
func TestTaskCredentialsAreAudited(t *testing.T) {
	ts, audit := startAuditedServer(t)
	launcher := taskRoles(t, ts)
	task, err := ts.runTask(launcher, taskRoleARN, "")
	if err != nil {
		t.Fatal(err)
	}
	if status, body := getCredentials(t, task.FullURI, task.Token, http.MethodGet); status != 200 {
		t.Fatalf("%d %s", status, body)
	}
	if status, body := getCredentials(t, task.FullURI, task.Token+"x", http.MethodGet); status != 400 {
		t.Fatalf("%d %s", status, body)
	}
	var got []auditLine
	for _, e := range audit.events(t) {
		if e.Action == "iamd:GetTaskCredentials" {
			got = append(got, e)
		}
	}
	want := []auditLine{
		{Caller: "arn:aws:sts::123456789012:assumed-role/app-task/" + task.TaskID, Decision: "allowed"},
		{Decision: "denied", ErrorCode: "AccessDenied"},
	}
	if len(got) != len(want) {
		t.Fatalf("audited %+v", got)
	}
	for i, e := range got {
		if e.Caller != want[i].Caller || e.Decision != want[i].Decision || e.ErrorCode != want[i].ErrorCode ||
			e.Resource != "task/"+task.TaskID || e.Source != "127.0.0.1" || len(e.RequestID) != 36 || e.Time.IsZero() {
			t.Errorf("event %d: %+v", i, e)
		}
	}
}
