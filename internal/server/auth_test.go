package server

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/iamd-dev/iamd/internal/awsclient"
	"github.com/iamd-dev/iamd/internal/sigv4"
)

func TestHealthNeedsNoCredentials(t *testing.T) {
	ts := startServer(t, "")
	resp, err := http.Get(ts.endpoint + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("health status %d", resp.StatusCode)
	}
}

func TestUnsignedAndBadlySignedRequests(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()

	resp, err := http.Post(ts.endpoint+"/", "application/x-www-form-urlencoded", strings.NewReader("Action=ListRoles&Version=2010-05-08"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Fatalf("unsigned request: status %d, want 403 MissingAuthenticationToken", resp.StatusCode)
	}

	_, err = ts.iam(aws.Credentials{AccessKeyID: "AKIAUNKNOWNKEY000000", SecretAccessKey: "x"}).ListRoles(ctx, &awsiam.ListRolesInput{})
	apiError(t, err, "InvalidClientTokenId")

	_, err = ts.iam(aws.Credentials{AccessKeyID: testRootKey, SecretAccessKey: "wrong"}).ListRoles(ctx, &awsiam.ListRolesInput{})
	apiError(t, err, "SignatureDoesNotMatch")
}

func TestGetCallerIdentityOfRoot(t *testing.T) {
	ts := startServer(t, "")
	out, err := ts.sts(ts.root).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.Account) != "123456789012" || aws.ToString(out.Arn) != "arn:aws:iam::123456789012:root" || aws.ToString(out.UserId) != "123456789012" {
		t.Fatalf("caller identity %+v", out)
	}
}

func TestRootCredentialsFileAndNoPlaintextSecret(t *testing.T) {
	dir := t.TempDir()
	ts := startServer(t, dir)
	ts.stop()
	info, err := os.Stat(filepath.Join(dir, rootCredentialsFile))
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Fatalf("root credentials file mode %v, want 0600", info.Mode().Perm())
	}
	files, _ := filepath.Glob(filepath.Join(dir, "iamd.db*"))
	if len(files) == 0 {
		t.Fatal("no database files")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(data), testRootSecret) {
			t.Fatalf("%s holds the root secret access key in plaintext", f)
		}
	}
}

// An IAM operation iamd does not implement answers with AWS's error shape, never a crash or
// an empty 200. (A name no operation has: every operation of the IAM API is on its way.)
func TestUnimplementedOperation(t *testing.T) {
	ts := startServer(t, "")
	client := awsclient.New(awsclient.Config{Endpoint: ts.endpoint, Region: "us-east-1", Credentials: sigv4.Credentials{
		AccessKeyID: ts.root.AccessKeyID, SecretAccessKey: ts.root.SecretAccessKey}}, 1)
	_, err := client.Query(context.Background(), "iam", url.Values{"Action": {"CreateNothingAtAll"}, "Version": {"2010-05-08"}})
	var e *awsclient.Error
	if !errors.As(err, &e) || e.Code != "InvalidAction" || e.Status != http.StatusBadRequest || !strings.Contains(e.Message, "CreateNothingAtAll") {
		t.Fatalf("unimplemented operation: %v", err)
	}
}
