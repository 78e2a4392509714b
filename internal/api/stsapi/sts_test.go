package stsapi

import (
	"net/url"
	"strings"
	"testing"

	"github.com/iamd-dev/iamd/internal/authmsg"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/testutil"
)

// Each route is served with its own authorization, and the service's answers (admission,
// unknown actions, validation before authorization) as STS gives them.
func TestRoutes(t *testing.T) {
	f := newFixture(t)
	alice := f.User(t, "alice", alicePolicy)
	bob := f.User(t, "bob", "")
	aliceSession := f.session(t, alice)
	const (
		aliceARN = "arn:aws:iam::123456789012:user/alice"
		bobARN   = "arn:aws:iam::123456789012:user/bob"
	)
	tooLong := strings.Repeat("A", authmsg.MaxEncodedLen+1)
	lengthError := awserr.ValidationError("1 validation error detected: Value at 'encodedMessage' failed to satisfy constraint: Member must have length between 1 and 10240")
	cases := []struct {
		name         string
		caller       *authz.Caller
		op           string
		params       url.Values
		wantErr      *awserr.Error // nil: the call succeeds
		wantAction   string
		wantResource string
		check        func(t *testing.T, out any)
	}{
		{
			name: "GetCallerIdentity needs no permission", caller: bob, op: "GetCallerIdentity", wantAction: "sts:GetCallerIdentity",
			check: func(t *testing.T, out any) {
				if want := (callerIdentity{UserID: bob.UserID, Account: account, Arn: bobARN}); out != want {
					t.Errorf("identity %+v, want %+v", out, want)
				}
			},
		},
		{
			name: "AssumeRole allowed", caller: alice, op: "AssumeRole",
			params:     url.Values{"RoleArn": {deployerARN}, "RoleSessionName": {"deploy"}},
			wantAction: "sts:AssumeRole", wantResource: deployerARN,
			check: func(t *testing.T, out any) {
				if got := out.(assumeRoleResult).AssumedRoleUser.Arn; got != "arn:aws:sts::123456789012:assumed-role/deployer/deploy" {
					t.Errorf("assumed role %s", got)
				}
			},
		},
		{
			name: "AssumeRole denied", caller: bob, op: "AssumeRole",
			params:     url.Values{"RoleArn": {deployerARN}, "RoleSessionName": {"deploy"}},
			wantAction: "sts:AssumeRole", wantResource: deployerARN,
			wantErr: awserr.AccessDenied("User: " + bobARN + " is not authorized to perform: sts:AssumeRole on resource: " + deployerARN),
		},
		{
			name: "a GetSessionToken session may assume a role", caller: aliceSession, op: "AssumeRole",
			params:     url.Values{"RoleArn": {deployerARN}, "RoleSessionName": {"deploy"}},
			wantAction: "sts:AssumeRole", wantResource: deployerARN,
		},
		{
			name: "a GetSessionToken session may not get a federation token", caller: aliceSession, op: "GetFederationToken",
			params: url.Values{"Name": {"fed"}}, wantAction: "sts:GetFederationToken",
			wantErr: awserr.AccessDenied("User: " + aliceARN + " is not authorized to perform: sts:GetFederationToken with temporary credentials from GetSessionToken"),
		},
		{
			name: "no action", caller: alice, op: "",
			wantErr: awserr.New("MissingAction", "Missing Action"),
		},
		{
			name: "an action STS does not serve", caller: alice, op: "AssumeNothingAtAll", wantAction: "sts:AssumeNothingAtAll",
			wantErr: awserr.New("InvalidAction", "Could not find operation AssumeNothingAtAll for version 2011-06-15 (iamd does not implement it yet)."),
		},
		{
			name: "an empty message is refused before authorization", caller: bob, op: "DecodeAuthorizationMessage",
			wantAction: "sts:DecodeAuthorizationMessage", wantErr: lengthError,
		},
		{
			name: "a message too long is refused before authorization", caller: bob, op: "DecodeAuthorizationMessage",
			params:     url.Values{"EncodedMessage": {tooLong}},
			wantAction: "sts:DecodeAuthorizationMessage", wantErr: lengthError,
		},
		{
			name: "DecodeAuthorizationMessage is authorized on *", caller: bob, op: "DecodeAuthorizationMessage",
			params:     url.Values{"EncodedMessage": {"abc"}},
			wantAction: "sts:DecodeAuthorizationMessage", wantResource: "*",
			wantErr: awserr.AccessDenied("User: " + bobARN + " is not authorized to perform: sts:DecodeAuthorizationMessage on resource: * because no identity-based policy allows the sts:DecodeAuthorizationMessage action"),
		},
		{
			name: "an allowed caller's message that does not open", caller: alice, op: "DecodeAuthorizationMessage",
			params:     url.Values{"EncodedMessage": {"abc"}},
			wantAction: "sts:DecodeAuthorizationMessage", wantResource: "*",
			wantErr: awserr.New(authmsg.InvalidErrorCode, authmsg.InvalidMessage),
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, o := f.do(tc.caller, tc.op, tc.params)
			testutil.CheckOutcome(t, o, tc.wantAction, tc.wantResource, tc.wantErr)
			if tc.check != nil {
				tc.check(t, out)
			}
		})
	}
}

// The Query codec sends STS's errors with the statuses AWS gives them; a failure on iamd's
// side is ServiceFailure (500, Receiver), its cause kept for the log and never sent.
func TestServeStatuses(t *testing.T) {
	assume := "Action=AssumeRole&Version=2011-06-15&RoleArn=" + url.QueryEscape(deployerARN) + "&RoleSessionName=session"
	cases := []struct {
		name       string
		caller     string // alice may assume deployer, bob may not
		body       string
		closeStore bool
		status     int
		code, typ  string
	}{
		{name: "success", caller: "alice", body: assume, status: 200},
		{name: "access denied", caller: "bob", body: assume, status: 403, code: "AccessDenied", typ: "Sender"},
		{name: "malformed query", caller: "bob", body: "Action=%zz", status: 400, code: "MalformedQueryString", typ: "Sender"},
		{name: "store closed", caller: "alice", body: assume, closeStore: true, status: 500, code: "ServiceFailure", typ: "Receiver"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			callers := map[string]*authz.Caller{"alice": f.User(t, "alice", alicePolicy), "bob": f.User(t, "bob", "")}
			if tc.closeStore {
				f.Store.Close()
			}
			w, o := testutil.ServeQuery(f.api, callers[tc.caller], tc.body, "req-1")
			testutil.CheckQueryAnswer(t, w, o, testutil.QueryAnswer{Status: tc.status, Namespace: Namespace, Operation: "AssumeRole", Code: tc.code, Type: tc.typ})
		})
	}
}
