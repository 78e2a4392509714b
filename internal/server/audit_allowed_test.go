package server

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/iamd-dev/iamd/internal/cloudtrail"
)

// An allowed call's record names the statement that allowed it (for the console's audit
// view); the root user's calls, which no statement allows, and denied calls have none.
func TestAuditRecordsTheStatementThatAllowed(t *testing.T) {
	ts, audit := startAuditedServer(t)
	ctx := context.Background()
	reader := userWithKey(t, ts, "reader", "")
	if _, err := ts.iam(ts.root).PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("reader"), PolicyName: aws.String("read-roles"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Sid":"Nothing","Effect":"Allow","Action":"iam:GetUser","Resource":"*"},{"Sid":"ReadRoles","Effect":"Allow","Action":"iam:ListRoles","Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.iam(reader).ListRoles(ctx, &awsiam.ListRolesInput{}); err != nil {
		t.Fatal(err)
	}
	_, err := ts.iam(reader).ListUsers(ctx, &awsiam.ListUsersInput{})
	apiError(t, err, "AccessDenied")

	audit.mu.Lock()
	lines := strings.Split(strings.TrimSpace(audit.buf.String()), "\n")
	audit.mu.Unlock()
	seen := map[string]bool{}
	for _, line := range lines {
		var rec cloudtrail.Record
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatal(err)
		}
		f := rec.Facts()
		switch {
		case f.Action == "iam:ListRoles":
			seen[f.Action] = true
			if f.Allowed == nil || len(f.Allowed.Statements) != 1 {
				t.Fatalf("ListRoles: allowed %+v, want the one statement", f.Allowed)
			}
			s := f.Allowed.Statements[0]
			if s.Sid != "ReadRoles" || s.Index != 1 || s.Effect != "Allow" || s.Layer != "identity" || s.Policy != "read-roles" || f.Allowed.Result != "allowed" {
				t.Errorf("ListRoles allowed by %+v in %+v", s, f.Allowed)
			}
			if f.Denial != nil {
				t.Errorf("an allowed call with a denial: %+v", f.Denial)
			}
		case f.Action == "iam:ListUsers":
			seen[f.Action] = true
			if f.Allowed != nil || f.Decision != cloudtrail.Denied {
				t.Errorf("denied ListUsers: %s, allowed %+v", f.Decision, f.Allowed)
			}
		case rec.UserIdentity.Type == cloudtrail.Root:
			if f.Allowed != nil {
				t.Errorf("%s by the root user allowed by %+v", f.Action, f.Allowed)
			}
		}
	}
	if !seen["iam:ListRoles"] || !seen["iam:ListUsers"] {
		t.Fatalf("calls not audited: %v", seen)
	}
}
