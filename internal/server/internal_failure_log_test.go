package server

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/iamd-dev/iamd/internal/store/sqlite"
)

// startLoggedServer is a server whose log is JSON in the returned buffer.
func startLoggedServer(t *testing.T) (*testServer, *syncBuffer) {
	t.Helper()
	log := &syncBuffer{}
	return startServerAt(t, "", time.Now, func(c *Config) { c.Logger = slog.New(slog.NewJSONHandler(log, nil)) }), log
}

// records are the log's records whose message is msg.
func (b *syncBuffer) records(t *testing.T, msg string) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(b.buf.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if rec["msg"] == msg {
			out = append(out, rec)
		}
	}
	return out
}

// serviceFailure asserts that err is IAM's ServiceFailure (HTTP 500), returning the
// request id the caller was given.
func serviceFailure(t *testing.T, err error) string {
	t.Helper()
	wantError(t, err, "ServiceFailure", 500, "The request processing has failed because of an unknown error, exception or failure.")
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.ServiceRequestID() == "" {
		t.Fatalf("no request id in %v", err)
	}
	return re.ServiceRequestID()
}

// wantInternalFailure asserts that the log holds one "internal failure" record, with the
// request id, the action (absent for ""), and the store's failure as its err, and no
// secret anywhere.
func wantInternalFailure(t *testing.T, log *syncBuffer, requestID, action string, secrets ...string) {
	t.Helper()
	recs := log.records(t, "internal failure")
	if len(recs) != 1 {
		t.Fatalf("%d internal failure records in the log:\n%s", len(recs), log.buf.String())
	}
	rec := recs[0]
	gotAction, hasAction := rec["action"]
	if rec["level"] != "ERROR" || rec["request_id"] != requestID || hasAction != (action != "") || action != "" && gotAction != action ||
		!strings.Contains(rec["err"].(string), sqlite.ErrClosed.Error()) {
		t.Fatalf("record %v, want request_id %s, action %q, err naming %q", rec, requestID, action, sqlite.ErrClosed)
	}
	for _, s := range secrets {
		if strings.Contains(log.buf.String(), s) {
			t.Fatalf("a secret in the log:\n%s", log.buf.String())
		}
	}
}

// A call that fails on iamd's side after its caller was authenticated (the store gone
// under a role session's GetRole) answers ServiceFailure; the log keeps its cause with the
// request id the caller was given, and the action.
func TestInternalFailureCauseIsLogged(t *testing.T) {
	ts, log := startLoggedServer(t)
	ctx := context.Background()
	c := ts.iam(ts.root)
	mustDo(t, func() error {
		_, err := c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("reader"),
			AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`)})
		return err
	})
	mustDo(t, func() error {
		_, err := c.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String("reader"), PolicyName: aws.String("read"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetRole","Resource":"*"}]}`)})
		return err
	})
	out, err := ts.sts(ts.root).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/reader"), RoleSessionName: aws.String("session")})
	if err != nil {
		t.Fatal(err)
	}
	session := aws.Credentials{AccessKeyID: *out.Credentials.AccessKeyId, SecretAccessKey: *out.Credentials.SecretAccessKey, SessionToken: *out.Credentials.SessionToken}
	if err := ts.srv.store.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = ts.iam(session).GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String("reader")})
	id := serviceFailure(t, err)
	wantInternalFailure(t, log, id, "iam:GetRole", testRootSecret, session.SecretAccessKey, session.SessionToken)
}

// Authentication that fails on iamd's side (the store gone when the root key is looked
// up) answers ServiceFailure; the log keeps its cause with the request id.
func TestAuthenticationFailureCauseIsLogged(t *testing.T) {
	ts, log := startLoggedServer(t)
	if err := ts.srv.store.Close(); err != nil {
		t.Fatal(err)
	}
	_, err := ts.iam(ts.root).GetUser(context.Background(), &awsiam.GetUserInput{})
	id := serviceFailure(t, err)
	wantInternalFailure(t, log, id, "", testRootSecret)
}
