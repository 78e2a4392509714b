package policygen

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/cloudtrail"
	"github.com/iamd-dev/iamd/internal/lint"
	"github.com/iamd-dev/iamd/internal/policy"
)

const acct = "123456789012"

// line is an audit line as iamd serve writes it: a CloudTrail record.
func line(at, caller, action, resource, decision string) string {
	_, name, _ := strings.Cut(action, ":")
	rec := cloudtrail.Record{
		EventVersion: cloudtrail.EventVersion, EventTime: at, EventName: name, RequestID: fmt.Sprintf("r-%s-%s", action, at),
		SourceIPAddress: "127.0.0.1", ErrorCode: map[string]string{Denied: "AccessDenied", Failed: "NoSuchEntity"}[decision],
		UserIdentity:        cloudtrail.UserIdentity{Type: cloudtrail.IAMUser, ARN: caller},
		AdditionalEventData: &cloudtrail.AdditionalEventData{Iamd: &cloudtrail.Iamd{Action: action, Resource: resource, Decision: decision}},
	}
	b, err := json.Marshal(rec)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// legacyLine is an audit line of iamd's earlier format, which the reader still reads.
func legacyLine(at, caller, action, resource, decision string) string {
	return fmt.Sprintf(`{"time":"%s","requestId":"r-%s-%s","caller":%q,"action":%q,"resource":%q,"decision":%q,"sourceAddress":"127.0.0.1"}`,
		at, action, at, caller, action, resource, decision)
}

func TestReaderReadsBothFormats(t *testing.T) {
	for _, l := range []string{line("2025-01-01T10:00:00Z", alice, "iam:GetRole", roleA, Allowed), legacyLine("2025-01-01T10:00:00Z", alice, "iam:GetRole", roleA, Allowed)} {
		rec, err := NewReader(strings.NewReader(l)).Next()
		want := Record{Time: time.Date(2025, 1, 1, 10, 0, 0, 0, time.UTC), RequestID: "r-iam:GetRole-2025-01-01T10:00:00Z",
			Caller: alice, Action: "iam:GetRole", Resource: roleA, Decision: Allowed, Source: "127.0.0.1"}
		if err != nil || !reflect.DeepEqual(rec, want) {
			t.Errorf("%s:\n%+v %v, want\n%+v", l, rec, err, want)
		}
	}
}

var (
	alice     = "arn:aws:iam::" + acct + ":user/team/alice"
	session1  = "arn:aws:sts::" + acct + ":assumed-role/builder/job-1"
	session2  = "arn:aws:sts::" + acct + ":assumed-role/builder/job-2"
	otherAcct = "arn:aws:sts::210987654321:assumed-role/builder/job-1"
	roleA     = "arn:aws:iam::" + acct + ":role/app/a"
	roleB     = "arn:aws:iam::" + acct + ":role/b"
	secret    = "arn:aws:secretsmanager:us-east-1:" + acct + ":secret:db-AbCdEf"
)

var workload = strings.Join([]string{
	line("2025-01-01T10:00:00Z", alice, "iam:GetRole", roleA, Allowed),
	line("2025-01-01T10:00:01Z", alice, "iam:GetRole", roleA, Allowed),
	line("2025-01-01T10:00:02Z", alice, "iam:GetRole", roleB, Allowed),
	line("2025-01-01T10:00:03Z", alice, "iam:TagRole", roleA, Allowed),
	line("2025-01-01T10:00:03Z", alice, "iam:UntagRole", roleA, Allowed),
	line("2025-01-01T10:00:04Z", alice, "iam:ListRoles", "*", Allowed),
	line("2025-01-01T10:00:05Z", alice, "secretsmanager:GetSecretValue", secret, Allowed),
	line("2025-01-01T10:00:06Z", alice, "sts:GetCallerIdentity", "", Allowed),
	line("2025-01-01T10:00:07Z", alice, "iam:DeleteRole", roleA, Denied),
	line("2025-01-01T10:00:08Z", alice, "iam:GetUser", "", Failed),
	"",
	line("2025-01-02T10:00:00Z", session1, "iam:GetRole", roleB, Allowed),
	line("2025-01-02T10:00:01Z", session2, "ec2:DescribeInstances", "arn:aws:ec2:us-east-1:"+acct+":instance/*", Allowed),
	line("2025-01-02T10:00:02Z", otherAcct, "iam:CreateRole", roleA, Allowed),
	line("2025-01-03T10:00:00Z", alice, "iam:GetRole", roleB, Allowed),
	line("2025-01-03T10:00:01Z", alice, "sts:GetFederationToken", "", Allowed),
}, "\n")

func stmt(sid string, actions []string, resources ...string) Statement {
	return Statement{Sid: sid, Effect: "Allow", Action: actions, Resource: resources}
}

func TestGenerate(t *testing.T) {
	tests := []struct {
		name      string
		principal string
		since     string
		want      []Statement
		calls     int
		left      []Left
	}{
		{
			name: "a user's actions, one statement per service and resource set", principal: alice,
			want: []Statement{
				stmt("Iam1", []string{"iam:GetRole"}, roleA, roleB),
				stmt("Iam2", []string{"iam:ListRoles"}, "*"),
				stmt("Iam3", []string{"iam:TagRole", "iam:UntagRole"}, roleA),
				stmt("Secretsmanager", []string{"secretsmanager:GetSecretValue"}, secret),
			},
			calls: 8,
			left: []Left{
				{Action: "sts:GetCallerIdentity", Calls: 1, Why: "AWS requires no permission for it"},
				{Action: "sts:GetFederationToken", Calls: 1, Why: "its audit lines name no resource it was authorized on (grant it by hand if it needs one)"},
			},
		},
		{
			name: "a user's ARN without its path", principal: "arn:aws:iam::" + acct + ":user/alice", since: "2025-01-03T00:00:00Z",
			want:  []Statement{stmt("Iam", []string{"iam:GetRole"}, roleB)},
			calls: 1,
			left:  []Left{{Action: "sts:GetFederationToken", Calls: 1, Why: "its audit lines name no resource it was authorized on (grant it by hand if it needs one)"}},
		},
		{
			name: "a role's sessions, by the role's ARN with its path; an action that takes only * gets *", principal: "arn:aws:iam::" + acct + ":role/ci/builder",
			want: []Statement{
				stmt("Ec2", []string{"ec2:DescribeInstances"}, "*"),
				stmt("Iam", []string{"iam:GetRole"}, roleB),
			},
			calls: 2,
		},
		{
			name: "a role's sessions, by one session's ARN", principal: session2,
			want: []Statement{
				stmt("Ec2", []string{"ec2:DescribeInstances"}, "*"),
				stmt("Iam", []string{"iam:GetRole"}, roleB),
			},
			calls: 2,
		},
		{
			name: "since leaves earlier calls out", principal: "arn:aws:iam::" + acct + ":role/builder", since: "2025-01-02T10:00:01Z",
			want:  []Statement{stmt("Ec2", []string{"ec2:DescribeInstances"}, "*")},
			calls: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParsePrincipal(tt.principal)
			if err != nil {
				t.Fatal(err)
			}
			opts := Options{Principal: p}
			if tt.since != "" {
				opts.Since, _ = time.Parse(time.RFC3339, tt.since)
			}
			g, err := Generate(strings.NewReader(workload), opts)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(g.Policy.Statement, tt.want) {
				t.Errorf("statements\n%s\nwant\n%s", g.Policy.JSON(), Document{Version: "2012-10-17", Statement: tt.want}.JSON())
			}
			if g.Calls != tt.calls || !reflect.DeepEqual(g.Left, tt.left) {
				t.Errorf("calls %d, left %+v; want %d, %+v", g.Calls, g.Left, tt.calls, tt.left)
			}
			wantValid(t, g.Policy.JSON())
		})
	}
}

// wantValid asserts that the engine takes the document as an identity policy and the
// linter finds no error in it.
func wantValid(t *testing.T, doc []byte) *policy.Policy {
	t.Helper()
	p, err := policy.Parse(doc, policy.Identity)
	if err != nil {
		t.Fatalf("the generated policy does not parse: %v\n%s", err, doc)
	}
	for _, f := range lint.Lint(doc, lint.Options{Kind: policy.Identity}) {
		if f.FindingType == lint.Error {
			t.Errorf("lint: %s %s\n%s", f.IssueCode, f.FindingDetails, doc)
		}
	}
	return p
}

// The policy allows the calls it was generated from and nothing next to them: not another
// action on the same resource, not the same action on another resource, even where a
// resource's name holds the policy language's wildcard and variable characters.
func TestGeneratedPolicyGrantsExactlyTheCalls(t *testing.T) {
	bucketObject := "arn:aws:s3:::logs/2025/*?${aws:username}"
	audit := strings.Join([]string{
		line("2025-01-01T10:00:00Z", alice, "s3:GetObject", bucketObject, Allowed),
		line("2025-01-01T10:00:01Z", alice, "iam:GetRole", roleA, Allowed),
		line("2025-01-01T10:00:02Z", alice, "iam:TagRole", roleB, Allowed),
	}, "\n")
	p, _ := ParsePrincipal(alice)
	g, err := Generate(strings.NewReader(audit), Options{Principal: p})
	if err != nil {
		t.Fatal(err)
	}
	pol := wantValid(t, g.Policy.JSON())
	caller, _ := policy.ParsePrincipal(alice)
	set := &policy.Set{Identity: []*policy.Policy{pol}}
	for _, c := range []struct {
		action, resource string
		allowed          bool
	}{
		{"s3:GetObject", bucketObject, true},
		{"s3:GetObject", "arn:aws:s3:::logs/2025/x-${aws:username}", false},
		{"s3:GetObject", "arn:aws:s3:::logs/2025/*?alice", false},
		{"iam:GetRole", roleA, true},
		{"iam:GetRole", roleB, false},
		{"iam:TagRole", roleB, true},
		{"iam:TagRole", roleA, false},
		{"iam:DeleteRole", roleA, false},
	} {
		d := policy.Evaluate(set, policy.NewRequest(caller, c.action, c.resource, acct, policy.Context{}))
		if (d.Result == policy.Allowed) != c.allowed {
			t.Errorf("%s on %s: %s, want allowed %v\n%s", c.action, c.resource, d.Result, c.allowed, g.Policy.JSON())
		}
	}
}

func TestGenerateWithoutCalls(t *testing.T) {
	p, _ := ParsePrincipal("arn:aws:iam::" + acct + ":user/nobody")
	if _, err := Generate(strings.NewReader(workload), Options{Principal: p}); !errors.Is(err, ErrNoCalls) {
		t.Fatalf("err = %v, want ErrNoCalls", err)
	}
}

func TestParsePrincipal(t *testing.T) {
	for _, s := range []string{"arn:aws:iam::" + acct + ":root", alice, session1, "arn:aws:sts::" + acct + ":federated-user/bob"} {
		if _, err := ParsePrincipal(s); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
	for _, s := range []string{"*", "ec2.amazonaws.com", "arn:aws:iam::" + acct + ":oidc-provider/example.com", "arn:aws:sts::" + acct + ":assumed-role/builder", "not an arn"} {
		if _, err := ParsePrincipal(s); err == nil {
			t.Errorf("%s: accepted", s)
		}
	}
}

func TestReaderNamesTheBadLine(t *testing.T) {
	p, _ := ParsePrincipal(alice)
	_, err := Generate(strings.NewReader(workload+"\n{not json\n"), Options{Principal: p})
	if err == nil || !strings.Contains(err.Error(), "audit line 17 ") {
		t.Fatalf("err = %v, want one naming line 17", err)
	}
}
