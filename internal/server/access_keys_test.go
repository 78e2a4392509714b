package server

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// keyCreds turns a new access key into SDK credentials.
func keyCreds(k *types.AccessKey) aws.Credentials {
	return aws.Credentials{AccessKeyID: aws.ToString(k.AccessKeyId), SecretAccessKey: aws.ToString(k.SecretAccessKey)}
}

func TestAccessKeyLifecycle(t *testing.T) {
	dir := t.TempDir()
	ts := startServer(t, dir)
	ctx := context.Background()
	c := ts.iam(ts.root)
	if _, err := c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("bob")}); err != nil {
		t.Fatal(err)
	}
	out, err := c.CreateAccessKey(ctx, &awsiam.CreateAccessKeyInput{UserName: aws.String("bob")})
	if err != nil {
		t.Fatal(err)
	}
	k := out.AccessKey
	if id := aws.ToString(k.AccessKeyId); !strings.HasPrefix(id, "AKIA") || len(id) != 20 {
		t.Fatalf("AccessKeyId %s", id)
	}
	if len(aws.ToString(k.SecretAccessKey)) != 40 || k.Status != types.StatusTypeActive || aws.ToString(k.UserName) != "bob" || k.CreateDate == nil {
		t.Fatalf("access key %+v", k)
	}
	bob := keyCreds(k)
	id, err := ts.sts(bob).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Arn) != "arn:aws:iam::123456789012:user/bob" {
		t.Fatalf("bob's identity %+v %v", id, err)
	}

	second, err := c.CreateAccessKey(ctx, &awsiam.CreateAccessKeyInput{UserName: aws.String("bob")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateAccessKey(ctx, &awsiam.CreateAccessKeyInput{UserName: aws.String("bob")})
	if ae := apiError(t, err, "LimitExceeded"); httpStatus(err) != 409 || ae.ErrorMessage() != "Cannot exceed quota for AccessKeysPerUser: 2" {
		t.Fatalf("third key: %v", err)
	}
	list, err := c.ListAccessKeys(ctx, &awsiam.ListAccessKeysInput{UserName: aws.String("bob")})
	if err != nil || len(list.AccessKeyMetadata) != 2 || list.IsTruncated {
		t.Fatalf("ListAccessKeys %+v %v", list, err)
	}
	for _, m := range list.AccessKeyMetadata {
		if aws.ToString(m.UserName) != "bob" || m.Status != types.StatusTypeActive || m.CreateDate == nil {
			t.Fatalf("key metadata %+v", m)
		}
	}

	// A key never used has no last use.
	last, err := c.GetAccessKeyLastUsed(ctx, &awsiam.GetAccessKeyLastUsedInput{AccessKeyId: second.AccessKey.AccessKeyId})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(last.UserName) != "bob" || last.AccessKeyLastUsed.LastUsedDate != nil ||
		aws.ToString(last.AccessKeyLastUsed.ServiceName) != "N/A" || aws.ToString(last.AccessKeyLastUsed.Region) != "N/A" {
		t.Fatalf("GetAccessKeyLastUsed of an unused key %+v %+v", last, last.AccessKeyLastUsed)
	}
	// A key that was used reports it once the server records uses.
	last, err = c.GetAccessKeyLastUsed(ctx, &awsiam.GetAccessKeyLastUsedInput{AccessKeyId: k.AccessKeyId})
	if err != nil {
		t.Fatal(err)
	}
	if u := last.AccessKeyLastUsed; u.LastUsedDate != nil && (aws.ToString(u.ServiceName) != "sts" || aws.ToString(u.Region) != "us-east-1") {
		t.Fatalf("GetAccessKeyLastUsed of a used key %+v", u)
	}

	// An inactive key stops working at once, and works again when made active.
	if _, err := c.UpdateAccessKey(ctx, &awsiam.UpdateAccessKeyInput{UserName: aws.String("bob"), AccessKeyId: k.AccessKeyId, Status: types.StatusTypeInactive}); err != nil {
		t.Fatal(err)
	}
	_, err = ts.sts(bob).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if apiError(t, err, "InvalidClientTokenId"); httpStatus(err) != 403 {
		t.Fatalf("inactive key: status %d", httpStatus(err))
	}
	list, _ = c.ListAccessKeys(ctx, &awsiam.ListAccessKeysInput{UserName: aws.String("bob")})
	inactive := 0
	for _, m := range list.AccessKeyMetadata {
		if m.Status == types.StatusTypeInactive {
			inactive++
		}
	}
	if inactive != 1 {
		t.Fatalf("after UpdateAccessKey %+v", list.AccessKeyMetadata)
	}
	if _, err := c.UpdateAccessKey(ctx, &awsiam.UpdateAccessKeyInput{UserName: aws.String("bob"), AccessKeyId: k.AccessKeyId, Status: types.StatusTypeActive}); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.sts(bob).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("reactivated key: %v", err)
	}
	_, err = c.UpdateAccessKey(ctx, &awsiam.UpdateAccessKeyInput{UserName: aws.String("bob"), AccessKeyId: k.AccessKeyId, Status: "Disabled"})
	apiError(t, err, "ValidationError")

	// A deleted key stops working at once.
	if _, err := c.DeleteAccessKey(ctx, &awsiam.DeleteAccessKeyInput{UserName: aws.String("bob"), AccessKeyId: k.AccessKeyId}); err != nil {
		t.Fatal(err)
	}
	_, err = ts.iam(bob).GetUser(ctx, &awsiam.GetUserInput{})
	apiError(t, err, "InvalidClientTokenId")
	_, err = c.DeleteAccessKey(ctx, &awsiam.DeleteAccessKeyInput{UserName: aws.String("bob"), AccessKeyId: k.AccessKeyId})
	if ae := apiError(t, err, "NoSuchEntity"); httpStatus(err) != 404 || ae.ErrorMessage() != "The Access Key with id "+bob.AccessKeyID+" cannot be found." {
		t.Fatalf("deleting a deleted key: %v", err)
	}
	// A key is found only under its owner.
	if _, err := c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteAccessKey(ctx, &awsiam.DeleteAccessKeyInput{UserName: aws.String("alice"), AccessKeyId: second.AccessKey.AccessKeyId})
	apiError(t, err, "NoSuchEntity")
	_, err = c.CreateAccessKey(ctx, &awsiam.CreateAccessKeyInput{UserName: aws.String("nobody")})
	if ae := apiError(t, err, "NoSuchEntity"); ae.ErrorMessage() != "The user with name nobody cannot be found." {
		t.Fatalf("key for no user: %v", err)
	}

	// Secrets are stored sealed.
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
		for _, secret := range []string{bob.SecretAccessKey, aws.ToString(second.AccessKey.SecretAccessKey)} {
			if strings.Contains(string(data), secret) {
				t.Fatalf("%s holds a secret access key in plaintext", f)
			}
		}
	}
}

func TestRootAccessKeys(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	out, err := c.CreateAccessKey(ctx, &awsiam.CreateAccessKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	if out.AccessKey.UserName != nil || out.AccessKey.Status != types.StatusTypeActive {
		t.Fatalf("root key %+v", out.AccessKey)
	}
	second := keyCreds(out.AccessKey)
	id, err := ts.sts(second).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Arn) != "arn:aws:iam::123456789012:root" {
		t.Fatalf("the new root key's identity %+v %v", id, err)
	}
	list, err := ts.iam(second).ListAccessKeys(ctx, &awsiam.ListAccessKeysInput{})
	if err != nil || len(list.AccessKeyMetadata) != 2 {
		t.Fatalf("root's keys %+v %v", list, err)
	}
	_, err = c.CreateAccessKey(ctx, &awsiam.CreateAccessKeyInput{})
	apiError(t, err, "LimitExceeded")
	last, err := c.GetAccessKeyLastUsed(ctx, &awsiam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String(second.AccessKeyID)})
	if err != nil || last.UserName != nil {
		t.Fatalf("GetAccessKeyLastUsed of a root key %+v %v", last, err)
	}
	// Root keys are not a user's.
	if _, err := c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("bob")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.UpdateAccessKey(ctx, &awsiam.UpdateAccessKeyInput{UserName: aws.String("bob"), AccessKeyId: aws.String(testRootKey), Status: types.StatusTypeInactive})
	apiError(t, err, "NoSuchEntity")
	if _, err := ts.iam(second).DeleteAccessKey(ctx, &awsiam.DeleteAccessKeyInput{AccessKeyId: aws.String(second.AccessKeyID)}); err != nil {
		t.Fatal(err)
	}
	_, err = ts.sts(second).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	apiError(t, err, "InvalidClientTokenId")
	if _, err := c.ListUsers(ctx, &awsiam.ListUsersInput{}); err != nil {
		t.Fatalf("the first root key after deleting the second: %v", err)
	}
}
