package ec2api

import (
	"bytes"
	"context"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/api/ec2query"
	"github.com/iamd-dev/iamd/internal/api/route"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/ec2"
	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/testutil"
)

// The API is an endpoint the server serves.
var _ route.Endpoint = (*API)(nil)

const (
	account = testutil.Account
	region  = "us-east-1" // the API's
)

// fixture is the EC2 API over the real stack, wired as internal/server wires it, in an
// account with an instance profile (app, whose role is app-role).
type fixture struct {
	*testutil.Stack
	api  *API
	root *authz.Caller
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	s := testutil.New(t)
	f := &fixture{Stack: s, api: New(ec2.New(s.Store, s.IAM, s.STS, time.Now), s.Authz, s.Msgs, nil, region)}
	f.root = testutil.InRegion(testutil.Root(t, account), region)
	s.Role(t, "app-role", "", testutil.TrustEC2)
	if _, err := s.IAM.CreateInstanceProfile(ctx, iam.CreateInstanceProfileInput{Account: account, Name: "app"}); err != nil {
		t.Fatal(err)
	}
	if err := s.IAM.AddRoleToInstanceProfile(ctx, account, "app", "app-role"); err != nil {
		t.Fatal(err)
	}
	return f
}

// user makes a user with one inline policy and returns it as a caller in the API's region.
func (f *fixture) user(t *testing.T, name, document string) *authz.Caller {
	t.Helper()
	return testutil.InRegion(f.User(t, name, document), region)
}

// do serves a call of op with the form's parameters through the service, without HTTP.
func (f *fixture) do(caller *authz.Caller, op, form string) (any, route.Outcome) {
	params, err := url.ParseQuery(form)
	if err != nil {
		panic(err)
	}
	return f.api.svc.Do(context.Background(), caller, op, &ec2query.Request{Action: op, Params: ec2query.Params(params)}, "req-1")
}

const (
	launch      = "ImageId=ami-0abcdef1234567890&InstanceType=t3.micro&MinCount=1&MaxCount=1"
	withProfile = launch + "&IamInstanceProfile.Name=app"
	instances   = "arn:aws:ec2:us-east-1:" + account + ":instance/*"
	// launcher may launch instances but not pass the profile's role.
	launcher = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:RunInstances","ec2:CreateTags"],"Resource":"*"}]}`
)

func TestDo(t *testing.T) {
	f := newFixture(t)
	runner := f.user(t, "runner", launcher)
	for _, c := range []struct {
		name, op, form string
		caller         *authz.Caller
		code           string // "" for success
		message        string // a part of the error's message
		resource       string // the audit record's
	}{
		{name: "RunInstances allowed", op: "RunInstances", form: withProfile, caller: f.root, resource: instances},
		{name: "RunInstances without the role's iam:PassRole", op: "RunInstances", form: withProfile, caller: runner,
			code: "UnauthorizedOperation", message: "You are not authorized to perform this operation. Encoded authorization failure message: ", resource: instances},
		{name: "DryRun", op: "RunInstances", form: launch + "&DryRun=true", caller: runner,
			code: "DryRunOperation", message: "Request would have succeeded, but DryRun flag is set.", resource: instances},
		{name: "unknown action", op: "FlyInstances", caller: f.root, code: "InvalidAction", message: "The action FlyInstances is not valid for this web service."},
		{name: "no action", op: "", caller: f.root, code: "MissingAction", message: "The request must contain the parameter Action"},
		{name: "malformed instance id", op: "TerminateInstances", form: "InstanceId.1=tower", caller: f.root,
			code: "InvalidInstanceID.Malformed", message: `Invalid id: "tower"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, o := f.do(c.caller, c.op, c.form)
			if o.Resource != c.resource || (c.op != "" && o.Action != "ec2:"+c.op) {
				t.Errorf("outcome %s on %q, want %q", o.Action, o.Resource, c.resource)
			}
			if c.code == "" {
				if o.Err != nil || out == nil {
					t.Fatalf("%v (%v)", o.Err, o.Cause)
				}
				return
			}
			if o.Err == nil || o.Err.Code != c.code || !strings.Contains(o.Err.Message, c.message) || o.Cause != nil {
				t.Fatalf("got %v (cause %v), want %s: %s", o.Err, o.Cause, c.code, c.message)
			}
		})
	}
}

// A launch with a profile passes its role to EC2 for the instances: the denial's encoded
// message, decoded, is iam:PassRole of the role with the keys of authz.PassRole.
func TestRunInstancesDeniedMessage(t *testing.T) {
	f := newFixture(t)
	_, o := f.do(f.user(t, "runner", launcher), "RunInstances", withProfile)
	if o.Err == nil || o.Err.Code != "UnauthorizedOperation" {
		t.Fatalf("got %v", o.Err)
	}
	_, encoded, _ := strings.Cut(o.Err.Message, "Encoded authorization failure message: ")
	msg, err := f.Msgs.Decode(account, encoded)
	if err != nil {
		t.Fatalf("%q does not decode: %v", encoded, err)
	}
	for _, want := range []string{`"action":"iam:PassRole"`, `"resource":"arn:aws:iam::123456789012:role/app-role"`,
		"iam:PassedToService", "ec2.amazonaws.com", "iam:AssociatedResourceArn", instances} {
		if !bytes.Contains(msg, []byte(want)) {
			t.Errorf("decoded message lacks %s: %s", want, msg)
		}
	}
}

// The statuses EC2 sends, through the codec: an authorization failure 403, a dry run 412, a
// failure on iamd's side 500 (with its cause kept for the log, not sent), others 400.
func TestStatuses(t *testing.T) {
	f := newFixture(t)
	runner := f.user(t, "runner", launcher)
	serve := func(caller *authz.Caller, body string) (*httptest.ResponseRecorder, route.Outcome) {
		return testutil.ServeQuery(f.api, caller, body, "req-1")
	}
	for _, c := range []struct {
		body   string
		caller *authz.Caller
		status int
		code   string
	}{
		{"Action=RunInstances&" + withProfile, runner, 403, "UnauthorizedOperation"},
		{"Action=RunInstances&DryRun=true&" + launch, runner, 412, "DryRunOperation"},
		{"Action=FlyInstances", f.root, 400, "InvalidAction"},
		{"Action=TerminateInstances&InstanceId.1=tower", f.root, 400, "InvalidInstanceID.Malformed"},
		{"Action=RunInstances&ImageId=%zz", f.root, 400, "InvalidParameterValue"},
	} {
		w, o := serve(c.caller, c.body)
		want := "<Response><Errors><Error><Code>" + c.code + "</Code>"
		if w.Code != c.status || !strings.Contains(w.Body.String(), want) || o.Err == nil || o.Err.Code != c.code {
			t.Errorf("%s: %d %s, want %d %s", c.body, w.Code, w.Body.String(), c.status, c.code)
		}
	}
	w, o := serve(f.root, "Action=RunInstances&"+launch)
	if w.Code != 200 || o.Err != nil || !strings.Contains(w.Body.String(),
		`<RunInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>req-1</requestId><reservationId>r-`) {
		t.Errorf("launch: %d %s", w.Code, w.Body.String())
	}
	f.Store.Close() // every read fails now: a failure on iamd's side
	w, o = serve(f.root, "Action=DescribeInstances")
	body := w.Body.String()
	if w.Code != 500 || !strings.Contains(body, "<Code>InternalError</Code><Message>An internal error has occurred</Message>") || o.Cause == nil {
		t.Fatalf("closed store: %d %s (cause %v)", w.Code, body, o.Cause)
	}
	if strings.Contains(body, o.Cause.Error()) {
		t.Errorf("the cause reached the caller: %s", body)
	}
}
