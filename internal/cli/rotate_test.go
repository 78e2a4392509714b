package cli

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"database/sql"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	_ "modernc.org/sqlite"

	iamdiam "github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/saml/samltest"
	"github.com/iamd-dev/iamd/internal/secretbox"
	"github.com/iamd-dev/iamd/internal/secrets"
)

// generateKey runs `iamd rotate-master-key --generate` into a new file of dir and returns
// its path and key.
func generateKey(t *testing.T, dir, name string) (string, []byte) {
	t.Helper()
	path := filepath.Join(dir, name)
	run(t, "", "rotate-master-key", "--generate", path).want(t, 0)
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("generated key file: %v, %v", info, err)
	}
	keys, err := secretbox.LoadKeyFile(path)
	if err != nil || len(keys) != 1 {
		t.Fatalf("generated key file: %v", err)
	}
	return path, keys[0]
}

// sdkConfig is an SDK config of the server serveOn started, with static credentials.
func sdkConfig(t *testing.T, id, secret, token string) aws.Config {
	t.Helper()
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion("us-east-1"), config.WithRetryMaxAttempts(1),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(id, secret, token)))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// totp is a virtual MFA device's code at a step.
func totp(t *testing.T, seed []byte, step int64) string {
	t.Helper()
	code, err := hotp.GenerateCodeCustom(string(seed), uint64(step), hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return code
}

func totpNow() int64 { return time.Now().Unix() / 30 }

// sealedDocs reads every document of a stopped or running server's database and counts,
// by collection, the sealed values under the key of id (its header's base64 found in the
// document's JSON, where []byte fields are base64).
func sealedDocs(t *testing.T, dataDir string, id secretbox.KeyID) map[string]int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dataDir, "iamd.db")+"?mode=ro&_pragma=query_only(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("SELECT collection, body FROM documents")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	marker := base64.StdEncoding.EncodeToString(secretbox.HeaderOf(id))
	found := map[string]int{}
	for rows.Next() {
		var collection string
		var body []byte
		if err := rows.Scan(&collection, &body); err != nil {
			t.Fatal(err)
		}
		if n := bytes.Count(body, []byte(marker)); n > 0 {
			found[collection] += n
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return found
}

// serverCertificate is a self-signed certificate and its private key, PEM.
func serverCertificate(t *testing.T) (string, string) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "rotate.example.com"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	priv := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	return string(cert), string(priv)
}

// The master key rotates online, under a write load, on a server started from
// --master-key-file: secrets still read, the MFA device's codes still verify, a session
// token issued before is refused as AWS refuses a token it cannot read, the database holds
// no value sealed under the old key (and every collection holding sealed values is one the
// rotation knows), the key file holds the new key only, and the server restarts with the
// new key and refuses the old one clearly.
func TestRotateMasterKeyOnline(t *testing.T) {
	ctx := context.Background()
	keys, data := t.TempDir(), t.TempDir()
	keyFile, oldKey := generateKey(t, keys, "master.key")
	newKeyFile, newKey := generateKey(t, keys, "next.key")
	oldID, newID := secretbox.IDOf(oldKey), secretbox.IDOf(newKey)
	_, stop := serveOn(t, data, "127.0.0.1", "--master-key-file", keyFile)
	if _, err := os.Stat(filepath.Join(data, "master.key")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a key file in DATA with --master-key-file: %v", err)
	}
	iamc, sm := rootIAM(t), rootSM(t)

	// One of each kind of sealed value.
	if _, err := sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("db"), SecretString: aws.String("s3cr3t-string")}); err != nil {
		t.Fatal(err)
	}
	if _, err := sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("blob"), SecretBinary: []byte{0, 1, 2, 0xff}}); err != nil {
		t.Fatal(err)
	}
	if _, err := iamc.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}
	ak, err := iamc.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	dev, err := iamc.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("alice-phone")})
	if err != nil {
		t.Fatal(err)
	}
	seed, serial := dev.VirtualMFADevice.Base32StringSeed, dev.VirtualMFADevice.SerialNumber
	s := totpNow()
	if _, err := iamc.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String("alice"), SerialNumber: serial,
		AuthenticationCode1: aws.String(totp(t, seed, s-3)), AuthenticationCode2: aws.String(totp(t, seed, s-2))}); err != nil {
		t.Fatal(err)
	}
	cert, priv := serverCertificate(t)
	if _, err := iamc.UploadServerCertificate(ctx, &iam.UploadServerCertificateInput{ServerCertificateName: aws.String("web"), CertificateBody: aws.String(cert), PrivateKey: aws.String(priv)}); err != nil {
		t.Fatal(err)
	}
	if _, err := iamc.CreateServiceSpecificCredential(ctx, &iam.CreateServiceSpecificCredentialInput{UserName: aws.String("alice"), ServiceName: aws.String("codecommit.amazonaws.com")}); err != nil {
		t.Fatal(err)
	}
	if _, err := iamc.EnableOutboundWebIdentityFederation(ctx, &iam.EnableOutboundWebIdentityFederationInput{}); err != nil {
		t.Fatal(err)
	}
	idp, err := samltest.New("https://idp.example.com/saml")
	if err != nil {
		t.Fatal(err)
	}
	samlKey := string(idp.MarshalPEM())
	samlKey = samlKey[:strings.Index(samlKey, "-----BEGIN CERTIFICATE")]
	if _, err := iamc.CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{Name: aws.String("corp"), SAMLMetadataDocument: aws.String(idp.Metadata("")),
		AddPrivateKey: aws.String(samlKey), AssertionEncryptionMode: iamtypes.AssertionEncryptionModeTypeAllowed}); err != nil {
		t.Fatal(err)
	}
	alice := sts.NewFromConfig(sdkConfig(t, *ak.AccessKey.AccessKeyId, *ak.AccessKey.SecretAccessKey, ""))
	sess, err := alice.GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	oldSession := sts.NewFromConfig(sdkConfig(t, *sess.Credentials.AccessKeyId, *sess.Credentials.SecretAccessKey, *sess.Credentials.SessionToken))
	if _, err := oldSession.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}

	// An encoded authorization message of a denied EC2 call, decodable before the rotation.
	_, err = ec2.NewFromConfig(sdkConfig(t, *ak.AccessKey.AccessKeyId, *ak.AccessKey.SecretAccessKey, "")).RunInstances(ctx, &ec2.RunInstancesInput{
		ImageId: aws.String("ami-0abcdef1234567890"), InstanceType: ec2types.InstanceTypeT3Micro, MinCount: aws.Int32(1), MaxCount: aws.Int32(1)})
	const marker = "Encoded authorization failure message: "
	var denied smithy.APIError
	if !errors.As(err, &denied) || denied.ErrorCode() != "UnauthorizedOperation" || !strings.Contains(denied.ErrorMessage(), marker) {
		t.Fatalf("a denied RunInstances: %v", err)
	}
	encoded := denied.ErrorMessage()[strings.Index(denied.ErrorMessage(), marker)+len(marker):]
	rootSTS := sts.NewFromConfig(sdkConfig(t, "AKIACLITESTROOT00001", "cli-test-root-secret-000000000000000000", ""))
	if _, err := rootSTS.DecodeAuthorizationMessage(ctx, &sts.DecodeAuthorizationMessageInput{EncodedMessage: aws.String(encoded)}); err != nil {
		t.Fatalf("decoding before the rotation: %v", err)
	}

	// Every collection holding values sealed under the old key is one the rotation knows.
	known := map[string]bool{}
	for _, c := range append(iamdiam.SealedCollections(), secrets.SealedCollections()...) {
		known[c.Name] = true
	}
	before := sealedDocs(t, data, oldID)
	for collection := range before {
		if !known[collection] {
			t.Errorf("%s holds values sealed under the master key and no SealedCollections lists it", collection)
		}
	}
	for _, want := range []string{"iam.access-key", "iam.mfa-device", "iam.server-certificate", "iam.service-credential", "iam.outbound-federation", "iam.saml-provider", "secrets.version"} {
		if before[want] == 0 {
			t.Errorf("no value of %s sealed under the old key before the rotation: %v", want, before)
		}
	}

	t.Logf("sealed under the old key before the rotation: %v", before)
	// A bounded write load during the rotation: 2 writers, at most 60 secrets each or 30
	// seconds; each acknowledged secret must read back after it.
	var mu sync.Mutex
	acked := map[string]string{}
	loadCtx, endLoad := context.WithTimeout(ctx, 30*time.Second)
	defer endLoad()
	var wg sync.WaitGroup
	started := make(chan struct{}, 2)
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 60 {
				if loadCtx.Err() != nil {
					return
				}
				name, value := fmt.Sprintf("load-%d-%d", w, i), fmt.Sprintf("value-%d-%d", w, i)
				if _, err := sm.CreateSecret(loadCtx, &secretsmanager.CreateSecretInput{Name: aws.String(name), SecretString: aws.String(value)}); err == nil {
					mu.Lock()
					acked[name] = value
					mu.Unlock()
				}
				if i == 2 {
					started <- struct{}{}
				}
			}
		}()
	}
	// A third writer replaces one secret's value, over and over: its last acknowledged value
	// must be the one read after.
	if _, err := sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("hot"), SecretString: aws.String("hot-0")}); err != nil {
		t.Fatal(err)
	}
	// A write cut short by the end of the load may have committed unacknowledged: the value
	// read is the last acknowledged one or one tried after it.
	lastHot, triedHot := 0, 0
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 1; i <= 60 && loadCtx.Err() == nil; i++ {
			mu.Lock()
			triedHot = i
			mu.Unlock()
			if _, err := sm.PutSecretValue(loadCtx, &secretsmanager.PutSecretValueInput{SecretId: aws.String("hot"), SecretString: aws.String(fmt.Sprintf("hot-%d", i))}); err == nil {
				mu.Lock()
				lastHot = i
				mu.Unlock()
			}
		}
	}()
	<-started
	out := run(t, "", "rotate-master-key", "--new-key-file", newKeyFile).want(t, 0)
	endLoad()
	wg.Wait()
	for _, want := range []string{"now the key of id " + newID.String(), "retired: " + oldID.String(), "STS session tokens", "now holds the new key only"} {
		if !strings.Contains(out.stdout, want) {
			t.Errorf("rotate-master-key output lacks %q:\n%s", want, out.stdout)
		}
	}
	t.Logf("%d secrets written during the rotation; %s", len(acked), out.stdout)
	if len(acked) < 3 {
		t.Fatalf("only %d writes during the rotation", len(acked))
	}

	// Secrets, MFA codes and access keys keep working; the old session ends.
	got, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("db")})
	if err != nil || *got.SecretString != "s3cr3t-string" {
		t.Fatalf("the secret after the rotation: %v", err)
	}
	bin, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("blob")})
	if err != nil || !bytes.Equal(bin.SecretBinary, []byte{0, 1, 2, 0xff}) {
		t.Fatalf("the binary secret after the rotation: %v", err)
	}
	for name, value := range acked {
		got, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(name)})
		if err != nil || *got.SecretString != value {
			t.Errorf("secret %s written during the rotation: %v", name, err)
		}
	}
	hot, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("hot")})
	var hotN int
	if err == nil {
		_, err = fmt.Sscanf(*hot.SecretString, "hot-%d", &hotN)
	}
	if err != nil || hotN < lastHot || hotN > triedHot {
		t.Errorf("the secret replaced during the rotation: hot-%d, %v; want from hot-%d (acknowledged last) to hot-%d (tried last)", hotN, err, lastHot, triedHot)
	}
	// The device's drift is -2 steps; a code one step later than that is within the skew
	// and later than the last code accepted.
	mfaSess, err := alice.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: serial, TokenCode: aws.String(totp(t, seed, totpNow()-1))})
	if err != nil {
		t.Fatalf("an MFA code after the rotation: %v", err)
	}
	newSession := sts.NewFromConfig(sdkConfig(t, *mfaSess.Credentials.AccessKeyId, *mfaSess.Credentials.SecretAccessKey, *mfaSess.Credentials.SessionToken))
	if _, err := newSession.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("a session issued after the rotation: %v", err)
	}
	_, err = oldSession.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "InvalidClientTokenId" || apiErr.ErrorMessage() != "The security token included in the request is invalid." {
		t.Fatalf("a session token issued before the rotation: %v, want InvalidClientTokenId", err)
	}

	_, err = rootSTS.DecodeAuthorizationMessage(ctx, &sts.DecodeAuthorizationMessageInput{EncodedMessage: aws.String(encoded)})
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "InvalidAuthorizationMessageException" {
		t.Errorf("an authorization message encoded before the rotation: %v, want InvalidAuthorizationMessageException", err)
	}

	// Nothing stored opens under the old key; the values are under the new one.
	if left := sealedDocs(t, data, oldID); len(left) != 0 {
		t.Errorf("values still sealed under the old key: %v", left)
	}
	after := sealedDocs(t, data, newID)
	for collection, n := range before {
		if after[collection] < n {
			t.Errorf("%s: %d values under the new key, %d were under the old", collection, after[collection], n)
		}
	}
	onFile, err := secretbox.LoadKeyFile(keyFile)
	if err != nil || len(onFile) != 1 || !bytes.Equal(onFile[0], newKey) {
		t.Fatalf("the key file after the rotation holds %d keys (the new one: %v), %v", len(onFile), len(onFile) == 1 && bytes.Equal(onFile[0], newKey), err)
	}
	if info, _ := os.Stat(keyFile); info.Mode().Perm() != 0o600 {
		t.Errorf("the key file's mode after the rotation: %v", info.Mode().Perm())
	}
	// A backup taken now (VACUUM INTO: no free pages, no WAL) holds nothing of the old key.
	backup := filepath.Join(t.TempDir(), "after.db")
	run(t, "", "backup", backup, "--data", data).want(t, 0)
	raw, err := os.ReadFile(backup)
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(raw, []byte(base64.StdEncoding.EncodeToString(secretbox.HeaderOf(oldID)))); n != 0 {
		t.Errorf("a backup taken after the rotation holds %d values sealed under the old key", n)
	}
	if n := bytes.Count(raw, []byte(base64.StdEncoding.EncodeToString(secretbox.HeaderOf(newID)))); n == 0 {
		t.Error("the backup holds no value under the new key: the scan finds nothing")
	}
	stop()
	t.Logf("raw bytes of the old key's header left in DATA's files (free pages, WAL): %v", rawResidue(t, data, oldID))

	// The old key is refused with a message naming the key to use; the new one serves.
	oldFile := filepath.Join(keys, "old.key")
	if err := os.WriteFile(oldFile, []byte(base64.StdEncoding.EncodeToString(oldKey)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	res := run(t, "", "serve", "--addr", "127.0.0.1:0", "--data", data, "--audit", "", "--master-key-file", oldFile).want(t, 1)
	if !strings.Contains(res.stderr, "retired by iamd rotate-master-key") || !strings.Contains(res.stderr, newID.String()) {
		t.Errorf("serve with the retired key: %s", res.stderr)
	}
	_, stop = serveOn(t, data, "127.0.0.1", "--master-key-file", keyFile)
	got, err = rootSM(t).GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("db")})
	if err != nil || *got.SecretString != "s3cr3t-string" {
		t.Fatalf("the secret after a restart with the new key: %v", err)
	}
	stop()
}

// A server whose key came from the environment rotates too: its output says the operator
// must update the variable, no key file appears, and the server restarts with the new key
// given the same way.
func TestRotateMasterKeyFromEnvironment(t *testing.T) {
	ctx := context.Background()
	keys, data := t.TempDir(), t.TempDir()
	_, oldKey := newMasterKey(t)
	newKeyFile, newKey := generateKey(t, keys, "next.key")
	_, stop := serveOn(t, data, "127.0.0.1", "--master-key", oldKey)
	if _, err := rootSM(t).CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("db"), SecretString: aws.String("env-secret")}); err != nil {
		t.Fatal(err)
	}
	out := run(t, "", "rotate-master-key", "--new-key-file", newKeyFile).want(t, 0)
	if !strings.Contains(out.stdout, "from the environment") {
		t.Errorf("output: %s", out.stdout)
	}
	stop()
	if _, err := os.Stat(filepath.Join(data, "master.key")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a key file was written into DATA: %v", err)
	}
	res := run(t, "", "serve", "--addr", "127.0.0.1:0", "--data", data, "--audit", "", "--master-key", oldKey).want(t, 1)
	if !strings.Contains(res.stderr, "retired") {
		t.Errorf("serve with the old key: %s", res.stderr)
	}
	_, stop = serveOn(t, data, "127.0.0.1", "--master-key", base64.StdEncoding.EncodeToString(newKey))
	got, err := rootSM(t).GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("db")})
	if err != nil || *got.SecretString != "env-secret" {
		t.Fatalf("the secret after a restart with the new key: %v", err)
	}
	stop()
}

// --master-key-file refuses a file others may read, as ssh does, and a missing one with
// the command that makes it; a key file is never overwritten by --generate; only the
// default account's root user may rotate.
func TestMasterKeyFileChecks(t *testing.T) {
	keys := t.TempDir()
	path, _ := generateKey(t, keys, "master.key")
	if err := os.Chmod(path, 0o640); err != nil {
		t.Fatal(err)
	}
	res := run(t, "", "serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--audit", "", "--master-key-file", path).want(t, 1)
	if !strings.Contains(res.stderr, "permissions 0640") || !strings.Contains(res.stderr, "too open") {
		t.Errorf("a group-readable key file: %s", res.stderr)
	}
	missing := filepath.Join(keys, "missing.key")
	res = run(t, "", "serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--audit", "", "--master-key-file", missing).want(t, 1)
	if !strings.Contains(res.stderr, "rotate-master-key --generate "+missing) {
		t.Errorf("a missing key file: %s", res.stderr)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	run(t, "", "rotate-master-key", "--generate", path).want(t, 1)
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("--generate overwrote a key file")
	}
	run(t, "", "rotate-master-key").want(t, 2)

	ctx := context.Background()
	_, stop := serveOn(t, t.TempDir(), "127.0.0.1", "--master-key-file", path)
	if _, err := rootIAM(t).CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bob")}); err != nil {
		t.Fatal(err)
	}
	if _, err := rootIAM(t).AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("bob"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")}); err != nil {
		t.Fatal(err)
	}
	ak, err := rootIAM(t).CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("bob")})
	if err != nil {
		t.Fatal(err)
	}
	next, _ := generateKey(t, keys, "next.key")
	t.Setenv("AWS_ACCESS_KEY_ID", *ak.AccessKey.AccessKeyId)
	t.Setenv("AWS_SECRET_ACCESS_KEY", *ak.AccessKey.SecretAccessKey)
	res = run(t, "", "rotate-master-key", "--new-key-file", next).want(t, 1)
	if !strings.Contains(res.stderr, "AccessDenied") || !strings.Contains(res.stderr, "only the root user of account 123456789012 may rotate the master key") {
		t.Errorf("a user's rotation: %s", res.stderr)
	}
	stop()
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Errorf("the key file changed after a refused rotation")
	}
}

// rawResidue counts, by file of the data directory, the base64 of the key's header in the
// raw bytes (free pages and the WAL included).
func rawResidue(t *testing.T, dir string, id secretbox.KeyID) map[string]int {
	t.Helper()
	marker := []byte(base64.StdEncoding.EncodeToString(secretbox.HeaderOf(id)))
	found := map[string]int{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if n := bytes.Count(data, marker); n > 0 {
			found[e.Name()] = n
		}
	}
	return found
}
