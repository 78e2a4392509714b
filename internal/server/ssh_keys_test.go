package server

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"golang.org/x/crypto/ssh"
)

func sshKeyIDs(t *testing.T, c *awsiam.Client, user string) []string {
	t.Helper()
	out, err := c.ListSSHPublicKeys(context.Background(), &awsiam.ListSSHPublicKeysInput{UserName: aws.String(user)})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, k := range out.SSHPublicKeys {
		ids = append(ids, aws.ToString(k.SSHPublicKeyId)+":"+string(k.Status))
	}
	return ids
}

func TestSSHPublicKeyLifecycle(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	if _, err := c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("git")}); err != nil {
		t.Fatal(err)
	}
	key0 := testRSAKey(t, 0)
	body, sk := sshAuthorizedKey(t, &key0.PublicKey)
	up, err := c.UploadSSHPublicKey(ctx, &awsiam.UploadSSHPublicKeyInput{UserName: aws.String("git"), SSHPublicKeyBody: aws.String(body)})
	if err != nil {
		t.Fatal(err)
	}
	k := up.SSHPublicKey
	id := aws.ToString(k.SSHPublicKeyId)
	// AWS's fingerprint is the MD5 one, hex pairs joined by colons.
	if !strings.HasPrefix(id, "APKA") || len(id) != 20 || aws.ToString(k.Fingerprint) != ssh.FingerprintLegacyMD5(sk) ||
		aws.ToString(k.UserName) != "git" || k.Status != types.StatusTypeActive || time.Since(aws.ToTime(k.UploadDate)) > time.Minute {
		t.Fatalf("uploaded %+v", k)
	}
	if got := aws.ToString(k.SSHPublicKeyBody); !strings.HasPrefix(body, got) || !strings.HasPrefix(got, "ssh-rsa AAAA") {
		t.Fatalf("body %q, uploaded %q", got, body)
	}

	// Get in both encodings.
	get := func(enc types.EncodingType) *types.SSHPublicKey {
		t.Helper()
		out, err := c.GetSSHPublicKey(ctx, &awsiam.GetSSHPublicKeyInput{UserName: aws.String("git"), SSHPublicKeyId: aws.String(id), Encoding: enc})
		if err != nil {
			t.Fatal(err)
		}
		return out.SSHPublicKey
	}
	if got := get(types.EncodingTypeSsh); aws.ToString(got.SSHPublicKeyBody) != aws.ToString(k.SSHPublicKeyBody) {
		t.Fatalf("SSH encoding %q", aws.ToString(got.SSHPublicKeyBody))
	}
	pemBody := aws.ToString(get(types.EncodingTypePem).SSHPublicKeyBody)
	block, _ := pem.Decode([]byte(pemBody))
	if block == nil || block.Type != "PUBLIC KEY" {
		t.Fatalf("PEM encoding %q", pemBody)
	}
	if pub, err := x509.ParsePKIXPublicKey(block.Bytes); err != nil || !key0.PublicKey.Equal(pub) {
		t.Fatalf("PEM encoding holds another key: %v", err)
	}

	// A PEM upload (PKCS #1 here) is accepted and answers in SSH encoding too.
	key1 := testRSAKey(t, 1)
	pkcs1 := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&key1.PublicKey)}))
	up2, err := c.UploadSSHPublicKey(ctx, &awsiam.UploadSSHPublicKeyInput{UserName: aws.String("git"), SSHPublicKeyBody: aws.String(pkcs1)})
	if err != nil {
		t.Fatal(err)
	}
	_, sk1 := sshAuthorizedKey(t, &key1.PublicKey)
	if aws.ToString(up2.SSHPublicKey.Fingerprint) != ssh.FingerprintLegacyMD5(sk1) || !strings.HasPrefix(aws.ToString(up2.SSHPublicKey.SSHPublicKeyBody), "ssh-rsa ") {
		t.Fatalf("PEM upload %+v", up2.SSHPublicKey)
	}
	id2 := aws.ToString(up2.SSHPublicKey.SSHPublicKeyId)

	// The same key again, in either encoding, is a duplicate.
	for _, dup := range []string{body, pkixPEM(t, &key0.PublicKey)} {
		_, err = c.UploadSSHPublicKey(ctx, &awsiam.UploadSSHPublicKeyInput{UserName: aws.String("git"), SSHPublicKeyBody: aws.String(dup)})
		wantError(t, err, "DuplicateSSHPublicKey", 400, "The SSH public key is already associated with the specified IAM user.")
	}

	if _, err := c.UpdateSSHPublicKey(ctx, &awsiam.UpdateSSHPublicKeyInput{UserName: aws.String("git"), SSHPublicKeyId: aws.String(id), Status: types.StatusTypeInactive}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(sshKeyIDs(t, c, "git"), ","); got != id+":Inactive,"+id2+":Active" {
		t.Fatalf("list %s", got)
	}
	p1, err := c.ListSSHPublicKeys(ctx, &awsiam.ListSSHPublicKeysInput{UserName: aws.String("git"), MaxItems: aws.Int32(1)})
	if err != nil || len(p1.SSHPublicKeys) != 1 || !p1.IsTruncated {
		t.Fatalf("page 1 %+v %v", p1, err)
	}
	p2, err := c.ListSSHPublicKeys(ctx, &awsiam.ListSSHPublicKeysInput{UserName: aws.String("git"), MaxItems: aws.Int32(1), Marker: p1.Marker})
	if err != nil || len(p2.SSHPublicKeys) != 1 || p2.IsTruncated || aws.ToString(p2.SSHPublicKeys[0].SSHPublicKeyId) != id2 {
		t.Fatalf("page 2 %+v %v", p2, err)
	}

	// SSHPublicKeysPerUser: 5.
	for i := 2; i < 5; i++ {
		b, _ := sshAuthorizedKey(t, &testRSAKey(t, i).PublicKey)
		if _, err := c.UploadSSHPublicKey(ctx, &awsiam.UploadSSHPublicKeyInput{UserName: aws.String("git"), SSHPublicKeyBody: aws.String(b)}); err != nil {
			t.Fatal(err)
		}
	}
	sixth, _ := sshAuthorizedKey(t, &testRSAKey(t, 5).PublicKey)
	_, err = c.UploadSSHPublicKey(ctx, &awsiam.UploadSSHPublicKeyInput{UserName: aws.String("git"), SSHPublicKeyBody: aws.String(sixth)})
	wantError(t, err, "LimitExceeded", 409, "Cannot exceed quota for SSHPublicKeysPerUser: 5")

	// Refused keys.
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	smallBody, _ := sshAuthorizedKey(t, &small.PublicKey)
	edBody := "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl dev@laptop"
	if _, err := c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("fresh")}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, body, code, msg string
	}{
		{"short RSA key", smallBody, "InvalidPublicKey", "The public key is invalid: it is malformed or shorter than the minimum bit-length of 2048 bits."},
		{"malformed ssh-rsa", "ssh-rsa not-base64", "InvalidPublicKey", "The public key is invalid: it is malformed or shorter than the minimum bit-length of 2048 bits."},
		{"malformed PEM key", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "InvalidPublicKey", "The public key is invalid: it is malformed or shorter than the minimum bit-length of 2048 bits."},
		{"not a key", "hello", "UnrecognizedPublicKeyEncoding", "The public key encoding format is unsupported or unrecognized. The public key must be encoded in ssh-rsa format or PEM format."},
		{"ed25519", edBody, "UnrecognizedPublicKeyEncoding", "The public key encoding format is unsupported or unrecognized. The public key must be encoded in ssh-rsa format or PEM format."},
		{"an EC key in PEM", pkixPEM(t, &ecKey(t).PublicKey), "UnrecognizedPublicKeyEncoding", "The public key encoding format is unsupported or unrecognized. The public key must be encoded in ssh-rsa format or PEM format."},
		{"a certificate", selfSigned(t, "x", 0).certPEM, "UnrecognizedPublicKeyEncoding", "The public key encoding format is unsupported or unrecognized. The public key must be encoded in ssh-rsa format or PEM format."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.UploadSSHPublicKey(ctx, &awsiam.UploadSSHPublicKeyInput{UserName: aws.String("fresh"), SSHPublicKeyBody: aws.String(tt.body)})
			wantError(t, err, tt.code, 400, tt.msg)
		})
	}
	if got := sshKeyIDs(t, c, "fresh"); len(got) != 0 {
		t.Fatalf("refused keys stored: %v", got)
	}

	// Unknown ids, encodings, users.
	ghost := "APKAGHOSTGHOSTGHOST0"
	_, err = c.GetSSHPublicKey(ctx, &awsiam.GetSSHPublicKeyInput{UserName: aws.String("fresh"), SSHPublicKeyId: aws.String(id), Encoding: types.EncodingTypeSsh})
	wantError(t, err, "NoSuchEntity", 404, "The Public Key with id "+id+" cannot be found.")
	_, err = c.UpdateSSHPublicKey(ctx, &awsiam.UpdateSSHPublicKeyInput{UserName: aws.String("git"), SSHPublicKeyId: aws.String(ghost), Status: types.StatusTypeActive})
	wantError(t, err, "NoSuchEntity", 404, "The Public Key with id "+ghost+" cannot be found.")
	_, err = c.GetSSHPublicKey(ctx, &awsiam.GetSSHPublicKeyInput{UserName: aws.String("git"), SSHPublicKeyId: aws.String(id), Encoding: "DER"})
	wantError(t, err, "ValidationError", 400, "1 validation error detected: Value 'DER' at 'encoding' failed to satisfy constraint: Member must satisfy enum value set: [SSH, PEM]")
	_, err = c.UploadSSHPublicKey(ctx, &awsiam.UploadSSHPublicKeyInput{UserName: aws.String("nobody"), SSHPublicKeyBody: aws.String(sixth)})
	wantError(t, err, "NoSuchEntity", 404, "The user with name nobody cannot be found.")

	// DeleteUser refuses while the user has a key.
	_, err = c.DeleteUser(ctx, &awsiam.DeleteUserInput{UserName: aws.String("git")})
	wantError(t, err, "DeleteConflict", 409, "Cannot delete entity, must delete SSH public keys first.")
	out, err := c.ListSSHPublicKeys(ctx, &awsiam.ListSSHPublicKeysInput{UserName: aws.String("git")})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range out.SSHPublicKeys {
		if _, err := c.DeleteSSHPublicKey(ctx, &awsiam.DeleteSSHPublicKeyInput{UserName: aws.String("git"), SSHPublicKeyId: k.SSHPublicKeyId}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = c.DeleteSSHPublicKey(ctx, &awsiam.DeleteSSHPublicKeyInput{UserName: aws.String("git"), SSHPublicKeyId: aws.String(id)})
	wantError(t, err, "NoSuchEntity", 404, "The Public Key with id "+id+" cannot be found.")
	if _, err := c.DeleteUser(ctx, &awsiam.DeleteUserInput{UserName: aws.String("git")}); err != nil {
		t.Fatal(err)
	}
}

func TestSSHPublicKeyDenied(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	root := ts.iam(ts.root)
	if _, err := root.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("git"), Path: aws.String("/ci/")}); err != nil {
		t.Fatal(err)
	}
	body, _ := sshAuthorizedKey(t, &testRSAKey(t, 0).PublicKey)
	up, err := root.UploadSSHPublicKey(ctx, &awsiam.UploadSSHPublicKeyInput{UserName: aws.String("git"), SSHPublicKeyBody: aws.String(body)})
	if err != nil {
		t.Fatal(err)
	}
	creds := userWithKey(t, ts, "ops", "")
	if _, err := root.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("ops"), PolicyName: aws.String("p"), PolicyDocument: aws.String(policyJSON(
		statement("Allow", "iam:*", "*"), statement("Deny", "iam:*SSHPublicKey*", "arn:aws:iam::123456789012:user/ci/*")))}); err != nil {
		t.Fatal(err)
	}
	ops := ts.iam(creds)
	other, _ := sshAuthorizedKey(t, &testRSAKey(t, 1).PublicKey)
	for action, call := range map[string]func() error{
		"UploadSSHPublicKey": func() error {
			_, err := ops.UploadSSHPublicKey(ctx, &awsiam.UploadSSHPublicKeyInput{UserName: aws.String("git"), SSHPublicKeyBody: aws.String(other)})
			return err
		},
		"UpdateSSHPublicKey": func() error {
			_, err := ops.UpdateSSHPublicKey(ctx, &awsiam.UpdateSSHPublicKeyInput{UserName: aws.String("git"), SSHPublicKeyId: up.SSHPublicKey.SSHPublicKeyId, Status: types.StatusTypeInactive})
			return err
		},
		"DeleteSSHPublicKey": func() error {
			_, err := ops.DeleteSSHPublicKey(ctx, &awsiam.DeleteSSHPublicKeyInput{UserName: aws.String("git"), SSHPublicKeyId: up.SSHPublicKey.SSHPublicKeyId})
			return err
		},
		"GetSSHPublicKey": func() error {
			_, err := ops.GetSSHPublicKey(ctx, &awsiam.GetSSHPublicKeyInput{UserName: aws.String("git"), SSHPublicKeyId: up.SSHPublicKey.SSHPublicKeyId, Encoding: types.EncodingTypeSsh})
			return err
		},
	} {
		err := call()
		ae := apiError(t, err, "AccessDenied")
		if want := "iam:" + action + " on resource: arn:aws:iam::123456789012:user/ci/git with an explicit deny"; httpStatus(err) != 403 || !strings.Contains(ae.ErrorMessage(), want) {
			t.Errorf("%s: %v, want %q", action, err, want)
		}
	}
	if got := strings.Join(sshKeyIDs(t, root, "git"), ","); got != aws.ToString(up.SSHPublicKey.SSHPublicKeyId)+":Active" {
		t.Fatalf("after the refused calls: %s", got)
	}
}
