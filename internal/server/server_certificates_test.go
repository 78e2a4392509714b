package server

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

const scARNPrefix = "arn:aws:iam::123456789012:server-certificate"

// testChain is a root CA, an intermediate it signed, and a leaf the intermediate signed.
func testChain(t *testing.T) (root, inter, leaf *testCert) {
	t.Helper()
	now := time.Now()
	root = makeCert(t, "Test Root CA", testRSAKey(t, 0), nil, true, now.Add(-time.Hour), now.AddDate(5, 0, 0))
	inter = makeCert(t, "Test Intermediate", testRSAKey(t, 1), root, true, now.Add(-time.Hour), now.AddDate(3, 0, 0))
	leaf = makeCert(t, "www.example.com", testRSAKey(t, 2), inter, false, now.Add(-time.Hour), now.AddDate(1, 0, 0))
	return root, inter, leaf
}

func uploadSC(ctx context.Context, c *awsiam.Client, name, path string, cert *testCert, chain string) (*awsiam.UploadServerCertificateOutput, error) {
	in := &awsiam.UploadServerCertificateInput{
		ServerCertificateName: aws.String(name), CertificateBody: aws.String(cert.certPEM), PrivateKey: aws.String(cert.keyPEM),
	}
	if path != "" {
		in.Path = aws.String(path)
	}
	if chain != "" {
		in.CertificateChain = aws.String(chain)
	}
	return c.UploadServerCertificate(ctx, in)
}

func scNames(t *testing.T, c *awsiam.Client, prefix string) []string {
	t.Helper()
	in := &awsiam.ListServerCertificatesInput{}
	if prefix != "" {
		in.PathPrefix = aws.String(prefix)
	}
	out, err := c.ListServerCertificates(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range out.ServerCertificateMetadataList {
		names = append(names, aws.ToString(m.ServerCertificateName))
	}
	return names
}

func TestServerCertificateLifecycle(t *testing.T) {
	dir := t.TempDir()
	ts := startServer(t, dir)
	ctx := context.Background()
	c := ts.iam(ts.root)
	root, inter, leaf := testChain(t)

	up, err := c.UploadServerCertificate(ctx, &awsiam.UploadServerCertificateInput{
		ServerCertificateName: aws.String("www"), Path: aws.String("/cloudfront/"),
		CertificateBody: aws.String(leaf.certPEM), PrivateKey: aws.String(leaf.keyPEM),
		CertificateChain: aws.String(inter.certPEM + root.certPEM),
		Tags:             []types.Tag{{Key: aws.String("team"), Value: aws.String("web")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	m := up.ServerCertificateMetadata
	id := aws.ToString(m.ServerCertificateId)
	if !strings.HasPrefix(id, "ASCA") || len(id) != 21 || aws.ToString(m.Arn) != scARNPrefix+"/cloudfront/www" ||
		aws.ToString(m.Path) != "/cloudfront/" || aws.ToString(m.ServerCertificateName) != "www" {
		t.Fatalf("metadata %+v", m)
	}
	if !aws.ToTime(m.Expiration).Equal(leaf.cert.NotAfter.Truncate(time.Second)) || time.Since(aws.ToTime(m.UploadDate)) > time.Minute {
		t.Fatalf("expiration %v (certificate's %v), upload date %v", m.Expiration, leaf.cert.NotAfter, m.UploadDate)
	}
	if tagString(up.Tags) != "team=web" {
		t.Fatalf("tags %v", up.Tags)
	}

	got, err := c.GetServerCertificate(ctx, &awsiam.GetServerCertificateInput{ServerCertificateName: aws.String("WWW")})
	if err != nil {
		t.Fatal(err)
	}
	sc := got.ServerCertificate
	if aws.ToString(sc.CertificateBody) != leaf.certPEM || aws.ToString(sc.CertificateChain) != inter.certPEM+root.certPEM ||
		aws.ToString(sc.ServerCertificateMetadata.ServerCertificateId) != id || tagString(sc.Tags) != "team=web" {
		t.Fatalf("get %+v", sc)
	}

	// An EC key pair, without a chain, in another path.
	ec := ecKey(t)
	now := time.Now()
	ecCert := makeCert(t, "api.example.com", ec, nil, false, now.Add(-time.Hour), now.AddDate(0, 6, 0))
	if _, err := uploadSC(ctx, c, "api", "", ecCert, ""); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(scNames(t, c, ""), ","); got != "api,www" {
		t.Fatalf("list %s", got)
	}
	if n := summaryValue(t, c, "ServerCertificates"); n != 2 {
		t.Fatalf("GetAccountSummary counts %d server certificates", n)
	}
	if got := strings.Join(scNames(t, c, "/cloudfront/"), ","); got != "www" {
		t.Fatalf("list under /cloudfront/: %s", got)
	}
	// Pages.
	p1, err := c.ListServerCertificates(ctx, &awsiam.ListServerCertificatesInput{MaxItems: aws.Int32(1)})
	if err != nil || len(p1.ServerCertificateMetadataList) != 1 || !p1.IsTruncated || p1.Marker == nil {
		t.Fatalf("page 1 %+v %v", p1, err)
	}
	p2, err := c.ListServerCertificates(ctx, &awsiam.ListServerCertificatesInput{MaxItems: aws.Int32(1), Marker: p1.Marker})
	if err != nil || len(p2.ServerCertificateMetadataList) != 1 || p2.IsTruncated || aws.ToString(p2.ServerCertificateMetadataList[0].ServerCertificateName) != "www" {
		t.Fatalf("page 2 %+v %v", p2, err)
	}

	// Tags.
	if _, err := c.TagServerCertificate(ctx, &awsiam.TagServerCertificateInput{ServerCertificateName: aws.String("www"),
		Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("prod")}, {Key: aws.String("Team"), Value: aws.String("edge")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UntagServerCertificate(ctx, &awsiam.UntagServerCertificateInput{ServerCertificateName: aws.String("www"), TagKeys: []string{"env"}}); err != nil {
		t.Fatal(err)
	}
	tags, err := c.ListServerCertificateTags(ctx, &awsiam.ListServerCertificateTagsInput{ServerCertificateName: aws.String("www")})
	if err != nil || tagString(tags.Tags) != "Team=edge" || tags.IsTruncated {
		t.Fatalf("tags %+v %v", tags, err)
	}

	// Rename and move: the old name is gone, the new one has the new ARN and the same id.
	if _, err := c.UpdateServerCertificate(ctx, &awsiam.UpdateServerCertificateInput{ServerCertificateName: aws.String("www"),
		NewServerCertificateName: aws.String("www-2026"), NewPath: aws.String("/elb/")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetServerCertificate(ctx, &awsiam.GetServerCertificateInput{ServerCertificateName: aws.String("www")})
	wantError(t, err, "NoSuchEntity", 404, "The Server Certificate with name www cannot be found.")
	got, err = c.GetServerCertificate(ctx, &awsiam.GetServerCertificateInput{ServerCertificateName: aws.String("www-2026")})
	if err != nil || aws.ToString(got.ServerCertificate.ServerCertificateMetadata.Arn) != scARNPrefix+"/elb/www-2026" ||
		aws.ToString(got.ServerCertificate.ServerCertificateMetadata.ServerCertificateId) != id {
		t.Fatalf("renamed %+v %v", got, err)
	}
	_, err = c.UpdateServerCertificate(ctx, &awsiam.UpdateServerCertificateInput{ServerCertificateName: aws.String("www-2026"), NewServerCertificateName: aws.String("API")})
	wantError(t, err, "EntityAlreadyExists", 409, "The Server Certificate with name API already exists.")

	// Delete.
	if _, err := c.DeleteServerCertificate(ctx, &awsiam.DeleteServerCertificateInput{ServerCertificateName: aws.String("www-2026")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteServerCertificate(ctx, &awsiam.DeleteServerCertificateInput{ServerCertificateName: aws.String("www-2026")})
	wantError(t, err, "NoSuchEntity", 404, "The Server Certificate with name www-2026 cannot be found.")
	for _, call := range []func() error{
		func() error {
			_, err := c.UpdateServerCertificate(ctx, &awsiam.UpdateServerCertificateInput{ServerCertificateName: aws.String("gone"), NewPath: aws.String("/x/")})
			return err
		},
		func() error {
			_, err := c.TagServerCertificate(ctx, &awsiam.TagServerCertificateInput{ServerCertificateName: aws.String("gone"), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
			return err
		},
		func() error {
			_, err := c.UntagServerCertificate(ctx, &awsiam.UntagServerCertificateInput{ServerCertificateName: aws.String("gone"), TagKeys: []string{"k"}})
			return err
		},
		func() error {
			_, err := c.ListServerCertificateTags(ctx, &awsiam.ListServerCertificateTagsInput{ServerCertificateName: aws.String("gone")})
			return err
		},
	} {
		wantError(t, call(), "NoSuchEntity", 404, "The Server Certificate with name gone cannot be found.")
	}

	// The private key is sealed at rest: no line of its PEM is in the database files.
	ts.stop()
	files, _ := filepath.Glob(filepath.Join(dir, "iamd.db*"))
	if len(files) == 0 {
		t.Fatal("no database files")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, key := range []string{leaf.keyPEM, ecCert.keyPEM} {
			for _, line := range strings.Split(key, "\n") {
				if len(line) > 40 && strings.Contains(string(data), line) {
					t.Fatalf("%s holds a line of a private key in plaintext", f)
				}
			}
		}
	}
}

func TestServerCertificateRefusals(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	root, inter, leaf := testChain(t)
	other := selfSigned(t, "other.example.com", 3)
	now := time.Now()
	expired := makeCert(t, "old.example.com", testRSAKey(t, 4), nil, false, now.AddDate(-2, 0, 0), now.AddDate(-1, 0, 0))

	tests := []struct {
		name                string
		in                  awsiam.UploadServerCertificateInput
		code                string
		status              int
		msg                 string
		msgContains, noLeak string
	}{
		{name: "body not PEM", in: awsiam.UploadServerCertificateInput{CertificateBody: aws.String("hello"), PrivateKey: aws.String(leaf.keyPEM)},
			code: "MalformedCertificate", status: 400, msg: "Unable to parse certificate. Please ensure the certificate is in PEM format."},
		{name: "body is a key", in: awsiam.UploadServerCertificateInput{CertificateBody: aws.String(leaf.keyPEM), PrivateKey: aws.String(leaf.keyPEM)},
			code: "MalformedCertificate", status: 400, msg: "Unable to parse certificate. Please ensure the certificate is in PEM format."},
		{name: "key not PEM", in: awsiam.UploadServerCertificateInput{CertificateBody: aws.String(leaf.certPEM), PrivateKey: aws.String("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")},
			code: "MalformedCertificate", status: 400, msg: "Unable to parse private key. Please ensure the private key is in PEM format."},
		{name: "another certificate's key", in: awsiam.UploadServerCertificateInput{CertificateBody: aws.String(leaf.certPEM), PrivateKey: aws.String(other.keyPEM)},
			code: "KeyPairMismatch", status: 400, msg: "Public key certificate and private key doesn't match."},
		{name: "chain in the wrong order", in: awsiam.UploadServerCertificateInput{CertificateBody: aws.String(leaf.certPEM), PrivateKey: aws.String(leaf.keyPEM), CertificateChain: aws.String(root.certPEM + inter.certPEM)},
			code: "MalformedCertificate", status: 400, msg: "Unable to validate certificate chain. The certificate chain must start with the immediate signing certificate, followed by any intermediaries in order. The index within the chain of the invalid certificate is: 0"},
		{name: "chain of another certificate", in: awsiam.UploadServerCertificateInput{CertificateBody: aws.String(leaf.certPEM), PrivateKey: aws.String(leaf.keyPEM), CertificateChain: aws.String(inter.certPEM + other.certPEM)},
			code: "MalformedCertificate", status: 400, msg: "Unable to validate certificate chain. The certificate chain must start with the immediate signing certificate, followed by any intermediaries in order. The index within the chain of the invalid certificate is: 1"},
		{name: "chain not PEM", in: awsiam.UploadServerCertificateInput{CertificateBody: aws.String(leaf.certPEM), PrivateKey: aws.String(leaf.keyPEM), CertificateChain: aws.String("junk")},
			code: "MalformedCertificate", status: 400, msg: "Unable to parse certificate chain. Please ensure the certificate chain is in PEM format."},
		{name: "expired", in: awsiam.UploadServerCertificateInput{CertificateBody: aws.String(expired.certPEM), PrivateKey: aws.String(expired.keyPEM)},
			code: "MalformedCertificate", status: 400, msg: "Certificate is expired."},
		{name: "bad name", in: awsiam.UploadServerCertificateInput{ServerCertificateName: aws.String("a b"), CertificateBody: aws.String(leaf.certPEM), PrivateKey: aws.String(leaf.keyPEM)},
			code: "ValidationError", status: 400, msg: `1 validation error detected: Value 'a b' at 'serverCertificateName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`},
		{name: "bad path", in: awsiam.UploadServerCertificateInput{Path: aws.String("nopath"), CertificateBody: aws.String(leaf.certPEM), PrivateKey: aws.String(leaf.keyPEM)},
			code: "ValidationError", status: 400, msgContains: "at 'path' failed to satisfy constraint"},
		{name: "key too long, not echoed", in: awsiam.UploadServerCertificateInput{CertificateBody: aws.String(leaf.certPEM), PrivateKey: aws.String(leaf.keyPEM + strings.Repeat("A", 16384))},
			code: "ValidationError", status: 400, msg: "1 validation error detected: Value at 'privateKey' failed to satisfy constraint: Member must have length less than or equal to 16384", noLeak: leaf.keyPEM[40:80]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			if in.ServerCertificateName == nil {
				in.ServerCertificateName = aws.String("bad")
			}
			_, err := c.UploadServerCertificate(ctx, &in)
			wantError(t, err, tt.code, tt.status, tt.msg)
			if tt.msgContains != "" && !strings.Contains(err.Error(), tt.msgContains) {
				t.Fatalf("%v, want it to contain %q", err, tt.msgContains)
			}
			if tt.noLeak != "" && strings.Contains(err.Error(), tt.noLeak) {
				t.Fatalf("the error repeats the private key: %v", err)
			}
		})
	}
	if names := scNames(t, c, ""); len(names) != 0 {
		t.Fatalf("refused uploads stored %v", names)
	}

	// A name is taken once, whatever its case.
	if _, err := uploadSC(ctx, c, "site", "", leaf, inter.certPEM); err != nil {
		t.Fatal(err)
	}
	_, err := uploadSC(ctx, c, "SITE", "", other, "")
	wantError(t, err, "EntityAlreadyExists", 409, "The Server Certificate with name SITE already exists.")

	// ServerCertificatesPerAccount: 20.
	for i := 1; i < 20; i++ {
		if _, err := uploadSC(ctx, c, fmt.Sprintf("site-%02d", i), "", other, ""); err != nil {
			t.Fatal(err)
		}
	}
	_, err = uploadSC(ctx, c, "one-too-many", "", other, "")
	wantError(t, err, "LimitExceeded", 409, "Cannot exceed quota for ServerCertificatesPerAccount: 20")
	if n := len(scNames(t, c, "")); n != 20 {
		t.Fatalf("%d certificates after the refusal", n)
	}
}

func TestServerCertificateDenied(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	root := ts.iam(ts.root)
	leaf := selfSigned(t, "www.example.com", 3)
	if _, err := uploadSC(ctx, root, "www", "/edge/", leaf, ""); err != nil {
		t.Fatal(err)
	}
	creds := userWithKey(t, ts, "ops", "")
	if _, err := root.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("ops"), PolicyName: aws.String("p"), PolicyDocument: aws.String(policyJSON(
		statement("Allow", "iam:*", "*"), statement("Deny", "iam:*", scARNPrefix+"/edge/*")))}); err != nil {
		t.Fatal(err)
	}
	ops := ts.iam(creds)
	for action, call := range map[string]func() error{
		"UpdateServerCertificate": func() error {
			_, err := ops.UpdateServerCertificate(ctx, &awsiam.UpdateServerCertificateInput{ServerCertificateName: aws.String("www"), NewServerCertificateName: aws.String("moved")})
			return err
		},
		"DeleteServerCertificate": func() error {
			_, err := ops.DeleteServerCertificate(ctx, &awsiam.DeleteServerCertificateInput{ServerCertificateName: aws.String("www")})
			return err
		},
		"TagServerCertificate": func() error {
			_, err := ops.TagServerCertificate(ctx, &awsiam.TagServerCertificateInput{ServerCertificateName: aws.String("www"), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
			return err
		},
		"UploadServerCertificate": func() error {
			_, err := uploadSC(ctx, ops, "www2", "/edge/", leaf, "")
			return err
		},
	} {
		err := call()
		ae := apiError(t, err, "AccessDenied")
		want := "is not authorized to perform: iam:" + action + " on resource: " + scARNPrefix + "/edge/"
		if httpStatus(err) != 403 || !strings.Contains(ae.ErrorMessage(), want) {
			t.Errorf("%s: %v, want %q", action, err, want)
		}
	}
	// Moving a certificate into the denied path is refused on the new ARN.
	if _, err := uploadSC(ctx, root, "free", "/open/", leaf, ""); err != nil {
		t.Fatal(err)
	}
	_, err := ops.UpdateServerCertificate(ctx, &awsiam.UpdateServerCertificateInput{ServerCertificateName: aws.String("free"), NewPath: aws.String("/edge/")})
	if ae := apiError(t, err, "AccessDenied"); !strings.Contains(ae.ErrorMessage(), "iam:UpdateServerCertificate on resource: "+scARNPrefix+"/edge/free") {
		t.Fatalf("move into the denied path: %v", err)
	}
	if _, err := ops.UpdateServerCertificate(ctx, &awsiam.UpdateServerCertificateInput{ServerCertificateName: aws.String("free"), NewServerCertificateName: aws.String("free2")}); err != nil {
		t.Fatalf("a rename within the allowed path: %v", err)
	}
	if _, err := ops.UpdateServerCertificate(ctx, &awsiam.UpdateServerCertificateInput{ServerCertificateName: aws.String("free2"), NewServerCertificateName: aws.String("free")}); err != nil {
		t.Fatal(err)
	}
	got, err := root.GetServerCertificate(ctx, &awsiam.GetServerCertificateInput{ServerCertificateName: aws.String("www")})
	if err != nil || got.ServerCertificate.Tags != nil || strings.Join(scNames(t, root, ""), ",") != "free,www" {
		t.Fatalf("after the refused calls: %+v %v", got, err)
	}
}

// summaryValue is one entry of GetAccountSummary's SummaryMap.
func summaryValue(t *testing.T, c *awsiam.Client, key string) int32 {
	t.Helper()
	out, err := c.GetAccountSummary(context.Background(), &awsiam.GetAccountSummaryInput{})
	if err != nil {
		t.Fatal(err)
	}
	v, ok := out.SummaryMap[key]
	if !ok {
		t.Fatalf("no %s in the summary", key)
	}
	return v
}
