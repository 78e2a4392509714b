package taskcreds

import (
	"net/http"
	"strings"
	"testing"
)

// FuzzTaskCredentials feeds the task credentials endpoint any path and Authorization
// token, as any program on the machine may send them: nothing panics; credentials are
// answered only for the task's own path and token; every other answer is the agent's JSON
// error with a 4xx and no credentials.
func FuzzTaskCredentials(f *testing.F) {
	fx := newFixture(f)
	task := fx.task
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
		w, _ := fx.get(t, http.MethodGet, id, token, "127.0.0.1:40000")
		body := w.Body.String()
		if id == task.TaskID && token == task.Token {
			var c credentials
			decode(t, w, &c)
			if w.Code != 200 || c.AccessKeyID == "" || c.SecretAccessKey == "" {
				t.Fatalf("the task's own request: %d %s", w.Code, body)
			}
			return
		}
		var e agentError
		decode(t, w, &e)
		if w.Code < 400 || w.Code >= 500 || e.Code == "" || e.HTTPErrorCode != w.Code {
			t.Fatalf("path %q token %q: %d %s", id, token, w.Code, body)
		}
		if strings.Contains(body, "SecretAccessKey") || strings.Contains(body, "ASIA") {
			t.Fatalf("path %q token %q: credentials in a refusal: %s", id, token, body)
		}
	})
}
