package server

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// The credential report (GenerateCredentialReport, GetCredentialReport) through
// aws-sdk-go-v2 against a real server: the CSV parsed and checked column by column.

var credentialReportHeader = []string{
	"user", "arn", "user_creation_time", "password_enabled", "password_last_used", "password_last_changed",
	"password_next_rotation", "mfa_active",
	"access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date", "access_key_1_last_used_region", "access_key_1_last_used_service",
	"access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date", "access_key_2_last_used_region", "access_key_2_last_used_service",
	"cert_1_active", "cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated",
}

// crTime is a time as the report writes it.
func crTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05+00:00") }

// getCredentialReportRows fetches the report and parses it: the header, then the rows by user.
func getCredentialReportRows(t *testing.T, c *awsiam.Client) (*awsiam.GetCredentialReportOutput, [][]string) {
	t.Helper()
	out, err := c.GetCredentialReport(context.Background(), &awsiam.GetCredentialReportInput{})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(out.Content)).ReadAll()
	if err != nil {
		t.Fatalf("the report is not CSV: %v\n%s", err, out.Content)
	}
	return out, rows
}

// wantRow compares a row with the expected columns by name.
func wantRow(t *testing.T, row []string, want map[string]string) {
	t.Helper()
	if len(row) != len(credentialReportHeader) {
		t.Fatalf("row %q has %d columns, want %d", row, len(row), len(credentialReportHeader))
	}
	for i, col := range credentialReportHeader {
		w, ok := want[col]
		if !ok {
			t.Fatalf("the test gives no value for column %s", col)
		}
		if row[i] != w {
			t.Errorf("%s: column %s is %q, want %q", row[0], col, row[i], w)
		}
	}
}

// noCredentials are the columns of an owner without keys or certificates.
func noCredentials(want map[string]string) map[string]string {
	for _, n := range []string{"1", "2"} {
		want["access_key_"+n+"_active"] = "false"
		for _, col := range []string{"last_rotated", "last_used_date", "last_used_region", "last_used_service"} {
			want["access_key_"+n+"_"+col] = "N/A"
		}
		want["cert_"+n+"_active"] = "false"
		want["cert_"+n+"_last_rotated"] = "N/A"
	}
	return want
}

func TestCredentialReport(t *testing.T) {
	clock := newMFAClock()
	started := clock.Now()
	ts := startServerAt(t, "", clock.Now)
	ctx := context.Background()
	root := ts.iam(ts.root)

	// Before any report.
	_, err := root.GetCredentialReport(ctx, &awsiam.GetCredentialReportInput{})
	wantAPIError(t, err, "ReportNotPresent", 410, "")

	// alice: a password under a 90-day policy, an MFA device, two keys (the first used, the
	// second made inactive), a signing certificate.
	setPasswordPolicy(t, root, &awsiam.UpdateAccountPasswordPolicyInput{MaxPasswordAge: aws.Int32(90)})
	alice, err := root.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("alice"), Path: aws.String("/staff/")})
	if err != nil {
		t.Fatal(err)
	}
	clock.advance(time.Second)
	createProfile(t, root, "alice", lpPassword, false)
	profile, err := getProfile(t, root, "alice")
	if err != nil {
		t.Fatal(err)
	}
	serial, seed := newDevice(t, ts, "alice-mfa", "")
	enableDevice(t, ts, clock, "alice", serial, seed)
	key1, err := root.CreateAccessKey(ctx, &awsiam.CreateAccessKeyInput{UserName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	clock.advance(time.Second)
	key2, err := root.CreateAccessKey(ctx, &awsiam.CreateAccessKeyInput{UserName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := root.UpdateAccessKey(ctx, &awsiam.UpdateAccessKeyInput{UserName: aws.String("alice"),
		AccessKeyId: key2.AccessKey.AccessKeyId, Status: types.StatusTypeInactive}); err != nil {
		t.Fatal(err)
	}
	clock.advance(time.Second)
	usedAt := clock.Now()
	aliceCreds := aws.Credentials{AccessKeyID: aws.ToString(key1.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(key1.AccessKey.SecretAccessKey)}
	if _, err := ts.iam(aliceCreds).GetUser(ctx, &awsiam.GetUserInput{}); err == nil {
		t.Fatal("alice, without a policy, may GetUser")
	} // refused, but the key was used
	clock.advance(time.Second)
	cert := selfSigned(t, "alice-cert", 0)
	up, err := root.UploadSigningCertificate(ctx, &awsiam.UploadSigningCertificateInput{UserName: aws.String("alice"), CertificateBody: aws.String(cert.certPEM)})
	if err != nil {
		t.Fatal(err)
	}

	// "ops,eu": a user with nothing, whose name needs quoting in CSV.
	ops, err := root.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("ops,eu")})
	if err != nil {
		t.Fatal(err)
	}

	clock.advance(time.Second)
	gen, err := root.GenerateCredentialReport(ctx, &awsiam.GenerateCredentialReportInput{})
	if err != nil {
		t.Fatal(err)
	}
	if gen.State != types.ReportStateTypeStarted || aws.ToString(gen.Description) != "No report exists. Starting a new report generation task" {
		t.Fatalf("the first GenerateCredentialReport: %s %q", gen.State, aws.ToString(gen.Description))
	}
	generatedAt := clock.Now().UTC().Truncate(time.Second)

	// A change after the report is not in it: the report is a snapshot.
	clock.advance(time.Second)
	if _, err := root.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("later")}); err != nil {
		t.Fatal(err)
	}
	gen, err = root.GenerateCredentialReport(ctx, &awsiam.GenerateCredentialReportInput{})
	if err != nil || gen.State != types.ReportStateTypeComplete || gen.Description != nil {
		t.Fatalf("GenerateCredentialReport with a current report: %+v %v", gen, err)
	}

	out, rows := getCredentialReportRows(t, root)
	if out.ReportFormat != types.ReportFormatTypeTextCsv || !aws.ToTime(out.GeneratedTime).Equal(generatedAt) {
		t.Fatalf("ReportFormat %q, GeneratedTime %v; want text/csv, %v", out.ReportFormat, out.GeneratedTime, generatedAt)
	}
	if len(rows) != 4 {
		t.Fatalf("%d rows, want the header, the root user, alice and ops,eu:\n%s", len(rows), out.Content)
	}
	if strings.Join(rows[0], ",") != strings.Join(credentialReportHeader, ",") {
		t.Fatalf("header %q", rows[0])
	}

	// The root user: its key (the test's own) is used by every call it makes.
	rootRow := rows[1]
	created, err := time.Parse("2006-01-02T15:04:05+00:00", rootRow[2])
	if err != nil || created.Before(started.Add(-time.Minute)) || created.After(generatedAt) {
		t.Errorf("the root user's user_creation_time %q: %v", rootRow[2], err)
	}
	rootLastUsed, err := time.Parse("2006-01-02T15:04:05+00:00", rootRow[10])
	if err != nil || rootLastUsed.After(generatedAt) {
		t.Errorf("the root key's last use %q: %v", rootRow[10], err)
	}
	wantRow(t, rootRow, map[string]string{
		"user": "<root_account>", "arn": "arn:aws:iam::" + arnAcct + ":root", "user_creation_time": rootRow[2],
		"password_enabled": "not_supported", "password_last_used": "no_information", "password_last_changed": "not_supported",
		"password_next_rotation": "not_supported", "mfa_active": "false",
		"access_key_1_active": "true", "access_key_1_last_rotated": rootRow[9], "access_key_1_last_used_date": rootRow[10],
		"access_key_1_last_used_region": "us-east-1", "access_key_1_last_used_service": "iam",
		"access_key_2_active": "false", "access_key_2_last_rotated": "N/A", "access_key_2_last_used_date": "N/A",
		"access_key_2_last_used_region": "N/A", "access_key_2_last_used_service": "N/A",
		"cert_1_active": "false", "cert_1_last_rotated": "N/A", "cert_2_active": "false", "cert_2_last_rotated": "N/A",
	})

	changed := aws.ToTime(profile.LoginProfile.CreateDate)
	wantRow(t, rows[2], map[string]string{
		"user": "alice", "arn": aws.ToString(alice.User.Arn), "user_creation_time": crTime(aws.ToTime(alice.User.CreateDate)),
		"password_enabled": "true", "password_last_used": "no_information", "password_last_changed": crTime(changed),
		"password_next_rotation": crTime(changed.AddDate(0, 0, 90)), "mfa_active": "true",
		"access_key_1_active": "true", "access_key_1_last_rotated": crTime(aws.ToTime(key1.AccessKey.CreateDate)),
		"access_key_1_last_used_date": crTime(usedAt), "access_key_1_last_used_region": "us-east-1", "access_key_1_last_used_service": "iam",
		"access_key_2_active": "false", "access_key_2_last_rotated": crTime(aws.ToTime(key2.AccessKey.CreateDate)),
		"access_key_2_last_used_date": "N/A", "access_key_2_last_used_region": "N/A", "access_key_2_last_used_service": "N/A",
		"cert_1_active": "true", "cert_1_last_rotated": crTime(aws.ToTime(up.Certificate.UploadDate)),
		"cert_2_active": "false", "cert_2_last_rotated": "N/A",
	})
	if aws.ToString(alice.User.Arn) != "arn:aws:iam::"+arnAcct+":user/staff/alice" {
		t.Errorf("alice's ARN %s", aws.ToString(alice.User.Arn))
	}

	wantRow(t, rows[3], noCredentials(map[string]string{
		"user": "ops,eu", "arn": aws.ToString(ops.User.Arn), "user_creation_time": crTime(aws.ToTime(ops.User.CreateDate)),
		"password_enabled": "false", "password_last_used": "N/A", "password_last_changed": "N/A",
		"password_next_rotation": "N/A", "mfa_active": "false",
	}))
}

// TestCredentialReportDenied: a Deny of the two actions refuses both, and a refused
// GenerateCredentialReport makes no report.
func TestCredentialReportDenied(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	root := ts.iam(ts.root)
	if _, err := root.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("auditor")}); err != nil {
		t.Fatal(err)
	}
	doc := policyJSON(statement("Allow", "iam:*", "*"), statement("Deny", "iam:GenerateCredentialReport,iam:GetCredentialReport", "*"))
	if _, err := root.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("auditor"), PolicyName: aws.String("p"), PolicyDocument: aws.String(doc)}); err != nil {
		t.Fatal(err)
	}
	key, err := root.CreateAccessKey(ctx, &awsiam.CreateAccessKeyInput{UserName: aws.String("auditor")})
	if err != nil {
		t.Fatal(err)
	}
	auditor := ts.iam(aws.Credentials{AccessKeyID: aws.ToString(key.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(key.AccessKey.SecretAccessKey)})
	if _, err := auditor.ListUsers(ctx, &awsiam.ListUsersInput{}); err != nil {
		t.Fatalf("the auditor's Allow: %v", err)
	}

	_, err = auditor.GenerateCredentialReport(ctx, &awsiam.GenerateCredentialReportInput{})
	ae := apiError(t, err, "AccessDenied")
	if httpStatus(err) != 403 || !strings.Contains(ae.ErrorMessage(), "iam:GenerateCredentialReport on resource: *") {
		t.Fatalf("GenerateCredentialReport denied: %d %q", httpStatus(err), ae.ErrorMessage())
	}
	_, err = root.GetCredentialReport(ctx, &awsiam.GetCredentialReportInput{})
	wantAPIError(t, err, "ReportNotPresent", 410, "")

	if _, err := root.GenerateCredentialReport(ctx, &awsiam.GenerateCredentialReportInput{}); err != nil {
		t.Fatal(err)
	}
	_, err = auditor.GetCredentialReport(ctx, &awsiam.GetCredentialReportInput{})
	ae = apiError(t, err, "AccessDenied")
	if httpStatus(err) != 403 || !strings.Contains(ae.ErrorMessage(), "iam:GetCredentialReport on resource: *") {
		t.Fatalf("GetCredentialReport denied: %d %q", httpStatus(err), ae.ErrorMessage())
	}
}
