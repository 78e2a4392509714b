package iam

import (
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/awserr"
)

// reportUsers parses a report and returns its first two columns of each row after the
// header (user and arn).
func reportUsers(t *testing.T, content []byte) []string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(string(content))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows[1:] {
		out = append(out, r[0]+" "+r[1])
	}
	return out
}

// A report stands for four hours: GenerateCredentialReport keeps it (COMPLETE), then makes
// a new one (STARTED); GetCredentialReport answers ReportExpired once it is four hours old.
func TestCredentialReportLifetime(t *testing.T) {
	s, clock := openUserTestService(t)
	ctx := context.Background()
	if _, err := s.GetCredentialReport(ctx, ugAccount); !isCode(err, "ReportNotPresent") {
		t.Fatalf("before any report: %v", err)
	}
	g, err := s.GenerateCredentialReport(ctx, ugAccount)
	if err != nil || g.State != ReportStarted || g.Description != "No report exists. Starting a new report generation task" {
		t.Fatalf("the first generation: %+v %v", g, err)
	}
	first := clock.now()
	if _, err := s.CreateUser(ctx, CreateUserInput{Account: ugAccount, Name: "Ann"}); err != nil {
		t.Fatal(err)
	}
	clock.advance(credentialReportLifetime - time.Second)
	if g, err := s.GenerateCredentialReport(ctx, ugAccount); err != nil || g.State != ReportComplete || g.Description != "" {
		t.Fatalf("within four hours: %+v %v", g, err)
	}
	r, err := s.GetCredentialReport(ctx, ugAccount)
	if err != nil || !r.Generated.Equal(first) {
		t.Fatalf("the report within four hours: %+v %v", r, err)
	}
	if got := reportUsers(t, r.Content); len(got) != 1 || got[0] != "<root_account> arn:aws:iam::"+ugAccount+":root" {
		t.Fatalf("the first report's rows %q", got)
	}

	clock.advance(time.Second)
	if _, err := s.GetCredentialReport(ctx, ugAccount); !isCode(err, "ReportExpired") {
		t.Fatalf("a report four hours old: %v", err)
	}
	if g, err := s.GenerateCredentialReport(ctx, ugAccount); err != nil || g.State != ReportStarted {
		t.Fatalf("after four hours: %+v %v", g, err)
	}
	r, err = s.GetCredentialReport(ctx, ugAccount)
	if err != nil || !r.Generated.Equal(clock.now()) {
		t.Fatalf("the new report: %+v %v", r, err)
	}
	if got := reportUsers(t, r.Content); len(got) != 2 || got[1] != "Ann arn:aws:iam::"+ugAccount+":user/Ann" {
		t.Fatalf("the new report's rows %q", got)
	}
}

// An account of another partition reports its root user's and users' ARNs in it; another
// account's report is its own.
func TestCredentialReportPartitionAndAccount(t *testing.T) {
	s, _ := openUserTestService(t)
	ctx := context.Background()
	const cn = "210987654321"
	if _, _, err := s.EnsureAccountIn(ctx, "aws-cn", cn, "china", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateUser(ctx, CreateUserInput{Account: cn, Name: "li", Path: "/ops/"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GenerateCredentialReport(ctx, cn); err != nil {
		t.Fatal(err)
	}
	r, err := s.GetCredentialReport(ctx, cn)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"<root_account> arn:aws-cn:iam::" + cn + ":root", "li arn:aws-cn:iam::" + cn + ":user/ops/li"}
	if got := reportUsers(t, r.Content); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("rows %q, want %q", got, want)
	}
	if _, err := s.GetCredentialReport(ctx, ugAccount); !isCode(err, "ReportNotPresent") {
		t.Fatalf("the other account's report: %v", err)
	}
}

// isCode reports whether err is an AWS error of the code.
func isCode(err error, code string) bool {
	e, ok := awserr.As(err)
	return ok && e.Code == code
}
