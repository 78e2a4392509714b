package cli

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/iamd-dev/iamd/internal/policy"
)

// rootIAM is an IAM client of the server of startServe, as its root user.
func rootIAM(t *testing.T) *iam.Client {
	t.Helper()
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion("us-east-1"), config.WithRetryMaxAttempts(1))
	if err != nil {
		t.Fatal(err)
	}
	return iam.NewFromConfig(cfg)
}

// generate prints the policy of what the root user did through a real iamd serve, which
// the linter passes; --since, IAMD_AUDIT and --audit - choose what is read.
func TestPolicyGenerate(t *testing.T) {
	_, auditPath := startServeAudited(t)
	ctx := context.Background()
	c := rootIAM(t)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`
	if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("app"), Path: aws.String("/svc/"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("app")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListRoles(ctx, &iam.ListRolesInput{}); err != nil {
		t.Fatal(err)
	}

	const root = "arn:aws:iam::123456789012:root"
	r := run(t, "", "policy", "generate", "--principal", root, "--since", "1h", "--audit", auditPath).want(t, 0)
	p, err := policy.Parse([]byte(r.stdout), policy.Identity)
	if err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	var got []string
	for _, st := range p.Statements {
		got = append(got, st.Sid+" "+strings.Join(st.Action, ",")+" "+strings.Join(st.Resource, ","))
	}
	want := "Iam1 iam:CreateRole,iam:GetRole arn:aws:iam::123456789012:role/svc/app|Iam2 iam:ListRoles *"
	if strings.Join(got, "|") != want {
		t.Errorf("statements %q, want %q\n%s", got, want, r.stdout)
	}
	run(t, r.stdout, "policy", "lint", "--type", "identity", "-").want(t, 0)

	t.Setenv("IAMD_AUDIT", auditPath)
	if again := run(t, "", "policy", "generate", "--principal", root).want(t, 0); again.stdout != r.stdout {
		t.Errorf("with IAMD_AUDIT:\n%s\nwant\n%s", again.stdout, r.stdout)
	}
	log, err := os.ReadFile(auditPath)
	if err != nil {
		t.Fatal(err)
	}
	if piped := run(t, string(log), "policy", "generate", "--principal", root, "--audit", "-").want(t, 0); piped.stdout != r.stdout {
		t.Errorf("from standard input:\n%s", piped.stdout)
	}
	future := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	if none := run(t, "", "policy", "generate", "--principal", root, "--since", future).want(t, 1); !strings.Contains(none.stderr, "made no allowed call") {
		t.Errorf("stderr %q", none.stderr)
	}

	t.Setenv("IAMD_AUDIT", "-") // serve's default, standard output, leaves no file
	if bad := run(t, "", "policy", "generate", "--principal", root).want(t, 2); !strings.Contains(bad.stderr, "name the audit log with --audit FILE") {
		t.Errorf("stderr %q", bad.stderr)
	}
	for _, bad := range [][]string{
		{"policy", "generate", "--audit", auditPath},
		{"policy", "generate", "--principal", "ec2.amazonaws.com", "--audit", auditPath},
		{"policy", "generate", "--principal", root, "--since", "yesterday", "--audit", auditPath},
		{"policy", "generate", "--principal", root, "--audit", auditPath, "extra"},
	} {
		run(t, "", bad...).want(t, 2)
	}
}

func TestParseSince(t *testing.T) {
	now := time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Time
	}{
		{"", time.Time{}},
		{"24h", now.Add(-24 * time.Hour)},
		{"90m", now.Add(-90 * time.Minute)},
		{"7d", now.AddDate(0, 0, -7)},
		{"2025-03-01T08:30:00+01:00", time.Date(2025, 3, 1, 7, 30, 0, 0, time.UTC)},
		{"2025-03-01", time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)},
	} {
		got, err := parseSince(tc.in, now)
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("parseSince(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"-1h", "-2d", "soon", "2025-13-01"} {
		if _, err := parseSince(bad, now); err == nil {
			t.Errorf("parseSince(%q) accepted", bad)
		}
	}
}
