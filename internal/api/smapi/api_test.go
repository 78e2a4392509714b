package smapi

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/api/awsjson"
	"github.com/iamd-dev/iamd/internal/api/route"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/secrets"
	"github.com/iamd-dev/iamd/internal/testutil"
)

const (
	owner, other = testutil.Account, "210987654321"
	region       = "us-east-1"
)

// fixture is the API over the real stack, wired as the server wires it, with two accounts.
type fixture struct {
	*testutil.Stack
	t   testing.TB
	api *API
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	s := testutil.New(t)
	if _, _, err := s.IAM.EnsureAccount(context.Background(), other, "a"+other, nil); err != nil {
		t.Fatal(err)
	}
	api := New(secrets.New(s.Store, s.Box, time.Now).UsePrincipals(s.IAM), s.Authz)
	return &fixture{Stack: s, t: t, api: api}
}

// root is the root user of the account, calling the API's region.
func (f *fixture) root(account string) *authz.Caller {
	return testutil.InRegion(testutil.Root(f.t, account), region)
}

// user makes a user of the account with the identity policy (none when "") and returns it
// as a caller in the API's region.
func (f *fixture) user(account, name, identityPolicy string) *authz.Caller {
	f.t.Helper()
	return testutil.InRegion(f.UserIn(f.t, account, name, identityPolicy), region)
}

// do serves one operation without HTTP.
func (f *fixture) do(caller *authz.Caller, op, body string) (any, route.Outcome) {
	return f.api.service.Do(context.Background(), caller, op, awsjson.Body(body), "req-1")
}

// must serves an operation that must succeed and returns its result as JSON.
func (f *fixture) must(caller *authz.Caller, op, body string) map[string]any {
	f.t.Helper()
	out, o := f.do(caller, op, body)
	if o.Err != nil {
		f.t.Fatalf("%s %s: %s %s (%v)", op, body, o.Err.Code, o.Err.Message, o.Cause)
	}
	raw, err := json.Marshal(out)
	if err != nil {
		f.t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		f.t.Fatal(err)
	}
	return m
}

const allowAll = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:*","Resource":"*"}]}`

func TestOperationsThroughTheRoute(t *testing.T) {
	f := newFixture(t)
	rootA := f.root(owner)
	reader := f.user(owner, "reader", "")
	writer := f.user(owner, "writer", allowAll)
	consumer := f.user(other, "consumer", allowAll)
	stranger := f.user(other, "stranger", allowAll)
	created := f.must(rootA, "CreateSecret", `{"Name":"prod/db","SecretString":"s3cret","ClientRequestToken":"11111111-2222-3333-4444-555555555555"}`)
	arn := created["ARN"].(string)
	f.must(rootA, "CreateSecret", `{"Name":"fenced","SecretString":"kept","ClientRequestToken":"11111111-2222-3333-4444-666666666666"}`)
	fencedARN := f.must(rootA, "DescribeSecret", `{"SecretId":"fenced"}`)["ARN"].(string)
	f.must(rootA, "PutResourcePolicy", `{"SecretId":"prod/db","ResourcePolicy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::`+other+`:user/consumer\"},\"Action\":\"secretsmanager:GetSecretValue\",\"Resource\":\"*\"}]}"}`)
	f.must(rootA, "PutResourcePolicy", `{"SecretId":"fenced","ResourcePolicy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Principal\":{\"AWS\":\"arn:aws:iam::`+owner+`:user/writer\"},\"Action\":\"secretsmanager:GetSecretValue\",\"Resource\":\"*\"}]}"}`)

	for _, tc := range []struct {
		name     string
		caller   *authz.Caller
		op, body string
		code     string // "" for success
		message  string // "" for any
		resource string // the audited resource
		action   string // the audited action
	}{
		{name: "allowed", caller: rootA, op: "GetSecretValue", body: `{"SecretId":"prod/db"}`, resource: arn, action: "secretsmanager:GetSecretValue"},
		{name: "denied by identity", caller: reader, op: "GetSecretValue", body: `{"SecretId":"prod/db"}`, code: "AccessDeniedException",
			message:  "User: arn:aws:iam::" + owner + ":user/reader is not authorized to perform: secretsmanager:GetSecretValue on resource: prod/db because no identity-based policy allows the secretsmanager:GetSecretValue action",
			resource: arn, action: "secretsmanager:GetSecretValue"},
		{name: "denied on *", caller: reader, op: "ListSecrets", body: `{}`, code: "AccessDeniedException",
			message:  "User: arn:aws:iam::" + owner + ":user/reader is not authorized to perform: secretsmanager:ListSecrets because no identity-based policy allows the secretsmanager:ListSecrets action",
			resource: "*", action: "secretsmanager:ListSecrets"},
		{name: "allowed across accounts by the resource policy", caller: consumer, op: "GetSecretValue", body: `{"SecretId":"` + arn + `"}`, resource: arn, action: "secretsmanager:GetSecretValue"},
		{name: "not named by the resource policy", caller: stranger, op: "GetSecretValue", body: `{"SecretId":"` + arn + `"}`, code: "AccessDeniedException",
			message:  "User: arn:aws:iam::" + other + ":user/stranger is not authorized to perform: secretsmanager:GetSecretValue on resource: " + arn + " because no resource-based policy allows the secretsmanager:GetSecretValue action",
			resource: arn, action: "secretsmanager:GetSecretValue"},
		{name: "explicit deny in the resource policy", caller: writer, op: "GetSecretValue", body: `{"SecretId":"fenced"}`, code: "AccessDeniedException",
			message:  "User: arn:aws:iam::" + owner + ":user/writer is not authorized to perform: secretsmanager:GetSecretValue on resource: fenced with an explicit deny in a resource-based policy",
			resource: fencedARN, action: "secretsmanager:GetSecretValue"},
		{name: "no such secret", caller: rootA, op: "GetSecretValue", body: `{"SecretId":"ghost"}`, code: "ResourceNotFoundException",
			message:  "Secrets Manager can't find the specified secret.",
			resource: "arn:aws:secretsmanager:us-east-1:" + owner + ":secret:ghost", action: "secretsmanager:GetSecretValue"},
		{name: "no SecretId", caller: rootA, op: "GetSecretValue", body: `{}`, code: "ValidationException",
			message: "1 validation error detected: Value null at 'secretId' failed to satisfy constraint: Member must not be null",
			action:  "secretsmanager:GetSecretValue"},
		{name: "not JSON", caller: rootA, op: "DescribeSecret", body: `{"SecretId":`, code: "SerializationException",
			action: "secretsmanager:DescribeSecret"},
		{name: "unknown operation", caller: rootA, op: "Frobnicate", body: `{}`, code: "UnknownOperationException",
			message: "Operation secretsmanager.Frobnicate is not supported by Secrets Manager (iamd).",
			action:  "secretsmanager:Frobnicate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, o := f.do(tc.caller, tc.op, tc.body)
			if o.Action != tc.action || o.Resource != tc.resource {
				t.Errorf("audited %q on %q, want %q on %q", o.Action, o.Resource, tc.action, tc.resource)
			}
			if tc.code == "" {
				if o.Err != nil {
					t.Fatalf("%s: %s", o.Err.Code, o.Err.Message)
				}
				if v, ok := out.(secretValueShape); !ok || v.SecretString == nil || *v.SecretString != "s3cret" {
					t.Fatalf("value %+v", out)
				}
				return
			}
			if o.Err == nil || o.Err.Code != tc.code || tc.message != "" && o.Err.Message != tc.message {
				t.Fatalf("error %+v, want %s %q", o.Err, tc.code, tc.message)
			}
			if o.Cause != nil || out != nil {
				t.Fatalf("a client error with a cause %v or a result %v", o.Cause, out)
			}
		})
	}
}

// TestDeniedRequestsChangeNothing: a caller refused PutSecretValue and DeleteSecret leaves
// the secret as it was.
func TestDeniedRequestsChangeNothing(t *testing.T) {
	f := newFixture(t)
	rootA := f.root(owner)
	f.must(rootA, "CreateSecret", `{"Name":"kept","SecretString":"v1","ClientRequestToken":"11111111-2222-3333-4444-555555555555"}`)
	reader := f.user(owner, "reader", "")
	for op, body := range map[string]string{
		"PutSecretValue": `{"SecretId":"kept","SecretString":"v2","ClientRequestToken":"11111111-2222-3333-4444-777777777777"}`,
		"DeleteSecret":   `{"SecretId":"kept"}`,
	} {
		if _, o := f.do(reader, op, body); o.Err == nil || o.Err.Code != "AccessDeniedException" {
			t.Fatalf("%s: %+v", op, o.Err)
		}
	}
	if v := f.must(rootA, "GetSecretValue", `{"SecretId":"kept"}`); v["SecretString"] != "v1" {
		t.Fatalf("value %v", v["SecretString"])
	}
	if d := f.must(rootA, "DescribeSecret", `{"SecretId":"kept"}`); d["DeletedDate"] != nil || len(d["VersionIdsToStages"].(map[string]any)) != 1 {
		t.Fatalf("state changed: %v", d)
	}
}

// serve sends one request through the codec.
func (f *fixture) serve(caller *authz.Caller, target, body string) (*httptest.ResponseRecorder, route.Outcome) {
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	if target != "" {
		r.Header.Set("X-Amz-Target", target)
	}
	w := httptest.NewRecorder()
	return w, f.api.Serve(w, r, []byte(body), caller, "req-1")
}

// TestStatusesThroughTheCodec: a result is 200 JSON; a client error 400 and a failure on
// iamd's side InternalServiceError 500, each as {"__type", "Message"} with the code in
// X-Amzn-ErrorType; the failure's cause is kept for the server's log, not sent.
func TestStatusesThroughTheCodec(t *testing.T) {
	f := newFixture(t)
	rootA := f.root(owner)
	for _, tc := range []struct {
		name, target, body string
		status             int
		code               string // "" for success
		action             string
	}{
		{"result", "secretsmanager.CreateSecret", `{"Name":"x"}`, 200, "", "secretsmanager:CreateSecret"},
		{"client error", "secretsmanager.DescribeSecret", `{"SecretId":"ghost"}`, 400, "ResourceNotFoundException", "secretsmanager:DescribeSecret"},
		{"no target", "", `{}`, 400, "UnknownOperationException", ""},
		{"another service's target", "AmazonSSM.GetParameter", `{}`, 400, "UnknownOperationException", ""},
		{"unknown operation", "secretsmanager.Frobnicate", `{}`, 400, "UnknownOperationException", "secretsmanager:Frobnicate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, o := f.serve(rootA, tc.target, tc.body)
			if w.Code != tc.status || w.Header().Get("Content-Type") != awsjson.ContentType || o.Action != tc.action {
				t.Fatalf("%d %q, action %q: %s", w.Code, w.Header().Get("Content-Type"), o.Action, w.Body)
			}
			var e struct {
				Type    string `json:"__type"`
				Message string
			}
			if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil {
				t.Fatal(err)
			}
			if e.Type != tc.code || w.Header().Get("X-Amzn-ErrorType") != tc.code {
				t.Fatalf("error %q (header %q), want %q", e.Type, w.Header().Get("X-Amzn-ErrorType"), tc.code)
			}
		})
	}
	f.Store.Close()
	w, o := f.serve(rootA, "secretsmanager.DescribeSecret", `{"SecretId":"x"}`)
	if w.Code != 500 || w.Header().Get("X-Amzn-ErrorType") != "InternalServiceError" || o.Cause == nil {
		t.Fatalf("with the store closed: %d %s (cause %v)", w.Code, w.Body, o.Cause)
	}
	if want := `{"__type":"InternalServiceError","Message":"An error occurred on the server side."}`; w.Body.String() != want {
		t.Fatalf("body %s, want %s", w.Body, want)
	}
}
