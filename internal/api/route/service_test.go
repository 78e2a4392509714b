package route_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/iamd-dev/iamd/internal/api/awsquery"
	"github.com/iamd-dev/iamd/internal/api/route"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
)

// The Query protocol is a codec.
var _ route.Codec[*awsquery.Request] = awsquery.Codec{}

// trace records what the service did for one call, in order.
type trace struct {
	steps []string
	req   authz.Request
}

type testCall struct {
	*route.Call[*awsquery.Request]
	trace *trace
}

// newService is a service of four routes, recording its steps into tr; deny names an action
// its Authorize refuses, refuse one its Admit refuses.
func newService(tr *trace, deny, refuse string) *route.Service[*awsquery.Request, *testCall] {
	step := func(s string) { tr.steps = append(tr.steps, s) }
	return &route.Service[*awsquery.Request, *testCall]{
		Prefix: "test",
		Codec:  awsquery.Codec{Namespace: "urn:test", MalformedCode: "MalformedQueryString"},
		Wrap:   func(c *route.Call[*awsquery.Request]) *testCall { return &testCall{c, tr} },
		Routes: map[string]route.Route[*testCall]{
			"GetThing": {
				Resource: func(c *testCall) (string, error) {
					step("resource")
					return "arn:test:thing/" + c.In.Get("Name"), nil
				},
				Conditions: func(c *testCall) authz.Context {
					var ctx authz.Context
					ctx.Set("test:Name", c.In.Get("Name"))
					return ctx
				},
				Handle: func(c *testCall) (any, error) { step("handle"); return struct{ Name string }{c.In.Get("Name")}, nil },
			},
			"Anything": {Handle: func(*testCall) (any, error) { step("handle"); return nil, nil }},
			"Whoami":   {Auth: route.Unauthorized, Handle: func(*testCall) (any, error) { step("handle"); return nil, nil }},
			"Break": {Auth: route.ByHandler, Handle: func(c *testCall) (any, error) {
				step("handle")
				c.Resource = "arn:test:broken"
				return nil, fmt.Errorf("reading thing: %w", errors.New("disk on fire"))
			}},
			"Wrapped": {Auth: route.ByHandler, Handle: func(*testCall) (any, error) {
				return nil, fmt.Errorf("checking: %w", awserr.NoSuchEntity("The thing cannot be found."))
			}},
		},
		Authorize: func(c *testCall, r authz.Request) error {
			step("authorize")
			tr.req = r
			if r.Action == deny {
				return awserr.AccessDenied("no " + r.Action)
			}
			return nil
		},
		Admit: func(_ *authz.Caller, action string) error {
			step("admit")
			if action == refuse {
				return awserr.AccessDenied("refused " + action)
			}
			return nil
		},
		Unknown:  func(op string) *awserr.Error { return awserr.New("InvalidAction", "no operation %q", op) },
		Internal: awserr.ServiceFailure,
	}
}

func query(t *testing.T, params string) *awsquery.Request {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/", nil)
	q, err := awsquery.Parse(r, []byte(params))
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func TestDo(t *testing.T) {
	caller := &authz.Caller{Account: "123456789012"}
	for _, tc := range []struct {
		name, params, deny, refuse string
		wantSteps                  string
		wantCode                   string
		wantResource               string
		wantCause                  bool
	}{
		{name: "authorized on the route's resource", params: "Action=GetThing&Name=a", wantSteps: "admit resource authorize handle", wantResource: "arn:test:thing/a"},
		{name: "denied: the handler never runs", params: "Action=GetThing&Name=a", deny: "test:GetThing", wantSteps: "admit resource authorize", wantCode: "AccessDenied", wantResource: "arn:test:thing/a"},
		{name: "refused before its resource is looked up", params: "Action=GetThing&Name=a", refuse: "test:GetThing", wantSteps: "admit", wantCode: "AccessDenied"},
		{name: "no resource: authorized on *", params: "Action=Anything", wantSteps: "admit authorize handle", wantResource: "*"},
		{name: "needs no permission", params: "Action=Whoami", wantSteps: "admit handle"},
		{name: "unknown operation", params: "Action=Nope", wantCode: "InvalidAction"},
		{name: "internal failure keeps its cause", params: "Action=Break", wantSteps: "admit handle", wantCode: "ServiceFailure", wantResource: "arn:test:broken", wantCause: true},
		{name: "a wrapped AWS error is AWS's", params: "Action=Wrapped", wantSteps: "admit", wantCode: "NoSuchEntity"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := &trace{}
			svc := newService(tr, tc.deny, tc.refuse)
			q := query(t, tc.params)
			_, o := svc.Do(context.Background(), caller, q.Action, q, "req-1")
			if got := strings.Join(tr.steps, " "); got != tc.wantSteps {
				t.Errorf("steps %q, want %q", got, tc.wantSteps)
			}
			if got := code(o.Err); got != tc.wantCode {
				t.Errorf("error %q, want %q", got, tc.wantCode)
			}
			if o.Action != "test:"+q.Action || o.Resource != tc.wantResource {
				t.Errorf("outcome %s on %q, want test:%s on %q", o.Action, o.Resource, q.Action, tc.wantResource)
			}
			if (o.Cause != nil) != tc.wantCause || (tc.wantCause && !strings.Contains(o.Cause.Error(), "disk on fire")) {
				t.Errorf("cause %v, want one: %v", o.Cause, tc.wantCause)
			}
		})
	}
}

func TestDoGivesAuthorizeTheRequest(t *testing.T) {
	tr := &trace{}
	q := query(t, "Action=GetThing&Name=b")
	newService(tr, "", "").Do(context.Background(), &authz.Caller{}, q.Action, q, "r")
	if tr.req.Action != "test:GetThing" || tr.req.Resource != "arn:test:thing/b" {
		t.Fatalf("authorized %s on %s", tr.req.Action, tr.req.Resource)
	}
	if v, ok := tr.req.Context.Get("test:Name"); !ok || len(v) != 1 || v[0] != "b" {
		t.Fatalf("condition keys %v", tr.req.Context)
	}
}

func TestNoAuthorizeServesNothingByRoute(t *testing.T) {
	tr := &trace{}
	svc := newService(tr, "", "")
	svc.Authorize = nil
	q := query(t, "Action=GetThing&Name=a")
	_, o := svc.Do(context.Background(), &authz.Caller{}, q.Action, q, "r")
	if code(o.Err) != "ServiceFailure" || o.Cause == nil || strings.Contains(strings.Join(tr.steps, " "), "handle") {
		t.Fatalf("outcome %+v after %v", o, tr.steps)
	}
}

func TestServe(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		status     int
		want       string
	}{
		{"result", "Action=GetThing&Name=x", 200, "<GetThingResult><Name>x</Name></GetThingResult>"},
		{"denied", "Action=GetThing&Name=x", 403, "<Type>Sender</Type><Code>AccessDenied</Code>"},
		{"internal", "Action=Break", 500, "<Type>Receiver</Type><Code>ServiceFailure</Code>"},
		{"malformed", "Action=%zz", 400, "<Code>MalformedQueryString</Code>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			deny := ""
			if tc.name == "denied" {
				deny = "test:GetThing"
			}
			svc := newService(&trace{}, deny, "")
			w := httptest.NewRecorder()
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tc.body))
			o := svc.Serve(w, r, []byte(tc.body), &authz.Caller{}, "req-7")
			if w.Code != tc.status || !strings.Contains(w.Body.String(), tc.want) || !strings.Contains(w.Body.String(), "req-7") {
				t.Fatalf("%d %s\nwant %d with %s and the request id", w.Code, w.Body, tc.status, tc.want)
			}
			if (o.Err == nil) != (tc.status == 200) {
				t.Fatalf("outcome error %v for status %d", o.Err, tc.status)
			}
			if strings.Contains(w.Body.String(), "disk on fire") {
				t.Fatal("the cause reached the caller")
			}
		})
	}
}

func code(e *awserr.Error) string {
	if e == nil {
		return ""
	}
	return e.Code
}
