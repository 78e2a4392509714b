package adminapi

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/iamd-dev/iamd/internal/api/awsquery"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/sts"
	"github.com/iamd-dev/iamd/internal/testutil"
)

// Each route keeps its own authorization: CreateAccount the default account's root user's
// only, LintPolicy of a document anyone's, ListTasks any principal's of the account; a
// GetSessionToken session is refused every call, and unknown actions are InvalidAction.
func TestRoutes(t *testing.T) {
	f := newFixture(t)
	admin := f.User(t, "admin", allowAll)
	const adminARN = "arn:aws:iam::123456789012:user/admin"
	session := *admin
	session.SessionKind = sts.KindUser
	onlyRoot := func(who string) *awserr.Error {
		return awserr.AccessDenied("User: " + who + " is not authorized to perform: iamd:CreateAccount: only the root user of account 123456789012 may create accounts")
	}
	invalidAction := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObjectz","Resource":"*"}]}`
	cases := []struct {
		name       string
		caller     *authz.Caller
		op         string
		params     url.Values
		wantErr    *awserr.Error // nil: the call succeeds
		wantAction string
		check      func(t *testing.T, out any)
	}{
		{
			name: "CreateAccount by the root user", caller: f.root, op: "CreateAccount",
			params: url.Values{"AccountId": {"210987654321"}, "AccountName": {"second"}}, wantAction: "iamd:CreateAccount",
			check: func(t *testing.T, out any) {
				res := out.(createAccountResult)
				if res.AccountID != "210987654321" || !strings.HasPrefix(res.AccessKeyID, "AKIA") || res.SecretAccessKey == "" {
					t.Errorf("result %+v", res)
				}
			},
		},
		{
			name: "CreateAccount by a user allowed everything", caller: admin, op: "CreateAccount",
			params: url.Values{"AccountId": {"210987654322"}}, wantAction: "iamd:CreateAccount", wantErr: onlyRoot(adminARN),
		},
		{
			name: "CreateAccount by another account's root user", caller: testutil.Root(t, "210987654321"), op: "CreateAccount",
			params: url.Values{"AccountId": {"210987654323"}}, wantAction: "iamd:CreateAccount",
			wantErr: onlyRoot("arn:aws:iam::210987654321:root"),
		},
		{
			name: "LintPolicy of a document", caller: admin, op: "LintPolicy",
			params: url.Values{"PolicyDocument": {invalidAction}}, wantAction: "iamd:LintPolicy",
			check: func(t *testing.T, out any) {
				res := out.(lintPolicyResult)
				var got []string
				for _, f := range res.Findings {
					got = append(got, f.FindingType+" "+f.IssueCode)
				}
				if strings.Join(got, ", ") != "WARNING EMPTY_STATEMENT, ERROR INVALID_ACTION" || !res.Blocking {
					t.Fatalf("findings %v, blocking %v", got, res.Blocking)
				}
				if at := res.Findings[1].Locations[0].Start; at != (xmlPos{Line: 1, Column: 65, Offset: 64}) {
					t.Errorf("the invalid action found at %+v", at)
				}
			},
		},
		{
			name: "LintPolicy of a stored policy by a user", caller: admin, op: "LintPolicy",
			params: url.Values{"RoleName": {"any"}}, wantAction: "iamd:LintPolicy",
			wantErr: awserr.AccessDenied("User: " + adminARN + " is not authorized to perform: iamd:LintPolicy on a stored policy: only the account's root user may"),
		},
		{
			name: "LintPolicy of nothing", caller: admin, op: "LintPolicy", wantAction: "iamd:LintPolicy",
			wantErr: awserr.InvalidInput("Give exactly one of PolicyArn, RoleName and PolicyDocument."),
		},
		{
			name: "ListTasks needs no permission", caller: f.User(t, "nobody", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}`),
			op: "ListTasks", wantAction: "iamd:ListTasks",
			check: func(t *testing.T, out any) {
				if res := out.(listTasksResult); res.Tasks == nil || len(res.Tasks) != 0 {
					t.Errorf("tasks %+v", res)
				}
			},
		},
		{
			name: "a GetSessionToken session", caller: &session, op: "LintPolicy",
			params: url.Values{"PolicyDocument": {allowAll}}, wantAction: "iamd:LintPolicy",
			wantErr: awserr.AccessDenied("User: " + adminARN + " is not authorized to perform: iamd:LintPolicy with temporary credentials from GetSessionToken"),
		},
		{
			name: "an unknown action", caller: f.root, op: "DeleteAccount", wantAction: "iamd:DeleteAccount",
			wantErr: awserr.New("InvalidAction", "Could not find operation DeleteAccount."),
		},
		{
			name: "no action", caller: f.root, op: "",
			wantErr: awserr.New("InvalidAction", "Could not find operation ."),
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, o := f.do(tc.caller, tc.op, tc.params)
			testutil.CheckOutcome(t, o, tc.wantAction, "", tc.wantErr)
			if tc.check != nil {
				tc.check(t, out)
			}
		})
	}
}

// The task and instance calls are served only once enabled.
func TestDisabledPartsAreUnknown(t *testing.T) {
	f := newFixture(t)
	bare := New(f.IAM, account)
	for _, op := range []string{"RunTask", "StopTask", "ListTasks", "DescribeTask", "GetInstanceMetadataEndpoint"} {
		_, o := bare.service.Do(context.Background(), f.root, op, &awsquery.Request{Action: op}, "req-1")
		if want := awserr.New("InvalidAction", "Could not find operation %s.", op); o.Err == nil || *o.Err != *want {
			t.Errorf("%s: %v, want %v", op, o.Err, want)
		}
	}
}

// The Query codec sends the API's errors with the statuses AWS gives their codes; a
// failure on iamd's side is ServiceFailure (500, Receiver), its cause kept and never sent.
func TestServeStatuses(t *testing.T) {
	create := "Action=CreateAccount&AccountId=210987654321"
	cases := []struct {
		name       string
		root       bool // the default account's root user calls, else a user
		body       string
		closeStore bool
		status     int
		code, typ  string
	}{
		{name: "success", root: true, body: create, status: 200},
		{name: "access denied", body: create, status: 403, code: "AccessDenied", typ: "Sender"},
		{name: "malformed query", root: true, body: "Action=%zz", status: 400, code: "MalformedQueryString", typ: "Sender"},
		{name: "store closed", root: true, body: create, closeStore: true, status: 500, code: "ServiceFailure", typ: "Receiver"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			caller := f.root
			if !tc.root {
				caller = f.User(t, "admin", allowAll)
			}
			if tc.closeStore {
				f.Store.Close()
			}
			w, o := testutil.ServeQuery(f.api, caller, tc.body, "req-1")
			testutil.CheckQueryAnswer(t, w, o, testutil.QueryAnswer{Status: tc.status, Namespace: Namespace, Operation: "CreateAccount", Code: tc.code, Type: tc.typ})
		})
	}
}
