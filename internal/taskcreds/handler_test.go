package taskcreds

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/endpointcreds"
)

// Every answer: its status, the agent's error code, and its record; credentials only for
// the task's own token, from this machine, with GET.
func TestAnswersAndRecords(t *testing.T) {
	fx := newFixture(t)
	id, token := fx.task.TaskID, fx.task.Token
	const local = "127.0.0.1:40000"
	for _, c := range []struct {
		name, method, id, token, remote string
		status                          int
		code, decision                  string
	}{
		{"the task's own token", http.MethodGet, id, token, local, 200, "", "allowed"},
		{"from IPv6 loopback", http.MethodGet, id, token, "[::1]:40000", 200, "", "allowed"},
		{"from another machine", http.MethodGet, id, token, "192.0.2.10:40000", 403, "AccessDenied", "denied"},
		{"POST", http.MethodPost, id, token, local, 405, "MethodNotAllowed", "failed"},
		{"no token", http.MethodGet, id, "", local, 400, "NoAuthorizationToken", "denied"},
		{"a wrong token", http.MethodGet, id, token + "x", local, 400, "AccessDenied", "denied"},
		{"an unknown task", http.MethodGet, "0123456789abcdef0123456789abcdef", token, local, 400, "InvalidIdInRequest", "failed"},
		{"a malformed id", http.MethodGet, "../" + id, token, local, 400, "InvalidIdInRequest", "failed"},
	} {
		w, rec := fx.get(t, c.method, c.id, c.token, c.remote)
		if w.Code != c.status || w.Header().Get("Cache-Control") != "no-store" || w.Header().Get("Content-Type") != "application/json" {
			t.Errorf("%s: %d %v %s", c.name, w.Code, w.Header(), w.Body.String())
			continue
		}
		if c.status == 200 {
			var got credentials
			decode(t, w, &got)
			if !strings.HasPrefix(got.AccessKeyID, "ASIA") || got.SecretAccessKey == "" || got.Token == "" || got.RoleARN != roleARN || got.AccountID != account ||
				!regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`).MatchString(got.Expiration) {
				t.Errorf("%s: credentials %s", c.name, w.Body.String())
			}
		} else {
			var e agentError
			decode(t, w, &e)
			if e.Code != c.code || e.HTTPErrorCode != c.status || e.Message == "" || strings.Contains(w.Body.String(), "ASIA") {
				t.Errorf("%s: error %s, want %d %s", c.name, w.Body.String(), c.status, c.code)
			}
		}
		if c.method == http.MethodPost && w.Header().Get("Allow") != http.MethodGet {
			t.Errorf("%s: Allow %q", c.name, w.Header().Get("Allow"))
		}
		wantCaller := ""
		if c.decision == "allowed" {
			wantCaller = "arn:aws:sts::" + account + ":assumed-role/" + roleName + "/" + id
		}
		if rec.RequestID == "" || rec.RequestID != w.Header().Get("x-amzn-RequestId") || rec.Resource != "task/"+c.id ||
			rec.Decision != c.decision || rec.ErrorCode != c.code || rec.Caller != wantCaller || !rec.Time.Equal(fx.clock.now().UTC()) {
			t.Errorf("%s: record %+v (request id %s)", c.name, rec, w.Header().Get("x-amzn-RequestId"))
		}
	}
}

// A task whose role no longer trusts ECS gets no renewed credentials: a 500 without any,
// its cause logged with the request id, no credential in the log.
func TestRenewalFailureIsLogged(t *testing.T) {
	fx := newFixture(t)
	w, _ := fx.get(t, http.MethodGet, fx.task.TaskID, fx.task.Token, "127.0.0.1:40000")
	var first credentials
	decode(t, w, &first)
	if err := fx.iam.UpdateAssumeRolePolicy(context.Background(), account, roleName, ec2Trust); err != nil {
		t.Fatal(err)
	}
	fx.clock.add(50 * time.Minute) // past the renewal point
	w, rec := fx.get(t, http.MethodGet, fx.task.TaskID, fx.task.Token, "127.0.0.1:40000")
	var e agentError
	decode(t, w, &e)
	if w.Code != 500 || e.Code != "CredentialsUnavailable" || rec.Decision != "failed" || rec.ErrorCode != "CredentialsUnavailable" {
		t.Fatalf("renewal refused: %d %s, record %+v", w.Code, w.Body.String(), rec)
	}
	log := fx.log.String()
	if !strings.Contains(log, `"msg":"renewing a task's credentials"`) || !strings.Contains(log, `"request_id":"`+rec.RequestID+`"`) ||
		!strings.Contains(log, `"task":"`+fx.task.TaskID+`"`) || !strings.Contains(log, `"err":"`) {
		t.Fatalf("log %s", log)
	}
	for _, secret := range []string{first.SecretAccessKey, first.Token, fx.task.Token} {
		if strings.Contains(log, secret) {
			t.Fatalf("a credential in the log: %s", log)
		}
	}
}

// aws-sdk-go-v2's container credentials provider reads the answer over HTTP, and reports
// a refusal as an error.
func TestTheSDKReadsTheCredentials(t *testing.T) {
	fx := newFixture(t)
	srv := httptest.NewServer(fx.handler)
	defer srv.Close()
	retrieve := func(token string) (aws.Credentials, error) {
		p := endpointcreds.New(srv.URL+prefix+fx.task.TaskID, func(o *endpointcreds.Options) {
			o.AuthorizationToken = token
			o.HTTPClient = srv.Client()
			o.Retryer = aws.NopRetryer{}
		})
		return p.Retrieve(context.Background())
	}
	creds, err := retrieve(fx.task.Token)
	if err != nil {
		t.Fatal(err)
	}
	if !creds.CanExpire || creds.Expires.Before(fx.clock.now().Add(50*time.Minute)) || creds.AccountID != account || creds.SessionToken == "" {
		t.Fatalf("credentials %+v", creds)
	}
	if _, err := retrieve(fx.task.Token + "x"); err == nil || !strings.Contains(err.Error(), "AccessDenied") {
		t.Fatalf("a wrong token: %v", err)
	}
}
