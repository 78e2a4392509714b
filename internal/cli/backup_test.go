package cli

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// serveOn runs `iamd serve` in-process on data dir with extra flags and host (an address
// without port), pointing the SDK's environment at it. stop ends it and returns its stderr.
func serveOn(t *testing.T, dir, host string, args ...string) (endpoint string, stop func() string) {
	t.Helper()
	l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(l.Addr().String())
	l.Close()
	t.Setenv("IAMD_ROOT_ACCESS_KEY_ID", "AKIACLITESTROOT00001")
	t.Setenv("IAMD_ROOT_SECRET_ACCESS_KEY", "cli-test-root-secret-000000000000000000")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	errs := &lockedBuilder{}
	go func() {
		var out strings.Builder
		done <- Main(ctx, append([]string{"serve", "--addr", net.JoinHostPort(host, port), "--data", dir, "--audit", ""}, args...), Env{Stdout: &out, Stderr: errs})
	}()
	stopped := false
	stop = func() string {
		t.Helper()
		if stopped {
			return errs.String()
		}
		stopped = true
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("iamd serve exited %d: %s", code, errs.String())
			}
		case <-time.After(15 * time.Second):
			t.Error("iamd serve did not stop")
		}
		return errs.String()
	}
	t.Cleanup(func() { stop() })
	endpoint = "http://127.0.0.1:" + port
	for i := 0; ; i++ {
		resp, err := http.Get(endpoint + "/healthz")
		if err == nil {
			resp.Body.Close()
			break
		}
		if i > 100 {
			t.Fatalf("iamd serve did not start: %v\n%s", err, errs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Setenv("AWS_ENDPOINT_URL", endpoint)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIACLITESTROOT00001")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "cli-test-root-secret-000000000000000000")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_CONFIG_FILE", os.DevNull)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", os.DevNull)
	return endpoint, stop
}

// newMasterKey is a fresh base64 master key, as --master-key takes it.
func newMasterKey(t *testing.T) (raw []byte, b64 string) {
	raw = make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		t.Fatal(err)
	}
	return raw, base64.StdEncoding.EncodeToString(raw)
}

const backupTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`

// rootSM is a Secrets Manager client of the server serveOn started, as its root user.
func rootSM(t *testing.T) *secretsmanager.Client {
	t.Helper()
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion("us-east-1"), config.WithRetryMaxAttempts(1))
	if err != nil {
		t.Fatal(err)
	}
	return secretsmanager.NewFromConfig(cfg)
}

// A backup taken while roles are being created holds every role whose creation was
// acknowledged before it began, and a secret reads back on a server started on its restore
// with the same master key; the backup holds neither the key nor the secret in plaintext.
func TestBackupUnderLoadRestores(t *testing.T) {
	ctx := context.Background()
	raw, key := newMasterKey(t)
	data := t.TempDir()
	_, stop := serveOn(t, data, "127.0.0.1", "--master-key", key)
	iamc, sm := rootIAM(t), rootSM(t)
	const secretValue = "backup-test-secret-value-7f3a9c"
	if _, err := sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("db"), SecretString: aws.String(secretValue)}); err != nil {
		t.Fatal(err)
	}

	// A bounded write load: at most 400 roles or 20 seconds, by 4 writers.
	var mu sync.Mutex
	var acked []string
	loadCtx, endLoad := context.WithTimeout(ctx, 20*time.Second)
	defer endLoad()
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 100 {
				if loadCtx.Err() != nil {
					return
				}
				name := fmt.Sprintf("load-%d-%03d", w, i)
				if _, err := iamc.CreateRole(loadCtx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(backupTrust)}); err != nil {
					if loadCtx.Err() == nil {
						t.Errorf("CreateRole %s: %v", name, err)
					}
					return
				}
				mu.Lock()
				acked = append(acked, name)
				mu.Unlock()
			}
		}()
	}
	// Back up once some writes are in, while the writers go on.
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 40 || loadCtx.Err() != nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	mu.Lock()
	before := append([]string(nil), acked...)
	mu.Unlock()
	file := filepath.Join(t.TempDir(), "iamd.backup")
	r := run(t, "", "backup", file, "--data", data)
	mu.Lock()
	during := len(acked) - len(before)
	mu.Unlock()
	r.want(t, 0)
	wg.Wait()
	endLoad()
	stop()
	if len(before) < 40 {
		t.Fatalf("only %d writes acknowledged before the backup", len(before))
	}
	t.Logf("%d roles acknowledged before the backup, %d while it ran", len(before), during)

	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, raw) || bytes.Contains(b, []byte(key)) {
		t.Error("the backup contains the master key")
	}
	if bytes.Contains(b, []byte(secretValue)) {
		t.Error("the backup contains the secret's value in plaintext")
	}
	if fi, err := os.Stat(file); err != nil || fi.Mode().Perm()&0o077 != 0 {
		t.Errorf("backup mode: %v %v", fi.Mode(), err)
	}

	restored := filepath.Join(t.TempDir(), "restored")
	run(t, "", "restore", file, "--data", restored).want(t, 0)
	serveOn(t, restored, "127.0.0.1", "--master-key", key)
	iamc, sm = rootIAM(t), rootSM(t)
	have := map[string]bool{}
	p := iam.NewListRolesPaginator(iamc, &iam.ListRolesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, role := range page.Roles {
			have[*role.RoleName] = true
		}
	}
	for _, name := range before {
		if !have[name] {
			t.Errorf("role %s, acknowledged before the backup, is not in the restore", name)
		}
	}
	got, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("db")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(got.SecretString) != secretValue {
		t.Errorf("secret reads back %q", aws.ToString(got.SecretString))
	}
}

// Restore refuses a data directory that is not empty and a file that is not an iamd
// database, and leaves the directory as it was.
func TestRestoreRefuses(t *testing.T) {
	_, key := newMasterKey(t)
	data := t.TempDir()
	_, stop := serveOn(t, data, "127.0.0.1", "--master-key", key)
	file := filepath.Join(t.TempDir(), "good.backup")
	run(t, "", "backup", file, "--data", data).want(t, 0)
	stop()

	full := t.TempDir()
	if err := os.WriteFile(filepath.Join(full, "keep"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := run(t, "", "restore", file, "--data", full).want(t, 1)
	if !strings.Contains(r.stderr, "is not empty") {
		t.Errorf("stderr: %s", r.stderr)
	}
	if entries, _ := os.ReadDir(full); len(entries) != 1 {
		t.Errorf("restore changed the non-empty directory: %v", entries)
	}

	junk := filepath.Join(t.TempDir(), "junk")
	if err := os.WriteFile(junk, bytes.Repeat([]byte("not a database "), 512), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(t.TempDir(), "empty")
	r = run(t, "", "restore", junk, "--data", empty).want(t, 1)
	if !strings.Contains(r.stderr, "not an iamd database") {
		t.Errorf("stderr: %s", r.stderr)
	}
	if entries, err := os.ReadDir(empty); err == nil && len(entries) != 0 {
		t.Errorf("restore of a non-database wrote %v", entries)
	}

	run(t, "", "restore", file).want(t, 2) // no --data
	run(t, "", "backup", filepath.Join(t.TempDir(), "x"), "--data", t.TempDir()).want(t, 1)
	run(t, "", "backup", file, "--data", data).want(t, 1) // the file exists already
}

// serve warns once when its master key is DATA/master.key and it listens beyond loopback,
// and not when the key comes from elsewhere or it listens on loopback.
func TestServeWarnsMasterKeyInData(t *testing.T) {
	const warning = "the master key is in the data directory"
	_, stop := serveOn(t, t.TempDir(), "0.0.0.0")
	if n := strings.Count(stop(), warning); n != 1 {
		t.Errorf("non-loopback with the key in DATA: %d warnings", n)
	}
	_, key := newMasterKey(t)
	_, stop = serveOn(t, t.TempDir(), "0.0.0.0", "--master-key", key)
	if strings.Contains(stop(), warning) {
		t.Error("warned with --master-key")
	}
	_, stop = serveOn(t, t.TempDir(), "127.0.0.1")
	if strings.Contains(stop(), warning) {
		t.Error("warned on loopback")
	}
}
