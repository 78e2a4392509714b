package server

import (
	"context"
	"encoding/base64"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/iamd-dev/iamd/internal/awsclient"
	"github.com/iamd-dev/iamd/internal/sigv4"
)

func createSSC(ctx context.Context, c *awsiam.Client, user, service string) (*types.ServiceSpecificCredential, error) {
	out, err := c.CreateServiceSpecificCredential(ctx, &awsiam.CreateServiceSpecificCredentialInput{UserName: aws.String(user), ServiceName: aws.String(service)})
	if err != nil {
		return nil, err
	}
	return out.ServiceSpecificCredential, nil
}

func sscList(t *testing.T, c *awsiam.Client, in *awsiam.ListServiceSpecificCredentialsInput) []string {
	t.Helper()
	out, err := c.ListServiceSpecificCredentials(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	var s []string
	for _, m := range out.ServiceSpecificCredentials {
		s = append(s, aws.ToString(m.UserName)+"/"+aws.ToString(m.ServiceName)+"/"+aws.ToString(m.ServiceUserName)+aws.ToString(m.ServiceCredentialAlias)+"/"+string(m.Status))
	}
	return s
}

func TestServiceSpecificCredentialLifecycle(t *testing.T) {
	dir := t.TempDir()
	ts := startServer(t, dir)
	ctx := context.Background()
	c := ts.iam(ts.root)
	for _, u := range []string{"jane", "raj"} {
		if _, err := c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String(u)}); err != nil {
			t.Fatal(err)
		}
	}
	first, err := createSSC(ctx, c, "jane", "codecommit.amazonaws.com")
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(first.ServiceSpecificCredentialId)
	password := aws.ToString(first.ServicePassword)
	if !strings.HasPrefix(id, "ACCA") || len(id) != 21 || aws.ToString(first.ServiceUserName) != "jane-at-123456789012" ||
		len(password) != 44 || first.Status != types.StatusTypeActive || aws.ToString(first.UserName) != "jane" ||
		first.ExpirationDate != nil || first.ServiceCredentialSecret != nil || time.Since(aws.ToTime(first.CreateDate)) > time.Minute {
		t.Fatalf("created %+v", first)
	}
	second, err := createSSC(ctx, c, "jane", "codecommit.amazonaws.com")
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(second.ServiceUserName) != "jane+1-at-123456789012" || aws.ToString(second.ServicePassword) == password {
		t.Fatalf("second %+v", second)
	}
	// Two per user and service.
	_, err = createSSC(ctx, c, "jane", "codecommit.amazonaws.com")
	wantError(t, err, "LimitExceeded", 409, "Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: 2")
	keyspaces, err := createSSC(ctx, c, "jane", "cassandra.amazonaws.com")
	if err != nil || aws.ToString(keyspaces.ServiceUserName) != "jane-at-123456789012" {
		t.Fatalf("keyspaces %+v %v", keyspaces, err)
	}
	// A Bedrock API key, expiring.
	bed, err := c.CreateServiceSpecificCredential(ctx, &awsiam.CreateServiceSpecificCredentialInput{UserName: aws.String("raj"), ServiceName: aws.String("bedrock.amazonaws.com"), CredentialAgeDays: aws.Int32(30)})
	if err != nil {
		t.Fatal(err)
	}
	b := bed.ServiceSpecificCredential
	alias := aws.ToString(b.ServiceCredentialAlias)
	if !regexp.MustCompile(`^raj-at-123456789012-[a-z0-9]{8}$`).MatchString(alias) || b.ServicePassword != nil || b.ServiceUserName != nil ||
		!aws.ToTime(b.ExpirationDate).Equal(aws.ToTime(b.CreateDate).AddDate(0, 0, 30)) {
		t.Fatalf("bedrock %+v", b)
	}
	// The Bedrock API key: ABSK and, in base64, the alias and a secret.
	apiKey := aws.ToString(b.ServiceCredentialSecret)
	token, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(apiKey, "ABSK"))
	if !strings.HasPrefix(apiKey, "ABSK") || err != nil || !strings.HasPrefix(string(token), alias+":") || len(token) < len(alias)+33 {
		t.Fatalf("bedrock API key %q", apiKey)
	}

	// Lists: a user's, one service's, everyone's; never a password.
	if got := strings.Join(sscList(t, c, &awsiam.ListServiceSpecificCredentialsInput{UserName: aws.String("jane")}), ","); got !=
		"jane/codecommit.amazonaws.com/jane-at-123456789012/Active,jane/codecommit.amazonaws.com/jane+1-at-123456789012/Active,jane/cassandra.amazonaws.com/jane-at-123456789012/Active" {
		t.Fatalf("jane's %s", got)
	}
	if got := strings.Join(sscList(t, c, &awsiam.ListServiceSpecificCredentialsInput{UserName: aws.String("jane"), ServiceName: aws.String("cassandra.amazonaws.com")}), ","); got != "jane/cassandra.amazonaws.com/jane-at-123456789012/Active" {
		t.Fatalf("jane's keyspaces %s", got)
	}
	if got := sscList(t, c, &awsiam.ListServiceSpecificCredentialsInput{AllUsers: aws.Bool(true)}); len(got) != 4 {
		t.Fatalf("everyone's %v", got)
	}
	page, err := c.ListServiceSpecificCredentials(ctx, &awsiam.ListServiceSpecificCredentialsInput{AllUsers: aws.Bool(true), MaxItems: aws.Int32(3)})
	if err != nil || len(page.ServiceSpecificCredentials) != 3 || !page.IsTruncated {
		t.Fatalf("page 1 %+v %v", page, err)
	}
	page2, err := c.ListServiceSpecificCredentials(ctx, &awsiam.ListServiceSpecificCredentialsInput{AllUsers: aws.Bool(true), MaxItems: aws.Int32(3), Marker: page.Marker})
	if err != nil || len(page2.ServiceSpecificCredentials) != 1 || page2.IsTruncated {
		t.Fatalf("page 2 %+v %v", page2, err)
	}
	_, err = c.ListServiceSpecificCredentials(ctx, &awsiam.ListServiceSpecificCredentialsInput{AllUsers: aws.Bool(true), UserName: aws.String("jane")})
	wantError(t, err, "InvalidInput", 400, "AllUsers and UserName cannot be specified together.")

	// Reset: a new password, shown once.
	reset, err := c.ResetServiceSpecificCredential(ctx, &awsiam.ResetServiceSpecificCredentialInput{UserName: aws.String("jane"), ServiceSpecificCredentialId: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	newPassword := aws.ToString(reset.ServiceSpecificCredential.ServicePassword)
	if len(newPassword) != 44 || newPassword == password || aws.ToString(reset.ServiceSpecificCredential.ServiceSpecificCredentialId) != id {
		t.Fatalf("reset %+v", reset.ServiceSpecificCredential)
	}
	if _, err := c.UpdateServiceSpecificCredential(ctx, &awsiam.UpdateServiceSpecificCredentialInput{UserName: aws.String("jane"), ServiceSpecificCredentialId: aws.String(id), Status: types.StatusTypeInactive}); err != nil {
		t.Fatal(err)
	}
	if got := sscList(t, c, &awsiam.ListServiceSpecificCredentialsInput{UserName: aws.String("jane")}); got[0] != "jane/codecommit.amazonaws.com/jane-at-123456789012/Inactive" {
		t.Fatalf("after update %v", got)
	}

	// Errors.
	ghost := "ACCAGHOSTGHOSTGHOST00"
	for _, tt := range []struct {
		name   string
		call   func() error
		code   string
		status int
		msg    string
	}{
		{"unsupported service", func() error { _, err := createSSC(ctx, c, "jane", "s3.amazonaws.com"); return err },
			"NotSupportedService", 404, "No such service s3.amazonaws.com is supported for Service-Specific Credentials"},
		{"age for a password service", func() error {
			_, err := c.CreateServiceSpecificCredential(ctx, &awsiam.CreateServiceSpecificCredentialInput{UserName: aws.String("raj"), ServiceName: aws.String("codecommit.amazonaws.com"), CredentialAgeDays: aws.Int32(5)})
			return err
		}, "InvalidInput", 400, "CredentialAgeDays is not supported for service codecommit.amazonaws.com."},
		{"age out of range", func() error {
			_, err := c.CreateServiceSpecificCredential(ctx, &awsiam.CreateServiceSpecificCredentialInput{UserName: aws.String("raj"), ServiceName: aws.String("bedrock.amazonaws.com"), CredentialAgeDays: aws.Int32(36601)})
			return err
		}, "ValidationError", 400, "1 validation error detected: Value '36601' at 'credentialAgeDays' failed to satisfy constraint: Member must have value between 1 and 36600"},
		{"list an unsupported service", func() error {
			_, err := c.ListServiceSpecificCredentials(ctx, &awsiam.ListServiceSpecificCredentialsInput{UserName: aws.String("jane"), ServiceName: aws.String("ec2.amazonaws.com")})
			return err
		}, "NotSupportedService", 404, "No such service ec2.amazonaws.com is supported for Service-Specific Credentials"},
		{"no such user", func() error { _, err := createSSC(ctx, c, "nobody", "codecommit.amazonaws.com"); return err },
			"NoSuchEntity", 404, "The user with name nobody cannot be found."},
		{"reset unknown id", func() error {
			_, err := c.ResetServiceSpecificCredential(ctx, &awsiam.ResetServiceSpecificCredentialInput{UserName: aws.String("jane"), ServiceSpecificCredentialId: aws.String(ghost)})
			return err
		}, "NoSuchEntity", 404, "No such credential " + ghost + " exists"},
		{"another user's credential", func() error {
			_, err := c.DeleteServiceSpecificCredential(ctx, &awsiam.DeleteServiceSpecificCredentialInput{UserName: aws.String("raj"), ServiceSpecificCredentialId: aws.String(id)})
			return err
		}, "NoSuchEntity", 404, "No such credential " + id + " exists"},
		{"bad status", func() error {
			_, err := c.UpdateServiceSpecificCredential(ctx, &awsiam.UpdateServiceSpecificCredentialInput{UserName: aws.String("jane"), ServiceSpecificCredentialId: aws.String(id), Status: "Off"})
			return err
		}, "ValidationError", 400, "1 validation error detected: Value 'Off' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive, Expired]"},
	} {
		t.Run(tt.name, func(t *testing.T) { wantError(t, tt.call(), tt.code, tt.status, tt.msg) })
	}
	if got := sscList(t, c, &awsiam.ListServiceSpecificCredentialsInput{UserName: aws.String("raj")}); len(got) != 1 {
		t.Fatalf("raj's after refusals: %v", got)
	}

	// DeleteUser refuses while the user has a credential.
	_, err = c.DeleteUser(ctx, &awsiam.DeleteUserInput{UserName: aws.String("raj")})
	wantError(t, err, "DeleteConflict", 409, "Cannot delete entity, must delete service specific credentials first.")
	if _, err := c.DeleteServiceSpecificCredential(ctx, &awsiam.DeleteServiceSpecificCredentialInput{UserName: aws.String("raj"), ServiceSpecificCredentialId: b.ServiceSpecificCredentialId}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteUser(ctx, &awsiam.DeleteUserInput{UserName: aws.String("raj")}); err != nil {
		t.Fatal(err)
	}

	// Passwords and secrets are sealed at rest.
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
		for _, secret := range []string{password, newPassword, aws.ToString(second.ServicePassword), aws.ToString(keyspaces.ServicePassword), aws.ToString(b.ServiceCredentialSecret)} {
			if strings.Contains(string(data), secret) {
				t.Fatalf("%s holds a service-specific password in plaintext", f)
			}
		}
	}
}

// TestServiceSpecificCredentialsOfTheCaller: List, Reset, Update and Delete act on the
// calling user without UserName; a Deny on another user refuses and changes nothing.
func TestServiceSpecificCredentialsOfTheCaller(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	root := ts.iam(ts.root)
	creds := userWithKey(t, ts, "dev", "/eng/")
	if _, err := root.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("dev"), PolicyName: aws.String("p"), PolicyDocument: aws.String(policyJSON(
		statement("Allow", "iam:*ServiceSpecificCredential*", "*"), statement("Deny", "iam:*", "arn:aws:iam::123456789012:user/ops/*")))}); err != nil {
		t.Fatal(err)
	}
	dev := ts.iam(creds)
	mine, err := createSSC(ctx, dev, "dev", "codecommit.amazonaws.com")
	if err != nil {
		t.Fatal(err)
	}
	if got := sscList(t, dev, &awsiam.ListServiceSpecificCredentialsInput{}); len(got) != 1 || got[0] != "dev/codecommit.amazonaws.com/dev-at-123456789012/Active" {
		t.Fatalf("own list %v", got)
	}
	if _, err := dev.UpdateServiceSpecificCredential(ctx, &awsiam.UpdateServiceSpecificCredentialInput{ServiceSpecificCredentialId: mine.ServiceSpecificCredentialId, Status: types.StatusTypeInactive}); err != nil {
		t.Fatal(err)
	}
	if _, err := dev.ResetServiceSpecificCredential(ctx, &awsiam.ResetServiceSpecificCredentialInput{ServiceSpecificCredentialId: mine.ServiceSpecificCredentialId}); err != nil {
		t.Fatal(err)
	}

	if _, err := root.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("op"), Path: aws.String("/ops/")}); err != nil {
		t.Fatal(err)
	}
	theirs, err := createSSC(ctx, root, "op", "codecommit.amazonaws.com")
	if err != nil {
		t.Fatal(err)
	}
	for action, call := range map[string]func() error{
		"CreateServiceSpecificCredential": func() error { _, err := createSSC(ctx, dev, "op", "cassandra.amazonaws.com"); return err },
		"ResetServiceSpecificCredential": func() error {
			_, err := dev.ResetServiceSpecificCredential(ctx, &awsiam.ResetServiceSpecificCredentialInput{UserName: aws.String("op"), ServiceSpecificCredentialId: theirs.ServiceSpecificCredentialId})
			return err
		},
		"DeleteServiceSpecificCredential": func() error {
			_, err := dev.DeleteServiceSpecificCredential(ctx, &awsiam.DeleteServiceSpecificCredentialInput{UserName: aws.String("op"), ServiceSpecificCredentialId: theirs.ServiceSpecificCredentialId})
			return err
		},
		"ListServiceSpecificCredentials": func() error {
			_, err := dev.ListServiceSpecificCredentials(ctx, &awsiam.ListServiceSpecificCredentialsInput{UserName: aws.String("op")})
			return err
		},
	} {
		err := call()
		ae := apiError(t, err, "AccessDenied")
		if want := "iam:" + action + " on resource: arn:aws:iam::123456789012:user/ops/op with an explicit deny"; httpStatus(err) != 403 || !strings.Contains(ae.ErrorMessage(), want) {
			t.Errorf("%s: %v, want %q", action, err, want)
		}
	}
	if got := sscList(t, root, &awsiam.ListServiceSpecificCredentialsInput{UserName: aws.String("op")}); len(got) != 1 || got[0] != "op/codecommit.amazonaws.com/op-at-123456789012/Active" {
		t.Fatalf("op's after the refused calls: %v", got)
	}
}

// TestServiceSpecificCredentialConditionKeys: CreateServiceSpecificCredential is decided
// with iam:ServiceSpecificCredentialServiceName and iam:ServiceSpecificCredentialAgeDays as
// requested, the calls on a stored credential with its service.
func TestServiceSpecificCredentialConditionKeys(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	root := ts.iam(ts.root)
	creds := userWithKey(t, ts, "ci", "")
	if _, err := root.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("ci"), PolicyName: aws.String("p"), PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"iam:CreateServiceSpecificCredential","Resource":"*","Condition":{"StringEquals":{"iam:ServiceSpecificCredentialServiceName":["codecommit.amazonaws.com","bedrock.amazonaws.com"]},"NumericLessThanEqualsIfExists":{"iam:ServiceSpecificCredentialAgeDays":"90"}}},
		{"Effect":"Allow","Action":["iam:DeleteServiceSpecificCredential","iam:UpdateServiceSpecificCredential","iam:ResetServiceSpecificCredential"],"Resource":"*"},
		{"Effect":"Deny","Action":["iam:DeleteServiceSpecificCredential","iam:UpdateServiceSpecificCredential","iam:ResetServiceSpecificCredential"],"Resource":"*","Condition":{"StringEquals":{"iam:ServiceSpecificCredentialServiceName":"bedrock.amazonaws.com"}}}]}`)}); err != nil {
		t.Fatal(err)
	}
	ci := ts.iam(creds)
	git, err := createSSC(ctx, ci, "ci", "codecommit.amazonaws.com")
	if err != nil {
		t.Fatal(err)
	}
	_, err = createSSC(ctx, ci, "ci", "cassandra.amazonaws.com")
	apiError(t, err, "AccessDenied")
	_, err = ci.CreateServiceSpecificCredential(ctx, &awsiam.CreateServiceSpecificCredentialInput{UserName: aws.String("ci"), ServiceName: aws.String("bedrock.amazonaws.com"), CredentialAgeDays: aws.Int32(365)})
	apiError(t, err, "AccessDenied")
	bed, err := ci.CreateServiceSpecificCredential(ctx, &awsiam.CreateServiceSpecificCredentialInput{UserName: aws.String("ci"), ServiceName: aws.String("bedrock.amazonaws.com"), CredentialAgeDays: aws.Int32(30)})
	if err != nil {
		t.Fatal(err)
	}
	// The stored credential's service decides: the Bedrock key may not be touched.
	_, err = ci.DeleteServiceSpecificCredential(ctx, &awsiam.DeleteServiceSpecificCredentialInput{UserName: aws.String("ci"), ServiceSpecificCredentialId: bed.ServiceSpecificCredential.ServiceSpecificCredentialId})
	apiError(t, err, "AccessDenied")
	_, err = ci.ResetServiceSpecificCredential(ctx, &awsiam.ResetServiceSpecificCredentialInput{ServiceSpecificCredentialId: bed.ServiceSpecificCredential.ServiceSpecificCredentialId})
	apiError(t, err, "AccessDenied")
	if _, err := ci.UpdateServiceSpecificCredential(ctx, &awsiam.UpdateServiceSpecificCredentialInput{ServiceSpecificCredentialId: git.ServiceSpecificCredentialId, Status: types.StatusTypeInactive}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(sscList(t, root, &awsiam.ListServiceSpecificCredentialsInput{UserName: aws.String("ci")}), ","); !strings.HasPrefix(got, "ci/codecommit.amazonaws.com/ci-at-123456789012/Inactive,ci/bedrock.amazonaws.com/ci-at-123456789012-") || !strings.HasSuffix(got, "/Active") {
		t.Fatalf("after the calls: %s", got)
	}
	// The other API key services.
	for _, service := range []string{"aws-external-anthropic.amazonaws.com", "cloudwatch.amazonaws.com", "logs.amazonaws.com"} {
		out, err := root.CreateServiceSpecificCredential(ctx, &awsiam.CreateServiceSpecificCredentialInput{UserName: aws.String("ci"), ServiceName: aws.String(service)})
		if err != nil || out.ServiceSpecificCredential.ServiceCredentialSecret == nil || out.ServiceSpecificCredential.ExpirationDate != nil {
			t.Fatalf("%s: %+v %v", service, out, err)
		}
	}
}

// TestServiceSpecificCredentialExpires: an API key created with CredentialAgeDays lists as
// Expired once its expiration date has passed.
func TestServiceSpecificCredentialExpires(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}
	ts := startServerAt(t, "", clock)
	ctx := context.Background()
	c := ts.iam(ts.root)
	if _, err := c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("bot")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateServiceSpecificCredential(ctx, &awsiam.CreateServiceSpecificCredentialInput{UserName: aws.String("bot"), ServiceName: aws.String("logs.amazonaws.com"), CredentialAgeDays: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	if _, err := createSSC(ctx, c, "bot", "codecommit.amazonaws.com"); err != nil {
		t.Fatal(err)
	}
	status := func() string {
		var s []string
		for _, e := range sscList(t, c, &awsiam.ListServiceSpecificCredentialsInput{UserName: aws.String("bot")}) {
			s = append(s, e[strings.LastIndexByte(e, '/')+1:])
		}
		return strings.Join(s, ",")
	}
	if got := status(); got != "Active,Active" {
		t.Fatalf("at creation %s", got)
	}
	mu.Lock()
	now = now.Add(25 * time.Hour)
	mu.Unlock()
	// A client signing with the server's clock, a day on.
	client := awsclient.New(awsclient.Config{Endpoint: ts.endpoint, Region: "us-east-1", Credentials: sigv4.Credentials{AccessKeyID: testRootKey, SecretAccessKey: testRootSecret}}, 1)
	client.Now = clock
	body, err := client.Query(ctx, "iam", url.Values{"Action": {"ListServiceSpecificCredentials"}, "Version": {"2010-05-08"}, "UserName": {"bot"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := regexp.MustCompile(`<Status>(\w+)</Status>`).FindAllStringSubmatch(string(body), -1); len(got) != 2 || got[0][1] != "Expired" || got[1][1] != "Active" {
		t.Fatalf("a day later %s", body)
	}
}
