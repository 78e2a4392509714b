package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/api/adminapi"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/policy"
	"github.com/iamd-dev/iamd/internal/tasks"
)

// fuzzTaskServer is a server (its handler, over a real store) with one running task.
func fuzzTaskServer(f *testing.F) (*Server, *tasks.RunOutput) {
	ctx := context.Background()
	s, err := New(ctx, Config{Addr: "127.0.0.1:0", DataDir: f.TempDir(), RootAccessKeyID: testRootKey, RootSecretAccessKey: testRootSecret})
	if err != nil {
		f.Fatal(err)
	}
	if err := s.Listen(); err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.listener.Close(); s.Close() })
	if _, err := s.iam.CreateRole(ctx, iam.CreateRoleInput{Account: DefaultAccountID, Name: "app-task", AssumeRolePolicy: ecsTasksTrust}); err != nil {
		f.Fatal(err)
	}
	root, err := policy.ParsePrincipal("arn:aws:iam::" + DefaultAccountID + ":root")
	if err != nil {
		f.Fatal(err)
	}
	caller := &authz.Caller{Principal: root, Account: DefaultAccountID, Region: "us-east-1", Time: time.Now(), SourceIP: "127.0.0.1"}
	task, err := s.tasks.Run(ctx, caller, tasks.RunInput{TaskRoleARN: "arn:aws:iam::" + DefaultAccountID + ":role/app-task"})
	if err != nil {
		f.Fatal(err)
	}
	return s, task
}

// FuzzTaskCredentials feeds the task credentials endpoint any path and Authorization
// token, as any program on the machine may send them: nothing panics; credentials are
// answered only for the task's own path and token; every other answer is the agent's JSON
// error with a 4xx and no credentials.
func FuzzTaskCredentials(f *testing.F) {
	s, task := fuzzTaskServer(f)
	f.Add(task.TaskID, task.Token)
	f.Add(task.TaskID, "")
	f.Add(task.TaskID, task.Token+"x")
	f.Add(strings.ToUpper(task.TaskID), task.Token)
	f.Add(task.TaskID+"/", task.Token)
	f.Add("../"+task.TaskID, task.Token)
	f.Add("0123456789abcdef0123456789abcdef", task.Token)
	f.Add("%00", "Bearer x")
	f.Fuzz(func(t *testing.T, id, token string) {
		if strings.ContainsAny(token, "\r\n\x00") {
			return // not a header value an HTTP client can send
		}
		r := httptest.NewRequest(http.MethodGet, "http://127.0.0.1/", nil)
		r.URL.Path = adminapi.TaskCredentialsPath + id
		r.RemoteAddr = "127.0.0.1:40000"
		if token != "" {
			r.Header.Set("Authorization", token)
		}
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		body := w.Body.String()
		if id == task.TaskID && token == task.Token {
			var c taskCredentials
			if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &c) != nil || c.AccessKeyID == "" || c.SecretAccessKey == "" {
				t.Fatalf("the task's own request: %d %s", w.Code, body)
			}
			return
		}
		var e credentialsError
		if w.Code < 400 || w.Code >= 500 || json.Unmarshal(w.Body.Bytes(), &e) != nil || e.Code == "" || e.HTTPErrorCode != w.Code {
			t.Fatalf("path %q token %q: %d %s", id, token, w.Code, body)
		}
		if strings.Contains(body, "SecretAccessKey") || strings.Contains(body, "ASIA") {
			t.Fatalf("path %q token %q: credentials in a refusal: %s", id, token, body)
		}
	})
}
