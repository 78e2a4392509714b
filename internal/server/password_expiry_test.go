package server

import (
	"context"
	"errors"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/iamd-dev/iamd/internal/awsclient"
	"github.com/iamd-dev/iamd/internal/sigv4"
)

// Password expiry through the API, on a server and clients sharing a clock: under
// HardExpiry an expired password is changed only by a user a policy allows
// iam:ChangePassword; the account's AllowUsersToChangePassword no longer suffices.
func TestChangePasswordAfterHardExpiry(t *testing.T) {
	var now atomic.Int64
	now.Store(time.Now().Unix())
	clock := func() time.Time { return time.Unix(now.Load(), 0) }
	ts := startServerAt(t, "", clock)
	call := func(creds aws.Credentials, kv ...string) (string, error) {
		c := awsclient.New(awsclient.Config{Endpoint: ts.endpoint, Region: "us-east-1", Credentials: sigv4.Credentials{
			AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey}}, 1)
		c.Now = clock
		v := url.Values{"Version": {"2010-05-08"}}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		body, err := c.Query(context.Background(), "iam", v)
		return string(body), err
	}
	query := func(creds aws.Credentials, kv ...string) error {
		_, err := call(creds, kv...)
		return err
	}
	wantCode := func(err error, code string) {
		t.Helper()
		var e *awsclient.Error
		if !errors.As(err, &e) || e.Code != code {
			t.Fatalf("error %v, want %s", err, code)
		}
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	root := ts.root
	must(query(root, "Action", "UpdateAccountPasswordPolicy", "AllowUsersToChangePassword", "true", "MaxPasswordAge", "1", "HardExpiry", "true"))
	must(query(root, "Action", "CreateUser", "UserName", "kim"))
	must(query(root, "Action", "CreateLoginProfile", "UserName", "kim", "Password", "First-Pass-1"))
	body, err := call(root, "Action", "CreateAccessKey", "UserName", "kim")
	must(err)
	kimKey := aws.Credentials{AccessKeyID: between(body, "<AccessKeyId>", "</AccessKeyId>"), SecretAccessKey: between(body, "<SecretAccessKey>", "</SecretAccessKey>")}

	// Before expiry the grant lets kim change the password.
	must(query(kimKey, "Action", "ChangePassword", "OldPassword", "First-Pass-1", "NewPassword", "Second-Pass-2"))

	now.Add(2 * 24 * 3600)
	wantCode(query(kimKey, "Action", "ChangePassword", "OldPassword", "Second-Pass-2", "NewPassword", "Third-Pass-3"), "AccessDenied")
	must(query(kimKey, "Action", "GetAccountPasswordPolicy"))
	must(query(root, "Action", "PutUserPolicy", "UserName", "kim", "PolicyName", "self", "PolicyDocument",
		policyJSON(statement("Allow", "iam:ChangePassword", "arn:aws:iam::123456789012:user/${aws:username}"))))
	must(query(kimKey, "Action", "ChangePassword", "OldPassword", "Second-Pass-2", "NewPassword", "Third-Pass-3"))

	// A new password has not expired: the grant alone is enough again.
	must(query(root, "Action", "DeleteUserPolicy", "UserName", "kim", "PolicyName", "self"))
	must(query(kimKey, "Action", "ChangePassword", "OldPassword", "Third-Pass-3", "NewPassword", "Fourth-Pass-4"))

	// Without HardExpiry an expired password may be changed under the grant.
	now.Add(2 * 24 * 3600)
	must(query(root, "Action", "UpdateAccountPasswordPolicy", "AllowUsersToChangePassword", "true", "MaxPasswordAge", "1"))
	must(query(kimKey, "Action", "ChangePassword", "OldPassword", "Fourth-Pass-4", "NewPassword", "Fifth-Pass-5"))
}
