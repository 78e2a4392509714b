package server

import (
	"context"
	"crypto/sha1"
	"encoding/base32"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

func signingCertIDs(t *testing.T, c *awsiam.Client, user string) []string {
	t.Helper()
	in := &awsiam.ListSigningCertificatesInput{}
	if user != "" {
		in.UserName = aws.String(user)
	}
	out, err := c.ListSigningCertificates(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, sc := range out.Certificates {
		ids = append(ids, aws.ToString(sc.CertificateId)+":"+string(sc.Status))
	}
	return ids
}

func TestSigningCertificateLifecycle(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	if _, err := c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("bob")}); err != nil {
		t.Fatal(err)
	}
	a, b, third := selfSigned(t, "bob-1", 0), selfSigned(t, "bob-2", 1), selfSigned(t, "bob-3", 2)

	up, err := c.UploadSigningCertificate(ctx, &awsiam.UploadSigningCertificateInput{UserName: aws.String("bob"), CertificateBody: aws.String(a.certPEM)})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha1.Sum(a.cert.Raw)
	wantID := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:])
	got := up.Certificate
	if aws.ToString(got.CertificateId) != wantID || aws.ToString(got.UserName) != "bob" || got.Status != types.StatusTypeActive ||
		aws.ToString(got.CertificateBody) != a.certPEM || time.Since(aws.ToTime(got.UploadDate)) > time.Minute {
		t.Fatalf("uploaded %+v, want id %s", got, wantID)
	}
	idA := wantID

	// The same certificate cannot be uploaded again, for this user or another.
	_, err = c.UploadSigningCertificate(ctx, &awsiam.UploadSigningCertificateInput{UserName: aws.String("bob"), CertificateBody: aws.String(a.certPEM)})
	wantError(t, err, "DuplicateCertificate", 409, "The same certificate is already associated with an IAM user in the account.")
	if _, err := c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("carol")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.UploadSigningCertificate(ctx, &awsiam.UploadSigningCertificateInput{UserName: aws.String("carol"), CertificateBody: aws.String(a.certPEM)})
	apiError(t, err, "DuplicateCertificate")

	up2, err := c.UploadSigningCertificate(ctx, &awsiam.UploadSigningCertificateInput{UserName: aws.String("bob"), CertificateBody: aws.String(b.certPEM)})
	if err != nil {
		t.Fatal(err)
	}
	idB := aws.ToString(up2.Certificate.CertificateId)
	// SigningCertificatesPerUser: 2.
	_, err = c.UploadSigningCertificate(ctx, &awsiam.UploadSigningCertificateInput{UserName: aws.String("bob"), CertificateBody: aws.String(third.certPEM)})
	wantError(t, err, "LimitExceeded", 409, "Cannot exceed quota for SigningCertificatesPerUser: 2")

	if got := strings.Join(signingCertIDs(t, c, "bob"), ","); got != idA+":Active,"+idB+":Active" {
		t.Fatalf("list %s", got)
	}
	if _, err := c.UpdateSigningCertificate(ctx, &awsiam.UpdateSigningCertificateInput{UserName: aws.String("bob"), CertificateId: aws.String(idA), Status: types.StatusTypeInactive}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(signingCertIDs(t, c, "bob"), ","); got != idA+":Inactive,"+idB+":Active" {
		t.Fatalf("list after update %s", got)
	}
	st, err := ts.srv.iam.SigningCertificateStatuses(ctx, "123456789012", "bob")
	if err != nil || len(st) != 2 || st[0].Active || !st[1].Active || st[0].UploadDate.IsZero() {
		t.Fatalf("statuses %+v %v", st, err)
	}

	// A renamed user keeps its certificates.
	if _, err := c.UpdateUser(ctx, &awsiam.UpdateUserInput{UserName: aws.String("bob"), NewUserName: aws.String("robert")}); err != nil {
		t.Fatal(err)
	}
	list, err := c.ListSigningCertificates(ctx, &awsiam.ListSigningCertificatesInput{UserName: aws.String("robert")})
	if err != nil || len(list.Certificates) != 2 || aws.ToString(list.Certificates[0].UserName) != "robert" {
		t.Fatalf("after rename %+v %v", list, err)
	}

	// Errors.
	for _, tt := range []struct {
		name   string
		call   func() error
		code   string
		status int
		msg    string
	}{
		{"update unknown id", func() error {
			_, err := c.UpdateSigningCertificate(ctx, &awsiam.UpdateSigningCertificateInput{UserName: aws.String("robert"), CertificateId: aws.String(strings.Repeat("A", 32)), Status: types.StatusTypeActive})
			return err
		}, "NoSuchEntity", 404, "The Certificate with id " + strings.Repeat("A", 32) + " cannot be found."},
		{"another user's certificate", func() error {
			_, err := c.DeleteSigningCertificate(ctx, &awsiam.DeleteSigningCertificateInput{UserName: aws.String("carol"), CertificateId: aws.String(idA)})
			return err
		}, "NoSuchEntity", 404, "The Certificate with id " + idA + " cannot be found."},
		{"bad status", func() error {
			_, err := c.UpdateSigningCertificate(ctx, &awsiam.UpdateSigningCertificateInput{UserName: aws.String("robert"), CertificateId: aws.String(idA), Status: "Paused"})
			return err
		}, "ValidationError", 400, "1 validation error detected: Value 'Paused' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive, Expired]"},
		{"short id", func() error {
			_, err := c.DeleteSigningCertificate(ctx, &awsiam.DeleteSigningCertificateInput{UserName: aws.String("robert"), CertificateId: aws.String("ABC")})
			return err
		}, "ValidationError", 400, "1 validation error detected: Value 'ABC' at 'certificateId' failed to satisfy constraint: Member must have length greater than or equal to 24"},
		{"malformed", func() error {
			_, err := c.UploadSigningCertificate(ctx, &awsiam.UploadSigningCertificateInput{UserName: aws.String("carol"), CertificateBody: aws.String("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")})
			return err
		}, "MalformedCertificate", 400, "Unable to parse certificate. Please ensure the certificate is in PEM format."},
		{"expired", func() error {
			now := time.Now()
			old := makeCert(t, "old", testRSAKey(t, 3), nil, false, now.AddDate(-2, 0, 0), now.AddDate(-1, 0, 0))
			_, err := c.UploadSigningCertificate(ctx, &awsiam.UploadSigningCertificateInput{UserName: aws.String("carol"), CertificateBody: aws.String(old.certPEM)})
			return err
		}, "InvalidCertificate", 400, "The certificate is not valid at this time: it is expired or not yet valid."},
		{"no such user", func() error {
			_, err := c.UploadSigningCertificate(ctx, &awsiam.UploadSigningCertificateInput{UserName: aws.String("nobody"), CertificateBody: aws.String(third.certPEM)})
			return err
		}, "NoSuchEntity", 404, "The user with name nobody cannot be found."},
	} {
		t.Run(tt.name, func(t *testing.T) { wantError(t, tt.call(), tt.code, tt.status, tt.msg) })
	}
	if got := signingCertIDs(t, c, "carol"); len(got) != 0 {
		t.Fatalf("carol has %v after refusals", got)
	}

	// DeleteUser refuses while the user has a signing certificate.
	_, err = c.DeleteUser(ctx, &awsiam.DeleteUserInput{UserName: aws.String("robert")})
	wantError(t, err, "DeleteConflict", 409, "Cannot delete entity, must delete signing certificates first.")
	for _, id := range []string{idA, idB} {
		if _, err := c.DeleteSigningCertificate(ctx, &awsiam.DeleteSigningCertificateInput{UserName: aws.String("robert"), CertificateId: aws.String(id)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.DeleteUser(ctx, &awsiam.DeleteUserInput{UserName: aws.String("robert")}); err != nil {
		t.Fatal(err)
	}
	// A deleted certificate can be uploaded again, by another user.
	if _, err := c.UploadSigningCertificate(ctx, &awsiam.UploadSigningCertificateInput{UserName: aws.String("carol"), CertificateBody: aws.String(a.certPEM)}); err != nil {
		t.Fatal(err)
	}
}

// TestSigningCertificatesOfTheCaller: without UserName the calls act on the calling user, or
// on the root user for root credentials.
func TestSigningCertificatesOfTheCaller(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	root := ts.iam(ts.root)
	dana := ts.iam(userWithKey(t, ts, "dana", ""))
	if _, err := root.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("dana"), PolicyName: aws.String("own"), PolicyDocument: aws.String(policyJSON(
		statement("Allow", "iam:*SigningCertificate*", "arn:aws:iam::123456789012:user/dana")))}); err != nil {
		t.Fatal(err)
	}
	mine := selfSigned(t, "dana", 0)
	up, err := dana.UploadSigningCertificate(ctx, &awsiam.UploadSigningCertificateInput{CertificateBody: aws.String(mine.certPEM)})
	if err != nil || aws.ToString(up.Certificate.UserName) != "dana" {
		t.Fatalf("own upload %+v %v", up, err)
	}
	if got := signingCertIDs(t, root, "dana"); len(got) != 1 {
		t.Fatalf("dana's certificates %v", got)
	}
	// The root user's own certificates.
	if n := summaryValue(t, root, "AccountSigningCertificatesPresent"); n != 0 {
		t.Fatalf("AccountSigningCertificatesPresent %d with a user's certificate only", n)
	}
	rootCert := selfSigned(t, "root", 1)
	rup, err := root.UploadSigningCertificate(ctx, &awsiam.UploadSigningCertificateInput{CertificateBody: aws.String(rootCert.certPEM)})
	if err != nil || rup.Certificate.UserName != nil {
		t.Fatalf("root upload %+v %v", rup, err)
	}
	if got := signingCertIDs(t, root, ""); len(got) != 1 || !strings.HasPrefix(got[0], aws.ToString(rup.Certificate.CertificateId)) {
		t.Fatalf("root's certificates %v", got)
	}
	if n := summaryValue(t, root, "AccountSigningCertificatesPresent"); n != 1 {
		t.Fatalf("AccountSigningCertificatesPresent %d with a root certificate", n)
	}

	// Denied on another user: AccessDenied on that user's ARN, and nothing changes.
	if _, err := root.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("erin"), Path: aws.String("/staff/")}); err != nil {
		t.Fatal(err)
	}
	other := selfSigned(t, "erin", 2)
	_, err = dana.UploadSigningCertificate(ctx, &awsiam.UploadSigningCertificateInput{UserName: aws.String("erin"), CertificateBody: aws.String(other.certPEM)})
	ae := apiError(t, err, "AccessDenied")
	if httpStatus(err) != 403 || !strings.Contains(ae.ErrorMessage(), "iam:UploadSigningCertificate on resource: arn:aws:iam::123456789012:user/staff/erin") {
		t.Fatalf("denied: %v", err)
	}
	_, err = dana.UpdateSigningCertificate(ctx, &awsiam.UpdateSigningCertificateInput{UserName: aws.String("erin"), CertificateId: up.Certificate.CertificateId, Status: types.StatusTypeInactive})
	apiError(t, err, "AccessDenied")
	if got := signingCertIDs(t, root, "erin"); len(got) != 0 {
		t.Fatalf("erin's certificates after the refusal: %v", got)
	}
}
