package iam

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"sort"
	"time"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/docstore"
)

// The credential report (GenerateCredentialReport, GetCredentialReport; IAM User Guide,
// "Generate credential reports for your AWS account"): a CSV of the account's root user and
// users with the state of their passwords, MFA, access keys and signing certificates. It is
// a snapshot made in one read of the store when it is generated, and kept, one per account,
// until the next; it holds no secret.

// colCredentialReport holds each account's latest credential report, by account id.
const colCredentialReport = "iam.credential-report"

// credentialReportLifetime is how long a report is current: AWS generates one at most every
// four hours, and a report older than that has expired.
const credentialReportLifetime = 4 * time.Hour

// The states GenerateCredentialReport answers with (ReportStateType; iamd makes a report
// at once, so it is never INPROGRESS).
const (
	ReportStarted  = "STARTED"
	ReportComplete = "COMPLETE"
)

// reportStartedDescription is AWS's Description of a report generation it starts.
const reportStartedDescription = "No report exists. Starting a new report generation task"

// credentialReportDoc is a stored report.
type credentialReportDoc struct {
	Account   string    `json:"account"`
	Generated time.Time `json:"generated"`
	CSV       string    `json:"csv"`
}

// CredentialReport is a generated report: the CSV and when it was made.
type CredentialReport struct {
	Content   []byte
	Generated time.Time
}

// ReportGeneration is GenerateCredentialReport's answer: the report's state and AWS's
// description of it ("" when there is none).
type ReportGeneration struct {
	State       string
	Description string
}

// The errors of GetCredentialReport. AWS sends them without a message.
func errReportNotPresent() error { return &awserr.Error{Code: "ReportNotPresent"} }
func errReportExpired() error    { return &awserr.Error{Code: "ReportExpired"} }

// GenerateCredentialReport makes the account's credential report unless one younger than
// four hours exists: STARTED with AWS's description when it makes one, COMPLETE when the
// current one stands.
func (s *Service) GenerateCredentialReport(ctx context.Context, account string) (*ReportGeneration, error) {
	now := s.clock()
	current, err := s.storedCredentialReport(ctx, account)
	if err != nil {
		return nil, err
	}
	if current != nil && now.Sub(current.Generated) < credentialReportLifetime {
		return &ReportGeneration{State: ReportComplete}, nil
	}
	var content []byte
	err = s.view(ctx, func(tx docstore.Tx) (err error) {
		content, err = s.credentialReportCSV(tx, account)
		return err
	})
	if err != nil {
		return nil, err
	}
	doc := credentialReportDoc{Account: account, Generated: now, CSV: string(content)}
	// A report is not an IAM change: the generation stays.
	err = s.store.Update(ctx, func(tx docstore.Tx) error {
		return tx.Put(docstore.Key{Collection: colCredentialReport, Account: account, ID: account}, &doc)
	})
	if err != nil {
		return nil, err
	}
	return &ReportGeneration{State: ReportStarted, Description: reportStartedDescription}, nil
}

// GetCredentialReport returns the account's current credential report: ReportNotPresent
// before one was generated, ReportExpired once it is four hours old.
func (s *Service) GetCredentialReport(ctx context.Context, account string) (*CredentialReport, error) {
	doc, err := s.storedCredentialReport(ctx, account)
	switch {
	case err != nil:
		return nil, err
	case doc == nil:
		return nil, errReportNotPresent()
	case s.clock().Sub(doc.Generated) >= credentialReportLifetime:
		return nil, errReportExpired()
	}
	return &CredentialReport{Content: []byte(doc.CSV), Generated: doc.Generated}, nil
}

// storedCredentialReport reads the account's report (nil when there is none).
func (s *Service) storedCredentialReport(ctx context.Context, account string) (*credentialReportDoc, error) {
	var doc credentialReportDoc
	err := s.view(ctx, func(tx docstore.Tx) error {
		return tx.Get(docstore.Key{Collection: colCredentialReport, Account: account, ID: account}, &doc)
	})
	switch {
	case errors.Is(err, docstore.ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, err
	}
	return &doc, nil
}

// credentialReportColumns are the report's columns, in AWS's order.
var credentialReportColumns = []string{
	"user", "arn", "user_creation_time",
	"password_enabled", "password_last_used", "password_last_changed", "password_next_rotation",
	"mfa_active",
	"access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date",
	"access_key_1_last_used_region", "access_key_1_last_used_service",
	"access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date",
	"access_key_2_last_used_region", "access_key_2_last_used_service",
	"cert_1_active", "cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated",
}

// The report's words for what a column does not apply to, what is not known, and what the
// root user has no such thing as.
const (
	reportNotApplicable = "N/A"
	reportNoInformation = "no_information"
	reportNotSupported  = "not_supported"
	rootAccountUser     = "<root_account>"
)

// reportTime is a time as the report writes it (ISO 8601, UTC, "+00:00").
func reportTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05+00:00") }

// reportTimeOr is reportTime, or none for a zero time.
func reportTimeOr(t time.Time, none string) string {
	if t.IsZero() {
		return none
	}
	return reportTime(t)
}

func reportBool(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// credentialReportCSV reads the account in the transaction and writes its report: the root
// user's row, then each user's, in name order. The users are read one at a time as the
// store lists them (not all decoded at once), each with its login profile by key.
func (s *Service) credentialReportCSV(tx docstore.Tx, account string) ([]byte, error) {
	var a Account
	if err := loadAccountDoc(tx, account, &a); err != nil {
		return nil, err
	}
	policy, err := getPasswordPolicy(tx, account)
	if err != nil {
		return nil, err
	}
	mfa, err := usersWithActiveMFA(tx, account)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write(credentialReportColumns); err != nil {
		return nil, err
	}

	// The root user: its password is not reported (not_supported), nor when it was last
	// used, which iamd, having no console, never knows.
	row := []string{rootAccountUser, RootARN(a.Partition, account), reportTime(a.CreateDate),
		reportNotSupported, reportNoInformation, reportNotSupported, reportNotSupported, reportBool(false)}
	if row, err = s.appendCredentialColumns(tx, account, credentialOwner{key: rootOwner}, "", row); err != nil {
		return nil, err
	}
	if err := w.Write(row); err != nil {
		return nil, err
	}

	err = tx.List(colUser, account, "", "", func(_ string, raw []byte) error {
		var u User
		if err := json.Unmarshal(raw, &u); err != nil {
			return err
		}
		return s.writeUserRow(tx, w, account, &u, policy, mfa)
	})
	if err != nil {
		return nil, err
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// writeUserRow writes a user's row of the credential report.
func (s *Service) writeUserRow(tx docstore.Tx, w *csv.Writer, account string, u *User, policy *PasswordPolicy, mfa map[string]bool) error {
	profile, enabled, err := getLoginProfile(tx, account, u.Name)
	if err != nil {
		return err
	}
	pw := PasswordStatus{}
	if enabled {
		pw = PasswordStatus{Enabled: true, LastChanged: profile.PasswordLastChanged, NextRotation: policy.expiresAt(profile.PasswordLastChanged)}
	}
	row := []string{u.Name, u.ARN(), reportTime(u.CreateDate), reportBool(pw.Enabled)}
	if pw.Enabled {
		// iamd has no console: a password is never used to sign in.
		row = append(row, reportNoInformation, reportTime(pw.LastChanged), reportTimeOr(pw.NextRotation, reportNotApplicable))
	} else {
		row = append(row, reportNotApplicable, reportNotApplicable, reportNotApplicable)
	}
	row = append(row, reportBool(mfa[u.ID]))
	if row, err = s.appendCredentialColumns(tx, account, credentialOwner{key: u.ID, name: u.Name}, u.Name, row); err != nil {
		return err
	}
	return w.Write(row)
}

// appendCredentialColumns appends an owner's access key and signing certificate columns:
// its first two keys and certificates, the oldest first.
func (s *Service) appendCredentialColumns(tx docstore.Tx, account string, o credentialOwner, userName string, row []string) ([]string, error) {
	keys, err := keysOf(tx, account, userName)
	if err != nil {
		return nil, err
	}
	sort.SliceStable(keys, func(i, j int) bool { return keys[i].CreateDate.Before(keys[j].CreateDate) })
	for i := 0; i < 2; i++ {
		if i >= len(keys) {
			row = append(row, reportBool(false), reportNotApplicable, reportNotApplicable, reportNotApplicable, reportNotApplicable)
			continue
		}
		k := &keys[i]
		row = append(row, reportBool(k.Status == "Active"), reportTime(k.CreateDate))
		if u := k.LastUsed; u != nil && !u.Date.IsZero() {
			row = append(row, reportTime(u.Date), orNotApplicable(u.Region), orNotApplicable(u.Service))
		} else {
			row = append(row, reportNotApplicable, reportNotApplicable, reportNotApplicable)
		}
	}
	certs, err := s.signingCertificateStatusesOf(tx, account, o)
	if err != nil {
		return nil, err
	}
	for i := 0; i < 2; i++ {
		if i >= len(certs) {
			row = append(row, reportBool(false), reportNotApplicable)
			continue
		}
		row = append(row, reportBool(certs[i].Active), reportTime(certs[i].UploadDate))
	}
	return row, nil
}

func orNotApplicable(v string) string {
	if v == "" {
		return reportNotApplicable
	}
	return v
}
